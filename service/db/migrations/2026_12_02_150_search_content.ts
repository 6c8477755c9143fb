import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { engineOf } from "../dialect.ts";
import * as postgres from "../postgres-schema.ts";

// Search, second part: tasks and contacts are indexed like cases and documents; case numbers, journal codes
// and contacts' CVR and phone numbers also go into a trigram index, so part of a number finds it ("0123"
// finds 20240115-0123); and the text of every saved file is extracted in the background (content_texts,
// one row per distinct content, written once the file has been read) and indexed with its document.
// Changes that alter what another object's index row holds — a contact renamed, a document type or journal
// plan heading retitled, a file's text extracted — mark those objects stale too.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("content_texts")
    .addColumn("sha256", "text", (c) => c.primaryKey())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("text", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("truncated", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("extracted_at", "text", (c) => c.notNull())
    .execute();
  if (engineOf(db) === "postgres") await postgres.search150(db);
  else await sqliteSearch(db);

  // Cases are indexed again (their codes go into the trigram index too); tasks and contacts for the first time.
  await sql`INSERT INTO search_dirty (kind, object_id) SELECT 'case', id FROM cases WHERE true ON CONFLICT DO NOTHING`.execute(db);
  await sql`INSERT INTO search_dirty (kind, object_id) SELECT 'task', id FROM tasks WHERE true ON CONFLICT DO NOTHING`.execute(db);
  await sql`INSERT INTO search_dirty (kind, object_id) SELECT 'contact', id FROM contacts WHERE merged_into IS NULL ON CONFLICT DO NOTHING`.execute(db);
  // The files already in the archive are read by one job that works through them and queues itself again
  // (service/features/search/extraction.ts), so the upgrade itself stays quick and an interrupted run resumes.
  const at = new Date().toISOString();
  const saved = await db.selectFrom("versions").select("id").limit(1).executeTakeFirst();
  if (saved)
    await db
      .insertInto("jobs")
      .values({
        id: randomUUID(),
        kind: "text.backfill",
        payload: "{}",
        state: "pending",
        attempts: 0,
        run_after: at,
        error: null,
        created_at: at,
        lease_owner: null,
        lease_until: null,
      })
      .execute();
}

async function sqliteSearch(db: Kysely<any>): Promise<void> {
  for (const table of ["fts_tasks", "fts_contacts"])
    await sql`CREATE VIRTUAL TABLE ${sql.raw(table)} USING fts5(title, meta, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')`.execute(
      db,
    );
  await sql`CREATE VIRTUAL TABLE fts_codes USING fts5(codes, content='', contentless_delete=1, tokenize='trigram')`.execute(db);

  const dirty = (kind: string, id: string) => `INSERT OR IGNORE INTO search_dirty (kind, object_id) VALUES ('${kind}', ${id});`;
  const dirtyAll = (kind: string, select: string) => `INSERT OR IGNORE INTO search_dirty (kind, object_id) ${select};`;
  const triggers: Array<[name: string, on: string, body: string]> = [
    ["search_task_insert", "AFTER INSERT ON tasks", dirty("task", "new.id")],
    ["search_task_update", "AFTER UPDATE ON tasks", dirty("task", "new.id")],
    ["search_task_delete", "AFTER DELETE ON tasks", dirty("task", "old.id")],
    ["search_contact_insert", "AFTER INSERT ON contacts", dirty("contact", "new.id")],
    ["search_contact_update", "AFTER UPDATE ON contacts", dirty("contact", "new.id")],
    ["search_contact_delete", "AFTER DELETE ON contacts", dirty("contact", "old.id")],
    ["search_contact_email_insert", "AFTER INSERT ON contact_emails", dirty("contact", "new.contact_id")],
    ["search_contact_email_delete", "AFTER DELETE ON contact_emails", dirty("contact", "old.contact_id")],
    [
      "search_contact_rename",
      "AFTER UPDATE OF name ON contacts",
      dirtyAll("case", "SELECT 'case', case_id FROM case_parties WHERE contact_id = new.id") +
        dirtyAll("document", "SELECT 'document', document_id FROM document_parties WHERE contact_id = new.id"),
    ],
    [
      "search_document_type_rename",
      "AFTER UPDATE OF name ON document_types",
      dirtyAll("document", "SELECT 'document', id FROM documents WHERE document_type_id = new.id"),
    ],
    ["search_journal_retitle", "AFTER UPDATE OF title ON journal_plan", dirtyAll("case", "SELECT 'case', id FROM cases WHERE journal_code = new.code")],
    // A task shows its case's number: a case renumbered or retitled changes its tasks' rows.
    ["search_case_tasks", "AFTER UPDATE OF number, title ON cases", dirtyAll("task", "SELECT 'task', id FROM tasks WHERE case_id = new.id")],
    ["search_text_insert", "AFTER INSERT ON content_texts", dirtyAll("document", "SELECT 'document', document_id FROM versions WHERE sha256 = new.sha256")],
    ["search_text_update", "AFTER UPDATE ON content_texts", dirtyAll("document", "SELECT 'document', document_id FROM versions WHERE sha256 = new.sha256")],
  ];
  for (const [name, on, body] of triggers) await sql`CREATE TRIGGER ${sql.raw(name)} ${sql.raw(on)} BEGIN ${sql.raw(body)} END`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (engineOf(db) === "postgres") {
    await postgres.down150(db);
    await db.schema.dropTable("content_texts").execute();
    return;
  }
  for (const name of [
    "search_task_insert",
    "search_task_update",
    "search_task_delete",
    "search_contact_insert",
    "search_contact_update",
    "search_contact_delete",
    "search_contact_email_insert",
    "search_contact_email_delete",
    "search_contact_rename",
    "search_document_type_rename",
    "search_journal_retitle",
    "search_case_tasks",
    "search_text_insert",
    "search_text_update",
  ])
    await sql`DROP TRIGGER ${sql.raw(name)}`.execute(db);
  await db.schema.dropTable("content_texts").execute();
  for (const table of ["fts_codes", "fts_contacts", "fts_tasks"]) await sql`DROP TABLE ${sql.raw(table)}`.execute(db);
}
