import { randomUUID } from "node:crypto";
import type { Updateable } from "kysely";
import type { DocumentPatch, NewDocumentMetadata } from "../../../shared/api/types.ts";
import { titleFromFileName } from "../../../shared/flow/naming.ts";
import { cleanTitle } from "../../../shared/flow/safe-names.ts";
import type { Db, Executor } from "../../db/database.ts";
import { ifMatchHolds, overtaken, preconditionFailed } from "../../http/preconditions.ts";
import { Problem, unprocessable } from "../../http/problem.ts";
import type { StoredBlob } from "../../blobs/blob-store.ts";
import { requireVisibleCase, requireVisibleDocument, scopedDocuments, type Visible } from "../access/access.ts";
import { requireAccessGroup } from "../access/access-groups.service.ts";
import { isAdmin, type Actor } from "../access/actor.ts";
import { requireCaseWritable, requireDocumentEditor, requireMayDelete, requireMayReturnToDraft } from "../access/policy.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { findCase, markCaseUsed } from "../cases/cases.service.ts";
import type { CaseRow } from "../cases/cases.table.ts";
import { requireDocumentType, listDocumentTypes, type DocumentTypeView } from "../retention/retention.service.ts";
import { getTemplate } from "../templates/templates.service.ts";
import { computeDisposal } from "./disposal.ts";
import { filingsOf, isPartContent, registerMail, type RecognisedMail } from "../mail/mail.service.ts";
import * as repo from "./documents.repository.ts";
import { notify } from "../notifications/notify.ts";
import type { DocumentRow, DocumentTable, VersionRow } from "./documents.table.ts";

/** Content that has already been streamed into the blob store, with what the client called it. */
export interface IncomingContent {
  blob: StoredBlob;
  /** Safe to store and show (shared/flow/safe-names.ts). */
  filename: string;
  /** The name as the client sent it, when it had to be made safe. */
  originalFilename?: string | null;
  mediaType: string;
}

/** The title a file gets when the save names none: its name without the extension, cleaned as every title is. */
export const titleOf = (filename: string) => cleanTitle(titleFromFileName(filename)) || filename;

/** A new document's metadata as POST /api/documents validates it (shared/api/schemas/documents.ts). */
export type NewDocument = NewDocumentMetadata;

/** A new document whose metadata passed every check; only its content is still to come. */
export interface PreparedDocument {
  input: NewDocument;
  type: DocumentTypeView;
  case: Visible<CaseRow> | null;
  accessGroupId: string | null;
}

export const versionLabel = (v: Pick<VersionRow, "major" | "minor">) => `${v.major}.${v.minor}`;
/**
 * A document's ETag: its current version's id, so a tag never matches other content (not even after a restore
 * of an older copy), and its revision, so every change makes the tag stale. At revision 0 — no change since it
 * was saved or since revisions began — it is the version id alone, the ETag documents had before revisions.
 */
export const etagOf = (doc: Pick<DocumentRow, "current_version_id" | "revision">) =>
  doc.revision === 0 ? `"${doc.current_version_id}"` : `"${doc.current_version_id}.${doc.revision}"`;

async function requireTypeAllowedInCase(db: Executor, c: Visible<CaseRow>, type: DocumentTypeView): Promise<void> {
  const template = await getTemplate(db, c.template_id);
  if (template.documentTypeIds.length && !template.documentTypeIds.includes(type.id)) {
    const allowed = (await listDocumentTypes(db, template.documentTypeIds)).map((t) => t.name).join(", ");
    throw unprocessable(
      "document_type_not_allowed",
      `The document type "${type.name}" is not allowed in case ${c.number} (template "${template.name}"). Allowed: ${allowed}.`,
    );
  }
}

/** A document may only be restricted to an access group its author is in: otherwise they would file what they cannot see. */
async function requireAccessGroupMember(db: Executor, actor: Actor, accessGroupId: string, fromType?: string): Promise<void> {
  const group = await requireAccessGroup(db, accessGroupId);
  if (isAdmin(actor) || actor.accessGroupIds.includes(accessGroupId)) return;
  if (fromType) {
    throw unprocessable(
      "not_in_access_group",
      `Documents of the type "${fromType}" are restricted to the access group "${group.name}", which you are not a member of; choose another type.`,
    );
  }
  throw unprocessable("not_in_access_group", "You can only restrict a document to an access group you are a member of.");
}

