import { sql, type ExpressionBuilder, type RawBuilder } from "kysely";
import { SEARCH_COUNT_CAP } from "../../../shared/api/schemas/search.ts";
import type { CaseHit, ContactHit, DocumentHit, SearchKind, SearchResults, TaskHit } from "../../../shared/api/types.ts";
import type { Database, Db } from "../../db/database.ts";
import { caseVisibleTo, documentVisibleTo } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import { contactVisibleTo } from "../contacts/contacts.service.ts";
import { taskVisibleTo } from "../tasks/tasks.service.ts";
import { indexStale } from "./indexer.ts";
import { matchExpression, parseQuery, termsOfParts } from "./search-text.ts";
import { hasHit, hitPattern, snippetOf } from "./snippet.ts";

// Free-text search over tasks, cases, documents and contacts. The access filter is part of the one query
// that matches, ranks and counts, so nothing the caller may not see is ranked, counted or snippeted.
// Ranking is FTS5's bm25 (a title hit weighs most, then details, then content), tempered by age: of two
// equal hits the newer comes first, and a document ten years old needs twice the relevance. Numbers and
// codes are also found by any part of them (the trigram index), for the kinds that have them.

/** bm25 weights of the title, meta and body columns. */
const WEIGHTS = sql.raw("8.0, 3.0, 1.0");
/** What a hit on part of a number weighs against bm25's (negative, lower is better): more than a word in a title. */
const CODE_RANK = -50;
const recency = (changedAt: string) => sql.raw(`(1.0 / (1.0 + (julianday('now') - julianday(${changedAt})) / 3650.0))`);
/** Index rows brought up to date before a search: enough for what people change between two searches. */
const CATCH_UP = 2000;
/** Characters of a document's text a snippet is looked for in. */
const SNIPPET_SOURCE = 100_000;

type Fts = "fts_cases" | "fts_documents" | "fts_tasks" | "fts_contacts";

/** A query as the indexes are asked it. */
export interface Matcher {
  /** The FTS5 expression of every word. */
  match: string;
  /** For the trigram index: the numbers and codes typed (AND), and the expression of the other words (null if none). */
  codes: { match: string; rest: string | null } | null;
  pattern: RegExp | null;
}

