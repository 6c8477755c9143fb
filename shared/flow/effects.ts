import { ApiError, type ImsClient } from "../api/client.ts";
import { messageFor } from "../api/errors.ts";
import { isServiceImport, uploadResumable, type PartSource } from "../api/resumable.ts";
import { defaultRetry, withRetry, type RetryPolicy } from "../api/retry.ts";
import type { DocumentDetails, MailLookupResult } from "../api/types.ts";
import { translator, type Language } from "../i18n/index.ts";
import { caseLabel, titleFromFileName } from "./naming.ts";
import type { FlowState, Message } from "./state.ts";
import { chooseCase, failed, saved, saving, withErrors, withReferenceData, withSuggestions } from "./transitions.ts";
import { validateFields, validateForSave } from "./validation.ts";

// The flow's conversations with the service. Each takes a state and returns the next one; UIs call
// them and render what comes back.

/** Where the bytes come from; the host adapter implements it (Office slices, Gmail raw message, Drive export, or the service's fetch from Graph). */
export interface SaveSources {
  main(): Promise<PartSource>;
  attachment(id: string): Promise<PartSource>;
  pdf?(): Promise<PartSource>;
}

export interface SaveOptions {
  retry?: RetryPolicy;
  chunkSize?: number;
  language: Language;
  /** Called with each intermediate state (progress, retrying). */
  onState?(state: FlowState): void;
  /** Puts a failure into words; hosts with failures of their own (Apps Script quotas, Google sign-in) pass theirs. */
  describe?(err: unknown): Message;
}

/** Loads what the first step needs: templates, document types, recent cases and, for mail, the proposal. */
export async function loadStart(client: ImsClient, state: FlowState): Promise<FlowState> {
  const mail = state.capture.mail;
  const lookup: Promise<MailLookupResult> = mail
    ? client.mailLookup({
        messageId: mail.messageId,
        inReplyTo: mail.inReplyTo,
        references: mail.references,
        from: mail.from,
        conversationId: mail.conversationId,
      })
    : Promise.resolve({ alreadyFiled: null, proposal: null });
  const existingId = state.capture.existingDocumentId;
  const existing = existingId
    ? client.getDocument(existingId).then(
        (d) => ({ title: d.title, version: d.currentVersion.version, caseLabel: filedIn(d) }),
        (err) => {
          if (err instanceof ApiError && err.status === 404) return null;
          throw err;
        },
      )
    : Promise.resolve(null);
  const [templates, documentTypes, recent, found, known] = await Promise.all([
    client.templates(),
    client.documentTypes(),
    client.recentCases(),
    lookup,
    existing,
  ]);
  return withReferenceData(state, { templates, documentTypes, recent, proposal: found.proposal, alreadyFiled: found.alreadyFiled, existing: known });
}

export async function searchCases(client: ImsClient, state: FlowState, query: string): Promise<FlowState> {
  if (!query.trim()) return withSuggestions(state, query, []);
  return withSuggestions(state, query, await client.suggestCases(query));
}

/** Creates the case drafted in the pane (validated against its template first) and chooses it. */
export async function createDraftedCase(client: ImsClient, state: FlowState, language: Language): Promise<FlowState> {
  const draft = state.newCase;
  if (!draft) return state;
  const t = translator(language);
  const template = state.templates.find((x) => x.id === draft.templateId);
  const errors: Record<string, Message> = {};
  if (!template) errors.templateId = { key: "error.required", params: { field: t("case.create.template") } };
  if (!draft.title.trim()) errors.newCaseTitle = { key: "error.required", params: { field: t("case.create.title") } };
  const checked = validateFields(template?.fields ?? [], draft.fields);
  Object.assign(errors, checked.errors);
  if (Object.keys(errors).length) return withErrors(state, errors);
  try {
    const created = await client.createCase({ templateId: template!.id, title: draft.title.trim(), metadata: checked.values });
    return chooseCase({ ...state, recent: [created, ...state.recent] }, created);
  } catch (err) {
    return { ...state, failure: messageFor(err) };
  }
}

/** The label of the case a document is filed in, null for a floating one. */
const filedIn = (d: DocumentDetails) => (d.case ? caseLabel(d.case) : null);

/**
 * Saves the captured item as the state describes: uploads every chosen part in slices, then commits the
 * document with the state's idempotency key, retrying transient failures so nothing is saved twice.
 */
