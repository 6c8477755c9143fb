import {
  allowedTypes,
  ApiError,
  chooseCase,
  chooseFloating,
  chooseType,
  editMetadata,
  initialState,
  randomKey,
  withReferenceData,
  type CaseSummary,
  type CaseTemplate,
  type DocumentDetails,
  type DocumentType,
  type FlowState,
} from "../../../shared/index.ts";
import { captureOf } from "./files.ts";

// A drop of several files: one row per file, each its own run of the shared save flow (its own idempotency
// key, progress and result), with the document type and status chosen once for all of them.

/** Where the dropped files go and what the save flow needs to know of it. */
export interface FilingTarget {
  /** null: floating documents (flydende), in no case. */
  case: CaseSummary | null;
  templates: CaseTemplate[];
  documentTypes: DocumentType[];
}

export type RowPhase = "ready" | "saving" | "done" | "failed" | "duplicate";

export interface FilingRow {
  key: string;
  file: File;
  flow: FlowState;
  /** What refused the last save, as thrown (the Problem component puts it in words); null when nothing did. */
  error: unknown;
}

/** The mail filed in this case already, as the 409 mail_already_filed names it. */
export interface ExistingFiling {
  documentId: string;
  title: string;
}

/** A row for a dropped file, its flow pointed at the target and given the batch's choices so far. */
export function newRow(file: File, target: FilingTarget, choices: { documentTypeId: string | null; status: FlowState["status"] }): FilingRow {
  let flow = withReferenceData(initialState(captureOf(file), randomKey()), {
    templates: target.templates,
    documentTypes: target.documentTypes,
    recent: [],
    proposal: null,
    alreadyFiled: null,
    existing: null,
  });
  flow = target.case ? chooseCase(flow, target.case) : chooseFloating(flow);
  if (choices.documentTypeId) flow = chooseType(flow, choices.documentTypeId);
  flow = editMetadata(flow, { status: choices.status });
  return { key: flow.idempotencyKey, file, flow, error: null };
}

export function phaseOf(row: FilingRow): RowPhase {
  if (row.flow.step === "done") return "done";
  if (row.flow.step === "saving") return "saving";
  if (existingFiling(row)) return "duplicate";
  if (row.error) return "failed";
  return "ready";
}

/** The filing a 409 mail_already_filed named, unless the person chose to file the mail anyway. */
export function existingFiling(row: FilingRow): ExistingFiling | null {
  const err = row.error;
  if (!(err instanceof ApiError) || err.code !== "mail_already_filed" || row.flow.alreadyFiled) return null;
  const existing = (err.problem as { existing?: Partial<ExistingFiling> } | null)?.existing;
  return existing?.documentId ? { documentId: existing.documentId, title: existing.title ?? "" } : null;
}

/** "File anyway": the flow is told the mail is filed already, so the shared save sends allowDuplicate. */
export function fileAnyway(row: FilingRow): FilingRow {
  const existing = existingFiling(row);
  if (!existing) return row;
  return { ...row, flow: { ...row.flow, alreadyFiled: { documentId: existing.documentId, case: null } }, error: null };
}

/** The document types the files may get: those the case's template allows, or every active one for floating documents. */
export function typesFor(target: FilingTarget): DocumentType[] {
  const probe = withReferenceData(initialState(captureOf(new File([], "probe")), "probe"), {
    templates: target.templates,
    documentTypes: target.documentTypes,
    recent: [],
    proposal: null,
    alreadyFiled: null,
    existing: null,
  });
  return allowedTypes(target.case ? chooseCase(probe, target.case) : chooseFloating(probe));
}

/** The percentage of a row's bytes the service has confirmed, 0–100. */
export function percentOf(row: FilingRow): number {
  const p = row.flow.progress;
  if (row.flow.step === "done") return 100;
  if (!p || !p.total) return 0;
  return Math.min(100, Math.round((p.sent / p.total) * 100));
}

/** The saved document, once the row is done. */
export const savedDocument = (row: FilingRow): DocumentDetails | null => row.flow.result?.document ?? null;
