import { sql, type RawBuilder, type SqlBool } from "kysely";
import type { SearchTarget } from "../../../../shared/api/schemas/advanced-search.ts";
import type { Executor } from "../../../db/database.ts";
import { engineOf, likeAnyCase, type Engine } from "../../../db/dialect.ts";
import { wordHits, type Hits } from "../../../db/full-text.ts";
import { matchQuery, parseQuery } from "../search-text.ts";
import { likeLiteral } from "./conditions.ts";

// A search's free text (its text conditions, all of which must hold), matched per target. Cases and documents
// go through their full-text tables with the free-text search's reading of a query (search-text.ts: stemmed
// words, "phrases", prefix*), so no text can be an FTS5 error, and are ranked by bm25. Contacts and tasks match
// every word in their names, titles and descriptions until they have full-text tables of their own.

/** Matched through a full-text table (rows `rowid`, `rank`: lower is better), or by a condition (not ranked). */
export type TextMatch = { hits: Hits } | { where: RawBuilder<SqlBool> };

/** The free-text search's hits and rank (search.service.ts). */
function fullText(db: Executor, table: "fts_cases" | "fts_documents", texts: readonly string[]): TextMatch | null {
  const match = matchQuery(texts.flatMap((t) => parseQuery(t)));
  return match && { hits: wordHits(db, table, match) };
}

/**
 * Each word of the texts (up to 16) occurs in one of the columns, as a part of a word. LIKE ignores case only
 * for A–Z, so a word is also looked for capitalised ("ærø" finds "Ærøskøbing").
 */
function everyWordIn(engine: Engine, columns: RawBuilder<unknown>[], texts: readonly string[]): TextMatch | null {
  const found = texts.flatMap((t) => [...t.slice(0, 1000).matchAll(/[\p{L}\p{N}]+/gu)].map((m) => m[0].toLocaleLowerCase("da")));
  const words = [...new Set(found)].slice(0, 16);
  if (!words.length) return null;
  const forms = (w: string) => [...new Set([w, w.charAt(0).toLocaleUpperCase("da") + w.slice(1)])];
  const anyColumn = (w: string) =>
    sql<SqlBool>`(${sql.join(
      columns.flatMap((c) => forms(w).map((form) => likeAnyCase(engine, c, `%${likeLiteral(form)}%`))),
      sql` OR `,
    )})`;
  return { where: sql<SqlBool>`(${sql.join(words.map(anyColumn), sql` AND `)})` };
}

/** Whether a target's free text is matched through its full-text table, and so ranked. */
export const isRanked = (target: SearchTarget, texts: readonly string[]) =>
  (target === "cases" || target === "documents") && matchQuery(texts.flatMap((t) => parseQuery(t))) !== null;

/** How a target's free text is matched; null when the texts hold nothing to search for. The one place to move a target onto its full-text table. */
export function textMatch(db: Executor, target: SearchTarget, texts: readonly string[]): TextMatch | null {
  switch (target) {
    case "cases":
      return fullText(db, "fts_cases", texts);
    case "documents":
      return fullText(db, "fts_documents", texts);
    case "contacts":
      return everyWordIn(engineOf(db), [sql.ref("contacts.name_key")], texts);
    case "tasks":
      return everyWordIn(engineOf(db), [sql.ref("tasks.title"), sql.ref("tasks.description")], texts);
  }
}
