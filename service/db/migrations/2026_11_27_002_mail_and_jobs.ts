import { Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  // One row per saved mail: the headers that thread it and the client's hints (Outlook's conversation id).
  await db.schema
    .createTable("mail_messages")
    .addColumn("document_id", "text", (c) => c.primaryKey().references("documents.id").onDelete("cascade"))
    .addColumn("message_id", "text")
    .addColumn("in_reply_to", "text")
    .addColumn("references", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("from_address", "text")
    .addColumn("from_name", "text")
    .addColumn("to", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("cc", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("sent_at", "text")
    .addColumn("subject", "text")
    .addColumn("conversation_id", "text")
    .addColumn("parsed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("filed_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("mail_messages_message_id").on("mail_messages").column("message_id").execute();
  await db.schema.createIndex("mail_messages_from").on("mail_messages").columns(["from_address", "filed_at"]).execute();
  await db.schema.createIndex("mail_messages_conversation").on("mail_messages").columns(["conversation_id", "filed_at"]).execute();

  // Every Message-ID a saved mail names (its own, In-Reply-To, References): a thread is any overlap.
  await db.schema
    .createTable("mail_thread_ids")
    .addColumn("message_id", "text", (c) => c.notNull())
    .addColumn("document_id", "text", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("mail_thread_ids_pk", ["message_id", "document_id"])
    .execute();
  await db.schema.createIndex("mail_thread_ids_document").on("mail_thread_ids").column("document_id").execute();

  // Work done off the request path (parsing saved mail), committed with the change that needs it.
  await db.schema
    .createTable("jobs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull().check(sql`state in ('pending', 'done', 'failed')`))
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("run_after", "text", (c) => c.notNull())
    .addColumn("error", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("jobs_pending").on("jobs").columns(["state", "run_after"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("jobs").execute();
  await db.schema.dropTable("mail_thread_ids").execute();
  await db.schema.dropTable("mail_messages").execute();
}
