import SqliteDatabase from "better-sqlite3";
import { sql } from "kysely";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { loadConfig } from "../../service/config.ts";
import type { Db } from "../../service/db/database.ts";
import { openDatabase, openSqlite, type OpenedDatabase } from "../../service/db/dialect.ts";
import { migrateToLatest } from "../../service/db/migrate.ts";
import type { Actor } from "../../service/features/access/actor.ts";
import { indexStale } from "../../service/features/search/indexer.ts";
import { bestOfNewest, matcherOf, search } from "../../service/features/search/search.service.ts";
import { startLocalPostgres } from "../support/postgres-server.ts";
import type { BenchArchive } from "./archive.ts";
import { secretaryActor, type BenchQuery } from "./archive-search.ts";
import { inTurn, timing, type Timing } from "./search.ts";

// npm run bench -- scale: search on PostgreSQL at the bench archive's size (1,000,000 documents), against SQLite. The
// archive (archive.ts) is copied row for row into a local PostgreSQL 15 whose schema the migrations made, and its search
// index is built there as a live archive builds it: every object noted stale, then the service's own indexer. Both are
// asked the search bench's two queries (search.ts: a selective and a broad one, as the school secretary) the same two ways,
// in turn: the ranked search with the access filter, and the service's whole documents search. The copy is kept beside
// the cached archive (its cluster in the cache directory), so only the first run pays for it.

const LIMIT = 5;
/** Tables the copy leaves out: the migrations' own, the rate limits, and the search index, which the indexer builds. */
const NOT_COPIED = /^(kysely_migration|kysely_migration_lock|rate_limits|search_rows|search_dirty|fts_\w+)$/;
const COPY_BATCH = 5000;

interface PostgresCopy {
  rows: number;
  copySeconds: number;
  indexed: number;
  indexSeconds: number;
  /** pg_total_relation_size of fts_documents, and the database's size. */
  documentWordsBytes: number;
  databaseBytes: number;
}

export interface ScaleSearchQuery {
  label: "selective" | "broad";
  query: BenchQuery;
  sqlite: { ranked: Timing; direct: Timing; count: number };
  postgres: { ranked: Timing; direct: Timing; count: number };
}

export interface ScaleSearchMeasures {
  copy: PostgresCopy;
  /** Whether the copy was made in this run. */
  copied: boolean;
  runs: number;
  queries: ScaleSearchQuery[];
}

/** Every row of the archive's tables into PostgreSQL, table by table, in batches (unnest of one array a column). */
async function copyRows(sqliteFile: string, url: string): Promise<number> {
  const source = new SqliteDatabase(sqliteFile, { readonly: true });
  const target = new pg.Client({ connectionString: url });
  await target.connect();
  let rows = 0;
  try {
    // The rows are copied in no order of their references (replica mode fires no triggers, foreign keys' included), and
    // what a crash would lose is made again.
    await target.query("SET session_replication_role = replica");
    await target.query("SET synchronous_commit = off");
    const { rows: columns } = await target.query<{ table_name: string; column_name: string; data_type: string }>(
      "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position",
    );
    const tables = new Map<string, Array<{ name: string; type: string }>>();
    for (const c of columns)
      if (!NOT_COPIED.test(c.table_name)) tables.set(c.table_name, [...(tables.get(c.table_name) ?? []), { name: c.column_name, type: c.data_type }]);
    for (const [table, all] of tables) {
      const present = new Set((source.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name));
      const copied = all.filter((c) => present.has(c.name));
      if (copied.length !== all.length) throw new Error(`${table}: SQLite lacks ${all.filter((c) => !present.has(c.name)).map((c) => c.name)}`);
      const names = copied.map((c) => `"${c.name}"`).join(", ");
      const insert = `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${copied.map((c, i) => `$${i + 1}::${c.type}[]`).join(", ")})`;
      await target.query("BEGIN");
      // Rows the migrations put in (the party roles, say) are the archive's too, as it has them.
      await target.query(`DELETE FROM ${table}`);
      let batch: unknown[][] = copied.map(() => []);
      let inBatch = 0;
      const flush = async () => {
        if (inBatch) await target.query(insert, batch);
        rows += inBatch;
        batch = copied.map(() => []);
        inBatch = 0;
      };
      for (const row of source.prepare(`SELECT ${names} FROM ${table}`).raw(true).iterate() as Iterable<unknown[]>) {
        for (let i = 0; i < row.length; i++) batch[i].push(row[i]);
        if (++inBatch === COPY_BATCH) await flush();
      }
      await flush();
      await target.query("COMMIT");
    }
    await target.query("SET session_replication_role = origin");
    // What the migrations note stale when an archive's index is made (140, 150): every case, document, task and contact.
    for (const [kind, table] of [
      ["case", "cases"],
      ["document", "documents"],
      ["task", "tasks"],
      ["contact", "contacts"],
    ])
      await target.query(`INSERT INTO search_dirty (kind, object_id) SELECT '${kind}', id FROM ${table}`);
    await target.query("ANALYZE");
  } finally {
    await target.end();
    source.close();
  }
  return rows;
}

