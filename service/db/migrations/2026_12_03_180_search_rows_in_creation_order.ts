import { sql, type Kysely } from "kysely";

// A broad word is ranked among its newest matches, walked in search_rows' rowid order (search.service.ts). The
// indexer gives an object its row when it first indexes it, and it works through a backlog in the order of
// (kind, id): after the upgrade that builds the index, the whole archive would be numbered by id, at random as
// to age. So every object still waiting for its first indexing is given its row here, oldest first; the
// indexer keeps an object's row when it writes it.
const KINDS = [
  { kind: "case", table: "cases", where: "" },
  { kind: "document", table: "documents", where: "" },
  { kind: "task", table: "tasks", where: "" },
  { kind: "contact", table: "contacts", where: "AND o.merged_into IS NULL" },
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const { kind, table, where } of KINDS) {
    await sql`
      INSERT INTO search_rows (kind, object_id)
      SELECT ${kind}, o.id FROM search_dirty d JOIN ${sql.table(table)} o ON o.id = d.object_id
      WHERE d.kind = ${kind} ${sql.raw(where)} AND NOT EXISTS (SELECT 1 FROM search_rows r WHERE r.kind = ${kind} AND r.object_id = o.id)
      ORDER BY o.created_at, o.id`.execute(db);
  }
}

export async function down(): Promise<void> {
  // Rows given ahead of indexing are rows like any other; nothing to take back.
}
