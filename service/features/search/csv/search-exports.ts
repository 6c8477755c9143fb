import type { SearchTarget } from "../../../../shared/api/schemas/advanced-search.ts";
import type { AdvancedSearchRow, SearchKind } from "../../../../shared/api/types.ts";
import type { Language } from "../../../../shared/i18n/index.ts";
import { fieldLabel, optionLabel } from "../../../../shared/i18n/search-fields.ts";
import type { Db } from "../../../db/database.ts";
import type { Actor } from "../../access/actor.ts";
import { recordAudit } from "../../audit/audit.service.ts";
import { everyRow, rowsInOrder } from "../advanced/advanced.service.ts";
import { Names } from "../advanced/cells.ts";
import { planSearch, type SearchPlan } from "../advanced/search-plan.ts";
import { catchUpIndex, matcherOf, rankedIds, type Matcher } from "../search.service.ts";
import type { CsvCell, CsvTable } from "./csv-response.ts";

// The two exports of what a search found, as tables for csv-response.ts: every row of an advanced search in its
// columns, and every hit of one group of the free-text search, best first, in that target's default columns.
// Each is recorded in the audit log as it starts: an export discloses in bulk what views disclose one by one.

const FILE_WORDS: Record<Language, Record<SearchTarget, string> & { search: string }> = {
  da: { cases: "sager", documents: "dokumenter", contacts: "kontakter", tasks: "opgaver", search: "soegning" },
  en: { cases: "cases", documents: "documents", contacts: "contacts", tasks: "tasks", search: "search" },
};
const YES_NO: Record<Language, [string, string]> = { da: ["Ja", "Nej"], en: ["Yes", "No"] };

const today = () => new Date().toISOString().slice(0, 10);

/** The cells of a row as the file shows them: yes and no in words, a fixed field's choice by its label. */
function csvRowOf(plan: SearchPlan, lang: Language) {
  return (row: AdvancedSearchRow): CsvCell[] =>
    row.cells.map((cell, i) => {
      const field = plan.columns[i];
      if (typeof cell === "boolean") return YES_NO[lang][cell ? 0 : 1];
      if (field.type === "choice" && !field.metaName && typeof cell === "string") return optionLabel(cell, lang);
      return cell;
    });
}

async function* mapRows<T, U>(rows: AsyncIterable<T>, map: (row: T) => U): AsyncGenerator<U> {
  for await (const row of rows) yield map(row);
}

function tableOf(plan: SearchPlan, lang: Language, filename: string, rows: AsyncIterable<AdvancedSearchRow>): CsvTable {
  return {
    filename,
    header: plan.columns.map((f) => fieldLabel(plan.target, f.id, lang, f.label)),
    rows: mapRows(rows, csvRowOf(plan, lang)),
  };
}

/** GET /api/search/advanced.csv: every row of the search, not one page. */
export async function advancedExport(db: Db, actor: Actor, plan: SearchPlan, lang: Language): Promise<CsvTable> {
  await recordAudit(db, { actor, action: "search.export", objectType: "search", objectId: null, details: { search: plan.search } });
  return tableOf(plan, lang, `${FILE_WORDS[lang][plan.target]}-${today()}.csv`, everyRow(db, actor, plan));
}

/** Hits a free-text export reads at a time. */
const HIT_PAGE = 1000;

async function* rankedRows(db: Db, actor: Actor, plan: SearchPlan, m: Matcher, kind: SearchKind): AsyncGenerator<AdvancedSearchRow> {
  const names = new Names(db);
  const now = new Date().toISOString();
  for (let offset = 0; ; offset += HIT_PAGE) {
    const ids = await rankedIds(db, actor, kind, m, { limit: HIT_PAGE, offset, now });
    yield* await rowsInOrder(db, actor, plan, ids, names);
    if (ids.length < HIT_PAGE) return;
  }
}

/** GET /api/search.csv: every hit of one group of the free-text search, best first. */
export async function freeTextExport(db: Db, actor: Actor, q: string, kind: SearchKind, lang: Language): Promise<CsvTable> {
  const plan = await planSearch(db, { target: kind, where: [], columns: [] }, "query");
  await recordAudit(db, { actor, action: "search.export", objectType: "search", objectId: null, details: { q, kind } });
  await catchUpIndex(db);
  const m = matcherOf(q);
  const rows = m ? rankedRows(db, actor, plan, m, kind) : (async function* (): AsyncGenerator<AdvancedSearchRow> {})();
  return tableOf(plan, lang, `${FILE_WORDS[lang].search}-${FILE_WORDS[lang][kind]}-${today()}.csv`, rows);
}
