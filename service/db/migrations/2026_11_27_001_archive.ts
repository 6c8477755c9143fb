import { Kysely, sql } from "kysely";

// Portable schema: only types and constructs that SQLite and PostgreSQL share (text ids, ISO timestamps
// as text, integers, JSON as text; sizes in bytes as bigint, which SQLite stores as any integer and PostgreSQL
// in 64 bits). Dialect-specific SQL lives in ../dialect.ts.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('admin', 'caseworker', 'external')`))
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("groups")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .execute();

  await db.schema
    .createTable("group_members")
    .addColumn("group_id", "text", (c) => c.notNull().references("groups.id").onDelete("cascade"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("group_members_pk", ["group_id", "user_id"])
    .execute();
  await db.schema.createIndex("group_members_user").on("group_members").column("user_id").execute();

  await db.schema
    .createTable("access_groups")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .execute();

  await db.schema
    .createTable("access_group_members")
    .addColumn("access_group_id", "text", (c) => c.notNull().references("access_groups.id").onDelete("cascade"))
    .addColumn("member_type", "text", (c) => c.notNull().check(sql`member_type in ('user', 'group')`))
    .addColumn("member_id", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("access_group_members_pk", ["access_group_id", "member_type", "member_id"])
    .execute();
  await db.schema.createIndex("access_group_members_member").on("access_group_members").columns(["member_type", "member_id"]).execute();

  await db.schema
    .createTable("api_tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text")
    .addColumn("revoked_at", "text")
    .execute();

  await db.schema
    .createTable("journal_plan")
    .addColumn("code", "text", (c) => c.primaryKey())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("parent_code", "text", (c) => c.references("journal_plan.code"))
    .addColumn("created_on", "text", (c) => c.notNull())
    .addColumn("retired_on", "text")
    .execute();

  await db.schema
    .createTable("retention_rules")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('permanent', 'after_case_closed', 'after_document_created', 'review')`))
    .addColumn("years", "integer")
    .execute();

  await db.schema
    .createTable("document_types")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("category", "text", (c) => c.notNull())
    .addColumn("retention_rule_id", "text", (c) => c.notNull().references("retention_rules.id"))
    .addColumn("access_group_id", "text", (c) => c.references("access_groups.id"))
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema
    .createTable("case_templates")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("access_group_id", "text", (c) => c.notNull().references("access_groups.id"))
    .addColumn("journal_code", "text", (c) => c.notNull().references("journal_plan.code"))
    .addColumn("fields", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .execute();

  await db.schema
    .createTable("case_template_document_types")
    .addColumn("template_id", "text", (c) => c.notNull().references("case_templates.id").onDelete("cascade"))
    .addColumn("document_type_id", "text", (c) => c.notNull().references("document_types.id"))
    .addPrimaryKeyConstraint("case_template_document_types_pk", ["template_id", "document_type_id"])
    .execute();

  await db.schema
    .createTable("counters")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("value", "integer", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("cases")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("number", "text", (c) => c.notNull().unique())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('active', 'closed')`))
    .addColumn("start_date", "text", (c) => c.notNull())
    .addColumn("end_date", "text")
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("responsible_id", "text", (c) => c.references("users.id"))
    .addColumn("template_id", "text", (c) => c.notNull().references("case_templates.id"))
    .addColumn("journal_code", "text", (c) => c.notNull().references("journal_plan.code"))
    .addColumn("access_group_id", "text", (c) => c.notNull().references("access_groups.id"))
    .addColumn("critical", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("metadata", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull().references("users.id"))
    .addColumn("changed_at", "text", (c) => c.notNull())
    .addColumn("changed_by", "text", (c) => c.notNull().references("users.id"))
    .execute();
  await db.schema.createIndex("cases_changed").on("cases").columns(["changed_at", "id"]).execute();
  await db.schema.createIndex("cases_access_group").on("cases").columns(["access_group_id", "changed_at"]).execute();
  await db.schema.createIndex("cases_owner").on("cases").columns(["owner_id", "changed_at"]).execute();
  await db.schema.createIndex("cases_responsible").on("cases").columns(["responsible_id"]).execute();

  // One row per (word of a case title, case): prefix search by index range, in any SQL database.
  await db.schema
    .createTable("case_words")
    .addColumn("word", "text", (c) => c.notNull())
    .addColumn("case_id", "text", (c) => c.notNull().references("cases.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("case_words_pk", ["word", "case_id"])
    .execute();
  await db.schema.createIndex("case_words_case").on("case_words").column("case_id").execute();

  await db.schema
    .createTable("recent_cases")
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("case_id", "text", (c) => c.notNull().references("cases.id").onDelete("cascade"))
    .addColumn("used_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("recent_cases_pk", ["user_id", "case_id"])
    .execute();
  await db.schema.createIndex("recent_cases_user").on("recent_cases").columns(["user_id", "used_at"]).execute();

  await db.schema
    .createTable("documents")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('draft', 'final')`))
    .addColumn("document_type_id", "text", (c) => c.notNull().references("document_types.id"))
    .addColumn("category", "text", (c) => c.notNull())
    .addColumn("owner_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("case_id", "text", (c) => c.references("cases.id"))
    .addColumn("access_group_id", "text", (c) => c.references("access_groups.id"))
    .addColumn("document_date", "text")
    .addColumn("disposal_date", "text")
    .addColumn("current_version_id", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull().references("users.id"))
    .addColumn("changed_at", "text", (c) => c.notNull())
    .addColumn("changed_by", "text", (c) => c.notNull().references("users.id"))
    .execute();
  await db.schema.createIndex("documents_case").on("documents").columns(["case_id", "changed_at", "id"]).execute();
  await db.schema.createIndex("documents_owner").on("documents").columns(["owner_id", "changed_at", "id"]).execute();
  await db.schema.createIndex("documents_changed").on("documents").columns(["changed_at", "id"]).execute();
  await db.schema.createIndex("documents_disposal").on("documents").column("disposal_date").execute();

  await db.schema
    .createTable("document_history")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("document_id", "text", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("field", "text", (c) => c.notNull())
    .addColumn("old_value", "text")
    .addColumn("new_value", "text")
    .addColumn("actor_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("document_history_document").on("document_history").columns(["document_id", "at"]).execute();

  await db.schema
    .createTable("attachments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("document_id", "text", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("current_version_id", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull().references("users.id"))
    .execute();
  await db.schema.createIndex("attachments_document").on("attachments").column("document_id").execute();

  // A version belongs to its subject: the document itself or one of its attachments.
  await db.schema
    .createTable("versions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("document_id", "text", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("subject_id", "text", (c) => c.notNull())
    .addColumn("major", "integer", (c) => c.notNull())
    .addColumn("minor", "integer", (c) => c.notNull())
    .addColumn("filename", "text", (c) => c.notNull())
    .addColumn("media_type", "text", (c) => c.notNull())
    .addColumn("size", "bigint", (c) => c.notNull())
    .addColumn("sha256", "text", (c) => c.notNull())
    .addColumn("author_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("comment", "text", (c) => c.notNull().defaultTo(""))
    .addUniqueConstraint("versions_subject_number", ["subject_id", "major", "minor"])
    .execute();
  await db.schema.createIndex("versions_document").on("versions").column("document_id").execute();
  await db.schema.createIndex("versions_sha256").on("versions").column("sha256").execute();

  await db.schema
    .createTable("comments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("document_id", "text", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("author_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("comments_document").on("comments").columns(["document_id", "created_at"]).execute();

  await db.schema
    .createTable("document_references")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("from_document_id", "text", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("to_document_id", "text", (c) => c.notNull().references("documents.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull().references("users.id"))
    .addUniqueConstraint("document_references_unique", ["from_document_id", "to_document_id", "kind"])
    .execute();
  await db.schema.createIndex("document_references_to").on("document_references").column("to_document_id").execute();

  await db.schema
    .createTable("idempotency_keys")
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("document_id", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["user_id", "key"])
    .execute();

  await db.schema
    .createTable("uploads")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("audit_events")
    .addColumn("seq", "integer", (c) => c.primaryKey())
    .addColumn("at", "text", (c) => c.notNull())
    .addColumn("actor_id", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("object_type", "text", (c) => c.notNull())
    .addColumn("object_id", "text")
    .addColumn("details", "text", (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("audit_events_object").on("audit_events").columns(["object_type", "object_id", "seq"]).execute();
}

export async function down(): Promise<void> {
  throw new Error("The archive's first migration cannot be undone: it would drop the records.");
}
