import { fts5Expression } from "../../service/db/full-text.ts";
import SqliteDatabase from "better-sqlite3";
import { sql } from "kysely";
import { loadConfig } from "../../service/config.ts";
import type { Db } from "../../service/db/database.ts";
import { openSqlite } from "../../service/db/dialect.ts";
import { accessGroupsOf } from "../../service/features/access/access.ts";
import type { Actor } from "../../service/features/access/actor.ts";
import { indexStale } from "../../service/features/search/indexer.ts";
import { matcherOf, search } from "../../service/features/search/search.service.ts";
import type { BenchWorld } from "./archive-organisation.ts";
import { danishVocabulary, type KindKey } from "./archive-text.ts";

// The bench archive's search index, built as a live archive builds it: by the service's own indexer
// (indexStale) over everything the generator noted in search_dirty, on a connection opened as the service
// opens it. How long that took and how large the index is are kept with the archive, and so are the queries
// the search benchmarks ask: a selective one (a rare word) and a broad one (a common word), chosen from
// the generated vocabulary by how many documents they actually find.

export interface SearchFacts {
  /** Objects (cases, documents, tasks, contacts) the indexer indexed, and the seconds it took (with BUILD_INDEX in place). */
  indexed: number;
  indexSeconds: number;
  /** Milliseconds the indexer takes for one document on the archive as the migrations leave it (without BUILD_INDEX). */
  asMigratedMsPerDocument: number;
  /** Bytes on disk (dbstat) of each FTS5 table with its shadow tables, of content_texts and of the whole file. */
  bytes: Record<string, number>;
  /** Distinct terms (stems) in fts_documents. */
  documentTerms: number;
  selective: BenchQuery;
  broad: BenchQuery;
}

export interface BenchQuery {
  q: string;
  /** Documents it finds in the whole archive, and (counted as the service counts, up to its cap) those the secretary may see. */
  documents: number;
  visible: number;
  capped: boolean;
}

/** Builds the index of the archive in `dataDir` with the service's indexer, then measures it and picks the queries. */
export async function buildSearchIndex(dataDir: string, world: BenchWorld, log: (line: string) => void, phase: (done: string) => void): Promise<SearchFacts> {
  const file = loadConfig({ DATA_DIR: dataDir }).databaseFile;
  const built = await indexArchive(file, world, log, phase);
  const db = new SqliteDatabase(file);
  try {
    db.pragma("journal_mode = DELETE");
    // As the service does on opening (dialect.ts), now that search_rows is full.
    db.pragma("analysis_limit = 400");
    db.exec("analyze");
    const bytes: Record<string, number> = {};
    for (const row of db.prepare("select name, sum(pgsize) as size from dbstat group by name").all() as Array<{ name: string; size: number }>) {
      const owner = /^(fts_\w+?)(_data|_idx|_docsize|_config|_content)?$/.exec(row.name)?.[1] ?? (row.name.includes("content_texts") ? "content_texts" : null);
      if (owner) bytes[owner] = (bytes[owner] ?? 0) + row.size;
    }
    bytes.database = (db.pragma("page_count", { simple: true }) as number) * (db.pragma("page_size", { simple: true }) as number);
    db.exec("create virtual table temp.document_terms using fts5vocab(main, 'fts_documents', 'row')");
    const { terms } = db.prepare("select count(*) as terms from temp.document_terms").get() as { terms: number };
    phase(`index measured: fts_documents ${(bytes.fts_documents / 1e9).toFixed(2)} GB, ${terms.toLocaleString("en")} terms`);
    return { ...built, bytes, documentTerms: terms };
  } finally {
    db.close();
  }
}

/** The index built on a connection opened as the service opens its database, with BUILD_INDEX in place; then the queries. */
async function indexArchive(file: string, world: BenchWorld, log: (line: string) => void, phase: (done: string) => void) {
  const opened = openSqlite(file);
  try {
    await expectFullIndex(opened.db);
    await sql.raw(BUILD_INDEX.create).execute(opened.db);
    const started = performance.now();
    let logged = 0;
    const indexed = await indexStale(opened.db, {
      onProgress: (done) => {
        if (done - logged < 100_000) return;
        logged = done;
        log(`    … ${done.toLocaleString("en")} indexed, ${((performance.now() - started) / 1000).toFixed(0)} s`);
      },
    });
    const indexSeconds = (performance.now() - started) / 1000;
    const { n } = await opened.db
      .selectFrom("search_dirty")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    if (Number(n)) throw new Error(`the search index of the bench archive has ${n} stale rows after indexing`);
    await sql.raw(BUILD_INDEX.drop).execute(opened.db);
    phase(`search index: ${indexed.toLocaleString("en")} objects by the service's indexer in ${indexSeconds.toFixed(0)} s`);
    const asMigratedMsPerDocument = await msPerDocument(opened.db, 5);
    const picked = await pickQueries(opened.db, world);
    phase(
      `queries picked: selective "${picked.selective.q}" (${picked.selective.documents} documents), broad "${picked.broad.q}" (${picked.broad.documents.toLocaleString("en")})`,
    );
    return { indexed, indexSeconds, asMigratedMsPerDocument, ...picked };
  } finally {
    await opened.close();
  }
}

