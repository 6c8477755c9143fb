import { sql, type Kysely } from "kysely";

// The parts of the search migrations (140, 150, 190) that SQLite writes in its own SQL (FTS5 tables, triggers), written for
// PostgreSQL: the same tables by name, the same triggers by effect. An indexed object's words are one tsvector (the `danish`
// configuration, its title weighted A, its details B, its content C) under a GIN index; numbers and codes a text under a
// trigram index (pg_trgm), so part of a number finds it. The triggers are PL/pgSQL functions, each as its SQLite namesake.

// Migrations run on an untyped handle: the schema they build is what the table types describe.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Migrating = Kysely<any>;

/** One row trigger: what it fires on, an optional condition on old and new, and the statements it runs. */
interface RowTrigger {
  name: string;
  on: string;
  when?: string;
  body: string;
}

async function createTriggers(db: Migrating, triggers: RowTrigger[]): Promise<void> {
  for (const { name, on, when, body } of triggers) {
    const statements = when ? `IF ${when} THEN ${body} END IF;` : body;
    await sql`CREATE FUNCTION ${sql.raw(name)}() RETURNS trigger LANGUAGE plpgsql AS ${sql.raw(`$$ BEGIN ${statements} RETURN NULL; END $$`)}`.execute(db);
    await sql`CREATE TRIGGER ${sql.raw(name)} ${sql.raw(on)} FOR EACH ROW EXECUTE FUNCTION ${sql.raw(name)}()`.execute(db);
  }
}

async function dropTriggers(db: Migrating, triggers: Array<{ name: string; on: string }>): Promise<void> {
  for (const { name, on } of triggers) {
    await sql`DROP TRIGGER ${sql.raw(name)} ON ${sql.raw(on.split(" ON ")[1])}`.execute(db);
    await sql`DROP FUNCTION ${sql.raw(name)}()`.execute(db);
  }
}

const dirty = (kind: string, id: string) =>
  `INSERT INTO search_dirty (kind, object_id) SELECT '${kind}', ${id} WHERE ${id} IS NOT NULL ON CONFLICT DO NOTHING;`;
const dirtyAll = (select: string) => `INSERT INTO search_dirty (kind, object_id) ${select} ON CONFLICT DO NOTHING;`;
const wordsTable = (table: string) => sql`CREATE TABLE ${sql.raw(table)} (rowid BIGINT PRIMARY KEY, words TSVECTOR NOT NULL)`;
const wordsIndex = (table: string) => sql`CREATE INDEX ${sql.raw(`${table}_words`)} ON ${sql.raw(table)} USING GIN (words)`;

/** Triggers that note an object stale: name, event, the kind of object, and the column of old or new that names it. */
type StaleWhen = Array<[name: string, on: string, kind: string, id: string]>;
const staleTriggers = (staleWhen: StaleWhen): RowTrigger[] => staleWhen.map(([name, on, kind, id]) => ({ name, on, body: dirty(kind, id) }));

/** Migration 140: the index rows, the stale list, the word tables of cases and documents, and what makes a row stale. */
export async function search140(db: Migrating, staleWhen: StaleWhen): Promise<void> {
  await sql`CREATE TABLE search_rows (rowid BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, object_id TEXT NOT NULL, UNIQUE (kind, object_id))`.execute(db);
  await sql`CREATE TABLE search_dirty (kind TEXT NOT NULL, object_id TEXT NOT NULL, PRIMARY KEY (kind, object_id))`.execute(db);
  for (const table of ["fts_cases", "fts_documents"]) {
    await wordsTable(table).execute(db);
    await wordsIndex(table).execute(db);
  }
  await createTriggers(db, staleTriggers(staleWhen));
}

export async function down140(db: Migrating, staleWhen: StaleWhen): Promise<void> {
  await dropTriggers(db, staleTriggers(staleWhen));
  for (const table of ["fts_documents", "fts_cases", "search_dirty", "search_rows"]) await sql`DROP TABLE ${sql.raw(table)}`.execute(db);
}

