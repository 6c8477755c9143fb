import {
  Button,
  Field,
  makeStyles,
  Select,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
} from "@fluentui/react-components";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type FormEvent } from "react";
import type { ContactSummary, Party } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { AppLink } from "../components/AppLink.tsx";
import { Inert, visibleControls } from "../components/Inert.tsx";
import { Problem } from "../components/Problem.tsx";
import { useSectionStyles } from "../document/styles.ts";
import { hasDraft } from "../drafts.ts";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";
import { useMe } from "../session.ts";
import { ContactPicker } from "./ContactPicker.tsx";
import { contactUrl, partiesKey, roleName, rolesFor, usePartyRoles } from "./keys.ts";
import { NewContactDialog } from "./NewContact.tsx";

const useStyles = makeStyles({
  table: { minWidth: "560px", "& td": { overflowWrap: "anywhere" } },
  heading: { margin: 0 },
  subheading: { margin: 0 },
  picker: { flexGrow: 1, minWidth: "min(260px, 100%)" },
  role: { minWidth: "min(200px, 100%)" },
  select: { minWidth: 0, maxWidth: "100%" },
});

/** A role's name inside a sentence ("tilføjet som elev"). */
const inSentence = (name: string) => name.toLocaleLowerCase();

interface PartiesSectionProps {
  on: "case" | "document";
  /** The case's or the document's id. */
  id: string;
  /** A closed case: its parties are shown, and only administrators change them (as policy.ts says for the case itself). */
  closed?: boolean;
}

/**
 * PARTER on a case or a document: the contacts it concerns, each in a role (in the language the person reads),
 * adding one (find a contact or create it, pick a role meant for this kind of record) and removing one.
 */
