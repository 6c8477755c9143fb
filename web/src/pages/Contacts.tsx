import {
  Badge,
  Button,
  Field,
  Input,
  makeStyles,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from "@fluentui/react-components";
import { useEffect, useState, type FormEvent } from "react";
import { useNavigate, useSearchParams } from "react-router";
import type { ContactKind, ContactSummary } from "../../../shared/index.ts";
import { client, mustChangePassword } from "../api.ts";
import { AppLink } from "../components/AppLink.tsx";
import { ChangePasswordPage } from "../components/ChangePassword.tsx";
import { Inert } from "../components/Inert.tsx";
import { usePageTitle } from "../components/page-title.ts";
import { PagedList, usePagedList } from "../components/Listing.tsx";
import { contactSearch } from "../contacts/ContactPicker.tsx";
import { contactUrl } from "../contacts/keys.ts";
import { useAfterDialog } from "../components/after-dialog.ts";
import { NewContactDialog } from "../contacts/NewContact.tsx";
import { hasDraft } from "../drafts.ts";
import { useTexts } from "../i18n.tsx";
import { useMe } from "../session.ts";

const NEW_DRAFT = "contact-new";

const useStyles = makeStyles({
  page: { padding: "24px", display: "flex", flexDirection: "column", gap: "16px", minWidth: 0, "@media (max-width: 600px)": { padding: "12px" } },
  header: { display: "flex", flexWrap: "wrap", justifyContent: "space-between", alignItems: "center", gap: "8px" },
  heading: { margin: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
  search: {
    display: "grid",
    gridTemplateColumns: "minmax(0, 3fr) minmax(0, 1fr) auto",
    gap: "12px 16px",
    alignItems: "end",
    padding: "16px",
    backgroundColor: tokens.colorNeutralBackground2,
    borderRadius: tokens.borderRadiusMedium,
    "@media (max-width: 700px)": { gridTemplateColumns: "minmax(0, 1fr)" },
  },
  control: { minWidth: 0 },
  select: { minWidth: 0, maxWidth: "100%" },
  scroll: { overflowX: "auto", maxWidth: "100%" },
  table: { minWidth: "640px", "& td": { overflowWrap: "anywhere" } },
  nowrap: { whiteSpace: "nowrap" },
});

const kindOf = (v: string | null): ContactKind | undefined => (v === "person" || v === "organisation" ? v : undefined);

/**
 * PARTER (/parter): the archive's contacts, persons and organisations, found by name, e-mail address, CVR or CPR
 * number, of one kind or both, a page at a time; a new contact from here opens its page. The search is in the
 * address (?q=…&type=…), so a link or the back button keeps it.
 */
export function Contacts() {
  const s = useStyles();
  const { t } = useTexts();
  const navigate = useNavigate();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const q = params.get("q") ?? "";
  const kind = kindOf(params.get("type"));
  // A CPR number searched for stays out of the address (and so out of the history and every link to it).
  const [cpr, setCpr] = useState<string | null>(null);
  const [typed, setTyped] = useState(q);
  useEffect(() => {
    if (q || !cpr) setTyped(q);
  }, [q, cpr]);
  const [creating, setCreating] = useState(() => hasDraft(NEW_DRAFT));
  const after = useAfterDialog();
  const search = cpr ? { cpr } : contactSearch(q);
  const { list, items } = usePagedList(["contacts", "list", search, kind ?? ""], (cursor, limit) => client.listContacts({ ...search, kind, cursor, limit }));
  usePageTitle(t("web.contacts.title"));

  const set = (name: "q" | "type", value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const asked = contactSearch(typed);
    setCpr(asked.cpr ?? null);
    set("q", asked.q);
  };
  const staff = !!me.data && me.data.role !== "external";
  const searched = !!q || !!kind || !!cpr;

  if (mustChangePassword(list.error)) return <ChangePasswordPage className={s.page} />;
  return (
    <main className={s.page} data-testid="contact-list">
      <div className={s.header}>
        <Text as="h1" size={600} weight="semibold" className={s.heading}>
          {t("web.contacts.title")}
        </Text>
        {staff && (
          <Button appearance="primary" onClick={() => setCreating(true)} data-testid="new-contact">
            {t("web.contacts.new")}
          </Button>
        )}
      </div>
      <Text className={s.muted}>{t("web.contacts.intro")}</Text>
      <NewContactDialog
        draftKey={NEW_DRAFT}
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          after.later(() => void navigate(contactUrl(created.id)));
          setCreating(false);
        }}
        onClosed={after.closed}
      />
      <form role="search" className={s.search} aria-label={t("web.contacts.search")} onSubmit={submit} data-testid="contact-search">
        <Field className={s.control} label={t("web.contacts.search.label")} hint={t("web.contacts.search.hint")}>
          <Input type="search" value={typed} onChange={(_e, d) => setTyped(d.value)} data-testid="contact-search-text" />
        </Field>
        <Field className={s.control} label={t("web.contacts.kind")}>
          <Select className={s.select} value={kind ?? ""} onChange={(_e, d) => set("type", d.value || undefined)} data-testid="contact-kind">
            <option value="">{t("web.contacts.kind.any")}</option>
            <option value="person">{t("web.contacts.kind.persons")}</option>
            <option value="organisation">{t("web.contacts.kind.organisations")}</option>
          </Select>
        </Field>
        <Button type="submit" data-testid="contact-search-submit">
          {t("web.contacts.search.submit")}
        </Button>
      </form>
      <PagedList
        list={list}
        count={items.length}
        empty={searched ? "web.contacts.noneFound" : "web.contacts.none"}
        emptyTestId="contact-list-empty"
        moreTestId="more-contacts"
      >
        <div className={s.scroll} data-scrolls>
          <ContactRows items={items} label={t("web.contacts.table")} />
        </div>
      </PagedList>
    </main>
  );
}

function ContactRows({ items, label }: { items: ContactSummary[]; label: string }) {
  const s = useStyles();
  const { t } = useTexts();
  return (
    <Table size="small" aria-label={label} className={s.table}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>{t("web.contacts.column.name")}</TableHeaderCell>
          <TableHeaderCell>{t("web.contacts.column.kind")}</TableHeaderCell>
          <TableHeaderCell>{t("web.contacts.column.email")}</TableHeaderCell>
          <TableHeaderCell>{t("web.contacts.column.phone")}</TableHeaderCell>
          <TableHeaderCell>{t("web.contacts.column.number")}</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((c) => (
          <TableRow key={c.id} data-contact-id={c.id}>
            <TableCell>
              <AppLink to={contactUrl(c.id)}>
                <Inert text={c.name} />
              </AppLink>
            </TableCell>
            <TableCell>
              <Badge appearance="tint" color={c.kind === "person" ? "brand" : "informative"}>
                {t(c.kind === "person" ? "web.contacts.kind.person" : "web.contacts.kind.organisation")}
              </Badge>
            </TableCell>
            <TableCell>{c.emails.length ? <Inert text={c.emails.join(", ")} /> : t("web.contacts.nothing")}</TableCell>
            <TableCell className={s.nowrap}>{c.phone ? <Inert text={c.phone} /> : t("web.contacts.nothing")}</TableCell>
            <TableCell className={s.nowrap}>{c.cvr ? `CVR ${c.cvr}` : c.cprMasked ? `CPR ${c.cprMasked}` : t("web.contacts.nothing")}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
