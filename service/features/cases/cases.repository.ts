import { sql } from "kysely";
import type { Executor } from "../../db/database.ts";
import { scopedCases } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import type { CaseRow, CaseTable } from "./cases.table.ts";
import { titleWords } from "./case-words.ts";

const CASE_NUMBER_START = 1_400_000;

/** The next case number in the product's form YYYYMMDD-NNNNNNN: the date, then a running serial. */
export async function nextCaseNumber(db: Executor, today: Date): Promise<string> {
  await db
    .insertInto("counters")
    .values({ name: "case_number", value: CASE_NUMBER_START })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const { value } = await db
    .updateTable("counters")
    .set({ value: sql`value + 1` })
    .where("name", "=", "case_number")
    .returning("value")
    .executeTakeFirstOrThrow();
  const ymd = today.toISOString().slice(0, 10).replaceAll("-", "");
  return `${ymd}-${String(value).padStart(7, "0")}`;
}

export async function insertCase(db: Executor, row: CaseTable): Promise<void> {
  await db.insertInto("cases").values(row).execute();
  await indexTitle(db, row.id, row.title);
}

export async function indexTitle(db: Executor, caseId: string, title: string): Promise<void> {
  await db.deleteFrom("case_words").where("case_id", "=", caseId).execute();
  const words = titleWords(title);
  if (words.length) await db.insertInto("case_words").values(words.map((word) => ({ word, case_id: caseId }))).execute();
}

export async function updateCase(db: Executor, id: string, changes: Partial<CaseTable>): Promise<void> {
  await db.updateTable("cases").set(changes).where("id", "=", id).execute();
  if (changes.title !== undefined) await indexTitle(db, id, changes.title);
}

export async function touchRecent(db: Executor, userId: string, caseId: string): Promise<void> {
  const used_at = new Date().toISOString();
  await db
    .insertInto("recent_cases")
    .values({ user_id: userId, case_id: caseId, used_at })
    .onConflict((oc) => oc.columns(["user_id", "case_id"]).doUpdateSet({ used_at }))
    .execute();
}

export interface CaseListFilter {
  mine?: boolean;
  status?: "active" | "closed";
  critical?: boolean;
  after?: [string, string];
  limit: number;
}

/** Visible cases, most recently changed first, by keyset on (changed_at, id). */
export async function listCases(db: Executor, actor: Actor, f: CaseListFilter): Promise<CaseRow[]> {
  let q = scopedCases(db, actor).selectAll("cases");
  if (f.mine) q = q.where((eb) => eb.or([eb("cases.owner_id", "=", actor.userId), eb("cases.responsible_id", "=", actor.userId)]));
  if (f.status) q = q.where("cases.status", "=", f.status);
  if (f.critical !== undefined) q = q.where("cases.critical", "=", f.critical ? 1 : 0);
  if (f.after) {
    const [at, id] = f.after;
    q = q.where((eb) => eb.or([eb("cases.changed_at", "<", at), eb.and([eb("cases.changed_at", "=", at), eb("cases.id", "<", id)])]));
  }
  return q.orderBy("cases.changed_at", "desc").orderBy("cases.id", "desc").limit(f.limit + 1).execute();
}

/** Visible cases the user used lately, most recent first, by keyset on (used_at, case id). */
export async function listRecentCases(db: Executor, actor: Actor, after: [string, string] | undefined, limit: number) {
  let q = scopedCases(db, actor)
    .innerJoin("recent_cases", (j) => j.onRef("recent_cases.case_id", "=", "cases.id").on("recent_cases.user_id", "=", actor.userId))
    .selectAll("cases")
    .select("recent_cases.used_at");
  if (after) {
    const [at, id] = after;
    q = q.where((eb) => eb.or([eb("recent_cases.used_at", "<", at), eb.and([eb("recent_cases.used_at", "=", at), eb("cases.id", "<", id)])]));
  }
  return q.orderBy("recent_cases.used_at", "desc").orderBy("cases.id", "desc").limit(limit + 1).execute();
}

/**
 * Cases for the save flow's case picker: number prefix or every title word as a prefix; the user's
 * recent cases first, then the newest. Each step is an index range scan, so it stays fast on 100,000 cases.
 */
export async function suggestCases(db: Executor, actor: Actor, query: string, limit: number): Promise<CaseRow[]> {
  const q = query.trim();
  const base = () => scopedCases(db, actor).selectAll("cases");
  const digits = q.replace(/\s/g, "");
  let matching;
  if (/^\d{1,8}(-\d{0,7})?$/.test(digits)) {
    matching = (qb: ReturnType<typeof base>) => qb.where("cases.number", ">=", digits).where("cases.number", "<", `${digits}\uffff`);
  } else {
    const words = titleWords(q);
    if (words.length === 0) return [];
    matching = (qb: ReturnType<typeof base>) => {
      for (const w of words) {
        qb = qb.where("cases.id", "in", (eb) =>
          eb.selectFrom("case_words").select("case_words.case_id").where("case_words.word", ">=", w).where("case_words.word", "<", `${w}\uffff`),
        );
      }
      return qb;
    };
  }
  const recent = await matching(base())
    .innerJoin("recent_cases", (j) => j.onRef("recent_cases.case_id", "=", "cases.id").on("recent_cases.user_id", "=", actor.userId))
    .orderBy("recent_cases.used_at", "desc")
    .limit(limit)
    .execute();
  if (recent.length >= limit) return recent;
  const seen = new Set(recent.map((c) => c.id));
  const rest = await matching(base())
    .orderBy("cases.number", "desc")
    .limit(limit + recent.length)
    .execute();
  return [...recent, ...rest.filter((c) => !seen.has(c.id))].slice(0, limit);
}
