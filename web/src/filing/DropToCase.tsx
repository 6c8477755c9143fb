import { Button, Field, makeStyles, Radio, RadioGroup, Select, Text } from "@fluentui/react-components";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useId, useRef, useState, type ReactNode } from "react";
import { chooseType, editMetadata, messageFor, save, type FlowState } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { Problem } from "../components/Problem.tsx";
import { useTexts } from "../i18n.tsx";
import { fileAnyway, newRow, phaseOf, typesFor, type FilingRow, type FilingTarget } from "./batch.ts";
import { DropZone } from "./DropZone.tsx";
import { FileRow } from "./FileRow.tsx";
import { BROWSER_CHUNK, browserRetry, fileSource } from "./files.ts";

export interface DropToCaseProps {
  /** The case the dropped files are filed into; null files them as floating documents (flydende). */
  caseId: string | null;
  /** Called once a dropped file is saved, so the page can refresh its document list. */
  onFiled?(documentId: string): void;
  children: ReactNode;
}

const useStyles = makeStyles({
  batch: { display: "flex", flexDirection: "column", gap: "12px", minWidth: 0 },
  choices: { display: "flex", flexWrap: "wrap", gap: "12px 24px", alignItems: "flex-end" },
  type: { minWidth: "min(280px, 100%)" },
  list: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "8px" },
  actions: { display: "flex", flexWrap: "wrap", gap: "8px", alignItems: "center" },
});

/** Where dropped files go: the case with its template's document types, or no case (every active type). */
function useTarget(caseId: string | null) {
  const queries = useQueryClient();
  return useCallback(
    () =>
      queries.fetchQuery({
        queryKey: ["filing", "target", caseId ?? "floating"],
        staleTime: 30_000,
        queryFn: async (): Promise<FilingTarget> => {
          const [templates, documentTypes, c] = await Promise.all([client.templates(), client.documentTypes(), caseId ? client.getCase(caseId) : null]);
          return { case: c, templates, documentTypes };
        },
      }),
    [caseId, queries],
  );
}