/** The archive's copy on PostgreSQL, made (and its index built) unless the cache has it; `log` hears the progress. */
async function postgresCopy(archive: BenchArchive, url: string, facts: string, log: (line: string) => void): Promise<{ copy: PostgresCopy; copied: boolean }> {
  if (fs.existsSync(facts)) return { copy: JSON.parse(fs.readFileSync(facts, "utf8")) as PostgresCopy, copied: false };
  const admin = new pg.Client({ connectionString: url.replace(/\/ims_bench$/, "/postgres") });
  await admin.connect();
  await admin.query("DROP DATABASE IF EXISTS ims_bench");
  await admin.query("CREATE DATABASE ims_bench");
  await admin.end();
  const opened = openDatabase({ databaseFile: "", databaseUrl: url });
  try {
    await migrateToLatest(opened.db);
    await opened.afterMigrations?.();
    let t = performance.now();
    log(`copying the bench archive into PostgreSQL …`);
    const rows = await copyRows(loadConfig({ DATA_DIR: archive.dataDir }).databaseFile, url);
    const copySeconds = (performance.now() - t) / 1000;
    log(`${rows.toLocaleString("en")} rows copied in ${copySeconds.toFixed(0)} s; the service's indexer builds the index …`);
    // The index the SQLite build has in place for the same reason (archive-search.ts, BUILD_INDEX), dropped after.
    await sql`CREATE INDEX bench_documents_current_version ON documents (current_version_id)`.execute(opened.db);
    t = performance.now();
    let logged = 0;
    const indexed = await indexStale(opened.db, {
      onProgress: (done) => {
        if (done - logged < 100_000) return;
        logged = done;
        log(`  … ${done.toLocaleString("en")} indexed, ${((performance.now() - t) / 1000).toFixed(0)} s`);
      },
    });
    const indexSeconds = (performance.now() - t) / 1000;
    await sql`DROP INDEX bench_documents_current_version`.execute(opened.db);
    await sql`VACUUM ANALYZE`.execute(opened.db);
    const sizes = await sql<{ words: string; database: string }>`
      SELECT pg_total_relation_size('fts_documents') AS words, pg_database_size(current_database()) AS database`.execute(opened.db);
    const copy: PostgresCopy = {
      rows,
      copySeconds,
      indexed,
      indexSeconds,
      documentWordsBytes: Number(sizes.rows[0].words),
      databaseBytes: Number(sizes.rows[0].database),
    };
    fs.writeFileSync(facts, JSON.stringify(copy, null, 2));
    return { copy, copied: true };
  } finally {
    await opened.close();
  }
}

