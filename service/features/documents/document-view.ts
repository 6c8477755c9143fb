import type { DocumentSummary, VersionInfo } from "../../../shared/api/types.ts";
import type { Executor } from "../../db/database.ts";
import { requireVisibleDocument } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { findCase } from "../cases/cases.service.ts";
import { usersByIds } from "../users/users.service.ts";
import { listDocumentTypes } from "../retention/retention.service.ts";
import * as repo from "./documents.repository.ts";
import { mailOf } from "../mail/mail.service.ts";
import { etagOf, versionLabel } from "./documents.service.ts";
import type { DocumentRow } from "./documents.table.ts";

/** A version as the API sends it (shared/api/types.ts). */
export type VersionView = VersionInfo;

export const toVersionView = (v: repo.VersionWithText): VersionView => ({
  id: v.id,
  version: versionLabel(v),
  filename: v.filename,
  originalFilename: v.original_filename,
  mediaType: v.media_type,
  size: v.size,
  sha256: v.sha256,
  authorId: v.author_id,
  createdAt: v.created_at,
  comment: v.comment,
  extraction: v.text_status ? { status: v.text_status, reason: v.text_reason } : { status: "pending", reason: null },
});

export type { DocumentSummary };

/** A document row with the name of whoever changed it last and its current version's number (a listing joins them; a single document looks them up). */
export type NamedDocumentRow = DocumentRow & { changed_by_name: string | null; current_major: number | null; current_minor: number | null };

export const toDocumentSummary = (d: NamedDocumentRow): DocumentSummary => ({
  id: d.id,
  title: d.title,
  status: d.status,
  documentTypeId: d.document_type_id,
  category: d.category,
  ownerId: d.owner_id,
  caseId: d.case_id,
  accessGroupId: d.access_group_id,
  documentDate: d.document_date,
  disposalDate: d.disposal_date,
  version: versionLabel({ major: d.current_major ?? 1, minor: d.current_minor ?? 0 }),
  createdAt: d.created_at,
  createdBy: d.created_by,
  changedAt: d.changed_at,
  changedBy: d.changed_by,
  changedByName: d.changed_by_name,
  etag: etagOf(d),
});

/** Everything the document page shows: metadata, versions, attachments, comments, references, history. */
/** `recordView`: a GET is a view and is audited; the answer to a save or change is not a second event. */
export async function documentDetails(db: Executor, actor: Actor, id: string, options: { recordView: boolean } = { recordView: true }) {
  const doc = await requireVisibleDocument(db, actor, id);
  const [versions, attachments, comments, references, history, [type], c] = await Promise.all([
    repo.versionsOf(db, doc),
    repo.attachmentsOf(db, doc),
    repo.commentsOf(db, doc),
    repo.referencesOf(db, actor, doc),
    repo.historyOf(db, doc),
    listDocumentTypes(db, [doc.document_type_id]),
    doc.case_id ? findCase(db, doc.case_id) : undefined,
  ]);
  const [changedBy] = await usersByIds(db, [doc.changed_by]);
  // A mail's parts name the attachment with the same bytes, so what a client uploaded beside the mail shows once.
  const currentBytes = new Map(attachments.flatMap((a) => versions.filter((v) => v.id === a.current_version_id).map((v) => [v.sha256, a.id] as const)));
  const mail = await mailOf(db, actor, doc, currentBytes);
  if (options.recordView) await recordAudit(db, { actor, action: "document.view", objectType: "document", objectId: doc.id, details: {} });
  const own = versions.filter((v) => v.subject_id === doc.id);
  const current = own.find((v) => v.id === doc.current_version_id)!;
  return {
    ...toDocumentSummary({ ...doc, changed_by_name: changedBy?.name ?? null, current_major: current.major, current_minor: current.minor }),
    documentType: { id: type.id, name: type.name, category: type.category, retention: type.retention },
    case: c ? { id: c.id, number: c.number, title: c.title, status: c.status } : null,
    mail,
    currentVersion: toVersionView(current),
    versions: own.map(toVersionView),
    attachments: attachments.map((a) => ({
      id: a.id,
      title: a.title,
      createdAt: a.created_at,
      createdBy: a.created_by,
      versions: versions.filter((v) => v.subject_id === a.id).map(toVersionView),
    })),
    comments: comments.map((c) => ({ id: c.id, body: c.body, authorId: c.author_id, authorName: c.author_name, createdAt: c.created_at })),
    references: {
      outgoing: references.outgoing.map((r) => ({ id: r.id, kind: r.kind, documentId: r.document_id, title: r.title, createdAt: r.created_at })),
      incoming: references.incoming.map((r) => ({ id: r.id, kind: r.kind, documentId: r.document_id, title: r.title, createdAt: r.created_at })),
    },
    history: history.map((h) => ({ field: h.field, from: h.old_value, to: h.new_value, at: h.at, actorId: h.actor_id, actorName: h.actor_name })),
  };
}

export interface DocumentListFilter {
  caseId?: string;
  floating?: boolean;
  /** Only the person's own documents (with floating: their inbox). */
  mine?: boolean;
  after?: [string, string];
  limit: number;
}

/** Visible documents, most recently changed first, keyset on (changed_at, id). */
export async function listDocuments(db: Executor, actor: Actor, f: DocumentListFilter): Promise<NamedDocumentRow[]> {
  // The name is a display join onto the users table (as comments and history have), one query for the page.
  let q = (await repo.documentsToList(db, actor, f))
    .leftJoin("users", "users.id", "documents.changed_by")
    .leftJoin("versions", "versions.id", "documents.current_version_id")
    .selectAll("documents")
    .select(["users.name as changed_by_name", "versions.major as current_major", "versions.minor as current_minor"]);
  if (f.caseId) q = q.where("documents.case_id", "=", f.caseId);
  if (f.floating) q = q.where("documents.case_id", "is", null);
  if (f.mine) q = q.where("documents.owner_id", "=", actor.userId);
  if (f.after) {
    const [at, id] = f.after;
    q = q.where((eb) => eb.or([eb("documents.changed_at", "<", at), eb.and([eb("documents.changed_at", "=", at), eb("documents.id", "<", id)])]));
  }
  return q
    .orderBy("documents.changed_at", "desc")
    .orderBy("documents.id", "desc")
    .limit(f.limit + 1)
    .execute();
}
