import { sql, type RawBuilder, type SqlBool } from "kysely";
import { SEARCH_COUNT_CAP } from "../../../../shared/api/schemas/search.ts";
import type { Executor } from "../../../db/database.ts";
import type { Actor } from "../../access/actor.ts";
import { conditionSql } from "./conditions.ts";
import type { SearchField } from "./catalog.ts";
import type { SearchPlan } from "./search-plan.ts";
import { fieldSql, TARGETS, type AnyQuery } from "./target-sql.ts";
import { engineOf } from "../../../db/dialect.ts";
import { daysBetween } from "../../../db/full-text.ts";
import { isRanked, textMatch } from "./text-match.ts";

// One query per search: the target's rows (or its full-text hits joined to them) with the access filter, every
// condition, and the order, read a page at a time by keyset from where the last page ended. The count runs
// the same query without the order, stopping at the cap.

/** The order a page was read in: a field (missing values last), or relevance (best first) pinned to a moment. */
export type PageOrder = { by: "field"; field: SearchField; dir: "asc" | "desc" } | { by: "relevance"; now: string };

/** Where the previous page ended: its last row's sort value (or rank) and id. */
export type After = { missing: boolean; value: string | number; id: string } | { rank: number; id: string };

/** A row as read: its id, its case, its sort value (for the cursor) and one raw value per column (c0, c1, …). */
export type RawRow = { id: string; case_id: string | null; sort_value: string | number | null } & Record<string, unknown>;

const CHANGED_AT: SearchField = { id: "changedAt", type: "date" };

/** The matching rows, unordered; `ids` narrows them further (the free-text export names its ranked rows). */
function matching(db: Executor, actor: Actor, plan: SearchPlan, ids?: readonly string[]) {
  const t = TARGETS[plan.target];
  const text = plan.texts.length ? textMatch(db, plan.target, plan.texts) : undefined;
  const from =
    text && "hits" in text
      ? db
          .selectFrom(text.hits.as("hits"))
          .innerJoin("search_rows", "search_rows.rowid", "hits.rowid")
          .innerJoin(t.table, `${t.table}.id`, "search_rows.object_id")
      : db.selectFrom(t.table);
  let q = t.joins(from as unknown as AnyQuery).where(t.visibleTo(actor));
  if (text === null) q = q.where(sql<SqlBool>`1 = 0`);
  else if (text && "where" in text) q = q.where(text.where);
  for (const c of plan.conditions) q = q.where(conditionSql(engineOf(db), c, fieldSql(engineOf(db), plan.target, c.field)));
  if (ids) q = q.where(sql.ref(`${t.table}.id`), "in", ids.length ? ids : [""]);
  return q;
}

/** The order a plan's pages are read in: relevance only where the text was ranked (full-text hits). */
export function pageOrder(plan: SearchPlan, now: string): PageOrder {
  if (plan.order.by !== "relevance") return { by: "field", field: plan.order.by, dir: plan.order.dir };
  return isRanked(plan.target, plan.texts) ? { by: "relevance", now } : { by: "field", field: CHANGED_AT, dir: "desc" };
}

/** The free-text search's rank (lower is better) tempered by age, with "now" pinned so pages agree on it. */
const relevance = (db: Executor, table: string, now: string) =>
  sql<number>`hits.rank * (1.0 / (1.0 + ${daysBetween(db, now, `${table}.changed_at`)} / 3650.0))`;

interface SortKey {
  value: RawBuilder<unknown>;
  nullable: boolean;
  dir: "asc" | "desc";
}

function sortKeyOf(db: Executor, plan: SearchPlan, order: PageOrder): SortKey {
  const table = TARGETS[plan.target].table;
  if (order.by === "relevance") return { value: relevance(db, table, order.now), nullable: false, dir: "asc" };
  const f = fieldSql(engineOf(db), plan.target, order.field);
  return { value: f.sortBy ?? f.cell ?? f.value, nullable: Boolean(f.nullable), dir: order.dir };
}

/** Rows after the previous page's last, in the order: (value, id) past it, missing values after every present one. */
function resumeAfter(key: SortKey, id: RawBuilder<unknown>, after: After): RawBuilder<SqlBool> {
  const past = key.dir === "asc" ? sql.raw(">") : sql.raw("<");
  if ("rank" in after) return sql<SqlBool>`(${key.value}, ${id}) > (${after.rank}, ${after.id})`;
  if (after.missing) return sql<SqlBool>`(${key.value} IS NULL AND ${id} ${past} ${after.id})`;
  const present = sql<SqlBool>`(${key.value}, ${id}) ${past} (${after.value}, ${after.id})`;
  return key.nullable ? sql<SqlBool>`(${key.value} IS NULL OR ${present})` : present;
}

/** One page of matching rows in the order, after `after`: `limit + 1` of them, so the caller sees whether more follow. */
export function readRows(db: Executor, actor: Actor, plan: SearchPlan, order: PageOrder, after: After | undefined, limit: number): Promise<RawRow[]> {
  const t = TARGETS[plan.target];
  const id = sql.ref(`${t.table}.id`);
  const key = sortKeyOf(db, plan, order);
  let q = selectColumns(db, matching(db, actor, plan), plan).select(key.value.as("sort_value"));
  if (after) q = q.where(resumeAfter(key, id, after));
  if (key.nullable) q = q.orderBy(sql`${key.value} IS NULL`);
  return q
    .orderBy(key.value, key.dir)
    .orderBy(id, key.dir)
    .limit(limit + 1)
    .execute() as Promise<RawRow[]>;
}

/** The rows with these ids that match (and the actor may see), in no particular order. */
export function rowsWithIds(db: Executor, actor: Actor, plan: SearchPlan, ids: readonly string[]): Promise<RawRow[]> {
  return selectColumns(db, matching(db, actor, plan, ids), plan)
    .select(sql`NULL`.as("sort_value"))
    .execute() as Promise<RawRow[]>;
}

function selectColumns(db: Executor, q: AnyQuery, plan: SearchPlan): AnyQuery {
  const t = TARGETS[plan.target];
  let out = q.select(sql.ref(`${t.table}.id`).as("id")).select((t.caseId ?? sql`NULL`).as("case_id"));
  plan.columns.forEach((column, i) => {
    const f = fieldSql(engineOf(db), plan.target, column);
    out = out.select((f.cell ?? f.value).as(`c${i}`));
  });
  return out;
}

/** How many rows match, counted up to the cap and no further. */
export async function countRows(db: Executor, actor: Actor, plan: SearchPlan): Promise<{ count: number; capped: boolean }> {
  const hits = matching(db, actor, plan)
    .select(sql`1`.as("one"))
    .limit(SEARCH_COUNT_CAP + 1);
  const { n } = (await db
    .selectFrom(hits.as("hits_counted"))
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow()) as { n: number };
  return { count: Math.min(Number(n), SEARCH_COUNT_CAP), capped: Number(n) > SEARCH_COUNT_CAP };
}
