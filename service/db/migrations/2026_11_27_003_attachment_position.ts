import type { Kysely } from "kysely";

// Attachments keep the order they were given in (a mail's attachments, a document's appendices).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("attachments")
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  // Existing attachments get their creation order.
  const rows = await db.selectFrom("attachments").select(["id", "document_id"]).orderBy("document_id").orderBy("created_at").orderBy("id").execute();
  let previous = "";
  let n = 0;
  for (const r of rows as Array<{ id: string; document_id: string }>) {
    n = r.document_id === previous ? n + 1 : 0;
    previous = r.document_id;
    await db.updateTable("attachments").set({ position: n }).where("id", "=", r.id).execute();
  }
  await db.schema.createIndex("attachments_document_position").on("attachments").columns(["document_id", "position"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("attachments_document_position").execute();
  await db.schema.alterTable("attachments").dropColumn("position").execute();
}
