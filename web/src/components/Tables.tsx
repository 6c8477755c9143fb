import { Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from "@fluentui/react-components";
import type { CaseSummary, DocumentSummary } from "../../../shared/index.ts";
import { AppLink, caseLink, documentLink } from "./AppLink.tsx";
import { Inert } from "./Inert.tsx";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";

/** Cases as the product's lists show them: title (a link to the case), number, when changed. */
export function CaseTable({ items, label }: { items: CaseSummary[]; label: string }) {
  const { t, language } = useTexts();
  return (
    <Table size="small" aria-label={label}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>{t("web.column.case")}</TableHeaderCell>
          <TableHeaderCell>{t("web.column.number")}</TableHeaderCell>
          <TableHeaderCell>{t("web.column.changed")}</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((c) => (
          <TableRow key={c.id} data-case-id={c.id}>
            <TableCell>
              <AppLink to={caseLink(c.number)}>
                <Inert text={c.title} />
              </AppLink>
            </TableCell>
            <TableCell>{c.number}</TableCell>
            <TableCell>{formatMoment(c.changedAt, language)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** Documents by title (a link to the document), when changed and by whom; a user who no longer exists is "a former user". */
export function DocumentTable({ items, label }: { items: DocumentSummary[]; label: string }) {
  const { t, language } = useTexts();
  return (
    <Table size="small" aria-label={label}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>{t("web.column.title")}</TableHeaderCell>
          <TableHeaderCell>{t("web.column.changed")}</TableHeaderCell>
          <TableHeaderCell>{t("web.column.changedBy")}</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((d) => (
          <TableRow key={d.id} data-document-id={d.id}>
            <TableCell>
              <AppLink to={documentLink(d.id)}>
                <Inert text={d.title} />
              </AppLink>
            </TableCell>
            <TableCell>{formatMoment(d.changedAt, language)}</TableCell>
            <TableCell>{d.changedByName ?? t("web.changedBy.formerUser")}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
