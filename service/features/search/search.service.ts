import { sql, type ExpressionBuilder } from "kysely";
import { SEARCH_COUNT_CAP } from "../../../shared/api/schemas/search.ts";
import type { CaseHit, DocumentHit, SearchKind, SearchResults } from "../../../shared/api/types.ts";
import type { Database, Db } from "../../db/database.ts";
import { caseVisibleTo, documentVisibleTo } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import { indexStale } from "./indexer.ts";
import { matchExpression, parseQuery, termsOfParts } from "./search-text.ts";
import { hasHit, hitPattern, snippetOf } from "./snippet.ts";

// Free-text search over cases and documents. The access filter is part of the one query that matches,
// ranks and counts, so nothing the caller may not see is ranked, counted or snippeted. Ranking is FTS5's
// bm25 (a title hit weighs most, then details, then content), tempered by age: of two equal hits the
// newer comes first, and a document ten years old needs twice the relevance.

/** bm25 weights of the title, meta and body columns. */
const WEIGHTS = sql.raw("8.0, 3.0, 1.0");
const recency = (changedAt: string) => sql.raw(`(1.0 / (1.0 + (julianday('now') - julianday(${changedAt})) / 3650.0))`);
/** Index rows brought up to date before a search: enough for what people change between two searches. */
const CATCH_UP = 2000;

interface SearchOptions {
  q: string;
  kind?: SearchKind;
  limit: number;
}

export async function search(db: Db, actor: Actor, { q, kind, limit }: SearchOptions): Promise<SearchResults> {
  await indexStale(db, { max: CATCH_UP });
  const parts = parseQuery(q);
  const match = matchExpression(parts);
  const empty = { count: 0, capped: false, items: [] };
  if (!match) return { q, cases: empty, documents: empty };
  const pattern = hitPattern(termsOfParts(parts));
  const [cases, documents] = await Promise.all([
    kind && kind !== "cases" ? empty : searchCases(db, actor, match, limit, pattern),
    kind && kind !== "documents" ? empty : searchDocuments(db, actor, match, limit, pattern),
  ]);
  return { q, cases, documents };
}

function casesMatching(db: Db, actor: Actor, match: string) {
  return db
    .selectFrom("fts_cases")
    .innerJoin("search_rows", "search_rows.rowid", "fts_cases.rowid")
    .innerJoin("cases", "cases.id", "search_rows.object_id")
    .where(sql<boolean>`fts_cases MATCH ${match}`)
    .where((eb) => caseVisibleTo(actor)(eb as unknown as ExpressionBuilder<Database, "cases">));
}

function documentsMatching(db: Db, actor: Actor, match: string) {
  return db
    .selectFrom("fts_documents")
    .innerJoin("search_rows", "search_rows.rowid", "fts_documents.rowid")
    .innerJoin("documents", "documents.id", "search_rows.object_id")
    .where(sql<boolean>`fts_documents MATCH ${match}`)
    .where((eb) => documentVisibleTo(actor)(eb as unknown as ExpressionBuilder<Database, "documents">));
}

/** How many rows a query has, counted up to the cap and no further (a broad word costs no more than the cap). */
async function countUpToCap(db: Db, query: ReturnType<typeof casesMatching> | ReturnType<typeof documentsMatching>) {
  const hits = (query as ReturnType<typeof casesMatching>).select(sql<number>`1`.as("one")).limit(SEARCH_COUNT_CAP + 1);
  const { n } = await db
    .selectFrom(hits.as("hits"))
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return { count: Math.min(Number(n), SEARCH_COUNT_CAP), capped: Number(n) > SEARCH_COUNT_CAP };
}

async function searchCases(db: Db, actor: Actor, match: string, limit: number, pattern: RegExp | null) {
  const [count, rows] = await Promise.all([
    countUpToCap(db, casesMatching(db, actor, match)),
    casesMatching(db, actor, match)
      .select(["cases.id", "cases.number", "cases.title", "cases.status", "cases.changed_at", "cases.journal_code"])
      .select(sql<number>`bm25(fts_cases, ${WEIGHTS}) * ${recency("cases.changed_at")}`.as("score"))
      .orderBy("score")
      .orderBy("cases.id")
      .limit(limit)
      .execute(),
  ]);
  const items: CaseHit[] = rows.map((c) => {
    const title = snippetOf(`${c.number} ${c.title}`, pattern);
    return {
      case: { id: c.id, number: c.number, title: c.title },
      status: c.status,
      changedAt: c.changed_at,
      snippet: hasHit(title) ? title : snippetOf(c.journal_code, pattern),
    };
  });
  return { ...count, items };
}

async function searchDocuments(db: Db, actor: Actor, match: string, limit: number, pattern: RegExp | null) {
  const [count, rows] = await Promise.all([
    countUpToCap(db, documentsMatching(db, actor, match)),
    documentsMatching(db, actor, match)
      .leftJoin("cases as c", "c.id", "documents.case_id")
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
      .select(sql<string | null>`substr(mail_messages.body_text, 1, 100000)`.as("body"))
      .select(sql<number>`bm25(fts_documents, ${WEIGHTS}) * ${recency("documents.changed_at")}`.as("score"))
      .orderBy("score")
      .orderBy("documents.id")
      .limit(limit)
      .execute(),
  ]);
  const items: DocumentHit[] = rows.map((d) => {
    const title = snippetOf(d.title, pattern);
    return {
      document: { id: d.id, title: d.title },
      case: d.case_id ? { id: d.case_id, number: d.case_number ?? "", title: d.case_title ?? "" } : null,
      status: d.status,
      changedAt: d.changed_at,
      snippet: hasHit(title) || !d.body ? title : snippetOf(d.body, pattern),
    };
  });
  return { ...count, items };
}
