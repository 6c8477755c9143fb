import { sql, type Kysely } from "kysely";

// Tasks (opgaver) on a case or a document, assigned to a user or a group, with their comments (features/tasks).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("tasks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    // Exactly one of the two: what the task concerns, and so who sees it.
    .addColumn("case_id", "text", (c) => c.references("cases.id").onDelete("cascade"))
    .addColumn("document_id", "text", (c) => c.references("documents.id").onDelete("cascade"))
    .addColumn("assignee_type", "text", (c) => c.check(sql`assignee_type in ('user', 'group')`))
    .addColumn("assignee_id", "text")
    .addColumn("start_date", "text")
    .addColumn("deadline", "text")
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('open', 'in_progress', 'done')`))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("changed_at", "text", (c) => c.notNull())
    .addColumn("completed_at", "text")
    .addColumn("revision", "integer", (c) => c.notNull().defaultTo(0))
    .addCheckConstraint("tasks_concern_one", sql`(case_id is null) <> (document_id is null)`)
    .execute();
  // "Mine opgaver": what is assigned to me or my groups and not done, by deadline.
  await db.schema.createIndex("tasks_assignee").on("tasks").columns(["assignee_id", "status", "deadline", "id"]).execute();
  // Everything one may see that is not done, by deadline (staff's task list): walked per status, visibility checked per row.
  await db.schema.createIndex("tasks_status").on("tasks").columns(["status", "deadline", "id"]).execute();
  await db.schema.createIndex("tasks_case").on("tasks").columns(["case_id", "deadline"]).execute();
  await db.schema.createIndex("tasks_document").on("tasks").columns(["document_id", "deadline"]).execute();

  await db.schema
    .createTable("task_comments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("task_id", "text", (c) => c.notNull().references("tasks.id").onDelete("cascade"))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("author_id", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("task_comments_task").on("task_comments").columns(["task_id", "created_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("task_comments").execute();
  await db.schema.dropTable("tasks").execute();
}