/** A drop target that files every file dropped onto it (several at once, .eml/.msg too) into the case. */
export function DropToCase({ caseId, onFiled, children }: DropToCaseProps) {
  const s = useStyles();
  const { t, say, language } = useTexts();
  const loadTarget = useTarget(caseId);
  const headingId = useId();
  const [target, setTarget] = useState<FilingTarget | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [rows, setRowsState] = useState<FilingRow[]>([]);
  const [documentTypeId, setDocumentTypeId] = useState<string | null>(null);
  const [status, setStatus] = useState<FlowState["status"]>("draft");
  // Saves in progress: the batch's save and any retry of a single row may run side by side.
  const [runs, setRuns] = useState(0);
  const running = runs > 0;
  const latest = useRef<FilingRow[]>([]);

  const setRows = useCallback((change: (rows: FilingRow[]) => FilingRow[]) => {
    latest.current = change(latest.current);
    setRowsState(latest.current);
  }, []);
  const patch = useCallback(
    (key: string, change: (row: FilingRow) => FilingRow) => setRows((all) => all.map((r) => (r.key === key ? change(r) : r))),
    [setRows],
  );

  const add = async (files: File[]) => {
    setLoadError(null);
    let where: FilingTarget;
    try {
      where = await loadTarget();
    } catch (err) {
      setLoadError(err);
      return;
    }
    setTarget(where);
    const types = typesFor(where);
    const chosen = documentTypeId ?? (types.length === 1 ? types[0].id : null);
    setDocumentTypeId(chosen);
    setRows((all) => [...all, ...files.map((f) => newRow(f, where, { documentTypeId: chosen, status }))]);
  };

  /** Saves the rows one after another through the shared save flow; each keeps its idempotency key across retries. */
  const saveRows = async (keys: string[]) => {
    setRuns((n) => n + 1);
    try {
      for (const key of keys) {
        const row = latest.current.find((r) => r.key === key);
        if (!row || phaseOf(row) === "done" || phaseOf(row) === "saving") continue;
        let refusal: unknown = null;
        const next = await save(
          client,
          row.flow,
          { main: async () => fileSource(row.file), attachment: () => Promise.reject(new Error("a dropped file has no attachments")) },
          {
            language,
            chunkSize: BROWSER_CHUNK,
            retry: browserRetry,
            onState: (flow) => patch(key, (r) => ({ ...r, flow })),
            describe: (err) => {
              refusal = err;
              return messageFor(err);
            },
          },
        );
        patch(key, (r) => ({ ...r, flow: next, error: next.failure ? refusal : null }));
        if (next.result) onFiled?.(next.result.document.id);
      }
    } finally {
      setRuns((n) => n - 1);
    }
  };

  const pending = rows.filter((r) => ["ready", "failed"].includes(phaseOf(r)));
  const done = rows.filter((r) => phaseOf(r) === "done").length;
  const types = target ? typesFor(target) : [];
  const typeError = rows.map((r) => r.flow.errors.documentTypeId).find(Boolean);
  const floating = caseId === null;

  const batch = (rows.length > 0 || loadError !== null) && (
    <section className={s.batch} aria-labelledby={headingId} data-testid="filing-batch">
      <Text as="h2" size={400} weight="semibold" id={headingId}>
        {t("web.filing.heading", { count: rows.length })}
      </Text>
      {loadError !== null && <Problem error={loadError} />}
      {rows.length > 0 && (
        <>
          <div className={s.choices}>
            <Field
              label={t("web.filing.typeForAll")}
              className={s.type}
              validationState={typeError ? "error" : "none"}
              validationMessage={typeError ? say(typeError) : undefined}
            >
              <Select
                value={documentTypeId ?? ""}
                disabled={running}
                data-testid="filing-type"
                onChange={(_, d) => {
                  const id = d.value || null;
                  setDocumentTypeId(id);
                  if (id) setRows((all) => all.map((r) => (phaseOf(r) === "done" ? r : { ...r, flow: chooseType(r.flow, id) })));
                }}
              >
                {!documentTypeId && <option value="">{t("web.filing.typePlaceholder")}</option>}
                {types.map((type) => (
                  <option key={type.id} value={type.id}>
                    {`${type.name} (${type.category})`}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label={t("meta.status")}>
              <RadioGroup
                layout="horizontal"
                value={status}
                disabled={running}
                onChange={(_, d) => {
                  const next = d.value === "final" ? "final" : "draft";
                  setStatus(next);
                  setRows((all) => all.map((r) => (phaseOf(r) === "done" ? r : { ...r, flow: editMetadata(r.flow, { status: next }) })));
                }}
              >
                <Radio value="draft" label={t("meta.status.draft")} />
                <Radio value="final" label={t("meta.status.final")} />
              </RadioGroup>
            </Field>
          </div>
          <ul className={s.list} aria-label={t("web.filing.listLabel")}>
            {rows.map((row) => (
              <FileRow
                key={row.key}
                row={row}
                onTitle={(title) => patch(row.key, (r) => ({ ...r, flow: editMetadata(r.flow, { title }) }))}
                onRemove={() => setRows((all) => all.filter((r) => r.key !== row.key))}
                onRetry={() => void saveRows([row.key])}
                onFileAnyway={() => {
                  patch(row.key, fileAnyway);
                  void saveRows([row.key]);
                }}
              />
            ))}
          </ul>
          <div className={s.actions}>
            <Button
              appearance="primary"
              disabled={running || pending.length === 0}
              onClick={() => void saveRows(pending.map((r) => r.key))}
              data-testid="filing-save"
            >
              {t(floating ? "web.filing.save.floating" : "web.filing.save.case", { count: pending.length })}
            </Button>
            {done > 0 && (
              <Button disabled={running} onClick={() => setRows((all) => all.filter((r) => phaseOf(r) !== "done"))}>
                {t("web.filing.clearDone")}
              </Button>
            )}
            <Text aria-live="polite" data-testid="filing-summary">
              {t("web.filing.summary", { done, count: rows.length })}
            </Text>
          </div>
        </>
      )}
    </section>
  );

  return (
    <DropZone
      buttonLabel={t("web.filing.choose")}
      hint={t(floating ? "web.filing.hint.floating" : "web.filing.hint.case")}
      draggingHint={t("web.filing.dragging")}
      multiple
      testId="drop-to-case"
      onFiles={(files) => void add(files)}
      status={batch || undefined}
    >
      {children}
    </DropZone>
  );
}
