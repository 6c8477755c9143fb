import { fts5Expression } from "../../service/db/full-text.ts";
import { sql } from "kysely";
import { loadConfig } from "../../service/config.ts";
import type { Db } from "../../service/db/database.ts";
import { openSqlite } from "../../service/db/dialect.ts";
import type { Actor } from "../../service/features/access/actor.ts";
import { bestOfNewest, matcherOf, search } from "../../service/features/search/search.service.ts";
import { SEARCH_COUNT_CAP } from "../../shared/api/schemas/search.ts";
import type { ChildService } from "../support/child-service.ts";
import { send } from "../support/payload.ts";
import type { BenchArchive } from "./archive.ts";
import { secretaryActor, type BenchQuery } from "./archive-search.ts";
import type { SearchCsvFigures } from "./search-csv.ts";
import { signInSession } from "./web.ts";

// Issue 12's search benchmarks on the bench archive, for a school secretary in two of the 51 access groups
// (so the access filter matters: she may see about one document in seventeen). A selective query (a rare
// word) and a broad one (a common word) are each asked four ways, one after another in turn so that the
// machine's other load falls on all alike:
// - the ranked search with the access filter, on the database: the best ids by score and the count, which is
//   what the raw query computes without the filter (bestOfNewest in search.service.ts);
// - the raw FTS5 query for the same terms: ranking and a count capped the same, no access filter, no joins;
// - the service's whole documents search on the database (what GET /api/search?kind=documents runs): the
//   ranked search, then the page's details and snippets, read from the documents, their cases and texts;
// - the whole HTTP request.
// The ratio to the raw query is of the ranked search, like for like; the whole search and the request are
// held to the goal in milliseconds. The grouped search (all four groups) is asked over HTTP.

export const SEARCH_GOALS = { selectiveP95Ms: 20, broadP95Ms: 150, overRaw: 1.5, exportGrowthMb: 64 };
/** Hits per group: what the search page asks for (PER_GROUP in web/src/pages/Search.tsx) and the raw query returns. */
const LIMIT = 5;

export interface Timing {
  p50: number;
  p95: number;
  max: number;
}

export interface QueryMeasures {
  label: "selective" | "broad";
  query: BenchQuery;
  goalP95: number;
  /** The ranked search with the access filter, the service's whole documents search on the database, the raw FTS5 query, and GET /api/search?kind=documents. */
  ranked: Timing;
  direct: Timing;
  raw: Timing;
  http: Timing;
  /** GET /api/search (all four groups). */
  grouped: Timing;
  /** What the service answered: hits shown and counted. */
  items: number;
  count: number;
  capped: boolean;
}

export interface SearchMeasures {
  runs: number;
  queries: QueryMeasures[];
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
export const timing = (times: number[]): Timing => {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] };
};

/** The raw FTS5 query for the same terms: the best `LIMIT` by bm25 with the service's weights, and the count capped as the service caps it. */
async function rawFts(db: Db, match: string): Promise<number> {
  const best = await sql<{
    rowid: number;
  }>`SELECT rowid, bm25(fts_documents, 8, 3, 1) FROM fts_documents WHERE fts_documents MATCH ${match} ORDER BY 2 LIMIT ${LIMIT}`.execute(db);
  const count = await sql<{
    n: number;
  }>`SELECT count(*) AS n FROM (SELECT 1 FROM fts_documents WHERE fts_documents MATCH ${match} LIMIT ${SEARCH_COUNT_CAP + 1})`.execute(db);
  return best.rows.length + count.rows[0].n;
}

/** Runs each of `steps` `runs` times, in turn, after a few runs not counted; the latencies of each. */
export async function inTurn(runs: number, steps: Array<() => Promise<unknown>>): Promise<number[][]> {
  for (let i = 0; i < 5; i++) for (const step of steps) await step();
  const times = steps.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (const [k, step] of steps.entries()) {
      const t = performance.now();
      await step();
      times[k].push(performance.now() - t);
    }
  }
  return times;
}

async function measureQuery(db: Db, actor: Actor, svc: ChildService, session: string, label: QueryMeasures["label"], query: BenchQuery, runs: number) {
  const m = matcherOf(query.q);
  if (!m) throw new Error(`"${query.q}" is not a query`);
  const headers = { cookie: `ims_session=${session}` };
  const get = async (path: string) => {
    const reply = await send(`${svc.url}${path}`, { headers });
    if (reply.status !== 200) throw new Error(`GET ${path}: ${reply.status} ${reply.body.toString("utf8")}`);
    return reply;
  };
  const q = encodeURIComponent(query.q);
  const answer = await search(db, actor, { q: query.q, kind: "documents", limit: LIMIT });
  const [ranked, direct, raw, http, grouped] = await inTurn(runs, [
    () => bestOfNewest(db, actor, "documents", m, LIMIT),
    () => search(db, actor, { q: query.q, kind: "documents", limit: LIMIT }),
    () => rawFts(db, fts5Expression(m.match)),
    () => get(`/api/search?q=${q}&kind=documents&limit=${LIMIT}`),
    () => get(`/api/search?q=${q}`),
  ]);
  return {
    label,
    query,
    goalP95: label === "selective" ? SEARCH_GOALS.selectiveP95Ms : SEARCH_GOALS.broadP95Ms,
    ranked: timing(ranked),
    direct: timing(direct),
    raw: timing(raw),
    http: timing(http),
    grouped: timing(grouped),
    items: answer.documents.items.length,
    count: answer.documents.count,
    capped: answer.documents.capped,
  } satisfies QueryMeasures;
}

