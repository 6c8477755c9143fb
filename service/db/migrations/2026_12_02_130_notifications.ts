import { sql, type Kysely } from "kysely";

// Following cases and the notifications a change sends to those who follow (features/notifications). Owner and
// responsible follow without a row; a row records a choice: following = 1 (follows), 0 (stopped following).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("case_followers")
    .addColumn("case_id", "text", (c) => c.notNull().references("cases.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("following", "integer", (c) => c.notNull())
    .addColumn("changed_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("case_followers_pk", ["case_id", "user_id"])
    .execute();
  await db.schema.createIndex("case_followers_user").on("case_followers").column("user_id").execute();

  await db.schema
    .createTable("notifications")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("change", "text", (c) => c.notNull())
    .addColumn("case_id", "text", (c) => c.references("cases.id").onDelete("cascade"))
    .addColumn("document_id", "text", (c) => c.references("documents.id").onDelete("cascade"))
    .addColumn("task_id", "text", (c) => c.references("tasks.id").onDelete("cascade"))
    .addColumn("detail", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("actor_id", "text", (c) => c.notNull())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("read_at", "text")
    .execute();
  // Newest first per person (the list and the dashboard), and the unread among them (the top bar's count).
  await db.schema.createIndex("notifications_user").on("notifications").columns(["user_id", "at", "id"]).execute();
  await db.schema.createIndex("notifications_unread").on("notifications").columns(["user_id", "at", "id"]).where(sql.ref("read_at"), "is", null).execute();
  // Deleting a document or a task deletes its notifications (on delete cascade): found through these, not by
  // reading every notification. Partial: most notifications name no task, and case-wide changes no document.
  await db.schema.createIndex("notifications_document").on("notifications").column("document_id").where(sql.ref("document_id"), "is not", null).execute();
  await db.schema.createIndex("notifications_task").on("notifications").column("task_id").where(sql.ref("task_id"), "is not", null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("notifications").execute();
  await db.schema.dropTable("case_followers").execute();
}
