import { sql, type ExpressionBuilder } from "kysely";
import { SEARCH_COUNT_CAP } from "../../../shared/api/schemas/search.ts";
import type { CaseHit, ContactHit, DocumentHit, SearchKind, SearchResults, TaskHit } from "../../../shared/api/types.ts";
import type { Database, Db } from "../../db/database.ts";
import { codeHits as codeRows, daysBetween, wordHits as wordRows, type Hits, type MatchQuery, type WordTable } from "../../db/full-text.ts";
import { caseVisibleTo, documentVisibleTo, searchRowVisibleTo } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import { contactVisibleTo } from "../contacts/contacts.service.ts";
import { taskVisibleTo } from "../tasks/tasks.service.ts";
import { indexStale } from "./indexer.ts";
import { matchQuery, parseQuery, termsOfParts } from "./search-text.ts";
import { hasHit, hitPattern, snippetOf } from "./snippet.ts";

// Free-text search over tasks, cases, documents and contacts. The access filter is part of the one query
// that matches, scores and counts, so nothing the caller may not see is ranked, counted or snippeted. A case
// or document is checked on its index row, whose copy of the access fields triggers keep equal to the live
// rows in the same transaction (migration 190); the hits of a page are checked again on the live rows.
// Ranking is FTS5's bm25 (a title hit weighs most, then details, then content), tempered by age: of two
// equal hits the newer comes first, and a document ten years old needs twice the relevance. Numbers and
// codes are also found by any part of them (the trigram index), for the kinds that have them.
//
// A broad word is ranked among its newest matches, not all of them. FTS5 computes bm25 for every match
// before it can sort, and the access filter reads every match's row: for "elev", in 300,000 of a million
// documents, that took seconds however few hits are shown. FTS5 walks a word's matches newest first and
// stops when told (ORDER BY rowid DESC LIMIT), so the search walks them so, the access filter in the same
// walk, until it has WINDOW the caller may see; those it ranks as above, and their number is the count up to
// the cap. A word with fewer visible matches than that is ranked over all of them, exactly as before; a
// broad word's best old hit may stay off the page until another word narrows the search. "Newest" is the
// order of search_rows' rowid, which re-indexing keeps: the order objects are made in, and for the archive
// that was there when the index was built, their age (migration 180 numbered it oldest first). Its cost is the rows walked:
// about WINDOW times how many matches it takes to find one the caller may see — small for what people
// search their own work for, the whole doclist for a word common only where the caller may not look. The
// CSV export still ranks every hit.

/** What a hit on part of a number weighs against bm25's (negative, lower is better): more than a word in a title. */
const CODE_RANK = -50;
/** Visible matches a search ranks, newest first; one more than the count's cap, as the same walk counts them. */
const WINDOW = SEARCH_COUNT_CAP + 1;
/** Index rows brought up to date before a search: enough for what people change between two searches. */
const CATCH_UP = 2000;
/** Characters of a document's text a snippet is looked for in. */
const SNIPPET_SOURCE = 100_000;

type Fts = WordTable;

/** A query as the indexes are asked it. */
export interface Matcher {
  /** Every word. */
  match: MatchQuery;
  /** For the trigram index: the numbers and codes typed (all must be found), and the other words (null if none). */
  codes: { chunks: string[]; rest: MatchQuery | null } | null;
  pattern: RegExp | null;
}

/** Reads a query; null when nothing searchable is in it. */
export function matcherOf(q: string): Matcher | null {
  const parts = parseQuery(q);
  const match = matchQuery(parts);
  if (!match) return null;
  // A chunk with a digit, three characters or more, is also looked for as part of a number ("0123", "17.01").
  const chunks = q
    .slice(0, 1000)
    .split(/\s+/)
    .filter((c) => /\p{N}/u.test(c) && !c.includes('"'))
    .map((c) => c.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "").toLocaleLowerCase("da"))
    .filter((c) => c.length >= 3)
    .slice(0, 8);
  const codes = chunks.length
    ? {
        chunks,
        rest: matchQuery(
          parseQuery(
            q
              .split(/\s+/)
              .filter((c) => !/\p{N}/u.test(c))
              .join(" "),
          ),
        ),
      }
    : null;
  return { match, codes, pattern: hitPattern(termsOfParts(parts)) };
}

/** The rows of one word table whose words match, with their rank. */
const wordHits = (db: Db, fts: Fts, m: Matcher): Hits => wordRows(db, fts, m.match);