/** Both queries on both engines, `runs` times each way, one after another in turn so the machine's other load falls on all alike. */
export async function measureScaleSearch(archive: BenchArchive, runs: number, log: (line: string) => void): Promise<ScaleSearchMeasures> {
  const keep = path.join(archive.cache, "postgres");
  const server = await startLocalPostgres({ keep });
  const opened: OpenedDatabase[] = [];
  try {
    const url = server.url.replace(/\/postgres$/, "/ims_bench");
    const { copy, copied } = await postgresCopy(archive, url, path.join(keep, "copy.json"), log);
    const sqlite = openSqlite(loadConfig({ DATA_DIR: archive.dataDir }).databaseFile);
    opened.push(sqlite);
    const postgres = openDatabase({ databaseFile: "", databaseUrl: url });
    opened.push(postgres);
    const queries: ScaleSearchQuery[] = [];
    for (const [label, query] of [
      ["selective", archive.facts.search.selective],
      ["broad", archive.facts.search.broad],
    ] as const) {
      const m = matcherOf(query.q);
      if (!m) throw new Error(`"${query.q}" is not a query`);
      const steps = (db: Db, actor: Actor) => [
        () => bestOfNewest(db, actor, "documents", m, LIMIT),
        () => search(db, actor, { q: query.q, kind: "documents", limit: LIMIT }),
      ];
      const [sqliteActor, postgresActor] = [await secretaryActor(sqlite.db, archive.world), await secretaryActor(postgres.db, archive.world)];
      const times = await inTurn(runs, [...steps(sqlite.db, sqliteActor), ...steps(postgres.db, postgresActor)]);
      const count = async (db: Db, actor: Actor) => (await search(db, actor, { q: query.q, kind: "documents", limit: LIMIT })).documents.count;
      queries.push({
        label,
        query,
        sqlite: { ranked: timing(times[0]), direct: timing(times[1]), count: await count(sqlite.db, sqliteActor) },
        postgres: { ranked: timing(times[2]), direct: timing(times[3]), count: await count(postgres.db, postgresActor) },
      });
    }
    return { copy, copied, runs, queries };
  } finally {
    for (const o of opened) await o.close();
    await server.stop();
  }
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

/** The figures as rows of run.ts's table: PostgreSQL beside SQLite, with the ratio. */
export function scaleSearchRows(m: ScaleSearchMeasures): Array<[string, string, string]> {
  const c = m.copy;
  return [
    [
      "bench archive on PostgreSQL",
      `${(c.indexed / c.indexSeconds).toFixed(0)} objects/s indexed`,
      `${c.rows.toLocaleString("en")} rows copied in ${c.copySeconds.toFixed(0)} s, ${c.indexed.toLocaleString("en")} objects indexed by the service's indexer in ${(c.indexSeconds / 60).toFixed(1)} min${m.copied ? "" : " (kept from an earlier run)"}; fts_documents ${(c.documentWordsBytes / 1e9).toFixed(2)} GB, database ${(c.databaseBytes / 1e9).toFixed(2)} GB`,
    ],
    ...m.queries.flatMap((q): Array<[string, string, string]> => {
      const what = `${q.label} "${q.query.q}" (${q.query.documents.toLocaleString("en")} documents)`;
      const same =
        q.sqlite.count === q.postgres.count ? `both count ${q.sqlite.count}` : `COUNTS DIFFER: SQLite ${q.sqlite.count}, PostgreSQL ${q.postgres.count}`;
      return (["ranked", "direct"] as const).map((way): [string, string, string] => [
        `search ${what} on PostgreSQL, ${way === "ranked" ? "ranked with the access filter" : "the service's whole documents search"}`,
        `p95 ${ms(q.postgres[way].p95)}`,
        `${(q.postgres[way].p95 / q.sqlite[way].p95).toFixed(2)}× SQLite's p95 ${ms(q.sqlite[way].p95)}; p50 ${ms(q.postgres[way].p50)} against ${ms(q.sqlite[way].p50)}; ${same}; ${m.runs} runs`,
      ]);
    }),
  ];
}
