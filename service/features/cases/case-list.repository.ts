import { sql, type ExpressionBuilder, type Expression, type SqlBool } from "kysely";
import type { Database, Executor } from "../../db/database.ts";
import { withoutIndex } from "../../db/dialect.ts";
import { scopedCases } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import type { CaseRow } from "./cases.table.ts";

// The case list: visible cases, filtered, in one of four orders, a page at a time by keyset. Every order has
// an index that gives it (migrations 001 and 070). Left to itself, SQLite answers "visible to me" (an OR of
// access group, owner, responsible) by collecting every visible case through three indexes and sorting them
// all, which on 100,000 cases takes a tenth of a second; so the list first counts matches, up to a thousand,
// through the filters' and access indexes. Fewer than that: they are collected and sorted (a few hundred
// rows). More: the filters are checked row by row while the order's index is walked from the cursor on,
// which finds a page within a few thousand rows. test/service/case-lists.test.ts checks the plans.

/** The order of a listing; `recent` is the order of the user's own recent cases. */
export type CaseOrder = "changed" | "number" | "title" | "recent";

export interface CaseListFilter {
  /** Owner or responsible is the actor. */
  mine?: boolean;
  status?: "active" | "closed";
  critical?: boolean;
  /** Filed under one of these journal plan codes (a code and every code below it). */
  journalCodes?: string[];
  templateId?: string;
}

/** Where the previous page ended: its last row's sort key and id. */
export type CaseListAfter = [key: string, id: string];

/** A listed case with the value it is sorted by, for the next page's cursor. */
export type ListedCase = CaseRow & { sort_key: string };

type Where = (eb: ExpressionBuilder<Database, "cases">) => Expression<SqlBool>;

/**
 * The filters as conditions. `perRow`: checked row by row, with no index of their own (unary +), so the
 * planner walks the order's index instead; right when enough cases match that a page comes soon.
 */
function filters(actor: Actor, f: CaseListFilter, perRow: boolean): Where[] {
  const col = (c: "owner_id" | "responsible_id" | "status" | "critical" | "template_id" | "journal_code") =>
    perRow ? withoutIndex(`cases.${c}`) : sql.ref(`cases.${c}`);
  const where: Where[] = [];
  if (f.mine) where.push((eb) => eb.or([eb(col("owner_id"), "=", actor.userId), eb(col("responsible_id"), "=", actor.userId)]));
  if (f.status) where.push((eb) => eb(col("status"), "=", f.status!));
  if (f.critical !== undefined) where.push((eb) => eb(col("critical"), "=", f.critical ? 1 : 0));
  if (f.templateId) where.push((eb) => eb(col("template_id"), "=", f.templateId!));
  if (f.journalCodes) where.push((eb) => (f.journalCodes!.length ? eb(col("journal_code"), "in", f.journalCodes!) : sql<SqlBool>`1 = 0`));
  return where;
}

const title = sql<string>`lower(${sql.ref("cases.title")})`;

/** Where the walk starts again after the previous page, in each order. */
function resumeAfter(order: Exclude<CaseOrder, "recent">, after: CaseListAfter): Where {
  const [key, id] = after;
  // Row values ((a, b) < (x, y)) let the planner start the index walk right after the last row; the title's
  // own >= gives it the start where the row value is over an expression.
  if (order === "changed") return () => sql<SqlBool>`(${sql.ref("cases.changed_at")}, ${sql.ref("cases.id")}) < (${key}, ${id})`;
  if (order === "number") return (eb) => eb("cases.number", "<", key);
  return () => sql<SqlBool>`${title} >= ${key} and (${title}, ${sql.ref("cases.id")}) > (${key}, ${id})`;
}

/**
 * Below this many matching cases, collecting them through the filters' and access indexes and sorting them
 * is quickest; from it on, walking the order's index finds a page within a few thousand rows.
 */
const FEW_MATCHES = 1000;

/** Visible cases matching `f` in `order`, after `after`: limit + 1 rows, so the caller knows whether a next page exists. */
export async function listCases(
  db: Executor,
  actor: Actor,
  f: CaseListFilter,
  order: Exclude<CaseOrder, "recent">,
  after: CaseListAfter | undefined,
  limit: number,
): Promise<ListedCase[]> {
  const matching = (perRow: boolean) => {
    let q = scopedCases(db, actor, { checkPerRow: perRow });
    for (const w of filters(actor, f, perRow)) q = q.where(w);
    return after ? q.where(resumeAfter(order, after)) : q;
  };
  const { n } = await db
    .selectFrom(
      matching(false)
        .select(sql`1`.as("one"))
        .limit(FEW_MATCHES)
        .as("m"),
    )
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  const q = matching(Number(n) >= FEW_MATCHES).selectAll("cases");
  if (order === "changed") {
    return q
      .select(sql<string>`${sql.ref("cases.changed_at")}`.as("sort_key"))
      .orderBy("cases.changed_at", "desc")
      .orderBy("cases.id", "desc")
      .limit(limit + 1)
      .execute();
  }
  if (order === "number") {
    // Case numbers are unique and begin with the date: newest first.
    return q
      .select(sql<string>`${sql.ref("cases.number")}`.as("sort_key"))
      .orderBy("cases.number", "desc")
      .limit(limit + 1)
      .execute();
  }
  return q
    .select(title.as("sort_key"))
    .orderBy(title)
    .orderBy("cases.id")
    .limit(limit + 1)
    .execute();
}

/** Visible cases the user used lately matching `f`, most recent first, by keyset on (used_at, case id). */
export async function listRecentCases(db: Executor, actor: Actor, f: CaseListFilter, after: CaseListAfter | undefined, limit: number): Promise<ListedCase[]> {
  let q = scopedCases(db, actor)
    .innerJoin("recent_cases", (j) => j.onRef("recent_cases.case_id", "=", "cases.id").on("recent_cases.user_id", "=", actor.userId))
    .selectAll("cases")
    .select("recent_cases.used_at as sort_key");
  for (const w of filters(actor, f, false)) q = q.where(w);
  if (after) q = q.where(sql<SqlBool>`(${sql.ref("recent_cases.used_at")}, ${sql.ref("cases.id")}) < (${after[0]}, ${after[1]})`);
  return q
    .orderBy("recent_cases.used_at", "desc")
    .orderBy("cases.id", "desc")
    .limit(limit + 1)
    .execute();
}