/** Checks everything about a new document before any byte of its content is accepted. */
export async function prepareDocument(db: Executor, actor: Actor, input: NewDocument): Promise<PreparedDocument> {
  const type = await requireDocumentType(db, input.documentTypeId);
  let c: Visible<CaseRow> | null = null;
  if (input.caseId) {
    c = await requireVisibleCase(db, actor, input.caseId);
    requireCaseWritable(actor, c);
    await requireTypeAllowedInCase(db, c, type);
  }
  const accessGroupId = input.accessGroupId ?? type.accessGroupId;
  if (accessGroupId) await requireAccessGroupMember(db, actor, accessGroupId, input.accessGroupId ? undefined : type.name);
  return { input, type, case: c, accessGroupId };
}

export async function documentForIdempotencyKey(db: Executor, actor: Actor, key: string): Promise<string | undefined> {
  const row = await db.selectFrom("idempotency_keys").select("document_id").where("user_id", "=", actor.userId).where("key", "=", key).executeTakeFirst();
  return row?.document_id;
}

export function versionRow(
  documentId: string,
  subjectId: string,
  major: number,
  minor: number,
  content: IncomingContent,
  actor: Actor,
  at: string,
  comment: string,
): VersionRow {
  return {
    id: randomUUID(),
    document_id: documentId,
    subject_id: subjectId,
    major,
    minor,
    filename: content.filename,
    original_filename: content.originalFilename ?? null,
    media_type: content.mediaType,
    size: content.blob.size,
    sha256: content.blob.sha256,
    author_id: actor.userId,
    created_at: at,
    comment,
  };
}

/**
 * Commits a new document, its first version and its attachments in one durable transaction. A repeated
 * idempotency key returns the document the first request created instead of a second one.
 */
export async function saveDocument(
  db: Db,
  actor: Actor,
  prepared: PreparedDocument,
  content: IncomingContent,
  attachments: IncomingContent[],
  idempotencyKey: string | undefined,
  mail: RecognisedMail | null = null,
): Promise<{ id: string; replayed: boolean }> {
  const { input, type } = prepared;
  return db.transaction().execute(async (trx) => {
    if (idempotencyKey) {
      const existing = await documentForIdempotencyKey(trx, actor, idempotencyKey);
      if (existing) return { id: existing, replayed: true };
    }
    const c = prepared.case ? await requireVisibleCase(trx, actor, prepared.case.id) : null;
    if (c) requireCaseWritable(actor, c);
    const at = new Date().toISOString();
    const id = randomUUID();
    const first = versionRow(id, id, 1, 0, content, actor, at, input.comment ?? "");
    const final = input.status === "final" ? finalVersion(first, actor, at) : null;
    const title = (input.title && cleanTitle(input.title)) || titleOf(content.filename);
    await repo.insertDocument(trx, {
      id,
      title,
      status: final ? "final" : "draft",
      document_type_id: type.id,
      category: type.category,
      owner_id: actor.userId,
      case_id: c?.id ?? null,
      access_group_id: prepared.accessGroupId,
      document_date: input.documentDate ?? null,
      disposal_date: await computeDisposal(trx, type.id, c, at),
      current_version_id: (final ?? first).id,
      created_at: at,
      created_by: actor.userId,
      changed_at: at,
      changed_by: actor.userId,
    });
    await repo.insertVersion(trx, first);
    if (final) await repo.insertVersion(trx, final);
    if (mail) {
      if (c) await refuseMailFiledInCase(trx, actor, mail, content.blob.sha256, c, input.allowDuplicate === true);
      await registerMail(trx, id, first.id, mail, input.mail ?? {}, { contentSha256: content.blob.sha256, titleFromSubject: !input.title?.trim() });
    }
    // The log records each attachment's content as saved, so a later change to it is detected (audit:verify).
    const attachmentContents: Array<{ attachmentId: string; sha256: string; size: number }> = [];
    for (const [i, a] of attachments.entries()) {
      const { attachmentId } = await insertAttachment(
        trx,
        actor,
        id,
        (input.attachments?.[i]?.title && cleanTitle(input.attachments[i].title!)) || titleOf(a.filename),
        a,
        at,
        "",
      );
      attachmentContents.push({ attachmentId, sha256: a.blob.sha256, size: a.blob.size });
    }
    if (idempotencyKey) {
      await trx.insertInto("idempotency_keys").values({ user_id: actor.userId, key: idempotencyKey, document_id: id, created_at: at }).execute();
    }
    if (c) await markCaseUsed(trx, actor, c.id);
    if (c) await notify(trx, { actor, change: "document_added", caseId: c.id, documentId: id, detail: title });
    await recordAudit(trx, {
      actor,
      action: "document.create",
      objectType: "document",
      objectId: id,
      details: {
        caseId: c?.id ?? null,
        documentType: type.name,
        filename: content.filename,
        sha256: content.blob.sha256,
        size: content.blob.size,
        attachments: attachments.length,
        attachmentContents,
      },
    });
    return { id, replayed: false };
  });
}

