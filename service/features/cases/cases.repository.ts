import { sql, type ExpressionBuilder, type Insertable, type SelectQueryBuilder, type Updateable } from "kysely";
import type { Database, Executor } from "../../db/database.ts";
import { commaJoined, inValues } from "../../db/dialect.ts";
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
 * Of several words, those with at most this many cases are read as lists of case ids and intersected here:
 * two range scans cost less than looking up each candidate of one word in the index of the other (a word of
 * 9,000 cases and another of 10,000 took 17 ms to intersect per candidate, 3 ms as lists). A word with more
 * cases is checked case by case among what the others leave.
 */
const LISTED_WORD = 20_000;

const wordRange = (w: string) => (eb: ExpressionBuilder<Database, "case_words">) =>
  eb.and([eb("case_words.word", ">=", w), eb("case_words.word", "<", `${w}\uffff`)]);
/** Cases whose title has a word starting with `w`. */
const hasWord = (w: string) => (eb: ExpressionBuilder<Database, "cases">) =>
  eb.exists(
    eb
      .selectFrom("case_words")
      .select(sql`1`.as("one"))
      .whereRef("case_words.case_id", "=", "cases.id")
      .where(wordRange(w)),
  );

// Whatever the query selects so far, the filter only adds a WHERE.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type CaseFilter = <Q extends SelectQueryBuilder<Database, "cases", any>>(qb: Q) => Q;

/**
 * Narrows a case query to cases whose title has a word starting with each of `words`. One word: few matches
 * → start from its index range and sort them; many → walk the cases in number order and check the word per
 * case, which stops after the first page. Several words: the cases of the rarer ones are intersected as
 * lists, and the commonest (if any has more than LISTED_WORD) checked per case.
 */
async function titleMatch(db: Executor, words: string[]): Promise<CaseFilter> {
  if (words.length === 1) {
    const [word] = words;
    const { n } = await db
      .selectFrom((eb) => eb.selectFrom("case_words").select("case_words.case_id").where(wordRange(word)).limit(DENSE_WORD).as("m"))
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return (qb) =>
      (Number(n) < DENSE_WORD
        ? qb.where("cases.id", "in", (eb) => eb.selectFrom("case_words").select("case_words.case_id").where(wordRange(word)))
        : qb.where(hasWord(word))) as typeof qb;
  }
  const lists = await Promise.all(
    words.map(async (word) => {
      const { ids } = await db
        .selectFrom((eb) =>
          eb
            .selectFrom("case_words")
            .select("case_words.case_id")
            .where(wordRange(word))
            .limit(LISTED_WORD + 1)
            .as("m"),
        )
        .select(commaJoined("m.case_id").as("ids"))
        .executeTakeFirstOrThrow();
      return { word, ids: ids ? ids.split(",") : [] };
    }),
  );
  const listed = lists.filter((l) => l.ids.length <= LISTED_WORD).sort((a, b) => a.ids.length - b.ids.length);
  const checked = lists.filter((l) => l.ids.length > LISTED_WORD).map((l) => l.word);
  const both = listed.length
    ? listed.slice(1).reduce(
        (ids, l) => {
          const has = new Set(l.ids);
          return ids.filter((id) => has.has(id));
        },
        [...new Set(listed[0].ids)],
      )
    : null;
  return (qb) => {
    let out = both ? qb.where(inValues(db, "cases.id", both)) : qb;
    for (const w of checked) out = out.where(hasWord(w));
    return out as typeof qb;
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
