import type { ReferenceKind } from "../../../shared/api/schemas/documents.ts";
import type { Db } from "../../db/database.ts";
import { notFound, Problem, unprocessable } from "../../http/problem.ts";
import { documentVisibleTo, requireVisibleDocument } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import { requireMayComment, requireMayReference } from "../access/policy.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { caseOf } from "./documents.service.ts";
import { excerpt, notify } from "../notifications/notify.ts";

/** Comments on a document anyone who sees it may make (see `requireMayComment`). */
export async function addComment(db: Db, actor: Actor, id: string, body: string) {
  return db.transaction().execute(async (trx) => {
    const doc = await requireVisibleDocument(trx, actor, id);
    requireMayComment(actor, doc);
    const row = { id: crypto.randomUUID(), document_id: doc.id, author_id: actor.userId, body, created_at: new Date().toISOString() };
    await trx.insertInto("comments").values(row).execute();
    if (doc.case_id) await notify(trx, { actor, change: "comment_added", caseId: doc.case_id, documentId: doc.id, detail: excerpt(body) });
    await recordAudit(trx, { actor, action: "comment.create", objectType: "document", objectId: doc.id, details: { commentId: row.id } });
    return { id: row.id, body, authorId: actor.userId, createdAt: row.created_at };
  });
}

/** Links one visible document to another visible document. */
export async function addReference(db: Db, actor: Actor, fromId: string, toId: string, kind: ReferenceKind) {
  return db.transaction().execute(async (trx) => {
    const from = await requireVisibleDocument(trx, actor, fromId);
    requireMayReference(actor, await caseOf(trx, from), "addReference");
    if (fromId === toId) throw unprocessable("self_reference", "A document cannot refer to itself.");
    const to = await requireVisibleDocument(trx, actor, toId).catch((refusal: unknown) => {
      // The refusal rides along as the cause, so it is still audited after the rollback.
      throw Object.assign(unprocessable("unknown_reference_target", `There is no document "${toId}" you can refer to.`), { cause: refusal });
    });
    const exists = await trx
      .selectFrom("document_references")
      .select("id")
      .where("from_document_id", "=", from.id)
      .where("to_document_id", "=", to.id)
      .where("kind", "=", kind)
      .executeTakeFirst();
    if (exists) throw new Problem(409, "reference_exists", "That reference already exists.");
    const row = {
      id: crypto.randomUUID(),
      from_document_id: from.id,
      to_document_id: to.id,
      kind,
      created_at: new Date().toISOString(),
      created_by: actor.userId,
    };
    await trx.insertInto("document_references").values(row).execute();
    await recordAudit(trx, { actor, action: "reference.create", objectType: "document", objectId: from.id, details: { referenceId: row.id, to: to.id, kind } });
    return { id: row.id, kind, documentId: to.id, title: to.title };
  });
}

export async function removeReference(db: Db, actor: Actor, fromId: string, referenceId: string) {
  await db.transaction().execute(async (trx) => {
    const from = await requireVisibleDocument(trx, actor, fromId);
    requireMayReference(actor, await caseOf(trx, from), "removeReference");
    // A reference to a document the actor may not see is not shown to them, so it cannot be removed by them either.
    const ref = await trx
      .selectFrom("document_references")
      .innerJoin("documents", "documents.id", "document_references.to_document_id")
      .selectAll("document_references")
      .where("document_references.id", "=", referenceId)
      .where("document_references.from_document_id", "=", from.id)
      .where(documentVisibleTo(actor))
      .executeTakeFirst();
    if (!ref) throw notFound("The reference");
    await trx.deleteFrom("document_references").where("id", "=", referenceId).execute();
    await recordAudit(trx, {
      actor,
      action: "reference.delete",
      objectType: "document",
      objectId: from.id,
      details: { referenceId, to: ref.to_document_id, kind: ref.kind },
    });
  });
}