/** The rows whose numbers hold every code typed (and whose words in `fts` hold the rest), ranked above word hits. */
const codeHits = (db: Db, fts: Fts, codes: NonNullable<Matcher["codes"]>): Hits =>
  codeRows(db, codes.chunks, codes.rest && { table: fts, query: codes.rest }, CODE_RANK);

/** Every hit of one word table: word hits and, with `withCodes`, code hits, a row found both ways once with its better rank. */
function hitsOf(db: Db, fts: Fts, m: Matcher, withCodes: boolean): Hits {
  const words = wordHits(db, fts, m);
  if (!withCodes || !m.codes) return words;
  return sql`(SELECT rowid, min(rank) AS rank FROM (SELECT * FROM ${words} AS w UNION ALL SELECT * FROM ${codeHits(db, fts, m.codes)} AS c) AS both_ways GROUP BY rowid)`;
}

// Cases and documents are checked on their index row, which the walk reads anyway (searchRowVisibleTo); the
// live row is joined for its age, and only for matches the caller may see, so a match elsewhere costs one lookup.
function casesMatching(db: Db, actor: Actor, hits: Hits) {
  return db
    .selectFrom(hits.as("hits"))
    .innerJoin("search_rows", "search_rows.rowid", "hits.rowid")
    .where(searchRowVisibleTo(db, actor))
    .innerJoin("cases", "cases.id", "search_rows.object_id");
}

function documentsMatching(db: Db, actor: Actor, hits: Hits) {
  return db
    .selectFrom(hits.as("hits"))
    .innerJoin("search_rows", "search_rows.rowid", "hits.rowid")
    .where(searchRowVisibleTo(db, actor))
    .innerJoin("documents", "documents.id", "search_rows.object_id");
}

function tasksMatching(db: Db, actor: Actor, hits: Hits) {
  return db
    .selectFrom(hits.as("hits"))
    .innerJoin("search_rows", "search_rows.rowid", "hits.rowid")
    .innerJoin("tasks", "tasks.id", "search_rows.object_id")
    .where((eb) => taskVisibleTo(actor)(eb as unknown as ExpressionBuilder<Database, "tasks">));
}

function contactsMatching(db: Db, actor: Actor, hits: Hits) {
  return db
    .selectFrom(hits.as("hits"))
    .innerJoin("search_rows", "search_rows.rowid", "hits.rowid")
    .innerJoin("contacts", "contacts.id", "search_rows.object_id")
    .where("contacts.merged_into", "is", null)
    .where((eb) => contactVisibleTo(actor)(eb as unknown as ExpressionBuilder<Database, "contacts">));
}

/** Relevance tempered by age, reckoned from `now` (an ISO time): a hit ten years old needs twice the relevance. */
const score = (db: Db, changedAt: string, now: string) => sql<number>`hits.rank * (1.0 / (1.0 + ${daysBetween(db, now, changedAt)} / 3650.0))`;

/** Orders rows as `ids` lists them (the details of a page are read in one query, in no particular order). */
function inOrderOf<T extends { id: string }>(ids: string[], rows: T[]): T[] {
  const at = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => at.get(a.id)! - at.get(b.id)!);
}

// The hits of a page, read by id once ranked; the access filter is asked again with them, so no row reaches
// a page but through it.

export async function caseHits(db: Db, actor: Actor, m: Matcher, ids: string[]): Promise<CaseHit[]> {
  if (!ids.length) return [];
  const rows = await db
    .selectFrom("cases")
    .select(["cases.id", "cases.number", "cases.title", "cases.status", "cases.changed_at", "cases.journal_code"])
    .where("cases.id", "in", ids)
    .where(caseVisibleTo(actor))
    .execute();
  return inOrderOf(ids, rows).map((c) => {
    const title = snippetOf(`${c.number} ${c.title}`, m.pattern);
    return {
      case: { id: c.id, number: c.number, title: c.title },
      status: c.status,
      changedAt: c.changed_at,
      snippet: hasHit(title) ? title : snippetOf(c.journal_code, m.pattern),
    };
  });
}

