import { Button, makeStyles, MessageBar, MessageBarActions, MessageBarBody, ProgressBar, Text, tokens } from "@fluentui/react-components";
import { useEffect, useState, type ReactNode } from "react";
import { ApiError, initialState, messageFor, randomKey, save, type DocumentDetails, type FlowState } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { Problem } from "../components/Problem.tsx";
import { useTexts } from "../i18n.tsx";
import { DropZone } from "./DropZone.tsx";
import { BROWSER_CHUNK, browserRetry, captureOf, fileSource, shownName } from "./files.ts";
import { describeChange, type ChangedBy } from "./stale.ts";

export interface DropNewVersionProps {
  documentId: string;
  /** The document's ETag as the page shows it: sent as If-Match, so a version added meanwhile is explained, not overwritten. */
  etag: string;
  /** Called once the new version is saved. */
  onFiled?(): void;
  children: ReactNode;
}

const useStyles = makeStyles({
  status: { display: "flex", flexDirection: "column", gap: "6px", minWidth: 0, overflowWrap: "anywhere" },
  done: { color: tokens.colorPaletteGreenForeground1 },
});

type Outcome =
  | { kind: "idle" }
  | { kind: "tooMany"; count: number }
  | { kind: "saving"; name: string; flow: FlowState }
  | { kind: "done"; name: string; document: DocumentDetails }
  | { kind: "stale"; changed: ChangedBy | null }
  | { kind: "failed"; name: string; file: File; error: unknown };

/** A drop target on a document page: the dropped file becomes the document's new version. */
export function DropNewVersion({ documentId, etag, onFiled, children }: DropNewVersionProps) {
  const s = useStyles();
  const { t, language } = useTexts();
  const [outcome, setOutcome] = useState<Outcome>({ kind: "idle" });

  // The page fetched the document again: a refusal for an older state of it no longer applies.
  useEffect(() => setOutcome((o) => (o.kind === "stale" || o.kind === "tooMany" ? { kind: "idle" } : o)), [documentId, etag]);

  const upload = async (file: File) => {
    const name = shownName(file);
    let refusal: unknown = null;
    const start = initialState(captureOf(file, { documentId, etag }), randomKey());
    setOutcome({ kind: "saving", name, flow: start });
    const next = await save(
      client,
      start,
      { main: async () => fileSource(file), attachment: () => Promise.reject(new Error("a new version has no attachments")) },
      {
        language,
        chunkSize: BROWSER_CHUNK,
        retry: browserRetry,
        onState: (flow) => setOutcome({ kind: "saving", name, flow }),
        describe: (err) => {
          refusal = err;
          return messageFor(err);
        },
      },
    );
    if (next.result) {
      setOutcome({ kind: "done", name, document: next.result.document });
      onFiled?.();
    } else if (refusal instanceof ApiError && refusal.status === 412) {
      setOutcome({ kind: "stale", changed: await whoChanged(documentId, refusal) });
    } else {
      setOutcome({ kind: "failed", name, file, error: refusal ?? new Error(next.failure?.detail ?? "not saved") });
    }
  };

  const take = (files: File[]) => {
    if (outcome.kind === "saving") return;
    if (files.length > 1) setOutcome({ kind: "tooMany", count: files.length });
    else void upload(files[0]);
  };

  const percent = outcome.kind === "saving" && outcome.flow.progress ? Math.round((outcome.flow.progress.sent / (outcome.flow.progress.total || 1)) * 100) : 0;
  const status = outcome.kind !== "idle" && (
    <div className={s.status} data-testid="new-version-status" data-outcome={outcome.kind}>
      {outcome.kind === "tooMany" && (
        <MessageBar intent="warning" role="alert">
          <MessageBarBody>{t("web.filing.version.onlyOne", { count: outcome.count })}</MessageBarBody>
        </MessageBar>
      )}
      {outcome.kind === "saving" && (
        <>
          <Text role="status">
            {outcome.flow.progress?.retrying
              ? t("save.retrying", { attempt: outcome.flow.progress.retrying })
              : t("web.filing.version.saving", { name: outcome.name })}
          </Text>
          <ProgressBar
            value={percent / 100}
            thickness="large"
            aria-label={t("web.filing.progressOf", { name: outcome.name })}
            aria-valuetext={`${percent} %`}
          />
        </>
      )}
      {outcome.kind === "done" && (
        <Text role="status" className={s.done}>
          {t("web.filing.version.done", { name: outcome.name, version: outcome.document.currentVersion.version })}
        </Text>
      )}
      {outcome.kind === "stale" && (
        <div role="alert" data-testid="new-version-stale">
          <MessageBar intent="warning">
            <MessageBarBody>{describeChange(outcome.changed, t, language)}</MessageBarBody>
            <MessageBarActions>
              <Button onClick={() => window.location.reload()}>{t("web.filing.reload")}</Button>
            </MessageBarActions>
          </MessageBar>
        </div>
      )}
      {outcome.kind === "failed" && <Problem error={outcome.error} onRetry={() => void upload(outcome.file)} />}
    </div>
  );

  return (
    // The document page has UPLOAD NY VERSION itself (for the keyboard and phones); this adds the drop.
    <DropZone
      buttonLabel={null}
      draggingHint={t("web.filing.version.dragging")}
      multiple={false}
      testId="drop-new-version"
      onFiles={take}
      status={status || undefined}
    >
      {children}
    </DropZone>
  );
}

/** Who changed the document and when: the 412 says when, the document (fetched again) says who by name. */
async function whoChanged(documentId: string, refusal: ApiError): Promise<ChangedBy | null> {
  const problem = refusal.problem as { changedAt?: string; changedByName?: string | null } | null;
  try {
    const now = await client.getDocument(documentId);
    return { name: now.changedByName, at: now.changedAt };
  } catch {
    return problem?.changedAt ? { name: problem.changedByName ?? null, at: problem.changedAt } : null;
  }
}