export async function insertAttachment(db: Executor, actor: Actor, documentId: string, title: string, content: IncomingContent, at: string, comment: string) {
  const attachmentId = randomUUID();
  const v = versionRow(documentId, attachmentId, 1, 0, content, actor, at, comment);
  const { n } = await db
    .selectFrom("attachments")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("document_id", "=", documentId)
    .executeTakeFirstOrThrow();
  await db
    .insertInto("attachments")
    .values({ id: attachmentId, document_id: documentId, title, position: Number(n), current_version_id: v.id, created_at: at, created_by: actor.userId })
    .execute();
  await repo.insertVersion(db, v);
  return { attachmentId, version: v };
}

/** Final makes the next major version (1.3 → 2.0) of the same content. */
function finalVersion(current: VersionRow, actor: Actor, at: string): VersionRow {
  return {
    ...current,
    id: randomUUID(),
    major: current.major + 1,
    minor: 0,
    author_id: actor.userId,
    created_at: at,
    comment: "Markeret som endelig / marked final",
  };
}

/** Whether any version names this content; a blob nothing names may be removed (the sweep, a failed save). */
export async function isContentReferenced(db: Executor, sha256: string): Promise<boolean> {
  return (await repo.contentInUse(db, sha256)) || (await isPartContent(db, sha256));
}

/** The stored content of a version, or undefined once its document is gone. */
export function contentOfVersion(db: Executor, versionId: string) {
  return repo.versionContent(db, versionId);
}

/**
 * 409 when the same mail (by Message-ID, or by its bytes when it has none) is in this case already, among what
 * the actor may see, unless the client asked to save it anyway. Filed in another case, it is saved, and the
 * document's mail view names the other filings.
 */
async function refuseMailFiledInCase(db: Executor, actor: Actor, mail: RecognisedMail, sha256: string, c: CaseRow, allowDuplicate: boolean): Promise<void> {
  if (allowDuplicate) return;
  const here = (await filingsOf(db, mail, sha256)).filter((f) => f.caseId === c.id);
  for (const f of here) {
    const visible = await scopedDocuments(db, actor).select("documents.id").where("documents.id", "=", f.documentId).executeTakeFirst();
    if (!visible) continue;
    throw new Problem(
      409,
      "mail_already_filed",
      `This mail is already filed in case ${c.number} as "${f.title}". Send allowDuplicate: true to save it again.`,
      {
        existing: { documentId: f.documentId, title: f.title },
      },
    );
  }
}

/**
 * Once a mail saved without a title has been read, its subject becomes the title — unless someone has
 * renamed the document since (then the title is no longer the one made from the file name).
 */
export async function adoptMailSubject(db: Db, documentId: string, subject: string): Promise<void> {
  const title = cleanTitle(subject);
  if (!title) return;
  await db.transaction().execute(async (trx) => {
    const doc = await trx.selectFrom("documents").selectAll().where("id", "=", documentId).executeTakeFirst();
    if (!doc || doc.title === title) return;
    const first = await trx
      .selectFrom("versions")
      .select("filename")
      .where("document_id", "=", documentId)
      .orderBy("major")
      .orderBy("minor")
      .executeTakeFirst();
    if (!first || doc.title !== titleOf(first.filename)) return;
    const at = new Date().toISOString();
    if (!(await repo.updateDocumentAt(trx, doc.id, doc.revision, { title }))) return;
    await repo.addHistory(trx, doc.id, doc.created_by, at, [{ field: "title", from: doc.title, to: title }]);
  });
}

