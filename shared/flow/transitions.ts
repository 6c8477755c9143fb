import type { CaseSummary, CaseTemplate, DocumentType } from "../api/types.ts";
import type { AlreadyFiled, AttachmentChoice, Capture, FlowState, Message, Proposal, SaveResult } from "./state.ts";

// Pure steps of the save flow: each takes the state and returns the next one, so every UI renders the
// same flow and every rule is unit-testable without a network.

const today = (now: Date) => now.toISOString().slice(0, 10);

/** The state for a freshly captured mail or document. */
export function initialState(capture: Capture, idempotencyKey: string, now = new Date()): FlowState {
  return {
    step: "case",
    capture,
    query: "",
    suggestions: [],
    recent: [],
    proposal: null,
    alreadyFiled: null,
    target: null,
    templates: [],
    documentTypes: [],
    documentTypeId: null,
    title: capture.title.trim().slice(0, 500),
    status: "draft",
    documentDate: capture.mail?.date?.slice(0, 10) ?? today(now),
    comment: "",
    // Inline images are part of the mail itself; real attachments are kept with it by default.
    attachmentChoices: Object.fromEntries(capture.attachments.map((a) => [a.id, a.inline ? "skip" : "attachment"])),
    savePdf: false,
    asNewVersion: Boolean(capture.existingDocumentId),
    existing: null,
    newCase: null,
    errors: {},
    progress: null,
    result: null,
    failure: null,
    idempotencyKey,
  };
}

export function withReferenceData(
  state: FlowState,
  data: {
    templates: CaseTemplate[];
    documentTypes: DocumentType[];
    recent: CaseSummary[];
    proposal: Proposal | null;
    alreadyFiled: AlreadyFiled | null;
    existing: FlowState["existing"];
  },
): FlowState {
  // A file whose document is gone, or no longer visible, can only be saved as a new document.
  return { ...state, ...data, asNewVersion: state.asNewVersion && data.existing !== null };
}

export function withQuery(state: FlowState, query: string): FlowState {
  return { ...state, query, suggestions: query.trim() ? state.suggestions : [] };
}

/** Suggestions arrive for a query; answers to an older query are ignored. */
export function withSuggestions(state: FlowState, query: string, cases: CaseSummary[]): FlowState {
  return query === state.query ? { ...state, suggestions: cases } : state;
}

/** The document types allowed where the document is going: the case template's list, or every active type. */
export function allowedTypes(state: FlowState): DocumentType[] {
  const active = state.documentTypes.filter((t) => t.active);
  if (state.target?.kind !== "case") return active;
  const templateId = state.target.case.templateId;
  const template = state.templates.find((t) => t.id === templateId);
  if (!template || template.documentTypeIds.length === 0) return active;
  return active.filter((t) => template.documentTypeIds.includes(t.id));
}

function afterTarget(state: FlowState): FlowState {
  const allowed = allowedTypes(state);
  const keep = allowed.some((t) => t.id === state.documentTypeId) ? state.documentTypeId : null;
  const only = allowed.length === 1 ? allowed[0].id : null;
  return { ...state, documentTypeId: keep ?? only, step: "type", errors: {}, asNewVersion: false };
}

export function chooseCase(state: FlowState, c: CaseSummary): FlowState {
  return afterTarget({ ...state, target: { kind: "case", case: c }, newCase: null });
}

export function chooseFloating(state: FlowState): FlowState {
  return afterTarget({ ...state, target: { kind: "floating" }, newCase: null });
}

export function startNewCase(state: FlowState, templateId?: string): FlowState {
  const t = templateId ?? state.templates[0]?.id ?? "";
  return { ...state, newCase: { templateId: t, title: state.capture.mail?.subject ?? "", fields: {} }, errors: {} };
}

export function editNewCase(state: FlowState, patch: Partial<{ templateId: string; title: string; fields: Record<string, string> }>): FlowState {
  if (!state.newCase) return state;
  return { ...state, newCase: { ...state.newCase, ...patch, fields: { ...state.newCase.fields, ...patch.fields } } };
}

export function cancelNewCase(state: FlowState): FlowState {
  return { ...state, newCase: null, errors: {} };
}

export function chooseType(state: FlowState, documentTypeId: string): FlowState {
  if (!allowedTypes(state).some((t) => t.id === documentTypeId)) return state;
  return { ...state, documentTypeId, step: "metadata", errors: {} };
}

export function selectedType(state: FlowState): DocumentType | undefined {
  return state.documentTypes.find((t) => t.id === state.documentTypeId);
}

export function editMetadata(state: FlowState, patch: Partial<Pick<FlowState, "title" | "status" | "documentDate" | "comment" | "savePdf">>): FlowState {
  const errors = { ...state.errors };
  for (const k of Object.keys(patch)) delete errors[k];
  return { ...state, ...patch, errors };
}

export function chooseAttachment(state: FlowState, attachmentId: string, choice: AttachmentChoice): FlowState {
  return { ...state, attachmentChoices: { ...state.attachmentChoices, [attachmentId]: choice } };
}

/** Choose between a new version of the document the file came from and a new document. */
export function chooseNewVersion(state: FlowState, asNewVersion: boolean): FlowState {
  if (!state.capture.existingDocumentId) return state;
  return { ...state, asNewVersion, step: asNewVersion ? "metadata" : "case" };
}

export function back(state: FlowState): FlowState {
  if (state.step === "metadata") return { ...state, step: state.asNewVersion ? "case" : "type", errors: {} };
  if (state.step === "type") return { ...state, step: "case", errors: {} };
  return state;
}

export function goTo(state: FlowState, step: "case" | "type" | "metadata"): FlowState {
  return { ...state, step, errors: {} };
}

export function withErrors(state: FlowState, errors: Record<string, Message>): FlowState {
  return { ...state, errors };
}

export function saving(state: FlowState, sent: number, total: number, retrying = 0): FlowState {
  return { ...state, step: "saving", progress: { sent, total, retrying }, failure: null };
}

export function saved(state: FlowState, result: SaveResult): FlowState {
  return { ...state, step: "done", result, progress: null, failure: null };
}

/** A failed save returns to the details with the reason shown; the idempotency key stays, so "try again" is safe. */
export function failed(state: FlowState, failure: Message): FlowState {
  return { ...state, step: "metadata", progress: null, failure };
}

/** "Save another": the same capture, a clean form and a new idempotency key. */
export function saveAnother(state: FlowState, idempotencyKey: string, now = new Date()): FlowState {
  return {
    ...initialState(state.capture, idempotencyKey, now),
    templates: state.templates,
    documentTypes: state.documentTypes,
    recent: state.recent,
    asNewVersion: false,
  };
}
