import { sql, type Kysely } from "kysely";

// Saved searches (features/search/saved): an advanced search kept under a name by its owner, private or shared
// with one of the owner's groups. The search is the JSON of AdvancedSearch, validated like the query string it
// runs as. Also the indexes the advanced search's default order needs where the archive had none.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("saved_searches")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("search", "text", (c) => c.notNull())
    // A group deleted takes its shares with it: the search stays its owner's.
    .addColumn("shared_group_id", "text", (c) => c.references("groups.id").onDelete("set null"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("changed_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("saved_searches_owner").on("saved_searches").columns(["owner_id", "name"]).execute();
  await db.schema
    .createIndex("saved_searches_group")
    .on("saved_searches")
    .columns(["shared_group_id", "name"])
    .where(sql.ref("shared_group_id"), "is not", null)
    .execute();

  // The advanced search lists contacts and tasks newest change first, as it does cases and documents (which
  // have cases_changed and documents_changed): without these, every page sorted the whole table.
  await db.schema.createIndex("contacts_changed").on("contacts").columns(["changed_at", "id"]).execute();
  await db.schema.createIndex("tasks_changed").on("tasks").columns(["changed_at", "id"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("tasks_changed").execute();
  await db.schema.dropIndex("contacts_changed").execute();
  await db.schema.dropTable("saved_searches").execute();
}