/**
 * The indexer reads a document's current text through a left join on documents.current_version_id, which no
 * index covers (service/features/search/indexer.ts, currentTexts): SQLite builds an automatic index over
 * every document for each document it indexes, so a whole archive takes time quadratic in its documents
 * (days for a million). The generator builds with this index in place and drops it again, so the archive's
 * schema stays the migrations'; asMigratedMsPerDocument records what one document costs without it.
 */
const BUILD_INDEX = {
  create: "CREATE INDEX bench_documents_current_version ON documents (current_version_id)",
  drop: "DROP INDEX bench_documents_current_version",
};

/**
 * The statistics the service gathers as it opens an archive whose FTS5 tables are still empty (the optimize
 * of dialect.ts: "tables that lack statistics") say their shadow tables hold a row or two. SQLite then plans
 * FTS5's own statement for removing merged segments (DELETE FROM fts_documents_data WHERE id >= ? AND id <= ?)
 * as a scan of the whole table, so every merge reads all of the index built so far: 8 ms a document after
 * 50,000 documents and 38 ms after 55,000, growing with each. A live archive gathers them again at its first
 * hourly optimize (server.ts); here the planner is told at once what the tables will hold. Removing the rows
 * would not do: the planner keeps a table's last row count when its statistics are reloaded without one.
 */
async function expectFullIndex(db: Db): Promise<void> {
  const { n } = await db
    .selectFrom("search_dirty")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  await sql`DELETE FROM sqlite_stat1 WHERE tbl GLOB 'fts_*'`.execute(db);
  for (const table of ["fts_cases", "fts_documents", "fts_tasks", "fts_contacts", "fts_codes"])
    for (const shadow of ["_data", "_docsize"]) await sql`INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (${table + shadow}, NULL, ${String(n)})`.execute(db);
  // Makes the planner read the statistics again.
  await sql`ANALYZE sqlite_schema`.execute(db);
  const { rows } = await sql<{ detail: string }>`EXPLAIN QUERY PLAN SELECT id FROM fts_documents_data WHERE id >= 1 AND id <= 2`.execute(db);
  if (!rows.some((r) => r.detail.startsWith("SEARCH"))) throw new Error(`FTS5's segment delete is still planned as ${rows.map((r) => r.detail).join("; ")}`);
}

/** Milliseconds the service's indexer takes per document, over `n` documents noted stale again. */
async function msPerDocument(db: Db, n: number): Promise<number> {
  const ids = await db.selectFrom("documents").select("id").orderBy("id").limit(n).execute();
  await db
    .insertInto("search_dirty")
    .values(ids.map((d) => ({ kind: "document" as const, object_id: d.id })))
    .execute();
  const t = performance.now();
  await indexStale(db);
  return (performance.now() - t) / ids.length;
}

/** The secretary as the service sees her when she signs in. */
export async function secretaryActor(db: Db, world: BenchWorld): Promise<Actor> {
  const u = await db.selectFrom("users").select(["id", "name", "email", "role"]).where("id", "=", world.secretary.id).executeTakeFirstOrThrow();
  return { userId: u.id, name: u.name, email: u.email, role: u.role, accessGroupIds: await accessGroupsOf(db, u.id) };
}

/** Documents a query finds in the whole archive (no access filter). */
async function documentsFound(db: Db, q: string): Promise<number> {
  const m = matcherOf(q)!;
  const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM fts_documents WHERE fts_documents MATCH ${fts5Expression(m.match)}`.execute(db);
  return rows[0].n;
}

/**
 * Broad: the administration's or a kind's own word found in the number of documents nearest 300,000. Selective:
 * a dictionary word from the rare end found in 20 to 200 documents, of which the secretary sees 3 to 10.
 */
async function pickQueries(db: Db, world: BenchWorld): Promise<Pick<SearchFacts, "selective" | "broad">> {
  const actor = await secretaryActor(db, world);
  const vocabulary = danishVocabulary({ pupil: [], special: [], board: [], personnel: [], finance: [], sfo: [], operations: [] });
  const visible = async (q: string) => (await search(db, actor, { q, kind: "documents", limit: 1 })).documents;
  let broad: { q: string; documents: number } | undefined;
  const common = [...vocabulary.administration, ...(Object.keys(vocabulary.topics) as KindKey[]).flatMap((k) => vocabulary.topics[k].slice(0, 12))];
  for (const q of new Set(common)) {
    const documents = await documentsFound(db, q);
    if (!broad || Math.abs(documents - 300_000) < Math.abs(broad.documents - 300_000)) broad = { q, documents };
  }
  let selective: BenchQuery | undefined;
  for (let r = vocabulary.lemmas.length - 1; r >= 0 && !selective; r -= 7) {
    const q = vocabulary.lemmas[r];
    const documents = await documentsFound(db, q);
    if (documents < 20 || documents > 200) continue;
    const seen = await visible(q);
    if (seen.count >= 3 && seen.count <= 10) selective = { q, documents, visible: seen.count, capped: seen.capped };
  }
  if (!broad || !selective) throw new Error("no selective or no broad query found in the bench archive's vocabulary");
  const seen = await visible(broad.q);
  return { selective, broad: { ...broad, visible: seen.count, capped: seen.capped } };
}
