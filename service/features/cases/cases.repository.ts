import { sql, type ExpressionBuilder, type Insertable, type SelectQueryBuilder, type Updateable } from "kysely";
import type { Database, Executor } from "../../db/database.ts";
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

export async function insertCase(db: Executor, row: Insertable<CaseTable>): Promise<void> {
  await db.insertInto("cases").values(row).execute();
  await indexTitle(db, row.id, row.title);
}

export async function indexTitle(db: Executor, caseId: string, title: string): Promise<void> {
  await db.deleteFrom("case_words").where("case_id", "=", caseId).execute();
  const words = titleWords(title);
  if (words.length)
    await db
      .insertInto("case_words")
      .values(words.map((word) => ({ word, case_id: caseId })))
      .execute();
}

/** Changes the case if it is still at `revision`, moving the revision on in the same statement; false if it was not. */
export async function updateCaseAt(db: Executor, id: string, revision: number, changes: Updateable<CaseTable>): Promise<boolean> {
  const result = await db
    .updateTable("cases")
    .set({ ...changes, revision: revision + 1 })
    .where("id", "=", id)
    .where("revision", "=", revision)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  if (typeof changes.title === "string") await indexTitle(db, id, changes.title);
  return true;
}

export function findCase(db: Executor, id: string): Promise<CaseRow | undefined> {
  return db.selectFrom("cases").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The case with this number, if any (visibility is the caller's to check, so a refusal can be audited). */
export async function caseIdByNumber(db: Executor, number: string): Promise<string | undefined> {
  return (await db.selectFrom("cases").select("id").where("number", "=", number).executeTakeFirst())?.id;
}

export async function touchRecent(db: Executor, userId: string, caseId: string): Promise<void> {
  const used_at = new Date().toISOString();
  await db
    .insertInto("recent_cases")
    .values({ user_id: userId, case_id: caseId, used_at })
    .onConflict((oc) => oc.columns(["user_id", "case_id"]).doUpdateSet({ used_at }))
    .execute();
}

/** Above this many cases for one title word, walking the cases newest first finds ten matches sooner. */
const DENSE_WORD = 2000;

/**
 * Narrows a case query to cases whose title has a word starting with each of `words`. The rarest-looking
 * word decides the plan: few matches → start from its index range and sort them; many → walk the cases in
 * number order and check each word per case, which stops after the first page.
 */
async function titleMatch(db: Executor, words: string[]) {
  const [first, ...others] = [...words].sort((a, b) => b.length - a.length);
  const range = (w: string) => (eb: ExpressionBuilder<Database, "case_words">) =>
    eb.and([eb("case_words.word", ">=", w), eb("case_words.word", "<", `${w}\uffff`)]);
  const has = (w: string) => (eb: ExpressionBuilder<Database, "cases">) =>
    eb.exists(
      eb
        .selectFrom("case_words")
        .select(sql`1`.as("one"))
        .whereRef("case_words.case_id", "=", "cases.id")
        .where(range(w)),
    );
  const alsoHas = (w: string) => (eb: ExpressionBuilder<Database, "case_words">) =>
    eb.exists(
      eb
        .selectFrom("case_words as other")
        .select(sql`1`.as("one"))
        .whereRef("other.case_id", "=", "case_words.case_id")
        .where("other.word", ">=", w)
        .where("other.word", "<", `${w}\uffff`),
    );
  // How many cases have every word, counted only up to the threshold.
  const { n } = await db
    .selectFrom((eb) => {
      let m = eb.selectFrom("case_words").select("case_words.case_id").where(range(first));
      for (const w of others) m = m.where(alsoHas(w));
      return m.limit(DENSE_WORD).as("m");
    })
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  const sparse = Number(n) < DENSE_WORD;
  // Whatever the query selects so far, the filter only adds a WHERE.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return <Q extends SelectQueryBuilder<Database, "cases", any>>(qb: Q): Q => {
    let out = (
      sparse ? qb.where("cases.id", "in", (eb) => eb.selectFrom("case_words").select("case_words.case_id").where(range(first))) : qb.where(has(first))
    ) as Q;
    for (const w of others) out = out.where(has(w)) as Q;
    return out;
  };
}

/**
 * Cases for the save flow's case picker: a case number prefix, or every title word as a prefix (digits
 * may be either: "2019" finds case numbers from 2019 and "Bestyrelsesmøder 2019"); the user's recent
 * cases first, then the newest. Fast on 100,000 cases (see test/bench).
 */
export async function suggestCases(db: Executor, actor: Actor, query: string, limit: number): Promise<CaseRow[]> {
  const q = query.trim();
  const words = titleWords(q);
  const digits = q.replace(/\s/g, "");
  const byNumber = /^\d{1,8}(-\d{0,7})?$/.test(digits);
  if (!byNumber && words.length === 0) return [];
  const base = () => scopedCases(db, actor, { checkPerRow: true }).selectAll("cases");
  type Base = ReturnType<typeof base>;
  const numberMatch = (qb: Base) => qb.where("cases.number", ">=", digits).where("cases.number", "<", `${digits}\uffff`);
  const found: CaseRow[] = [];
  for (const matching of byNumber ? [numberMatch, ...(/^\d+$/.test(digits) ? [await titleMatch(db, words)] : [])] : [await titleMatch(db, words)]) {
    const page = await pickFrom(matching, base, actor, limit - found.length, new Set(found.map((c) => c.id)));
    found.push(...page);
    if (found.length >= limit) break;
  }
  return found;
}

/** Up to `limit` matching cases not in `seen`: the user's recent ones first, then by case number, newest first. */
async function pickFrom<B extends SelectQueryBuilder<Database, "cases", CaseRow>>(
  matching: (qb: B) => B,
  base: () => B,
  actor: Actor,
  limit: number,
  seen: Set<string>,
): Promise<CaseRow[]> {
  const recent = (
    await matching(base())
      .innerJoin("recent_cases", (j) => j.onRef("recent_cases.case_id", "=", "cases.id").on("recent_cases.user_id", "=", actor.userId))
      .orderBy("recent_cases.used_at", "desc")
      .limit(limit + seen.size)
      .execute()
  )
    .filter((c) => !seen.has(c.id))
    .slice(0, limit) as CaseRow[];
  if (recent.length >= limit) return recent;
  for (const c of recent) seen.add(c.id);
  const rest = await matching(base())
    .orderBy("cases.number", "desc")
    .limit(limit + seen.size)
    .execute();
  return [...recent, ...rest.filter((c) => !seen.has(c.id))].slice(0, limit);
}
