import { sql, type RawBuilder, type SqlBool } from "kysely";
import type { Executor } from "./database.ts";
import { engineOf } from "./dialect.ts";

// The full-text index in each engine's own terms (features/search decides what is indexed and asked). SQLite: contentless
// FTS5 tables, one column each for an object's title, details and content, ranked by bm25, and a trigram FTS5 table of
// numbers and codes. PostgreSQL (migration 140, postgres-schema.ts): one tsvector per object, its title weighted A, details
// B, content C, ranked by ts_rank with the same weights, and the codes as text under a trigram index, matched with LIKE.
// Both are given the stems search-text.ts makes, so they hold the same terms; a rank is lower for a better hit on both.

/** A term as the index is asked it: a stem, or the beginning of one. */
export interface MatchTerm {
  stem: string;
  prefix: boolean;
}
/** One condition on an object's words: a term, a phrase (terms in a row), or any one of several terms. */
export type MatchNode = { term: MatchTerm } | { phrase: MatchTerm[] } | { anyOf: MatchTerm[] };
/**
 * What the full-text index is asked, whichever engine holds it (written below in FTS5's or PostgreSQL's syntax;
 * features/search/search-text.ts makes it): every node must hold. Its stems are letters and digits only, so no engine reads anything in it as syntax.
 */
export type MatchQuery = MatchNode[];

export type WordTable = "fts_cases" | "fts_documents" | "fts_tasks" | "fts_contacts";

/** Matching rows of an index with their rank (lower is better): a source of hits. */
export type Hits = RawBuilder<{ rowid: number; rank: number }>;

/** What a hit in the title, the details and the content weighs, in that order. */
const WEIGHTS = [8, 3, 1] as const;
/** PostgreSQL's ts_rank weights, in its order D, C, B, A: content C, details B, title A, scaled to the title's. */
const TS_WEIGHTS = sql.lit(`{0, ${WEIGHTS[2] / WEIGHTS[0]}, ${WEIGHTS[1] / WEIGHTS[0]}, 1}`);
/**
 * The most of an object's content PostgreSQL indexes: a tsvector holds at most 1 MB, and the positions of the words of a
 * few hundred thousand characters of text come near that. (SQLite indexes up to the indexer's own limit.)
 */
const MAX_TSVECTOR_CHARS = 400_000;

const fts5Term = (t: MatchTerm) => `"${t.stem}"${t.prefix ? " *" : ""}`;
const fts5Node = (n: MatchNode) =>
  "term" in n ? fts5Term(n.term) : "phrase" in n ? n.phrase.map(fts5Term).join(" + ") : `(${n.anyOf.map(fts5Term).join(" OR ")})`;
/** The FTS5 MATCH expression of a query. */
export const fts5Expression = (q: MatchQuery) => q.map(fts5Node).join(" AND ");

const tsTerm = (t: MatchTerm) => `'${t.stem}'${t.prefix ? ":*" : ""}`;
const tsNode = (n: MatchNode) =>
  "term" in n ? tsTerm(n.term) : "phrase" in n ? `(${n.phrase.map(tsTerm).join(" <-> ")})` : `(${n.anyOf.map(tsTerm).join(" | ")})`;
/** The to_tsquery text of a query. */
export const tsqueryText = (q: MatchQuery) => q.map(tsNode).join(" & ");

/** The rows of a word table whose words match the query, with their rank. */
export function wordHits(db: Executor, table: WordTable, q: MatchQuery): Hits {
  const t = sql.table(table);
  if (engineOf(db) === "postgres") {
    return sql`(SELECT rowid, -ts_rank(${TS_WEIGHTS}::float4[], words, query) AS rank FROM ${t}, to_tsquery('simple', ${tsqueryText(q)}) AS query WHERE words @@ query)`;
  }
  return sql`(SELECT rowid, bm25(${t}, ${sql.raw(WEIGHTS.join(", "))}) AS rank FROM ${t} WHERE ${t} MATCH ${fts5Expression(q)})`;
}

/** The rowids of a word table's rows whose words match the query, nothing ranked: a filter. */
function wordRows(db: Executor, table: WordTable, q: MatchQuery): RawBuilder<{ rowid: number }> {
  const t = sql.table(table);
  if (engineOf(db) === "postgres") return sql`(SELECT rowid FROM ${t} WHERE words @@ to_tsquery('simple', ${tsqueryText(q)}))`;
  return sql`(SELECT rowid FROM ${t} WHERE ${t} MATCH ${fts5Expression(q)})`;
}

