import { Badge, Button, makeStyles, Spinner, Text, tokens } from "@fluentui/react-components";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type ReactNode } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError, type DocumentDetails } from "../../../shared/index.ts";
import { client, mustChangePassword } from "../api.ts";
import { ChangePasswordPage } from "../components/ChangePassword.tsx";
import { retryUnlessRefused } from "../components/RecordPage.tsx";
import { Problem } from "../components/Problem.tsx";
import { Attachments } from "../document/Attachments.tsx";
import { caseLink } from "../components/AppLink.tsx";
import { Comments } from "../document/Comments.tsx";
import { contentUrl } from "../document/content.ts";
import { DeleteDocument } from "../document/DeleteDocument.tsx";
import { EditInformation } from "../document/EditInformation.tsx";
import { History } from "../document/History.tsx";
import { Inert } from "../components/Inert.tsx";
import { usePageTitle } from "../components/page-title.ts";
import { MailDetails } from "../document/MailDetails.tsx";
import { Metadata } from "../document/Metadata.tsx";
import { usePeople } from "../document/people.ts";
import { Preview } from "../document/Preview.tsx";
import { References } from "../document/References.tsx";
import { WriteRefused } from "../document/Stale.tsx";
import { useSectionStyles } from "../document/styles.ts";
import { UploadVersion } from "../document/UploadVersion.tsx";
import { Versions } from "../document/Versions.tsx";
import { DropNewVersion } from "../filing/DropNewVersion.tsx";
import { useTexts, type TextKey } from "../i18n.tsx";
import { useMe } from "../session.ts";
import { TasksSection } from "../tasks/TasksSection.tsx";
import { PartiesSection } from "../contacts/PartiesSection.tsx";

const useStyles = makeStyles({
  page: { padding: "24px", display: "flex", flexDirection: "column", gap: "16px", minWidth: 0, "@media (max-width: 600px)": { padding: "12px" } },
  body: { display: "flex", flexDirection: "column", gap: "16px", minWidth: 0 },
  header: { display: "flex", flexDirection: "column", gap: "8px", minWidth: 0 },
  kicker: { color: tokens.colorNeutralForeground3, textTransform: "uppercase", fontSize: tokens.fontSizeBase200, letterSpacing: "0.04em" },
  title: { overflowWrap: "anywhere", margin: 0 },
  badges: { display: "flex", flexWrap: "wrap", gap: "8px", alignItems: "center" },
  actions: { display: "flex", flexWrap: "wrap", gap: "8px" },
  columns: {
    display: "grid",
    gridTemplateColumns: "minmax(0, 1fr)",
    gap: "16px",
    alignItems: "start",
    "@media (min-width: 1100px)": { gridTemplateColumns: "minmax(0, 2fr) minmax(0, 3fr)" },
  },
});

export const documentKey = (id: string) => ["document", id] as const;

/** A refusal that means "no such document for you": not there, or not visible (the service answers both 404). */
const notFound = (err: unknown) => err instanceof ApiError && (err.status === 404 || err.status === 400 || err.status === 422);

/**
 * DOKUMENT: the document page as the product's screen shows it — its information, REDIGÉR INFORMATION,
 * UPLOAD NY VERSION, DOWNLOAD, SLET (administrators), the preview, the mail's headers and thread, versions,
 * attachments, comments, references both ways and the history of its information. Dropping a file on the
 * page makes it the next version.
 */
