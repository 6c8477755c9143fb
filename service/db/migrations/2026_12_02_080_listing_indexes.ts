import { sql, type Kysely } from "kysely";

// The latest documents of someone who sees few cases (an external partner, a newcomer) are read from those few
// documents rather than by walking the whole archive newest first (documents.repository.ts, documentsToList).
// For that, each part of what they may see needs an index: documents in their cases (documents_case), their own
// (documents_owner), and those shared with their access groups, which this index gives. Only documents that
// name an access group are in it (floating ones shared with a department, confidential ones): a small part.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex("documents_access_group")
    .on("documents")
    .columns(["access_group_id", "changed_at", "id"])
    .where("access_group_id", "is not", null)
    .execute();
  // One's own floating documents (the web view's inbox, ?floating=true&mine=true), newest first, read straight
  // off this index whatever else the person may see.
  await db.schema
    .createIndex("documents_floating_owner")
    .on("documents")
    .columns(["owner_id", "changed_at", "id"])
    .where(sql.ref("case_id"), "is", null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("documents_floating_owner").execute();
  await db.schema.dropIndex("documents_access_group").execute();
}
