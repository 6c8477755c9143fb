import type { Kysely } from "kysely";

// Every change to a document or a case moves its revision on; the ETag is made from it, so If-Match can
// refuse a write based on what a client saw before someone else's change. Existing rows start at 0, where a
// document's ETag is the one it had before revisions (its current version's id), so an ETag a task pane
// stored in a filed Word document still matches until the document changes.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("documents")
    .addColumn("revision", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable("cases")
    .addColumn("revision", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("cases").dropColumn("revision").execute();
  await db.schema.alterTable("documents").dropColumn("revision").execute();
}