export async function documentHits(db: Db, actor: Actor, m: Matcher, ids: string[]): Promise<DocumentHit[]> {
  if (!ids.length) return [];
  const rows = await db
    .selectFrom("documents")
    .leftJoin("cases as c", "c.id", "documents.case_id")
    .leftJoin("versions as v", "v.id", "documents.current_version_id")
    .leftJoin("content_texts as t", (join) => join.onRef("t.sha256", "=", "v.sha256").on("t.status", "=", "done"))
    .leftJoin("mail_messages", "mail_messages.document_id", "documents.id")
    .select([
      "documents.id",
      "documents.title",
      "documents.status",
      "documents.changed_at",
      "c.id as case_id",
      "c.number as case_number",
      "c.title as case_title",
    ])
    .select(sql<string | null>`substr(coalesce(t.text, mail_messages.body_text), 1, ${SNIPPET_SOURCE})`.as("body"))
    .where("documents.id", "in", ids)
    .where(documentVisibleTo(actor))
    .execute();
  return inOrderOf(ids, rows).map((d) => {
    const title = snippetOf(d.title, m.pattern);
    return {
      document: { id: d.id, title: d.title },
      case: d.case_id ? { id: d.case_id, number: d.case_number ?? "", title: d.case_title ?? "" } : null,
      status: d.status,
      changedAt: d.changed_at,
      snippet: hasHit(title) || !d.body ? title : snippetOf(d.body, m.pattern),
    };
  });
}

export async function taskHits(db: Db, actor: Actor, m: Matcher, ids: string[]): Promise<TaskHit[]> {
  if (!ids.length) return [];
  const rows = await db
    .selectFrom("tasks")
    .leftJoin("cases as c", "c.id", "tasks.case_id")
    .select([
      "tasks.id",
      "tasks.title",
      "tasks.description",
      "tasks.status",
      "tasks.deadline",
      "tasks.changed_at",
      "c.id as case_id",
      "c.number as case_number",
      "c.title as case_title",
    ])
    .where("tasks.id", "in", ids)
    .where(taskVisibleTo(actor))
    .execute();
  return inOrderOf(ids, rows).map((t) => {
    const title = snippetOf(t.title, m.pattern);
    return {
      task: { id: t.id, title: t.title },
      case: t.case_id ? { id: t.case_id, number: t.case_number ?? "", title: t.case_title ?? "" } : null,
      status: t.status,
      deadline: t.deadline,
      changedAt: t.changed_at,
      snippet: hasHit(title) || !t.description ? title : snippetOf(t.description, m.pattern),
    };
  });
}

export async function contactHits(db: Db, actor: Actor, m: Matcher, ids: string[]): Promise<ContactHit[]> {
  if (!ids.length) return [];
  const rows = await db
    .selectFrom("contacts")
    .select(["contacts.id", "contacts.name", "contacts.kind", "contacts.changed_at"])
    .select((eb) =>
      eb.selectFrom("contact_emails").select("email").whereRef("contact_emails.contact_id", "=", "contacts.id").orderBy("position").limit(1).as("email"),
    )
    .where("contacts.id", "in", ids)
    .where("contacts.merged_into", "is", null)
    .where(contactVisibleTo(actor))
    .execute();
  return inOrderOf(ids, rows).map((c) => ({
    contact: { id: c.id, name: c.name, kind: c.kind },
    email: c.email ?? null,
    changedAt: c.changed_at,
    snippet: snippetOf(c.name, m.pattern),
  }));
}

/** Each group: its FTS5 table, whether numbers and codes find it, what matches, its hits by id, and the table its objects are in. */
const GROUPS = {
  tasks: { fts: "fts_tasks", codes: false, matching: tasksMatching, hits: taskHits, table: "tasks" },
  cases: { fts: "fts_cases", codes: true, matching: casesMatching, hits: caseHits, table: "cases" },
  documents: { fts: "fts_documents", codes: false, matching: documentsMatching, hits: documentHits, table: "documents" },
  contacts: { fts: "fts_contacts", codes: true, matching: contactsMatching, hits: contactHits, table: "contacts" },
} as const;

/**
 * Ids and scores of one group's hits from `hits` that the caller may see, best first, a page of `limit` after
 * `offset` — or, with `newest`, the first `limit` of them newest first (the search's window).
 */