const SEARCH_150: RowTrigger[] = [
  { name: "search_task_insert", on: "AFTER INSERT ON tasks", body: dirty("task", "new.id") },
  { name: "search_task_update", on: "AFTER UPDATE ON tasks", body: dirty("task", "new.id") },
  { name: "search_task_delete", on: "AFTER DELETE ON tasks", body: dirty("task", "old.id") },
  { name: "search_contact_insert", on: "AFTER INSERT ON contacts", body: dirty("contact", "new.id") },
  { name: "search_contact_update", on: "AFTER UPDATE ON contacts", body: dirty("contact", "new.id") },
  { name: "search_contact_delete", on: "AFTER DELETE ON contacts", body: dirty("contact", "old.id") },
  { name: "search_contact_email_insert", on: "AFTER INSERT ON contact_emails", body: dirty("contact", "new.contact_id") },
  { name: "search_contact_email_delete", on: "AFTER DELETE ON contact_emails", body: dirty("contact", "old.contact_id") },
  {
    name: "search_contact_rename",
    on: "AFTER UPDATE OF name ON contacts",
    body:
      dirtyAll("SELECT 'case', case_id FROM case_parties WHERE contact_id = new.id") +
      dirtyAll("SELECT 'document', document_id FROM document_parties WHERE contact_id = new.id"),
  },
  {
    name: "search_document_type_rename",
    on: "AFTER UPDATE OF name ON document_types",
    body: dirtyAll("SELECT 'document', id FROM documents WHERE document_type_id = new.id"),
  },
  { name: "search_journal_retitle", on: "AFTER UPDATE OF title ON journal_plan", body: dirtyAll("SELECT 'case', id FROM cases WHERE journal_code = new.code") },
  { name: "search_case_tasks", on: "AFTER UPDATE OF number, title ON cases", body: dirtyAll("SELECT 'task', id FROM tasks WHERE case_id = new.id") },
  {
    name: "search_text_insert",
    on: "AFTER INSERT ON content_texts",
    body: dirtyAll("SELECT DISTINCT 'document', document_id FROM versions WHERE sha256 = new.sha256"),
  },
  {
    name: "search_text_update",
    on: "AFTER UPDATE ON content_texts",
    body: dirtyAll("SELECT DISTINCT 'document', document_id FROM versions WHERE sha256 = new.sha256"),
  },
];

/** Migration 150, after content_texts is made: the word tables of tasks and contacts, the trigram index of codes, their triggers. */
export async function search150(db: Migrating): Promise<void> {
  for (const table of ["fts_tasks", "fts_contacts"]) {
    await wordsTable(table).execute(db);
    await wordsIndex(table).execute(db);
  }
  // pg_trgm is a trusted extension: the database's owner may create it.
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
  await sql`CREATE TABLE fts_codes (rowid BIGINT PRIMARY KEY, codes TEXT NOT NULL)`.execute(db);
  await sql`CREATE INDEX fts_codes_trigrams ON fts_codes USING GIN (codes gin_trgm_ops)`.execute(db);
  await createTriggers(db, SEARCH_150);
}

export async function down150(db: Migrating): Promise<void> {
  await dropTriggers(db, SEARCH_150);
  for (const table of ["fts_codes", "fts_contacts", "fts_tasks"]) await sql`DROP TABLE ${sql.raw(table)}`.execute(db);
}

const DOCUMENT_ACCESS = `
  SELECT CASE WHEN d.case_id IS NULL THEN d.access_group_id ELSE c.access_group_id END,
         CASE WHEN d.case_id IS NULL THEN NULL ELSE d.access_group_id END,
         CASE WHEN d.case_id IS NULL THEN d.owner_id ELSE c.owner_id END,
         c.responsible_id
  FROM documents d LEFT JOIN cases c ON c.id = d.case_id WHERE d.id = search_rows.object_id`;
const CASE_ACCESS = `SELECT c.access_group_id, NULL, c.owner_id, c.responsible_id FROM cases c WHERE c.id = search_rows.object_id`;
const COLUMNS = `(access_group_id, own_group_id, owner_id, responsible_id)`;

const SEARCH_190: RowTrigger[] = [
  {
    name: "search_access_row",
    on: "AFTER INSERT ON search_rows",
    when: "new.kind IN ('case', 'document')",
    body: `UPDATE search_rows SET ${COLUMNS} = (${CASE_ACCESS}) WHERE rowid = new.rowid AND kind = 'case';
      UPDATE search_rows SET ${COLUMNS} = (${DOCUMENT_ACCESS}) WHERE rowid = new.rowid AND kind = 'document';`,
  },
  {
    name: "search_access_case",
    on: "AFTER UPDATE OF access_group_id, owner_id, responsible_id ON cases",
    when: "old.access_group_id IS DISTINCT FROM new.access_group_id OR old.owner_id IS DISTINCT FROM new.owner_id OR old.responsible_id IS DISTINCT FROM new.responsible_id",
    body: `UPDATE search_rows SET ${COLUMNS} = (${CASE_ACCESS}) WHERE kind = 'case' AND object_id = new.id;
      UPDATE search_rows SET ${COLUMNS} = (${DOCUMENT_ACCESS}) WHERE kind = 'document' AND object_id IN (SELECT id FROM documents WHERE case_id = new.id);`,
  },
  {
    name: "search_access_document",
    on: "AFTER UPDATE OF case_id, access_group_id, owner_id ON documents",
    when: "old.case_id IS DISTINCT FROM new.case_id OR old.access_group_id IS DISTINCT FROM new.access_group_id OR old.owner_id IS DISTINCT FROM new.owner_id",
    body: `UPDATE search_rows SET ${COLUMNS} = (${DOCUMENT_ACCESS}) WHERE kind = 'document' AND object_id = new.id;`,
  },
];

/** Migration 190's triggers: each case's and document's index row keeps a copy of who may see it. */
export async function search190(db: Migrating): Promise<void> {
  await createTriggers(db, SEARCH_190);
}

export async function down190(db: Migrating): Promise<void> {
  await dropTriggers(db, SEARCH_190);
}