export function DocumentPage() {
  const s = useStyles();
  const { t } = useTexts();
  const { id = "" } = useParams();
  const queries = useQueryClient();
  const navigate = useNavigate();
  const me = useMe();
  const doc = useQuery({
    queryKey: documentKey(id),
    queryFn: () => client.getDocument(id),
    retry: retryUnlessRefused,
    // A mail is read after it was saved: its page asks again until it has been.
    refetchInterval: (q) => (q.state.data?.mail && !q.state.data.mail.parsed ? 2000 : false),
  });
  const nameOf = usePeople(doc.data, me.data);
  const [versionRefused, setVersionRefused] = useState<unknown>(null);
  useEffect(() => setVersionRefused(null), [id]);
  usePageTitle(doc.data?.title);

  const othersKnow = () => {
    void queries.invalidateQueries({ queryKey: ["document-people", id] });
    void queries.invalidateQueries({ queryKey: ["documents"] });
  };
  /** Fetches the document again (after a change made here that answers no document, or to see someone else's). */
  const refresh = async (): Promise<DocumentDetails | undefined> => {
    othersKnow();
    return (await doc.refetch()).data;
  };
  const saved = (changed: DocumentDetails) => {
    queries.setQueryData(documentKey(id), changed);
    othersKnow();
  };

  if (doc.isPending) {
    return (
      <main className={s.page}>
        <Spinner label={t("web.loading")} />
      </main>
    );
  }
  if (doc.isError) {
    if (mustChangePassword(doc.error)) return <ChangePasswordPage className={s.page} />;
    if (notFound(doc.error)) return <DocumentNotFound />;
    return (
      <main className={s.page}>
        <Problem error={doc.error} onRetry={() => void doc.refetch()} />
      </main>
    );
  }

  const d = doc.data;
  const isAdmin = me.data?.role === "admin";
  const deleted = () => {
    queries.removeQueries({ queryKey: documentKey(id) });
    void queries.invalidateQueries({ queryKey: ["documents"] });
    void navigate(d.case ? caseLink(d.case.number) : "/dokumenter", { replace: true });
  };

  return (
    <main className={s.page} data-testid="document-page" data-document-id={d.id}>
      <DropNewVersion documentId={d.id} etag={d.etag} onFiled={() => void refresh()}>
        {/* Keyed by the document, so a form's draft never follows the person to another document's page. */}
        <div className={s.body} key={d.id}>
          <header className={s.header}>
            <Text className={s.kicker}>{t(d.mail ? "web.doc.kicker.mail" : "web.doc.kicker")}</Text>
            <Text as="h1" size={700} weight="semibold" className={s.title} data-testid="document-title">
              <Inert text={d.title} />
            </Text>
            <div className={s.badges}>
              <Badge appearance="tint" color={d.status === "final" ? "success" : "informative"} data-testid="document-status">
                {t(d.status === "final" ? "web.doc.status.final" : "web.doc.status.draft")}
              </Badge>
              <Text>
                <Inert text={`${d.documentType.name} · ${d.category}`} />
              </Text>
            </div>
            <div className={s.actions}>
              <EditInformation doc={d} onSaved={saved} onReload={refresh} />
              <UploadVersion
                doc={d}
                onSaved={(changed) => {
                  setVersionRefused(null);
                  saved(changed);
                }}
                onRefused={setVersionRefused}
              />
              <Button as="a" href={contentUrl(d.id)} data-testid="download">
                {t("web.doc.download")}
              </Button>
              {isAdmin && <DeleteDocument doc={d} onDeleted={deleted} onReload={() => void refresh()} />}
            </div>
            {versionRefused !== null && (
              <WriteRefused error={versionRefused} documentId={d.id} onReload={() => void refresh().then(() => setVersionRefused(null))} />
            )}
          </header>

          <div className={s.columns}>
            <Section id="information" title="web.doc.section.information">
              <Metadata doc={d} nameOf={nameOf} />
            </Section>
            <Section id="preview" title="web.doc.section.preview">
              <Preview doc={d} />
            </Section>
          </div>
          {d.mail && (
            <Section id="mail" title="web.doc.section.mail">
              <MailDetails mail={d.mail} />
            </Section>
          )}
          <PartiesSection on="document" id={d.id} />
          <Section id="versions" title="web.doc.versions.title">
            <Versions doc={d} nameOf={nameOf} />
          </Section>
          <Section id="attachments" title="web.doc.attachments.title">
            <Attachments doc={d} nameOf={nameOf} onChanged={refresh} />
          </Section>
          <Section id="comments" title="web.doc.comments.title">
            <Comments doc={d} onChanged={refresh} />
          </Section>
          <TasksSection on="document" id={d.id} />
          <Section id="references" title="web.doc.ref.title">
            <References doc={d} onChanged={refresh} />
          </Section>
          <Section id="history" title="web.doc.history.title">
            <History doc={d} />
          </Section>
        </div>
      </DropNewVersion>
    </main>
  );
}

/** One part of the page, a card under its own heading. */
function Section({ id, title, children }: { id: string; title: TextKey; children: ReactNode }) {
  const s = useSectionStyles();
  const { t } = useTexts();
  return (
    <section className={s.section} aria-labelledby={`document-${id}`} data-testid={`section-${id}`}>
      <Text as="h2" size={500} weight="semibold" id={`document-${id}`}>
        {t(title)}
      </Text>
      {children}
    </section>
  );
}

/** What a link to a document one may not see (or that is gone) shows: the same as any page that is not there. */
function DocumentNotFound() {
  const s = useStyles();
  const { t } = useTexts();
  return (
    <main className={s.page}>
      <Text as="h1" size={600} weight="semibold">
        {t("web.doc.notFound.title")}
      </Text>
      <Text data-testid="not-found">{t("web.doc.notFound.body")}</Text>
      <Link to="/">{t("web.notFound.home")}</Link>
    </main>
  );
}
