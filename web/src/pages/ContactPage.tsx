import { Button, makeStyles, Text, tokens } from "@fluentui/react-components";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState, type ReactNode } from "react";
import { Link, Navigate, useLocation, useParams } from "react-router";
import { type Contact, type Me } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { Inert, visibleControls } from "../components/Inert.tsx";
import { usePageTitle } from "../components/page-title.ts";
import { useReturnFocus } from "../components/return-focus.ts";
import { RecordPage, retryUnlessRefused } from "../components/RecordPage.tsx";
import { ContactDetails } from "../contacts/ContactDetails.tsx";
import { ContactCases, ContactDocuments } from "../contacts/ContactLinks.tsx";
import { EditContact, hasContactEditDraft } from "../contacts/EditContact.tsx";
import { contactKey, contactUrl } from "../contacts/keys.ts";
import { MergeContacts, type MergedState } from "../contacts/MergeContacts.tsx";
import { CprField } from "../contacts/RevealCpr.tsx";
import { useSectionStyles } from "../document/styles.ts";
import { useTexts, type TextKey } from "../i18n.tsx";
import { useMe } from "../session.ts";

const useStyles = makeStyles({
  page: { padding: "24px", display: "flex", flexDirection: "column", gap: "16px", minWidth: 0, "@media (max-width: 600px)": { padding: "12px" } },
  header: { display: "flex", flexDirection: "column", gap: "8px", minWidth: 0 },
  kicker: { color: tokens.colorNeutralForeground3, textTransform: "uppercase", fontSize: tokens.fontSizeBase200, letterSpacing: "0.04em" },
  title: { overflowWrap: "anywhere", margin: 0 },
  actions: { display: "flex", flexWrap: "wrap", gap: "8px" },
  heading: { margin: 0 },
});

/**
 * KONTAKT (/parter/<id>): a person's or an organisation's information, editing it with If-Match, the CPR number
 * masked until revealed, the cases and documents the contact is party to (what an aktindsigt request collects),
 * and merging a duplicate into it. A merged-away contact's address shows its survivor.
 */
export function ContactPage() {
  const s = useStyles();
  const { id = "" } = useParams();
  const me = useMe();
  const found = useQuery({
    queryKey: contactKey(id),
    queryFn: () => client.getContact(id),
    retry: retryUnlessRefused,
  });
  return (
    <RecordPage record={found} me={me} className={s.page} notFound={<ContactNotFound />}>
      {(c, user) =>
        // The duplicate's address answers the contact it was merged into: show that one under its own address.
        c.id !== id ? <Navigate to={contactUrl(c.id)} replace /> : <ContactView key={c.id} c={c} me={user} reload={async () => (await found.refetch()).data} />
      }
    </RecordPage>
  );
}

function ContactView({ c, me, reload }: { c: Contact; me: Me; reload(): Promise<Contact | undefined> }) {
  const s = useStyles();
  const { t } = useTexts();
  const queries = useQueryClient();
  const location = useLocation();
  const merged = (location.state as MergedState | null)?.merged;
  const [editing, setEditing] = useState(() => hasContactEditDraft(c.id));
  const [saved, setSaved] = useState(false);
  const editButton = useReturnFocus(editing);
  usePageTitle(c.name);
  // Arriving here with nothing focused (from a dialog that created or merged the contact), focus goes to the
  // contact's name: a screen reader says where one is, and a modal that just closed lets go of the page.
  const heading = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!document.activeElement || document.activeElement === document.body) heading.current?.focus();
  }, [location.key]);
  const staff = me.role !== "external";
  return (
    <main className={s.page} data-testid="contact-page" data-contact-id={c.id}>
      <header className={s.header}>
        <Text className={s.kicker}>{t(c.kind === "person" ? "web.contact.kicker.person" : "web.contact.kicker.organisation")}</Text>
        <Text as="h1" size={700} weight="semibold" className={s.title} data-testid="contact-name" ref={heading} tabIndex={-1}>
          <Inert text={c.name} />
        </Text>
      </header>
      {staff && (
        <div className={s.actions} role="group" aria-label={t("web.contact.actions")}>
          <Button
            ref={editButton}
            appearance="primary"
            disabled={editing}
            onClick={() => {
              setSaved(false);
              setEditing(true);
            }}
            data-testid="contact-edit"
          >
            {t("web.contact.edit")}
          </Button>
          <MergeContacts c={c} />
        </div>
      )}
      <div role="status" data-testid="contact-done">
        {saved && <Text>{t("web.contact.saved")}</Text>}
        {!saved && merged && <Text>{t("web.merge.done", { name: visibleControls(merged) })}</Text>}
      </div>

      <Section id="details" title="web.contact.details">
        {editing ? (
          <EditContact
            c={c}
            reload={reload}
            onSaved={(updated) => {
              queries.setQueryData(contactKey(c.id), updated);
              void queries.invalidateQueries({ queryKey: ["contacts"] });
              void queries.invalidateQueries({ queryKey: ["parties"] });
              setEditing(false);
              setSaved(true);
            }}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <ContactDetails c={c} cpr={<CprField c={c} mayReveal={me.cprAccess} />} />
        )}
      </Section>

      <Section id="cases" title="web.contact.cases" help="web.contact.aktindsigt">
        <ContactCases contactId={c.id} />
      </Section>
      <Section id="documents" title="web.contact.documents">
        <ContactDocuments contactId={c.id} />
      </Section>
    </main>
  );
}

function Section({ id, title, help, children }: { id: string; title: TextKey; help?: TextKey; children: ReactNode }) {
  const section = useSectionStyles();
  const s = useStyles();
  const { t } = useTexts();
  return (
    <section className={section.section} aria-labelledby={`contact-${id}-heading`} data-testid={`contact-section-${id}`}>
      <Text as="h2" size={500} weight="semibold" className={s.heading} id={`contact-${id}-heading`}>
        {t(title)}
      </Text>
      {help && (
        <Text className={section.muted} data-testid="contact-help">
          {t(help)}
        </Text>
      )}
      {children}
    </section>
  );
}

function ContactNotFound() {
  const s = useStyles();
  const { t } = useTexts();
  return (
    <main className={s.page}>
      <Text as="h1" size={600} weight="semibold">
        {t("web.contact.notFound.title")}
      </Text>
      <Text data-testid="not-found">{t("web.contact.notFound.body")}</Text>
      <Link to="/parter">{t("web.contact.notFound.back")}</Link>
    </main>
  );
}