export function PartiesSection({ on, id, closed = false }: PartiesSectionProps) {
  const section = useSectionStyles();
  const s = useStyles();
  const { t, language } = useTexts();
  const queries = useQueryClient();
  const me = useMe();
  const heading = useRef<HTMLHeadingElement>(null);
  const [said, setSaid] = useState<string | null>(null);
  const parties = useQuery({ queryKey: partiesKey(on, id), queryFn: () => client.parties(on, id) });
  const staff = !!me.data && me.data.role !== "external";
  const mayChange = staff && (!closed || me.data?.role === "admin");
  const changed = () => {
    void queries.invalidateQueries({ queryKey: partiesKey(on, id) });
    void queries.invalidateQueries({ queryKey: ["contact-cases"] });
    void queries.invalidateQueries({ queryKey: ["contact-documents"] });
  };
  const remove = useMutation({
    mutationFn: (party: Party) => client.removeParty(on, id, party.id),
    onMutate: () => setSaid(null),
    onSuccess: (_r, party) => {
      setSaid(t("web.parties.removed", { name: visibleControls(party.contact.name), role: inSentence(roleName(party.role, language)) }));
      changed();
      // The row with the button is gone: focus goes back to the section, not to the top of the page.
      heading.current?.focus();
    },
  });
  const headingId = `parties-${on}-heading`;
  const list = parties.data ?? [];
  return (
    <section className={section.section} aria-labelledby={headingId} data-testid="parties">
      <Text as="h2" size={500} weight="semibold" className={s.heading} id={headingId} ref={heading} tabIndex={-1}>
        {t("web.parties.title")}
      </Text>
      <Text className={section.muted}>{t(on === "case" ? "web.parties.intro.case" : "web.parties.intro.document")}</Text>
      <div role="status" data-testid="parties-done">
        {said && <Text>{said}</Text>}
      </div>
      {parties.isPending ? (
        <Spinner label={t("web.loading")} />
      ) : parties.isError ? (
        <Problem error={parties.error} onRetry={() => void parties.refetch()} />
      ) : list.length ? (
        <div className={section.scroll} data-scrolls>
          <Table size="small" aria-label={t("web.parties.title")} className={s.table} data-testid="parties-table">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>{t("web.parties.column.name")}</TableHeaderCell>
                <TableHeaderCell>{t("web.parties.column.role")}</TableHeaderCell>
                <TableHeaderCell>{t("web.parties.column.contact")}</TableHeaderCell>
                <TableHeaderCell>{t("web.parties.column.added")}</TableHeaderCell>
                {mayChange && <TableHeaderCell>{t("web.parties.column.actions")}</TableHeaderCell>}
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.map((p) => (
                <TableRow key={p.id} data-party-id={p.id} data-contact-id={p.contact.id}>
                  <TableCell>
                    <AppLink to={contactUrl(p.contact.id)}>
                      <Inert text={p.contact.name} />
                    </AppLink>
                  </TableCell>
                  <TableCell data-field="role">{roleName(p.role, language)}</TableCell>
                  <TableCell>
                    <Inert text={[p.contact.emails[0], p.contact.phone].filter(Boolean).join(" · ") || t("web.contacts.nothing")} />
                  </TableCell>
                  <TableCell>
                    <Inert text={t("web.parties.addedBy", { at: formatMoment(p.addedAt, language), name: p.addedBy.name })} />
                  </TableCell>
                  {mayChange && (
                    <TableCell>
                      <Button
                        size="small"
                        disabled={remove.isPending}
                        onClick={() => remove.mutate(p)}
                        aria-label={t("web.parties.remove", { name: visibleControls(p.contact.name), role: inSentence(roleName(p.role, language)) })}
                        data-testid="party-remove"
                      >
                        {t("web.parties.removeShort")}
                      </Button>
                    </TableCell>
                  )}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      ) : (
        <Text className={section.muted} data-testid="parties-none">
          {t("web.parties.none")}
        </Text>
      )}
      {remove.isError && <Problem error={remove.error} />}
      {mayChange && (
        <AddParty
          on={on}
          id={id}
          onAdded={(party) => {
            setSaid(t("web.parties.added", { name: visibleControls(party.contact.name), role: inSentence(roleName(party.role, language)) }));
            changed();
          }}
        />
      )}
      {closed && staff && !mayChange && <Text className={section.muted}>{t("web.parties.closed")}</Text>}
    </section>
  );
}

function AddParty({ on, id, onAdded }: { on: "case" | "document"; id: string; onAdded(party: Party): void }) {
  const section = useSectionStyles();
  const s = useStyles();
  const { t, language } = useTexts();
  const roles = usePartyRoles();
  const picker = useRef<HTMLInputElement>(null);
  const newContactDraft = `contact-new:${on}:${id}`;
  const [creating, setCreating] = useState(() => hasDraft(newContactDraft));
  const createButton = useRef<HTMLButtonElement>(null);
  const [contact, setContact] = useState<ContactSummary | null>(null);
  const [roleId, setRoleId] = useState("");
  const [missing, setMissing] = useState<{ contact?: boolean; role?: boolean }>({});
  // Each added party starts the picker afresh.
  const [round, setRound] = useState(0);
  const offered = rolesFor(roles.data ?? [], on);
  const add = useMutation({
    mutationFn: (party: { contactId: string; roleId: string }) => client.addParty(on, id, party),
    onSuccess: (party) => {
      setContact(null);
      setRound((r) => r + 1);
      onAdded(party);
      requestAnimationFrame(() => picker.current?.focus());
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const lacking = { contact: !contact, role: !roleId };
    setMissing(lacking);
    if (!contact || !roleId) return;
    add.mutate({ contactId: contact.id, roleId });
  };
  // The new-contact dialog is outside the form: its own form's submit would otherwise reach this one through the portal.
  return (
    <>
      <form className={section.form} onSubmit={submit} noValidate data-testid="add-party">
        <Text as="h3" size={400} weight="semibold" className={s.subheading}>
          {t("web.parties.add.title")}
        </Text>
        <div className={section.row}>
          <div className={s.picker}>
            <ContactPicker
              key={round}
              ref={picker}
              label={t("web.parties.add.contact")}
              value={contact}
              onChange={(c) => {
                setContact(c);
                setMissing((m) => ({ ...m, contact: false }));
              }}
              required
              validationMessage={missing.contact ? t("web.parties.add.contactMissing") : undefined}
              testId="party-contact"
            />
          </div>
          <Field className={s.role} label={t("web.parties.add.role")} required validationMessage={missing.role ? t("web.parties.add.roleMissing") : undefined}>
            <Select
              className={s.select}
              value={roleId}
              onChange={(_e, d) => {
                setRoleId(d.value);
                setMissing((m) => ({ ...m, role: false }));
              }}
              data-testid="party-role"
            >
              <option value="">{roles.isPending ? t("web.loading") : t("web.parties.add.chooseRole")}</option>
              {offered.map((r) => (
                <option key={r.id} value={r.id}>
                  {roleName(r, language)}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        {roles.isError && <Problem error={roles.error} onRetry={() => void roles.refetch()} />}
        <div className={section.row}>
          <Button type="submit" appearance="primary" disabled={add.isPending} data-testid="party-add">
            {t("web.parties.add.submit")}
          </Button>
          <Button ref={createButton} onClick={() => setCreating(true)} data-testid="party-new-contact">
            {t("web.parties.add.newContact")}
          </Button>
        </div>
        {add.isError && <Problem error={add.error} />}
      </form>
      <NewContactDialog
        draftKey={newContactDraft}
        open={creating}
        onClose={() => {
          setCreating(false);
          createButton.current?.focus();
        }}
        onCreated={(created) => {
          setCreating(false);
          setContact(created);
          setMissing((m) => ({ ...m, contact: false }));
          requestAnimationFrame(() => picker.current?.focus());
        }}
      />
    </>
  );
}
