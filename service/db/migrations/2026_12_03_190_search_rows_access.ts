import { sql, type Kysely } from "kysely";
import { engineOf } from "../dialect.ts";
import * as postgres from "../postgres-schema.ts";

// Who may see a case or a document is decided by a few fields: the case's access group, owner and responsible,
// and the document's own access group (or, unfiled, its owner). A search checked them on the live rows of every
// match (search_rows → documents → cases, three lookups a match), which was most of a selective search's time.
// Each case's and document's index row now carries a copy of them, kept equal to the live rows by the triggers
// below inside the very transaction that changes them, so an access change takes effect at the next search with
// no re-indexing, and the search checks a match on the one row it reads anyway (searchRowVisibleTo in access.ts).
//
// A document's row: filed, its case's group, owner and responsible, and its own group in own_group_id (which
// narrows the case's); unfiled, its own group and owner. A case's row: its group, owner and responsible.

const DOCUMENT_ACCESS = sql.raw(`
  SELECT CASE WHEN d.case_id IS NULL THEN d.access_group_id ELSE c.access_group_id END,
         CASE WHEN d.case_id IS NULL THEN NULL ELSE d.access_group_id END,
         CASE WHEN d.case_id IS NULL THEN d.owner_id ELSE c.owner_id END,
         c.responsible_id
  FROM documents d LEFT JOIN cases c ON c.id = d.case_id WHERE d.id = search_rows.object_id`);
const CASE_ACCESS = sql.raw(`SELECT c.access_group_id, NULL, c.owner_id, c.responsible_id FROM cases c WHERE c.id = search_rows.object_id`);
const COLUMNS = sql.raw(`(access_group_id, own_group_id, owner_id, responsible_id)`);

export async function up(db: Kysely<any>): Promise<void> {
  for (const column of ["access_group_id", "own_group_id", "owner_id", "responsible_id"])
    await sql`ALTER TABLE search_rows ADD COLUMN ${sql.raw(column)} TEXT`.execute(db);
  await sql`UPDATE search_rows SET ${COLUMNS} = (${CASE_ACCESS}) WHERE kind = 'case'`.execute(db);
  await sql`UPDATE search_rows SET ${COLUMNS} = (${DOCUMENT_ACCESS}) WHERE kind = 'document'`.execute(db);

  if (engineOf(db) === "postgres") return postgres.search190(db);
  // A row made for an object (by the indexer, or ahead of it) starts with the object's access.
  await sql`CREATE TRIGGER search_access_row AFTER INSERT ON search_rows WHEN new.kind IN ('case', 'document') BEGIN
    UPDATE search_rows SET ${COLUMNS} = (${CASE_ACCESS}) WHERE rowid = new.rowid AND kind = 'case';
    UPDATE search_rows SET ${COLUMNS} = (${DOCUMENT_ACCESS}) WHERE rowid = new.rowid AND kind = 'document';
  END`.execute(db);
  // A case's access changed: its row and every document filed on it.
  await sql`CREATE TRIGGER search_access_case AFTER UPDATE OF access_group_id, owner_id, responsible_id ON cases
    WHEN old.access_group_id IS NOT new.access_group_id OR old.owner_id IS NOT new.owner_id OR old.responsible_id IS NOT new.responsible_id BEGIN
    UPDATE search_rows SET ${COLUMNS} = (${CASE_ACCESS}) WHERE kind = 'case' AND object_id = new.id;
    UPDATE search_rows SET ${COLUMNS} = (${DOCUMENT_ACCESS}) WHERE kind = 'document' AND object_id IN (SELECT id FROM documents WHERE case_id = new.id);
  END`.execute(db);
  // A document filed, moved, unfiled or given another group or owner.
  await sql`CREATE TRIGGER search_access_document AFTER UPDATE OF case_id, access_group_id, owner_id ON documents
    WHEN old.case_id IS NOT new.case_id OR old.access_group_id IS NOT new.access_group_id OR old.owner_id IS NOT new.owner_id BEGIN
    UPDATE search_rows SET ${COLUMNS} = (${DOCUMENT_ACCESS}) WHERE kind = 'document' AND object_id = new.id;
  END`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (engineOf(db) === "postgres") await postgres.down190(db);
  else for (const trigger of ["search_access_row", "search_access_case", "search_access_document"]) await sql`DROP TRIGGER ${sql.raw(trigger)}`.execute(db);
  for (const column of ["access_group_id", "own_group_id", "owner_id", "responsible_id"])
    await sql`ALTER TABLE search_rows DROP COLUMN ${sql.raw(column)}`.execute(db);
}
