import { Button, makeStyles, MessageBar, MessageBarBody, Spinner, Text, tokens } from "@fluentui/react-components";
import { useQuery } from "@tanstack/react-query";
import type { DocumentDetails, MailView } from "../../../shared/index.ts";
import { Problem } from "../components/Problem.tsx";
import { useTexts } from "../i18n.tsx";
import { visibleControls } from "../components/Inert.tsx";
import { contentUrl, formatSize, previewKind } from "./content.ts";
import { fetchInlineImages, imageSources, mailDocument } from "./mail-html.ts";
import { TEXT_PREVIEW_BYTES, textPrefix } from "./upload.ts";

const useStyles = makeStyles({
  box: { display: "flex", flexDirection: "column", gap: "8px", minWidth: 0 },
  frame: {
    width: "100%",
    height: "70vh",
    minHeight: "320px",
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  image: { maxWidth: "100%", height: "auto", alignSelf: "flex-start", border: `1px solid ${tokens.colorNeutralStroke2}` },
  text: {
    margin: 0,
    padding: "12px",
    maxHeight: "60vh",
    overflow: "auto",
    whiteSpace: "pre-wrap",
    overflowWrap: "anywhere",
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    backgroundColor: tokens.colorNeutralBackground2,
    borderRadius: tokens.borderRadiusMedium,
    ":focus-visible": { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
  muted: { color: tokens.colorNeutralForeground3 },
});

/**
 * What the document looks like, shown only in ways that cannot run anything in the archive's page: a PDF in
 * the browser's viewer (the service serves inline content under a sandboxing CSP), an image, the start of a
 * text file as text, a mail's body in a sandboxed frame. Anything else says so and offers the download.
 */
export function Preview({ doc }: { doc: DocumentDetails }) {
  const s = useStyles();
  const { t, language } = useTexts();
  const version = doc.currentVersion;
  const inline = contentUrl(doc.id, { version: version.version, inline: true });
  const kind = previewKind(doc, version);
  return (
    <div className={s.box} data-testid="preview" data-preview={kind}>
      {kind === "pdf" && (
        <iframe className={s.frame} src={inline} title={t("web.doc.preview.pdf", { title: visibleControls(doc.title) })} data-testid="preview-pdf" />
      )}
      {kind === "image" && (
        <img className={s.image} src={inline} alt={t("web.doc.preview.image", { title: visibleControls(doc.title) })} data-testid="preview-image" />
      )}
      {kind === "text" && <TextPreview url={inline} size={version.size} version={`${doc.id}/${version.version}`} />}
      {kind === "mail" && doc.mail && <MailPreview mail={doc.mail} documentId={doc.id} />}
      {kind === "none" && (
        <MessageBar intent="info" data-testid="preview-none">
          <MessageBarBody>{t("web.doc.preview.none", { type: version.mediaType })}</MessageBarBody>
        </MessageBar>
      )}
      {kind !== "mail" && (
        <div>
          <Button as="a" href={contentUrl(doc.id, { version: version.version })} appearance={kind === "none" ? "primary" : "secondary"}>
            {t("web.doc.preview.download", { size: formatSize(version.size, language) })}
          </Button>
        </div>
      )}
    </div>
  );
}

function TextPreview({ url, size, version }: { url: string; size: number; version: string }) {
  const s = useStyles();
  const { t, language } = useTexts();
  const text = useQuery({ queryKey: ["document-text", version], queryFn: ({ signal }) => textPrefix(url, size, signal), staleTime: Infinity });
  if (text.isPending) return <Spinner size="small" label={t("web.loading")} />;
  if (text.isError) return <Problem error={text.error} onRetry={() => void text.refetch()} />;
  return (
    <>
      <pre className={s.text} tabIndex={0} aria-label={t("web.doc.preview.text")} data-testid="preview-text">
        {text.data.text}
      </pre>
      {text.data.cut && <Text className={s.muted}>{t("web.doc.preview.textCut", { size: formatSize(TEXT_PREVIEW_BYTES, language) })}</Text>}
    </>
  );
}

/** A mail's body: its HTML sanitised again and shown in a frame that may run nothing and load nothing, or its plain text. */
function MailPreview({ mail, documentId }: { mail: MailView; documentId: string }) {
  const s = useStyles();
  const { t, language } = useTexts();
  const html = mail.body.html;
  const partUrls = new Set(mail.parts.map((p) => p.contentUrl));
  const images = useQuery({
    queryKey: ["mail-images", documentId, html],
    queryFn: ({ signal }) => fetchInlineImages(html ? imageSources(html, partUrls) : [], signal),
    enabled: mail.parsed && !!html,
    staleTime: Infinity,
  });
  if (!mail.parsed) return <Spinner size="small" label={t("web.doc.mail.reading")} data-testid="mail-reading" />;
  return (
    <>
      {mail.body.remoteContentBlocked > 0 && (
        <MessageBar intent="info" data-testid="remote-blocked">
          <MessageBarBody>{t("web.doc.mail.remoteBlocked", { count: mail.body.remoteContentBlocked })}</MessageBarBody>
        </MessageBar>
      )}
      {html ? (
        images.isPending ? (
          <Spinner size="small" label={t("web.loading")} />
        ) : (
          <iframe
            className={s.frame}
            sandbox=""
            srcDoc={mailDocument(html, images.data ?? new Map(), language)}
            title={t("web.doc.mail.body")}
            referrerPolicy="no-referrer"
            data-testid="mail-body"
          />
        )
      ) : mail.body.text ? (
        <pre className={s.text} tabIndex={0} aria-label={t("web.doc.mail.body")} data-testid="mail-text">
          {mail.body.text}
        </pre>
      ) : (
        <Text className={s.muted}>{t("web.doc.mail.noBody")}</Text>
      )}
    </>
  );
}