/** Reads a query; null when nothing searchable is in it. */
export function matcherOf(q: string): Matcher | null {
  const parts = parseQuery(q);
  const match = matchExpression(parts);
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
        match: chunks.map((c) => `"${c}"`).join(" AND "),
        rest: matchExpression(
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

/**
 * The rows of one FTS5 table that match, with their bm25 rank; with `codes`, also the rows whose numbers hold
 * every code typed (and whose words hold the rest), ranked above word hits.
 */
function hitsOf(fts: Fts, m: Matcher, withCodes: boolean): RawBuilder<{ rowid: number; rank: number }> {
  const table = sql.table(fts);
  const words = sql`SELECT rowid, bm25(${table}, ${WEIGHTS}) AS rank FROM ${table} WHERE ${table} MATCH ${m.match}`;
  if (!withCodes || !m.codes) return sql`(${words})`;
  const rest = m.codes.rest ? sql`AND rowid IN (SELECT rowid FROM ${table} WHERE ${table} MATCH ${m.codes.rest})` : sql``;
  return sql`(SELECT rowid, min(rank) AS rank FROM (${words} UNION ALL SELECT rowid, ${CODE_RANK} FROM fts_codes WHERE fts_codes MATCH ${m.codes.match} ${rest}) GROUP BY rowid)`;
}

const visibleCase = (actor: Actor) => (eb: ExpressionBuilder<Database, "cases">) => caseVisibleTo(actor)(eb);

function casesMatching(db: Db, actor: Actor, m: Matcher) {
  return db
    .selectFrom(hitsOf("fts_cases", m, true).as("hits"))
    .innerJoin("search_rows", "search_rows.rowid", "hits.rowid")
    .innerJoin("cases", "cases.id", "search_rows.object_id")
    .where((eb) => visibleCase(actor)(eb as unknown as ExpressionBuilder<Database, "cases">));
}

function documentsMatching(db: Db, actor: Actor, m: Matcher) {
  return db
    .selectFrom(hitsOf("fts_documents", m, false).as("hits"))
    .innerJoin("search_rows", "search_rows.rowid", "hits.rowid")
    .innerJoin("documents", "documents.id", "search_rows.object_id")
    .where((eb) => documentVisibleTo(actor)(eb as unknown as ExpressionBuilder<Database, "documents">));
}

function tasksMatching(db: Db, actor: Actor, m: Matcher) {
  return db
    .selectFrom(hitsOf("fts_tasks", m, false).as("hits"))
    .innerJoin("search_rows", "search_rows.rowid", "hits.rowid")
    .innerJoin("tasks", "tasks.id", "search_rows.object_id")
    .where((eb) => taskVisibleTo(actor)(eb as unknown as ExpressionBuilder<Database, "tasks">));
}

function contactsMatching(db: Db, actor: Actor, m: Matcher) {
  return db
    .selectFrom(hitsOf("fts_contacts", m, true).as("hits"))
    .innerJoin("search_rows", "search_rows.rowid", "hits.rowid")
    .innerJoin("contacts", "contacts.id", "search_rows.object_id")
    .where("contacts.merged_into", "is", null)
    .where((eb) => contactVisibleTo(actor)(eb as unknown as ExpressionBuilder<Database, "contacts">));
}

type Matching = ReturnType<typeof casesMatching | typeof documentsMatching | typeof tasksMatching | typeof contactsMatching>;

/** How many rows a query has, counted up to the cap and no further (a broad word costs no more than the cap). */
async function countUpToCap(db: Db, query: Matching) {
  const hits = (query as ReturnType<typeof casesMatching>).select(sql<number>`1`.as("one")).limit(SEARCH_COUNT_CAP + 1);
  const { n } = await db
    .selectFrom(hits.as("hits"))
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return { count: Math.min(Number(n), SEARCH_COUNT_CAP), capped: Number(n) > SEARCH_COUNT_CAP };
}

const score = (changedAt: string) => sql<number>`hits.rank * ${recency(changedAt)}`;

/** A page of ranked hits: `limit` of them, after `offset` (for the CSV export, which reads them all). */
export interface HitPage {
  limit: number;
  offset?: number;
}

export function rankedCases(db: Db, actor: Actor, m: Matcher, { limit, offset = 0 }: HitPage): Promise<CaseHit[]> {
  return casesMatching(db, actor, m)
    .select(["cases.id", "cases.number", "cases.title", "cases.status", "cases.changed_at", "cases.journal_code"])
    .select(score("cases.changed_at").as("score"))
    .orderBy("score")
    .orderBy("cases.id")
    .limit(limit)
    .offset(offset)
    .execute()
    .then((rows) =>
      rows.map((c) => {
        const title = snippetOf(`${c.number} ${c.title}`, m.pattern);
        return {
          case: { id: c.id, number: c.number, title: c.title },
          status: c.status,
          changedAt: c.changed_at,
          snippet: hasHit(title) ? title : snippetOf(c.journal_code, m.pattern),
        };
      }),
    );
}

export function rankedDocuments(db: Db, actor: Actor, m: Matcher, { limit, offset = 0 }: HitPage): Promise<DocumentHit[]> {
  // Ranked first, then joined: only the page's rows read their case, their file's text and their mail. Joined
  // before the ranking, every visible hit would read its text and carry it through the sort.
  const page = documentsMatching(db, actor, m)
    .select("documents.id")
    .select(score("documents.changed_at").as("score"))
    .orderBy("score")
    .orderBy("documents.id")
    .limit(limit)
    .offset(offset);
  return db
    .selectFrom(page.as("page"))
    .innerJoin("documents", "documents.id", "page.id")
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
    .orderBy("page.score")
    .orderBy("documents.id")
    .execute()
    .then((rows) =>
      rows.map((d) => {
        const title = snippetOf(d.title, m.pattern);
        return {
          document: { id: d.id, title: d.title },
          case: d.case_id ? { id: d.case_id, number: d.case_number ?? "", title: d.case_title ?? "" } : null,
          status: d.status,
          changedAt: d.changed_at,
          snippet: hasHit(title) || !d.body ? title : snippetOf(d.body, m.pattern),
        };
      }),
    );
}

export function rankedTasks(db: Db, actor: Actor, m: Matcher, { limit, offset = 0 }: HitPage): Promise<TaskHit[]> {
  return tasksMatching(db, actor, m)
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
    .select(score("tasks.changed_at").as("score"))
    .orderBy("score")
    .orderBy("tasks.id")
    .limit(limit)
    .offset(offset)
    .execute()
    .then((rows) =>
      rows.map((t) => {
        const title = snippetOf(t.title, m.pattern);
        return {
          task: { id: t.id, title: t.title },
          case: t.case_id ? { id: t.case_id, number: t.case_number ?? "", title: t.case_title ?? "" } : null,
          status: t.status,
          deadline: t.deadline,
          changedAt: t.changed_at,
          snippet: hasHit(title) || !t.description ? title : snippetOf(t.description, m.pattern),
        };
      }),
    );
}

export function rankedContacts(db: Db, actor: Actor, m: Matcher, { limit, offset = 0 }: HitPage): Promise<ContactHit[]> {
  return contactsMatching(db, actor, m)
    .select(["contacts.id", "contacts.name", "contacts.kind", "contacts.changed_at"])
    .select((eb) =>
      eb.selectFrom("contact_emails").select("email").whereRef("contact_emails.contact_id", "=", "contacts.id").orderBy("position").limit(1).as("email"),
    )
    .select(score("contacts.changed_at").as("score"))
    .orderBy("score")
    .orderBy("contacts.id")
    .limit(limit)
    .offset(offset)
    .execute()
    .then((rows) =>
      rows.map((c) => ({
        contact: { id: c.id, name: c.name, kind: c.kind },
        email: c.email ?? null,
        changedAt: c.changed_at,
        snippet: snippetOf(c.name, m.pattern),
      })),
    );
}

/** Each group: what matches (to count), its best hits, and the table its objects are in. */
const GROUPS = {
  tasks: { matching: tasksMatching, ranked: rankedTasks, table: "tasks" },
  cases: { matching: casesMatching, ranked: rankedCases, table: "cases" },
  documents: { matching: documentsMatching, ranked: rankedDocuments, table: "documents" },
  contacts: { matching: contactsMatching, ranked: rankedContacts, table: "contacts" },
} as const;

/**
 * The ids of one group's hits, best first, a page at a time (for the CSV export, which reads them all): no
 * snippets and nothing but the id is read, and ages are reckoned from `now`, so every page ranks alike.
 */
export async function rankedIds(db: Db, actor: Actor, kind: SearchKind, m: Matcher, { limit, offset = 0, now }: HitPage & { now: string }): Promise<string[]> {
  const { matching, table } = GROUPS[kind];
  const changedAt = sql.ref(`${table}.changed_at`);
  const id = sql.ref(`${table}.id`);
  const rows = await (matching(db, actor, m) as ReturnType<typeof casesMatching>)
    .select(sql<string>`${id}`.as("id"))
    .orderBy(sql`hits.rank * (1.0 / (1.0 + (julianday(${now}) - julianday(${changedAt})) / 3650.0))`)
    .orderBy(id)
    .limit(limit)
    .offset(offset)
    .execute();
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
    const { matching, ranked } = GROUPS[k];
    const [count, items] = await Promise.all([countUpToCap(db, matching(db, actor, m)), ranked(db, actor, m, { limit })]);
    return { ...count, items };
  };
  const [tasks, cases, documents, contacts] = await Promise.all([group("tasks"), group("cases"), group("documents"), group("contacts")]);
  return { q, tasks, cases, documents, contacts } as SearchResults;
}