export async function caseOf(db: Executor, doc: DocumentRow): Promise<CaseRow | null> {
  if (!doc.case_id) return null;
  return (await findCase(db, doc.case_id)) ?? null;
}

const currentState = (doc: DocumentRow) => ({ changedAt: doc.changed_at, changedBy: doc.changed_by });

/**
 * Whether If-Match names the document's current content: an ETag of the current version at any revision.
 * New content replaces content only, so a colleague's metadata change since the client fetched the document
 * (a Word file keeps the ETag it left IMS Case with) does not refuse it; a newer version does.
 */
function namesCurrentContent(ifMatch: string, doc: DocumentRow): boolean {
  const tags = ifMatch.match(/"[^"]*"/g) ?? [];
  const version = `"${doc.current_version_id}`;
  return tags.some((t) => t === `${version}"` || (t.startsWith(`${version}.`) && /^\.\d+"$/.test(t.slice(version.length))));
}

/**
 * Refuses a write whose If-Match names another state of the document than the current one (412). For new
 * content (`content`) If-Match is required (428) and only needs to name the current version.
 */
export function requireFreshEtag(doc: DocumentRow, ifMatch: string | undefined, content: boolean): void {
  if (ifMatch === undefined && content) {
    throw new Problem(428, "if_match_required", `Send If-Match with the document's current ETag (${etagOf(doc)}) so a newer version is not overwritten.`);
  }
  if (ifMatchHolds(ifMatch, etagOf(doc)) || (content && ifMatch !== undefined && namesCurrentContent(ifMatch, doc))) return;
  throw preconditionFailed("document", etagOf(doc), currentState(doc));
}

/**
 * Writes a change to the document read as `doc` and moves its revision on, in one statement that only
 * succeeds while the document is still at that revision. SQLite runs one write transaction at a time, so
 * nothing can come between; where writers run side by side, the later one is refused here and rolled back.
 */
export async function writeDocument(db: Executor, doc: DocumentRow, ifMatch: string | undefined, changes: Updateable<DocumentTable>): Promise<void> {
  if (!(await repo.updateDocumentAt(db, doc.id, doc.revision, changes))) throw await lostRace(db, doc.id, ifMatch);
}

async function lostRace(db: Executor, id: string, ifMatch: string | undefined): Promise<Problem> {
  const now = await db.selectFrom("documents").selectAll().where("id", "=", id).executeTakeFirst();
  return overtaken("document", ifMatch, now && { etag: etagOf(now), state: currentState(now) });
}

/** Changes metadata; every changed field is kept in the document's history. */
export async function updateDocument(db: Db, actor: Actor, id: string, patch: DocumentPatch, ifMatch: string | undefined): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const doc = await requireVisibleDocument(trx, actor, id);
    const c = await caseOf(trx, doc);
    requireDocumentEditor(actor, doc, c);
    requireFreshEtag(doc, ifMatch, false);
    const at = new Date().toISOString();
    const changes: Array<{ field: string; from: string | null; to: string | null }> = [];
    const set: Updateable<DocumentTable> = {};
    let finalLabel: string | null = null;
    if (patch.title !== undefined && patch.title !== doc.title) {
      changes.push({ field: "title", from: doc.title, to: patch.title });
      set.title = patch.title;
    }
    if (patch.documentDate !== undefined && patch.documentDate !== doc.document_date) {
      changes.push({ field: "documentDate", from: doc.document_date, to: patch.documentDate });
      set.document_date = patch.documentDate;
    }
    if (patch.accessGroupId !== undefined && patch.accessGroupId !== doc.access_group_id) {
      if (patch.accessGroupId) await requireAccessGroupMember(trx, actor, patch.accessGroupId);
      changes.push({ field: "accessGroupId", from: doc.access_group_id, to: patch.accessGroupId });
      set.access_group_id = patch.accessGroupId;
    }
    if (patch.documentTypeId !== undefined && patch.documentTypeId !== doc.document_type_id) {
      const type = await requireDocumentType(trx, patch.documentTypeId);
      if (c) await requireTypeAllowedInCase(trx, c as Visible<CaseRow>, type);
      const disposal = await computeDisposal(trx, type.id, c, doc.created_at);
      changes.push({ field: "documentType", from: doc.document_type_id, to: type.id });
      if (type.category !== doc.category) changes.push({ field: "category", from: doc.category, to: type.category });
      if (disposal !== doc.disposal_date) changes.push({ field: "disposalDate", from: doc.disposal_date, to: disposal });
      Object.assign(set, { document_type_id: type.id, category: type.category, disposal_date: disposal });
    }
    if (patch.status !== undefined && patch.status !== doc.status) {
      if (patch.status === "draft") requireMayReturnToDraft(actor);
      changes.push({ field: "status", from: doc.status, to: patch.status });
      set.status = patch.status;
      if (patch.status === "final") {
        const current = await trx.selectFrom("versions").selectAll().where("id", "=", doc.current_version_id!).executeTakeFirstOrThrow();
        const final = finalVersion(current, actor, at);
        await repo.insertVersion(trx, final);
        set.current_version_id = final.id;
        finalLabel = versionLabel(final);
      }
    }
    // Nothing to change changes nothing, the revision included: the ETag stays.
    if (!changes.length) return;
    await writeDocument(trx, doc, ifMatch, { ...set, changed_at: at, changed_by: actor.userId });
    await repo.addHistory(trx, id, actor.userId, at, changes);
    // Marking final makes a new major version (2.0): those who follow the case hear of it as of any new version.
    if (c && finalLabel) await notify(trx, { actor, change: "version_added", caseId: c.id, documentId: id, detail: finalLabel });
    await recordAudit(trx, { actor, action: "document.update", objectType: "document", objectId: id, details: { changes } });
  });
}