/** The selective and the broad query, `runs` times each way, against `svc` running on `archive` and on its database directly. */
export async function measureSearch(svc: ChildService, archive: BenchArchive, runs = 200): Promise<SearchMeasures> {
  const session = await signInSession(svc, archive.facts.secretaryUser);
  // A connection of its own, opened as the service opens its database; the service beside it is idle.
  const opened = openSqlite(loadConfig({ DATA_DIR: archive.dataDir }).databaseFile);
  try {
    const actor = await secretaryActor(opened.db, archive.world);
    const { selective, broad } = archive.facts.search;
    return {
      runs,
      queries: [
        await measureQuery(opened.db, actor, svc, session, "selective", selective, runs),
        await measureQuery(opened.db, actor, svc, session, "broad", broad, runs),
      ],
    };
  } finally {
    await opened.close();
  }
}

const ms = (n: number) => `${n.toFixed(1)} ms`;
const GB = (n: number) => `${(n / 1e9).toFixed(2)} GB`;
const met = (ok: boolean) => (ok ? "met" : "MISSED");

/** The archive's text and index, from its cache (they were measured when it was generated). */
export function searchIndexRows(archive: BenchArchive): Array<[string, string, string]> {
  const { text, search: s, documents } = archive.facts;
  const b = s.bytes;
  const days = (s.asMigratedMsPerDocument * documents) / 86_400_000;
  return [
    [
      "documents' text (bench archive)",
      `${text.mean.toFixed(0)} words mean`,
      `median ${text.median}, p10 ${text.p10}, p90 ${text.p90}, p99 ${text.p99}, max ${text.max}; ${GB(text.bytes)} in ${text.documents.toLocaleString("en")} documents`,
    ],
    [
      `search index build (indexStale, ${s.indexed.toLocaleString("en")} objects)`,
      `${(s.indexSeconds / 60).toFixed(1)} min`,
      `${(s.indexed / s.indexSeconds).toFixed(0)} objects/s, with an index on documents.current_version_id during the build; without it ${s.asMigratedMsPerDocument.toFixed(0)} ms a document (~${days.toFixed(1)} days for the archive)`,
    ],
    [
      "search index size",
      `${GB(b.fts_documents)} fts_documents`,
      `fts_cases ${GB(b.fts_cases)}, fts_tasks ${GB(b.fts_tasks)}, fts_contacts ${GB(b.fts_contacts)}, fts_codes ${GB(b.fts_codes)}; ${s.documentTerms.toLocaleString("en")} terms; content_texts ${GB(b.content_texts)}; database ${GB(b.database)}`,
    ],
  ];
}

/** The measures as rows of run.ts's table, each figure beside its goal. */
export function searchRows(m: SearchMeasures): Array<[string, string, string]> {
  return m.queries.flatMap((r): Array<[string, string, string]> => {
    const what = `${r.label} "${r.query.q}" (${r.query.documents.toLocaleString("en")} documents, ${r.count}${r.capped ? "+" : ""} hers)`;
    const ratio = r.ranked.p95 / r.raw.p95;
    const goal = (t: Timing) => `goal p95 ≤ ${r.goalP95} ms: ${met(t.p95 <= r.goalP95)}; p50 ${ms(t.p50)}, max ${ms(t.max)}`;
    return [
      [
        `search ${what}: ranked with the access filter, on the db`,
        `p95 ${ms(r.ranked.p95)}`,
        `${ratio.toFixed(2)}× raw FTS5 (goal ≤ ${SEARCH_GOALS.overRaw}×: ${met(ratio <= SEARCH_GOALS.overRaw)}); ${goal(r.ranked)}; best ${LIMIT} ids and the count`,
      ],
      [`search ${r.label}: the service's whole search on the db`, `p95 ${ms(r.direct.p95)}`, `${goal(r.direct)}; with the page's details and snippets`],
      [`search ${r.label}: GET /api/search?kind=documents`, `p95 ${ms(r.http.p95)}`, goal(r.http)],
      [
        `search ${r.label}: raw FTS5 query, same terms`,
        `p95 ${ms(r.raw.p95)}`,
        `p50 ${ms(r.raw.p50)}, max ${ms(r.raw.max)}; bm25 top ${LIMIT} and count to ${SEARCH_COUNT_CAP}, no access filter`,
      ],
      [
        `search ${r.label}: GET /api/search, all four groups`,
        `p95 ${ms(r.grouped.p95)}`,
        `p50 ${ms(r.grouped.p50)}, max ${ms(r.grouped.max)}; ${m.runs} requests`,
      ],
    ];
  });
}

/** The CSV export (search-csv.ts) beside its goal: the service's memory may grow by at most 64 MB while it streams. */
export function searchCsvRows(f: SearchCsvFigures): Array<[string, string, string]> {
  const growth = f.peakMb - f.baselineMb;
  const slowGrowth = f.slowPeakMb - f.baselineMb;
  const goal = SEARCH_GOALS.exportGrowthMb;
  return [
    [
      `CSV export, ${f.rows.toLocaleString("en")} rows (${(f.bytes / 1e6).toFixed(1)} MB)`,
      `${f.seconds.toFixed(1)} s`,
      `peak RSS ${f.peakMb.toFixed(0)} MB, +${growth.toFixed(1)} MB (goal ≤ ${goal} MB: ${met(growth <= goal)})`,
    ],
    [
      "CSV export, a client reading 1.3 MB/s",
      `${f.slowSeconds.toFixed(1)} s`,
      `peak RSS ${f.slowPeakMb.toFixed(0)} MB, +${slowGrowth.toFixed(1)} MB (goal ≤ ${goal} MB: ${met(slowGrowth <= goal)})`,
    ],
  ];
}
