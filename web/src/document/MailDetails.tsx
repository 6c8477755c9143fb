import {
  Link,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from "@fluentui/react-components";
import type { MailAddress, MailPart, MailView } from "../../../shared/index.ts";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";
import { AppLink, caseLink, documentLink } from "../components/AppLink.tsx";
import { formatSize } from "./content.ts";
import { Inert } from "../components/Inert.tsx";
import { useSectionStyles } from "./styles.ts";

const useStyles = makeStyles({
  header: { display: "contents" },
  headers: { display: "grid", gridTemplateColumns: "max-content minmax(0, 1fr)", gap: "4px 16px", margin: 0 },
  term: { color: tokens.colorNeutralForeground3 },
  value: { margin: 0, overflowWrap: "anywhere" },
  list: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "6px" },
  item: { overflowWrap: "anywhere" },
  by: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
});

const PARSE_PROBLEM = {
  partial: "web.doc.mail.parse.partial",
  failed: "web.doc.mail.parse.failed",
  skipped: "web.doc.mail.parse.skipped",
} as const;

const address = (a: MailAddress) => (a.name && a.name !== a.address ? `${a.name} <${a.address}>` : a.address);

/** A saved mail's headers, its attachments (downloadable), and the other filed mails of its thread. */
export function MailDetails({ mail }: { mail: MailView }) {
  const s = useStyles();
  const section = useSectionStyles();
  const { t, language } = useTexts();
  const none = t("web.doc.none");
  const headers: Array<[string, string]> = [
    [t("web.doc.mail.from"), mail.from ? address(mail.from) : none],
    [t("web.doc.mail.to"), mail.to.length ? mail.to.map(address).join(", ") : none],
    [t("web.doc.mail.cc"), mail.cc.length ? mail.cc.map(address).join(", ") : none],
    [t("web.doc.mail.date"), mail.sentAt ? formatMoment(mail.sentAt, language) : none],
    [t("web.doc.mail.subject"), mail.subject ?? none],
  ];
  // What a client uploaded beside the mail is listed once, among the document's attachments; inline images show in the body.
  const files = mail.parts.filter((p) => p.kind !== "inline" && !p.attachmentId);
  const byId = new Map(mail.parts.map((p) => [p.id, p]));
  return (
    <>
      {(mail.parse.status === "partial" || mail.parse.status === "failed" || mail.parse.status === "skipped") && (
        <MessageBar intent="warning">
          <MessageBarBody>{t(PARSE_PROBLEM[mail.parse.status])}</MessageBarBody>
        </MessageBar>
      )}
      <dl className={s.headers} data-testid="mail-headers">
        {headers.map(([term, value]) => (
          <div key={term} className={s.header}>
            <dt className={s.term}>{term}</dt>
            <dd className={s.value}>
              <Inert text={value} />
            </dd>
          </div>
        ))}
      </dl>

      <Text as="h3" block weight="semibold" size={300}>
        {t("web.doc.mail.parts")}
      </Text>
      {files.length ? (
        <div className={section.scroll}>
          <Table size="small" className={section.table} aria-label={t("web.doc.mail.parts")} data-testid="mail-parts">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>{t("web.doc.column.file")}</TableHeaderCell>
                <TableHeaderCell>{t("web.doc.column.type")}</TableHeaderCell>
                <TableHeaderCell>{t("web.doc.column.size")}</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {files.map((p) => (
                <TableRow key={p.id} data-part-id={p.id}>
                  <TableCell>
                    <Link href={p.contentUrl}>
                      <Inert text={p.name} />
                    </Link>
                    {p.parentId && byId.get(p.parentId) && <Text className={s.by}> {t("web.doc.mail.partIn", { name: byId.get(p.parentId)!.name })}</Text>}
                  </TableCell>
                  <TableCell>{partKind(p, t)}</TableCell>
                  <TableCell>{formatSize(p.size, language)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      ) : (
        <Text className={section.muted}>{t("web.doc.mail.noParts")}</Text>
      )}

      <Text as="h3" block weight="semibold" size={300}>
        {t("web.doc.mail.thread")}
      </Text>
      {mail.thread.length ? (
        <ul className={s.list} data-testid="mail-thread">
          {mail.thread.map((m) => (
            <li key={m.documentId} className={s.item}>
              <AppLink to={documentLink(m.documentId)}>
                <Inert text={m.subject || m.title} />
              </AppLink>
              <Text className={s.by}>
                {" "}
                <Inert text={[m.from ? address(m.from) : "", m.sentAt ? formatMoment(m.sentAt, language) : ""].filter(Boolean).join(" · ")} />
              </Text>
              {m.case && (
                <>
                  {" "}
                  <AppLink to={caseLink(m.case.number)} className={s.by}>
                    <Inert text={`${m.case.title} (${m.case.number})`} />
                  </AppLink>
                </>
              )}
            </li>
          ))}
        </ul>
      ) : (
        <Text className={section.muted}>{t("web.doc.mail.noThread")}</Text>
      )}

      {mail.alsoFiled.length > 0 && (
        <>
          <Text as="h3" block weight="semibold" size={300}>
            {t("web.doc.mail.alsoFiled")}
          </Text>
          <ul className={s.list} data-testid="mail-also-filed">
            {mail.alsoFiled.map((f) => (
              <li key={f.documentId}>
                <AppLink to={documentLink(f.documentId)}>{f.case ? <Inert text={`${f.case.title} (${f.case.number})`} /> : t("web.doc.floating")}</AppLink>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

function partKind(p: MailPart, t: (key: "web.doc.mail.kind.message" | "web.doc.mail.kind.calendar") => string): string {
  if (p.kind === "message") return t("web.doc.mail.kind.message");
  if (p.kind === "calendar") return t("web.doc.mail.kind.calendar");
  return p.mediaType;
}
