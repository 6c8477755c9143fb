import { cleanTitle } from "../../../shared/flow/safe-names.ts";
import type { Db, Executor } from "../../db/database.ts";
import { notFound, unprocessable } from "../../http/problem.ts";
import { requireVisibleDocument } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import { requireDocumentEditor } from "../access/policy.ts";
import { recordAudit } from "../audit/audit.service.ts";
import * as repo from "./documents.repository.ts";
import { notify } from "../notifications/notify.ts";
import { caseOf, insertAttachment, requireFreshEtag, versionLabel, versionRow, writeDocument, type IncomingContent } from "./documents.service.ts";
import type { VersionRow } from "./documents.table.ts";

const VERSION_LABEL = /^\d{1,6}\.\d{1,6}$/;

/** New content for a document or attachment is the next minor version of what it has (1.0 → 1.1, 2.0 → 2.1). */
async function insertNextVersion(
  db: Executor,
  documentId: string,
  subjectId: string,
  content: IncomingContent,
  actor: Actor,
  at: string,
  comment: string,
): Promise<VersionRow> {
  const latest = (await repo.latestVersion(db, subjectId))!;
  const v = versionRow(documentId, subjectId, latest.major, latest.minor + 1, content, actor, at, comment);
  await repo.insertVersion(db, v);
  return v;
}

/** Adds new content as the next minor version (1.0 → 1.1). Requires the ETag the client last saw. */
export async function addVersion(
  db: Db,
  actor: Actor,
  id: string,
  ifMatch: string | undefined,
  content: IncomingContent,
  comment: string,
): Promise<VersionRow> {
  return db.transaction().execute(async (trx) => {
    const doc = await requireVisibleDocument(trx, actor, id);
    requireDocumentEditor(actor, doc, await caseOf(trx, doc));
    requireFreshEtag(doc, ifMatch, true);
    const at = new Date().toISOString();
    const v = await insertNextVersion(trx, doc.id, doc.id, content, actor, at, comment);
    await writeDocument(trx, doc, ifMatch, { current_version_id: v.id, changed_at: at, changed_by: actor.userId });
    if (doc.case_id) await notify(trx, { actor, change: "version_added", caseId: doc.case_id, documentId: doc.id, detail: versionLabel(v) });
    await recordAudit(trx, {
      actor,
      action: "version.create",
      objectType: "document",
      objectId: doc.id,
      details: { version: versionLabel(v), sha256: v.sha256, size: v.size, filename: v.filename },
    });
    return v;
  });
}

/** Checks, before any content arrives, that the actor may add a version and that the ETag is current. */
export async function checkVersionAllowed(db: Executor, actor: Actor, id: string, ifMatch: string | undefined): Promise<void> {
  const doc = await requireVisibleDocument(db, actor, id);
  requireDocumentEditor(actor, doc, await caseOf(db, doc));
  requireFreshEtag(doc, ifMatch, true);
}

/** Checks, before any content arrives, that the actor may add to the document's attachments (and, with If-Match, that it is current). */
export async function checkAttachmentAllowed(db: Executor, actor: Actor, id: string, ifMatch: string | undefined, attachmentId?: string): Promise<void> {
  const doc = await requireVisibleDocument(db, actor, id);
  requireDocumentEditor(actor, doc, await caseOf(db, doc));
  requireFreshEtag(doc, ifMatch, false);
  if (attachmentId && !(await repo.findAttachment(db, doc, attachmentId))) throw notFound("The attachment");
}

export async function addAttachment(db: Db, actor: Actor, id: string, title: string | undefined, content: IncomingContent, ifMatch?: string) {
  return db.transaction().execute(async (trx) => {
    const doc = await requireVisibleDocument(trx, actor, id);
    requireDocumentEditor(actor, doc, await caseOf(trx, doc));
    requireFreshEtag(doc, ifMatch, false);
    const at = new Date().toISOString();
    const name = cleanTitle(title ?? "") || content.filename;
    const { attachmentId, version } = await insertAttachment(trx, actor, doc.id, name, content, at, "");
    await writeDocument(trx, doc, ifMatch, { changed_at: at, changed_by: actor.userId });
    await recordAudit(trx, {
      actor,
      action: "attachment.create",
      objectType: "document",
      objectId: doc.id,
      details: { attachmentId, title: name, sha256: version.sha256, size: version.size },
    });
    return { id: attachmentId, title: name, version: versionLabel(version) };
  });
}

export async function addAttachmentVersion(
  db: Db,
  actor: Actor,
  id: string,
  attachmentId: string,
  content: IncomingContent,
  comment: string,
  ifMatch?: string,
) {
  return db.transaction().execute(async (trx) => {
    const doc = await requireVisibleDocument(trx, actor, id);
    requireDocumentEditor(actor, doc, await caseOf(trx, doc));
    requireFreshEtag(doc, ifMatch, false);
    const attachment = await repo.findAttachment(trx, doc, attachmentId);
    if (!attachment) throw notFound("The attachment");
    const at = new Date().toISOString();
    const v = await insertNextVersion(trx, doc.id, attachmentId, content, actor, at, comment);
    await trx.updateTable("attachments").set({ current_version_id: v.id }).where("id", "=", attachmentId).execute();
    await writeDocument(trx, doc, ifMatch, { changed_at: at, changed_by: actor.userId });
    await recordAudit(trx, {
      actor,
      action: "attachment.version",
      objectType: "document",
      objectId: doc.id,
      details: { attachmentId, version: versionLabel(v), sha256: v.sha256, size: v.size },
    });
    return { id: attachmentId, version: versionLabel(v) };
  });
}

/** The version whose bytes a download serves; the download is audited. */
export async function openContent(db: Executor, actor: Actor, id: string, attachmentId: string | undefined, label: string | undefined): Promise<VersionRow> {
  if (label !== undefined && !VERSION_LABEL.test(label)) throw unprocessable("invalid_version", `"${label}" is not a version number like 1.0 or 2.3.`);
  const doc = await requireVisibleDocument(db, actor, id);
  if (attachmentId && !(await repo.findAttachment(db, doc, attachmentId))) throw notFound("The attachment");
  const v = await repo.findVersion(db, doc, attachmentId ?? doc.id, label);
  if (!v) throw notFound(`Version ${label ?? ""} of the ${attachmentId ? "attachment" : "document"}`.replace("  ", " "));
  await recordAudit(db, {
    actor,
    action: "document.download",
    objectType: "document",
    objectId: doc.id,
    details: { version: versionLabel(v), attachmentId: attachmentId ?? null, sha256: v.sha256 },
  });
  return v;
}
