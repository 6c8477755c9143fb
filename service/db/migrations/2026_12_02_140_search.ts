import { sql, type Kysely } from "kysely";
import { engineOf } from "../dialect.ts";
import * as postgres from "../postgres-schema.ts";

// Full-text search (features/search). The FTS5 tables hold the stems of each case's and document's words
// (stemmed in JS, see search-text.ts) and no copy of the text; search_rows gives every indexed object the
// integer rowid FTS5 needs. Triggers note in search_dirty, inside the very transaction that changes a case
// or a document, that its index row is stale; the indexer brings those rows up to date before each search
// and in the background, so no change is missed however it was written. Who may see a hit is decided by
// the live tables at query time, never by the index.

/** What makes a row stale: its own change, a party added or removed, a version or attachment added, its mail read. */
const STALE_WHEN: Array<[name: string, on: string, kind: string, id: string]> = [
  ["search_case_insert", "AFTER INSERT ON cases", "case", "new.id"],
  ["search_case_update", "AFTER UPDATE ON cases", "case", "new.id"],
  ["search_case_delete", "AFTER DELETE ON cases", "case", "old.id"],
  ["search_document_insert", "AFTER INSERT ON documents", "document", "new.id"],
  ["search_document_update", "AFTER UPDATE ON documents", "document", "new.id"],
  ["search_document_delete", "AFTER DELETE ON documents", "document", "old.id"],
  ["search_attachment_insert", "AFTER INSERT ON attachments", "document", "new.document_id"],
  ["search_attachment_update", "AFTER UPDATE ON attachments", "document", "new.document_id"],
  ["search_version_insert", "AFTER INSERT ON versions", "document", "new.document_id"],
  ["search_case_party_insert", "AFTER INSERT ON case_parties", "case", "new.case_id"],
  ["search_case_party_delete", "AFTER DELETE ON case_parties", "case", "old.case_id"],
  ["search_document_party_insert", "AFTER INSERT ON document_parties", "document", "new.document_id"],
  ["search_document_party_delete", "AFTER DELETE ON document_parties", "document", "old.document_id"],
  ["search_mail_insert", "AFTER INSERT ON mail_messages", "document", "new.document_id"],
  ["search_mail_update", "AFTER UPDATE ON mail_messages", "document", "new.document_id"],
];

export async function up(db: Kysely<any>): Promise<void> {
  if (engineOf(db) === "postgres") await postgres.search140(db, STALE_WHEN);
  else await sqliteSearch(db);
  // Everything already in the archive is indexed by the first search after the upgrade (and in the background).
  await sql`INSERT INTO search_dirty (kind, object_id) SELECT 'case', id FROM cases`.execute(db);
  await sql`INSERT INTO search_dirty (kind, object_id) SELECT 'document', id FROM documents`.execute(db);
}

async function sqliteSearch(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE search_rows (rowid INTEGER PRIMARY KEY, kind TEXT NOT NULL, object_id TEXT NOT NULL, UNIQUE (kind, object_id))`.execute(db);
  await sql`CREATE TABLE search_dirty (kind TEXT NOT NULL, object_id TEXT NOT NULL, PRIMARY KEY (kind, object_id)) WITHOUT ROWID`.execute(db);
  for (const table of ["fts_cases", "fts_documents"])
    await sql`CREATE VIRTUAL TABLE ${sql.raw(table)} USING fts5(title, meta, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')`.execute(
      db,
    );

  const dirty = (kind: string, id: string) => sql.raw(`INSERT OR IGNORE INTO search_dirty (kind, object_id) VALUES ('${kind}', ${id});`);
  for (const [name, on, kind, id] of STALE_WHEN) await sql`CREATE TRIGGER ${sql.raw(name)} ${sql.raw(on)} BEGIN ${dirty(kind, id)} END`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (engineOf(db) === "postgres") return postgres.down140(db, STALE_WHEN);
  await sql`DROP TABLE fts_documents`.execute(db);
  await sql`DROP TABLE fts_cases`.execute(db);
  await sql`DROP TABLE search_dirty`.execute(db);
  await sql`DROP TABLE search_rows`.execute(db);
}