function scoredIds(db: Db, actor: Actor, kind: SearchKind, hits: Hits, page: { limit: number; offset?: number; now: string; newest?: boolean }) {
  const { matching, table } = GROUPS[kind];
  if (page.newest && (kind === "cases" || kind === "documents")) return newestOnIndexRows(db, actor, kind, hits, page);
  const id = sql.ref(`${table}.id`);
  const query = (matching(db, actor, hits) as ReturnType<typeof casesMatching>)
    .select(sql<string>`${id}`.as("id"))
    .select(score(db, `${table}.changed_at`, page.now).as("score"));
  const ordered = page.newest ? query.orderBy("hits.rowid", "desc") : query.orderBy("score").orderBy(id);
  return ordered
    .limit(page.limit)
    .offset(page.offset ?? 0)
    .execute();
}

/**
 * The walk of scoredIds for cases and documents, written as one SQL text: every search takes it, and building
 * it with the query builder cost more than running it (a selective word: 0.2 ms to run, 0.4 ms in all).
 */
async function newestOnIndexRows(db: Db, actor: Actor, kind: "cases" | "documents", hits: Hits, page: { limit: number; now: string }) {
  const { rows } = await sql<{ id: string; score: number }>`
    SELECT o.id AS id, ${score(db, "o.changed_at", page.now)} AS score
    FROM ${hits} AS hits JOIN search_rows ON search_rows.rowid = hits.rowid JOIN ${sql.table(kind)} AS o ON o.id = search_rows.object_id
    WHERE ${searchRowVisibleTo(db, actor)}
    ORDER BY hits.rowid DESC LIMIT ${page.limit}`.execute(db);
  return rows;
}

/**
 * One group's best `limit` hits the caller may see, ranked within its newest WINDOW (see the top of the file),
 * and how many there are, up to the cap. Word hits and code hits are walked apart (their union could not be
 * walked in order); an object found both ways keeps its better score, and if either walk filled the window
 * there are more than the cap.
 */
export async function bestOfNewest(db: Db, actor: Actor, kind: SearchKind, m: Matcher, limit: number) {
  const { fts, codes } = GROUPS[kind];
  const now = new Date().toISOString();
  const sources = [wordHits(db, fts, m), ...(codes && m.codes ? [codeHits(db, fts, m.codes)] : [])];
  const best = new Map<string, number>();
  for (const hits of sources)
    for (const { id, score } of await scoredIds(db, actor, kind, hits, { limit: WINDOW, now, newest: true }))
      best.set(id, Math.min(score, best.get(id) ?? Infinity));
  // As the ranking in SQL orders them: by score, then by id (SQLite compares ids bytewise; they are ASCII).
  const ranked = [...best].sort(([a, x], [b, y]) => x - y || (a < b ? -1 : a > b ? 1 : 0));
  return { count: Math.min(best.size, SEARCH_COUNT_CAP), capped: best.size > SEARCH_COUNT_CAP, ids: ranked.slice(0, limit).map(([id]) => id) };
}

/** A page of ranked hits: `limit` of them, after `offset` (for the CSV export, which reads them all). */
export interface HitPage {
  limit: number;
  offset?: number;
}

/**
 * The ids of one group's hits, best first, a page at a time (for the CSV export, which reads them all): every
 * hit is ranked, no snippets and nothing but the id is read, and ages are reckoned from `now`, so every page ranks alike.
 */
export async function rankedIds(db: Db, actor: Actor, kind: SearchKind, m: Matcher, { limit, offset = 0, now }: HitPage & { now: string }): Promise<string[]> {
  const { fts, codes } = GROUPS[kind];
  const rows = await scoredIds(db, actor, kind, hitsOf(db, fts, m, codes), { limit, offset, now });
  return rows.map((r) => r.id);
}

interface SearchOptions {
  q: string;
  kind?: SearchKind;
  limit: number;
}

/** Brings the index up to date with what was committed before the search (up to CATCH_UP rows; the rest in the background). */
export const catchUpIndex = (db: Db) => indexStale(db, { max: CATCH_UP });

export async function search(db: Db, actor: Actor, { q, kind, limit }: SearchOptions): Promise<SearchResults> {
  await catchUpIndex(db);
  const m = matcherOf(q);
  const group = async <K extends SearchKind>(k: K) => {
    if (!m || (kind && kind !== k)) return { count: 0, capped: false, items: [] };
    const { count, capped, ids } = await bestOfNewest(db, actor, k, m, limit);
    return { count, capped, items: await GROUPS[k].hits(db, actor, m, ids) };
  };
  const [tasks, cases, documents, contacts] = await Promise.all([group("tasks"), group("cases"), group("documents"), group("contacts")]);
  return { q, tasks, cases, documents, contacts } as SearchResults;
}
