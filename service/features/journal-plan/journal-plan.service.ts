import type { JournalPlanEntry } from "../../../shared/api/types.ts";
import type { Executor } from "../../db/database.ts";
import { unprocessable } from "../../http/problem.ts";

export type { JournalPlanEntry };

export async function listJournalPlan(db: Executor, includeRetired: boolean): Promise<JournalPlanEntry[]> {
  let q = db.selectFrom("journal_plan").selectAll().orderBy("code");
  if (!includeRetired) q = q.where("retired_on", "is", null);
  const rows = await q.execute();
  return rows.map((r) => ({ code: r.code, title: r.title, parentCode: r.parent_code, createdOn: r.created_on, retiredOn: r.retired_on }));
}

/** A code new cases may be filed under: it exists and is not retired. */
export async function requireUsableJournalCode(db: Executor, code: string, today: string): Promise<void> {
  const row = await db.selectFrom("journal_plan").selectAll().where("code", "=", code).executeTakeFirst();
  if (!row) throw unprocessable("unknown_journal_code", `The journal plan has no code "${code}".`);
  if (row.retired_on && row.retired_on <= today) {
    throw unprocessable(
      "retired_journal_code",
      `The journal plan code ${code} (${row.title}) was retired on ${row.retired_on} and cannot be used for new cases.`,
    );
  }
}

/** The parent of a KLE-style code: 00.01.00 → 00.01 group → 00 main group, by the codes that exist. */
export function parentOf(code: string, existing: Set<string>): string | null {
  const parts = code.split(".");
  for (let n = parts.length - 1; n > 0; n--) {
    const zeroed = [...parts.slice(0, n), ...parts.slice(n).map((p) => "0".repeat(p.length))].join(".");
    if (zeroed !== code && existing.has(zeroed)) return zeroed;
    const prefix = parts.slice(0, n).join(".");
    if (existing.has(prefix)) return prefix;
  }
  return null;
}
