import { Badge, Button, Field, Input, makeStyles, MessageBar, MessageBarActions, MessageBarBody, ProgressBar, Text, tokens } from "@fluentui/react-components";
import { Dismiss20Regular } from "@fluentui/react-icons";
import { Link } from "react-router";
import { Problem } from "../components/Problem.tsx";
import { useTexts } from "../i18n.tsx";
import { existingFiling, percentOf, phaseOf, savedDocument, type FilingRow } from "./batch.ts";
import { formatSize, isMailFile, shownName } from "./files.ts";
import { PartyProposals } from "./PartyProposals.tsx";

const useStyles = makeStyles({
  row: {
    display: "flex",
    flexDirection: "column",
    gap: "6px",
    padding: "12px",
    minWidth: 0,
    backgroundColor: tokens.colorNeutralBackground1,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  head: { display: "flex", alignItems: "center", gap: "8px", minWidth: 0 },
  name: { minWidth: 0, overflowWrap: "anywhere", flexGrow: 1 },
  muted: { color: tokens.colorNeutralForeground3, whiteSpace: "nowrap" },
  link: { color: tokens.colorBrandForegroundLink, fontWeight: tokens.fontWeightSemibold },
  done: { color: tokens.colorPaletteGreenForeground1 },
});

interface FileRowProps {
  row: FilingRow;
  onTitle(title: string): void;
  onRemove(): void;
  onRetry(): void;
  onFileAnyway(): void;
}

/** One dropped file: its name, its title, how far it has come and what happened to it. */
export function FileRow({ row, onTitle, onRemove, onRetry, onFileAnyway }: FileRowProps) {
  const s = useStyles();
  const { t, say, language } = useTexts();
  const phase = phaseOf(row);
  const name = shownName(row.file);
  const percent = percentOf(row);
  const progress = row.flow.progress;
  const document = savedDocument(row);
  const duplicate = existingFiling(row);
  const editable = phase === "ready" || phase === "failed" || phase === "duplicate";
  const status =
    phase === "done"
      ? t("web.filing.status.done")
      : phase === "saving"
        ? progress?.retrying
          ? t("save.retrying", { attempt: progress.retrying })
          : progress && progress.sent >= progress.total
            ? t("web.filing.status.committing")
            : t("web.filing.status.uploading", { percent })
        : phase === "failed"
          ? t("web.filing.status.failed")
          : phase === "duplicate"
            ? t("web.filing.status.duplicate")
            : t("web.filing.status.ready");
  const titleError = row.flow.errors.title;

  return (
    <li className={s.row} data-testid="filing-row" data-phase={phase} data-file={name} data-document-id={document?.id}>
      <div className={s.head}>
        <Text weight="semibold" className={s.name}>
          {name}
        </Text>
        {isMailFile(row.file) && (
          <Badge appearance="outline" color="informative">
            {t("web.filing.mail")}
          </Badge>
        )}
        <Text size={200} className={s.muted}>
          {formatSize(row.file.size, language)}
        </Text>
        {editable && <Button appearance="subtle" icon={<Dismiss20Regular />} aria-label={t("web.filing.remove", { name })} onClick={onRemove} />}
      </div>
      <Field
        label={t("web.filing.titleOf", { name })}
        validationState={titleError ? "error" : "none"}
        validationMessage={titleError ? say(titleError) : undefined}
      >
        <Input value={row.flow.title} disabled={!editable} onChange={(_, d) => onTitle(d.value)} />
      </Field>
      <ProgressBar value={percent / 100} thickness="large" aria-label={t("web.filing.progressOf", { name })} aria-valuetext={`${percent} %`} />
      <Text role="status" className={phase === "done" ? s.done : undefined} data-testid="filing-status">
        {status}
      </Text>
      {document && (
        <Link to={`/dokumenter/${encodeURIComponent(document.id)}`} className={s.link}>
          {t("web.filing.open")}
        </Link>
      )}
      {document && isMailFile(row.file) && !row.flow.asNewVersion && <PartyProposals documentId={document.id} name={name} />}
      {phase === "failed" && <Problem error={row.error} onRetry={onRetry} />}
      {duplicate && (
        <MessageBar intent="warning" data-testid="filing-duplicate">
          <MessageBarBody>
            {t("web.filing.duplicate", { title: duplicate.title })}{" "}
            <Link to={`/dokumenter/${encodeURIComponent(duplicate.documentId)}`} className={s.link}>
              {t("web.filing.duplicate.open")}
            </Link>
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={onFileAnyway}>{t("web.filing.duplicate.anyway")}</Button>
          </MessageBarActions>
        </MessageBar>
      )}
    </li>
  );
}
