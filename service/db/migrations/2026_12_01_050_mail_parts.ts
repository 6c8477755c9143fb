import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";

// A saved mail as the service reads it: its parts (attachments, inline images, attached messages with their
// own parts, calendar invitations, what a winmail.dat carries) and its body, each part's bytes stored once
// as a blob by sha256. Derived from the stored original, which stays as it was: they can be read again.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("mail_parts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("document_id", "text", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("version_id", "text", (c) => c.notNull())
    // The enclosing attached message or winmail.dat; null for the mail's own parts.
    .addColumn("parent_id", "text")
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("filename", "text", (c) => c.notNull())
    // The name as sent, when it had to be made safe; null when it was safe already.
    .addColumn("original_filename", "text")
    .addColumn("media_type", "text", (c) => c.notNull())
    .addColumn("size", "bigint", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("content_id", "text")
    // For an attached message: its headers as JSON (subject, from, to, cc, sentAt, messageId).
    .addColumn("message", "text")
    .execute();
  await db.schema.createIndex("mail_parts_document").on("mail_parts").columns(["document_id", "parent_id", "position"]).execute();
  await db.schema.createIndex("mail_parts_sha256").on("mail_parts").column("sha256").execute();

  // Every stored file name is made safe to store and show (shared/flow/safe-names.ts); the name as sent is kept here when it differed.
  await db.schema.alterTable("versions").addColumn("original_filename", "text").execute();

  await db.schema
    .alterTable("mail_messages")
    .addColumn("parse_status", "text", (c) => c.notNull().defaultTo("pending"))
    .execute();
  await db.schema
    .alterTable("mail_messages")
    .addColumn("parse_problems", "text", (c) => c.notNull().defaultTo("[]"))
    .execute();
  await db.schema.alterTable("mail_messages").addColumn("body_text", "text").execute();
  await db.schema.alterTable("mail_messages").addColumn("body_html", "text").execute();
  await db.schema
    .alterTable("mail_messages")
    .addColumn("remote_content_blocked", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  // 1 when the save gave no title: the subject becomes the title once the mail is read.
  await db.schema
    .alterTable("mail_messages")
    .addColumn("title_from_subject", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  // The sha256 of the mail as saved: a mail without a Message-ID is recognised by it.
  await db.schema.alterTable("mail_messages").addColumn("content_sha256", "text").execute();
  await db.schema.createIndex("mail_messages_content").on("mail_messages").column("content_sha256").execute();

  // Mail saved before this reads its parts and body too: each is read again, in the background.
  const saved = await db
    .selectFrom("mail_messages")
    .innerJoin("documents", "documents.id", "mail_messages.document_id")
    .select(["documents.id", "documents.current_version_id"])
    .where("documents.current_version_id", "is not", null)
    .execute();
  const at = new Date().toISOString();
  for (let i = 0; i < saved.length; i += 500) {
    await db
      .insertInto("jobs")
      .values(
        saved.slice(i, i + 500).map((d: { id: string; current_version_id: string }) => ({
          id: randomUUID(),
          kind: "mail.parse",
          payload: JSON.stringify({ documentId: d.id, versionId: d.current_version_id }),
          state: "pending",
          attempts: 0,
          run_after: at,
          created_at: at,
        })),
      )
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("mail_messages_content").execute();
  for (const column of ["content_sha256", "title_from_subject", "remote_content_blocked", "body_html", "body_text", "parse_problems", "parse_status"]) {
    await db.schema.alterTable("mail_messages").dropColumn(column).execute();
  }
  await db.schema.alterTable("versions").dropColumn("original_filename").execute();
  await db.schema.dropTable("mail_parts").execute();
}