/** Files a floating document into a case. */
export async function fileDocument(db: Db, actor: Actor, id: string, caseId: string, ifMatch: string | undefined): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const doc = await requireVisibleDocument(trx, actor, id);
    requireDocumentEditor(actor, doc, null);
    requireFreshEtag(doc, ifMatch, false);
    if (doc.case_id) throw new Problem(409, "already_filed", "The document is already filed in a case.");
    const c = await requireVisibleCase(trx, actor, caseId);
    requireCaseWritable(actor, c);
    const type = await requireDocumentType(trx, doc.document_type_id);
    await requireTypeAllowedInCase(trx, c, type);
    const at = new Date().toISOString();
    const disposal = await computeDisposal(trx, doc.document_type_id, c, doc.created_at);
    await writeDocument(trx, doc, ifMatch, { case_id: c.id, disposal_date: disposal, changed_at: at, changed_by: actor.userId });
    const changes = [{ field: "caseId", from: null, to: c.id }];
    if (disposal !== doc.disposal_date) changes.push({ field: "disposalDate", from: doc.disposal_date, to: disposal } as never);
    await repo.addHistory(trx, id, actor.userId, at, changes);
    await markCaseUsed(trx, actor, c.id);
    await notify(trx, { actor, change: "document_added", caseId: c.id, documentId: id, detail: doc.title });
    await recordAudit(trx, { actor, action: "document.file", objectType: "document", objectId: id, details: { caseId: c.id, caseNumber: c.number } });
  });
}

/** Deletes a document with its versions, attachments and comments. Admins only; the blobs go at the next sweep. */
export async function deleteDocument(db: Db, actor: Actor, id: string, reason: string | undefined, ifMatch: string | undefined): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const doc = await requireVisibleDocument(trx, actor, id);
    requireMayDelete(actor);
    requireFreshEtag(doc, ifMatch, false);
    const versions = await repo.versionsOf(trx, doc);
    await trx.deleteFrom("idempotency_keys").where("document_id", "=", id).execute();
    if (!(await repo.deleteDocumentAt(trx, doc.id, doc.revision))) throw await lostRace(trx, doc.id, ifMatch);
    await recordAudit(trx, {
      actor,
      action: "document.delete",
      objectType: "document",
      objectId: id,
      details: {
        title: doc.title,
        caseId: doc.case_id,
        reason: reason ?? null,
        versions: versions.map((v) => ({ version: versionLabel(v), sha256: v.sha256 })),
      },
    });
  });
}
