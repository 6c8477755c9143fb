import { makeStyles, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from "@fluentui/react-components";
import type { ReactNode } from "react";
import type { ContactCase, ContactDocument } from "../../../shared/api/schemas/contacts.ts";
import { client } from "../api.ts";
import { AppLink, caseLink, documentLink } from "../components/AppLink.tsx";
import { Inert } from "../components/Inert.tsx";
import { PagedList, usePagedList, type PagedState } from "../components/Listing.tsx";
import { useSectionStyles } from "../document/styles.ts";
import { formatMoment } from "../format.ts";
import { useTexts, type TextKey } from "../i18n.tsx";
import { contactCasesKey, contactDocumentsKey, roleName } from "./keys.ts";

const useStyles = makeStyles({
  table: { minWidth: "560px", "& td": { overflowWrap: "anywhere" } },
  nowrap: { whiteSpace: "nowrap" },
});

/** A listing of what the contact is party to, in its own scrolling box, a page at a time ("Vis flere"). */
function Paged({ list, count, none, testId, children }: { list: PagedState; count: number; none: TextKey; testId: string; children: ReactNode }) {
  const section = useSectionStyles();
  return (
    <PagedList list={list} count={count} empty={none} emptyTestId={`${testId}-none`} moreTestId={`${testId}-more`}>
      <div className={section.scroll} data-scrolls>
        {children}
      </div>
    </PagedList>
  );
}

/** The cases the contact is party to, among those the person may see: case (to its page), number, role, status, since when. */
export function ContactCases({ contactId }: { contactId: string }) {
  const s = useStyles();
  const { t, language } = useTexts();
  const { list, items } = usePagedList<ContactCase>(contactCasesKey(contactId), (cursor, limit) => client.contactCases(contactId, { cursor, limit }));
  return (
    <Paged list={list} count={items.length} none="web.contact.cases.none" testId="contact-cases">
      <Table size="small" aria-label={t("web.contact.cases")} className={s.table} data-testid="contact-cases">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{t("web.column.case")}</TableHeaderCell>
            <TableHeaderCell>{t("web.column.number")}</TableHeaderCell>
            <TableHeaderCell>{t("web.parties.column.role")}</TableHeaderCell>
            <TableHeaderCell>{t("web.contact.column.status")}</TableHeaderCell>
            <TableHeaderCell>{t("web.contact.column.since")}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {items.map((l) => (
            <TableRow key={l.partyId} data-case-id={l.case.id}>
              <TableCell>
                <AppLink to={caseLink(l.case.number)}>
                  <Inert text={l.case.title} />
                </AppLink>
              </TableCell>
              <TableCell className={s.nowrap}>{l.case.number}</TableCell>
              <TableCell data-field="role">{roleName(l.role, language)}</TableCell>
              <TableCell>{t(l.case.status === "closed" ? "web.case.status.closed" : "web.case.status.active")}</TableCell>
              <TableCell className={s.nowrap}>{formatMoment(l.addedAt, language)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Paged>
  );
}

/** The documents the contact is party to (sender, recipient, …), among those the person may see, with the case each is in. */
export function ContactDocuments({ contactId }: { contactId: string }) {
  const s = useStyles();
  const { t, language } = useTexts();
  const { list, items } = usePagedList<ContactDocument>(contactDocumentsKey(contactId), (cursor, limit) =>
    client.contactDocuments(contactId, { cursor, limit }),
  );
  return (
    <Paged list={list} count={items.length} none="web.contact.documents.none" testId="contact-documents">
      <Table size="small" aria-label={t("web.contact.documents")} className={s.table} data-testid="contact-documents">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{t("web.column.title")}</TableHeaderCell>
            <TableHeaderCell>{t("web.column.case")}</TableHeaderCell>
            <TableHeaderCell>{t("web.parties.column.role")}</TableHeaderCell>
            <TableHeaderCell>{t("web.contact.column.since")}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {items.map((l) => (
            <TableRow key={l.partyId} data-document-id={l.document.id}>
              <TableCell>
                <AppLink to={documentLink(l.document.id)}>
                  <Inert text={l.document.title} />
                </AppLink>
              </TableCell>
              <TableCell>
                {l.case ? (
                  <AppLink to={caseLink(l.case.number)}>
                    <Inert text={`${l.case.number} ${l.case.title}`} />
                  </AppLink>
                ) : (
                  t("web.contact.documents.floating")
                )}
              </TableCell>
              <TableCell data-field="role">{roleName(l.role, language)}</TableCell>
              <TableCell className={s.nowrap}>{formatMoment(l.addedAt, language)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Paged>
  );
}
