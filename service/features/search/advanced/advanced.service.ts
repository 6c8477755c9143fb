import type { z } from "zod";
import type { AdvancedSearchQuery } from "../../../../shared/api/schemas/advanced-search.ts";
import type { AdvancedSearchResults, AdvancedSearchRow } from "../../../../shared/api/types.ts";
import type { Db } from "../../../db/database.ts";
import { decodeCursor, encodeCursor } from "../../../http/pagination.ts";
import { badRequest } from "../../../http/problem.ts";
import type { Actor } from "../../access/actor.ts";
import { catchUpIndex } from "../search.service.ts";
import { countRows, pageOrder, readRows, rowsWithIds, type After, type PageOrder, type RawRow } from "./advanced.repository.ts";
import { Names, rowsOf } from "./cells.ts";
import { planSearch, searchOfQuery, type SearchPlan } from "./search-plan.ts";

// The advanced search: a page of one target's rows as JSON, or every row of it for an export, in the
// search's order. Pages follow one another by keyset on (sort value, id); by relevance, on (rank, id) with the
// moment the first page was ranked at carried in the cursor, so every page ranks alike.

export type AdvancedSearchRequest = z.output<typeof AdvancedSearchQuery>;

/** Rows an export reads at a time. */
const EXPORT_PAGE = 1000;

const orderTag = (order: PageOrder) => (order.by === "relevance" ? "relevance" : `${order.field.id}:${order.dir}`);

/** The cursor after a page's last row: the order it was made in, then where to go on from. */
function cursorAfter(order: PageOrder, row: RawRow): string {
  if (order.by === "relevance") return encodeCursor(["relevance", order.now, Number(row.sort_value), row.id]);
  return encodeCursor([orderTag(order), row.sort_value === null ? 1 : 0, row.sort_value ?? "", row.id]);
}

function afterRow(order: PageOrder, row: RawRow): After {
  if (order.by === "relevance") return { rank: Number(row.sort_value), id: row.id };
  return { missing: row.sort_value === null, value: row.sort_value ?? "", id: row.id };
}

const notOurs = () => badRequest("invalid_cursor", "The cursor is not one this service handed out; start again without it.");

/** Where a cursor goes on from, in the order it was made in: which must be the search's. */
function readCursor(cursor: string | undefined, plan: SearchPlan): { order: PageOrder; after: After } | undefined {
  const key = decodeCursor(cursor, 4);
  if (!key) return undefined;
  const [tag, a, b, id] = key;
  const expected = pageOrder(plan, typeof a === "string" ? a : "");
  if (tag !== orderTag(expected)) {
    throw badRequest(
      "cursor_sort_mismatch",
      `The cursor belongs to results sorted by ${String(tag)}, not by ${orderTag(expected)}; start again without it (or keep the sort it was made with).`,
      { cursorSort: tag, sort: orderTag(expected) },
    );
  }
  if (typeof id !== "string") throw notOurs();
  if (expected.by === "relevance") {
    if (typeof a !== "string" || Number.isNaN(Date.parse(a)) || typeof b !== "number") throw notOurs();
    return { order: expected, after: { rank: b, id } };
  }
  if (a !== 0 && a !== 1) throw notOurs();
  return { order: expected, after: { missing: a === 1, value: b, id } };
}

const columnsOf = (plan: SearchPlan) => plan.columns.map((f) => ({ id: f.id, type: f.type }));

/** Brings the full-text index up to date first when the search has free text. */
async function readyIndex(db: Db, plan: SearchPlan): Promise<void> {
  if (plan.texts.length) await catchUpIndex(db);
}

/** GET /api/search/advanced: one page of what the search finds among what the actor may see, and how many there are. */
export async function advancedSearch(db: Db, actor: Actor, query: AdvancedSearchRequest): Promise<AdvancedSearchResults> {
  const plan = await planSearch(db, searchOfQuery(query), "query");
  const cursor = readCursor(query.cursor, plan);
  await readyIndex(db, plan);
  const order = cursor?.order ?? pageOrder(plan, new Date().toISOString());
  const [total, rows] = await Promise.all([countRows(db, actor, plan), readRows(db, actor, plan, order, cursor?.after, query.limit)]);
  const more = rows.length > query.limit;
  const page = more ? rows.slice(0, query.limit) : rows;
  return {
    target: plan.target,
    columns: columnsOf(plan),
    total,
    items: await rowsOf(plan, page, new Names(db)),
    nextCursor: more ? cursorAfter(order, page[page.length - 1]) : null,
  };
}

/** Every row the search finds among what the actor may see, a page at a time: for an export, which holds no more than a page. */
export async function* everyRow(db: Db, actor: Actor, plan: SearchPlan, pageSize = EXPORT_PAGE): AsyncGenerator<AdvancedSearchRow> {
  await readyIndex(db, plan);
  const order = pageOrder(plan, new Date().toISOString());
  const names = new Names(db);
  let after: After | undefined;
  for (;;) {
    const rows = await readRows(db, actor, plan, order, after, pageSize);
    const page = rows.slice(0, pageSize);
    yield* await rowsOf(plan, page, names);
    if (rows.length <= pageSize) return;
    after = afterRow(order, page[page.length - 1]);
  }
}

/** The rows with these ids that the search finds and the actor may see, in the order of the ids (the free-text export's ranking). */
export async function rowsInOrder(db: Db, actor: Actor, plan: SearchPlan, ids: readonly string[], names: Names): Promise<AdvancedSearchRow[]> {
  const found = new Map((await rowsWithIds(db, actor, plan, ids)).map((r) => [r.id, r]));
  return rowsOf(
    plan,
    ids.flatMap((id) => found.get(id) ?? []),
    names,
  );
}