export async function save(client: ImsClient, state: FlowState, sources: SaveSources, options: SaveOptions): Promise<FlowState> {
  const t = translator(options.language);
  const errors = validateForSave(state, (k) => t(k));
  if (Object.keys(errors).length) return withErrors(state, errors);
  const retry = options.retry ?? defaultRetry;
  const choices = state.capture.attachments.filter((a) => state.attachmentChoices[a.id] !== "skip" && state.attachmentChoices[a.id] !== undefined);
  let current = saving(state, 0, 1);
  options.onState?.(current);
  // Parts are opened one at a time and closed right after their upload: Office keeps at most two files open.
  type Part = { role: "main" | "attachment" | "document" | "pdf"; id?: string; filename?: string; size: number; get: () => Promise<PartSource> };
  const parts: Part[] = [{ role: "main", size: state.capture.size ?? 0, get: () => sources.main() }];
  if (!state.asNewVersion) {
    for (const a of choices) {
      parts.push({
        role: state.attachmentChoices[a.id] === "document" ? "document" : "attachment",
        id: a.id,
        size: a.size,
        get: () => sources.attachment(a.id),
      });
    }
    if (state.savePdf && sources.pdf) parts.push({ role: "pdf", size: state.capture.size ?? 0, get: () => sources.pdf!() });
  }
  try {
    const uploads: string[] = [];
    let done = 0;
    for (const [index, part] of parts.entries()) {
      const source = await part.get();
      const total = () => parts.reduce((n, p) => n + p.size, 0) || 1;
      if (isServiceImport(source)) {
        // The service fetches it (Graph); the key is the save's, so a retried save finds the upload its first try left.
        const key = `${state.idempotencyKey}/import/${index}`;
        const imported = await withRetry(
          () => source.importInto(client, key),
          retry,
          (attempt) => {
            current = saving(current, done, total(), attempt);
            options.onState?.(current);
          },
        );
        part.size = imported.size;
        part.filename = imported.filename || source.filename;
        uploads.push(imported.uploadId);
        done += part.size;
        current = saving(current, done, total(), 0);
        options.onState?.(current);
        continue;
      }
      try {
        part.size = source.size;
        part.filename = source.filename;
        uploads.push(
          await uploadResumable(client, source, {
            chunkSize: options.chunkSize,
            retry,
            onProgress: (sent) => {
              current = saving(current, done + sent, total(), 0);
              options.onState?.(current);
            },
            onRetry: (attempt) => {
              current = saving(current, current.progress?.sent ?? done, total(), attempt);
              options.onState?.(current);
            },
          }),
        );
      } finally {
        await source.close?.();
      }
      done += part.size;
    }
    const total = parts.reduce((n, p) => n + p.size, 0) || 1;
    const onRetry = (attempt: number) => {
      current = saving(current, done, total, attempt);
      options.onState?.(current);
    };

    if (state.asNewVersion && state.capture.existingDocumentId) {
      const docId = state.capture.existingDocumentId;
      const etag = state.capture.existingEtag ?? (await client.getDocument(docId)).etag;
      const document = await withRetry(() => client.addVersion(docId, etag, uploads[0], state.comment.trim() || undefined), retry, onRetry);
      return saved(state, { document, separate: [], caseLabel: filedIn(document) });
    }

    const caseId = state.target?.kind === "case" ? state.target.case.id : null;
    const common = {
      documentTypeId: state.documentTypeId!,
      caseId,
      status: state.status,
      ...(state.documentDate ? { documentDate: state.documentDate } : {}),
      ...(state.comment.trim() ? { comment: state.comment.trim() } : {}),
    };
    const attachments = parts
      .map((p, i) => ({ p, upload: uploads[i] }))
      .filter(({ p }) => p.role === "attachment" || p.role === "pdf")
      .map(({ p, upload }) => ({ upload, title: p.filename }));
    const mail = state.capture.mail;
    const hints =
      mail && (mail.messageId || mail.conversationId)
        ? { mail: { ...(mail.messageId ? { messageId: mail.messageId } : {}), ...(mail.conversationId ? { conversationId: mail.conversationId } : {}) } }
        : {};
    // The pane said the mail is filed already and the user saves it anyway: the service is told so.
    const again = state.alreadyFiled ? { allowDuplicate: true } : {};
    const document = await withRetry(
      () => client.saveDocument({ ...common, ...hints, ...again, upload: uploads[0], title: state.title.trim(), attachments }, state.idempotencyKey),
      retry,
      onRetry,
    );
    const separate: DocumentDetails[] = [];
    for (const [i, p] of parts.entries()) {
      if (p.role !== "document") continue;
      const title = titleFromFileName(p.filename ?? "");
      separate.push(await withRetry(() => client.saveDocument({ ...common, upload: uploads[i], title }, `${state.idempotencyKey}/${p.id}`), retry, onRetry));
    }
    return saved(state, { document, separate, caseLabel: filedIn(document) });
  } catch (err) {
    return failed(state, (options.describe ?? messageFor)(err));
  }
}