/** `LIKE` pattern text for a literal: its %, _ and \ taken as themselves (with ESCAPE '\'). */
const likeLiteral = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The rows whose numbers and codes hold every one of `codes` (lower-case, three characters or more), and whose words in
 * `rest.table` match `rest.query` when given; each with the rank `rank`.
 */
export function codeHits(db: Executor, codes: readonly string[], rest: { table: WordTable; query: MatchQuery } | null, rank: number): Hits {
  const postgres = engineOf(db) === "postgres";
  const restHits = rest ? sql`AND rowid IN (SELECT rowid FROM ${wordRows(db, rest.table, rest.query)} AS rest)` : sql``;
  const holds = postgres
    ? sql.join(
        codes.map((c) => sql<SqlBool>`codes LIKE ${`%${likeLiteral(c)}%`} ESCAPE '\\'`),
        sql` AND `,
      )
    : sql<SqlBool>`fts_codes MATCH ${codes.map((c) => `"${c}"`).join(" AND ")}`;
  return sql`(SELECT rowid, ${sql.lit(rank)} AS rank FROM fts_codes WHERE ${holds} ${restHits})`;
}

/** One object's words, by part: each the space-separated stems (search-text.ts: indexText). */
export interface IndexedWords {
  title: string;
  meta: string;
  body: string;
}

/**
 * Writes objects' words into a word table (after `removeWords`, for those that had some). On PostgreSQL in one statement
 * (a round trip each); SQLite's are statements in the process, each row its own (FTS5 takes rows one by one anyway).
 */
export async function writeWords(db: Executor, table: WordTable, rows: ReadonlyArray<{ rowid: number; words: IndexedWords }>): Promise<void> {
  if (!rows.length) return;
  const t = sql.table(table);
  if (engineOf(db) === "postgres") {
    const cut = (body: string) => (body.length > MAX_TSVECTOR_CHARS ? body.slice(0, body.lastIndexOf(" ", MAX_TSVECTOR_CHARS)) : body);
    await sql`INSERT INTO ${t} (rowid, words)
      SELECT rowid, setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', meta), 'B') || setweight(to_tsvector('simple', body), 'C')
      FROM unnest(${rows.map((r) => r.rowid)}::bigint[], ${rows.map((r) => r.words.title)}::text[], ${rows.map((r) => r.words.meta)}::text[],
        ${rows.map((r) => cut(r.words.body))}::text[]) AS w (rowid, title, meta, body)`.execute(db);
    return;
  }
  for (const { rowid, words } of rows)
    await sql`INSERT INTO ${t} (rowid, title, meta, body) VALUES (${rowid}, ${words.title}, ${words.meta}, ${words.body})`.execute(db);
}

export async function removeWords(db: Executor, table: WordTable, rowids: readonly number[]): Promise<void> {
  if (engineOf(db) === "postgres") return void (await sql`DELETE FROM ${sql.table(table)} WHERE rowid = ANY(${[...rowids]}::bigint[])`.execute(db));
  for (const rowid of rowids) await sql`DELETE FROM ${sql.table(table)} WHERE rowid = ${rowid}`.execute(db);
}

/** Writes objects' numbers and codes (lower-case, space-separated) into the trigram index. */
export async function writeCodes(db: Executor, rows: ReadonlyArray<{ rowid: number; codes: string }>): Promise<void> {
  if (!rows.length) return;
  if (engineOf(db) === "postgres") {
    await sql`INSERT INTO fts_codes (rowid, codes) SELECT * FROM unnest(${rows.map((r) => r.rowid)}::bigint[], ${rows.map((r) => r.codes)}::text[])`.execute(
      db,
    );
    return;
  }
  for (const { rowid, codes } of rows) await sql`INSERT INTO fts_codes (rowid, codes) VALUES (${rowid}, ${codes})`.execute(db);
}

export async function removeCodes(db: Executor, rowids: readonly number[]): Promise<void> {
  if (engineOf(db) === "postgres") return void (await sql`DELETE FROM fts_codes WHERE rowid = ANY(${[...rowids]}::bigint[])`.execute(db));
  for (const rowid of rowids) await sql`DELETE FROM fts_codes WHERE rowid = ${rowid}`.execute(db);
}

/** Days from the time in `column` (ISO text) to `later` (an ISO time), fractions included. */
export function daysBetween(db: Executor, later: string, column: string): RawBuilder<number> {
  if (engineOf(db) === "postgres") return sql<number>`(extract(epoch from (${later}::timestamptz - ${sql.ref(column)}::timestamptz)) / 86400.0)`;
  return sql<number>`(julianday(${later}) - julianday(${sql.ref(column)}))`;
}
