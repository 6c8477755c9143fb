import { sql, type Insertable, type Updateable } from "kysely";
import type { Executor } from "../../db/database.ts";
import { withoutIndex } from "../../db/dialect.ts";
import { caseVisibleTo, documentVisibleTo, scopedCases, scopedDocuments, type Visible } from "../access/access.ts";
import { isAdmin, type Actor } from "../access/actor.ts";
import { queueTextExtraction } from "../search/extraction.ts";
import type { DocumentRow, DocumentTable, VersionRow, VersionTable } from "./documents.table.ts";

// Thin queries. Everything that reads a document's parts takes a Visible<DocumentRow>, which only the
// access module hands out, so no part of a document can be read without passing the access check.

export async function insertDocument(db: Executor, row: Insertable<DocumentTable>): Promise<void> {
  await db.insertInto("documents").values(row).execute();
}

/** Changes the document if it is still at `revision`, moving the revision on in the same statement; false if it was not. */
export async function updateDocumentAt(db: Executor, id: string, revision: number, changes: Updateable<DocumentTable>): Promise<boolean> {
  const result = await db
    .updateTable("documents")
    .set({ ...changes, revision: revision + 1 })
    .where("id", "=", id)
    .where("revision", "=", revision)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Deletes the document if it is still at `revision`; false if it was not. */
export async function deleteDocumentAt(db: Executor, id: string, revision: number): Promise<boolean> {
  const result = await db.deleteFrom("documents").where("id", "=", id).where("revision", "=", revision).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Adds a version and queues reading its text for search (in the same transaction). */
export async function insertVersion(db: Executor, row: VersionTable): Promise<void> {
  await db.insertInto("versions").values(row).execute();
  await queueTextExtraction(db, row);
}

export async function latestVersion(db: Executor, subjectId: string): Promise<VersionRow | undefined> {
  return db
    .selectFrom("versions")
    .selectAll()
    .where("subject_id", "=", subjectId)
    .orderBy("major", "desc")
    .orderBy("minor", "desc")
    .limit(1)
    .executeTakeFirst();
}

export async function contentInUse(db: Executor, sha256: string): Promise<boolean> {
  return Boolean(await db.selectFrom("versions").select("id").where("sha256", "=", sha256).limit(1).executeTakeFirst());
}

export function versionContent(db: Executor, versionId: string) {
  return db.selectFrom("versions").select(["sha256", "size", "filename", "media_type"]).where("id", "=", versionId).executeTakeFirst();
}

/** A version with how far reading its text for search has come (null status: not yet read). */
export type VersionWithText = VersionRow & { text_status: "done" | "failed" | "skipped" | null; text_reason: string | null };

export async function versionsOf(db: Executor, doc: Visible<DocumentRow>): Promise<VersionWithText[]> {
  return db
    .selectFrom("versions")
    .leftJoin("content_texts", "content_texts.sha256", "versions.sha256")
    .selectAll("versions")
    .select(["content_texts.status as text_status", "content_texts.reason as text_reason"])
    .where("document_id", "=", doc.id)
    .orderBy("major")
    .orderBy("minor")
    .execute();
}

export async function findVersion(db: Executor, doc: Visible<DocumentRow>, subjectId: string, label: string | undefined): Promise<VersionRow | undefined> {
  let q = db.selectFrom("versions").selectAll().where("document_id", "=", doc.id).where("subject_id", "=", subjectId);
  if (label) {
    const [major, minor] = label.split(".").map(Number);
    q = q.where("major", "=", major).where("minor", "=", minor);
  } else {
    q = q.orderBy("major", "desc").orderBy("minor", "desc").limit(1);
  }
  return q.executeTakeFirst();
}

export async function attachmentsOf(db: Executor, doc: Visible<DocumentRow>) {
  return db.selectFrom("attachments").selectAll().where("document_id", "=", doc.id).orderBy("position").execute();
}

export async function findAttachment(db: Executor, doc: Visible<DocumentRow>, attachmentId: string) {
  return db.selectFrom("attachments").selectAll().where("document_id", "=", doc.id).where("id", "=", attachmentId).executeTakeFirst();
}

export async function commentsOf(db: Executor, doc: Visible<DocumentRow>) {
  return db
    .selectFrom("comments")
    .leftJoin("users", "users.id", "comments.author_id")
    .select(["comments.id", "comments.body", "comments.created_at", "comments.author_id", "users.name as author_name"])
    .where("comments.document_id", "=", doc.id)
    .orderBy("comments.created_at")
    .execute();
}

export async function historyOf(db: Executor, doc: Visible<DocumentRow>) {
  return db
    .selectFrom("document_history")
    .leftJoin("users", "users.id", "document_history.actor_id")
    .select([
      "document_history.field",
      "document_history.old_value",
      "document_history.new_value",
      "document_history.at",
      "document_history.actor_id",
      "users.name as actor_name",
    ])
    .where("document_history.document_id", "=", doc.id)
    .orderBy("document_history.at")
    .execute();
}

/** References from and to the document, limited to the other documents the actor may see too. */
export async function referencesOf(db: Executor, actor: Actor, doc: Visible<DocumentRow>) {
  // The other end is checked on its own row (joined as "documents"), not by collecting every document the actor may see.
  const otherVisible = documentVisibleTo(actor);
  const outgoing = await db
    .selectFrom("document_references")
    .innerJoin("documents", "documents.id", "document_references.to_document_id")
    .select(["document_references.id", "document_references.kind", "document_references.created_at", "documents.id as document_id", "documents.title"])
    .where("document_references.from_document_id", "=", doc.id)
    .where(otherVisible)
    .execute();
  const incoming = await db
    .selectFrom("document_references")
    .innerJoin("documents", "documents.id", "document_references.from_document_id")
    .select(["document_references.id", "document_references.kind", "document_references.created_at", "documents.id as document_id", "documents.title"])
    .where("document_references.to_document_id", "=", doc.id)
    .where(otherVisible)
    .execute();
  return { outgoing, incoming };
}

export async function addHistory(
  db: Executor,
  documentId: string,
  actorId: string,
  at: string,
  changes: Array<{ field: string; from: string | null; to: string | null }>,
): Promise<void> {
  if (!changes.length) return;
  await db
    .insertInto("document_history")
    .values(
      changes.map((c) => ({ id: crypto.randomUUID(), document_id: documentId, field: c.field, old_value: c.from, new_value: c.to, actor_id: actorId, at })),
    )
    .execute();
}

/**
 * Below this many visible cases, the latest documents are gathered from those cases (and the floating ones the
 * actor owns or shares through a group) and sorted; from it on, walking all documents newest first and checking
 * each finds a page sooner. Walking reads about a page ÷ the share of documents visible, gathering about the
 * documents visible: on the bench archive (test/bench) the two cost the same near 600 of 100,000 cases.
 */
const FEW_CASES = 600;

/**
 * The visible documents, as a listing reads them. The unfiltered listing (latest documents) of someone who sees
 * few cases, an external partner or a newcomer, would otherwise walk the whole archive newest first looking for
 * documents they may see: seconds on a million. For them a condition is added that every visible document meets
 * anyway (its case is one they see, or it floats and is their own or their group's), shaped so that the planner
 * reads exactly those documents through their indexes and sorts them.
 */
export async function documentsToList(db: Executor, actor: Actor, f: { caseId?: string; floating?: boolean; mine?: boolean }) {
  const visible = scopedDocuments(db, actor);
  // One's own floating documents: documents_floating_owner gives them in order; nothing else need be read.
  if (f.floating && f.mine) return visible;
  // A case's documents and the floating ones have an index that gives their order already.
  if (f.caseId || f.floating || isAdmin(actor)) return visible;
  const { n } = await db
    .selectFrom(
      scopedCases(db, actor)
        .select(sql`1`.as("one"))
        .limit(FEW_CASES)
        .as("m"),
    )
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  if (Number(n) >= FEW_CASES) return visible;
  // Without case_id's own index in the floating parts: its statistics cannot tell that NULL (every floating
  // document) is far more common than one case, so the planner would take the whole inbox for a handful of rows.
  const floats = withoutIndex("documents.case_id");
  return visible.where((eb) =>
    eb.or([
      eb("documents.case_id", "in", eb.selectFrom("cases").select("cases.id").where(caseVisibleTo(actor))),
      eb.and([eb(floats, "is", null), eb("documents.owner_id", "=", actor.userId)]),
      ...(actor.accessGroupIds.length ? [eb.and([eb(floats, "is", null), eb("documents.access_group_id", "in", actor.accessGroupIds)])] : []),
    ]),
  );
}
