import type { JournalPlanEntry } from "../../../shared/api/types.ts";
import type { Db, Executor } from "../../db/database.ts";
import { notFound, uniqueViolation, unprocessable } from "../../http/problem.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { diff } from "../audit/changes.ts";
import type { JournalPlanTable } from "./journal-plan.table.ts";

// The journal plan (arkivplan): entries are added, renamed, retired and un-retired, never deleted, since
// cases keep pointing at the codes they were filed under.

export type { JournalPlanEntry };

export async function listJournalPlan(db: Executor, includeRetired: boolean): Promise<JournalPlanEntry[]> {
  let q = db.selectFrom("journal_plan").selectAll().orderBy("code");
  if (!includeRetired) q = q.where("retired_on", "is", null);
  const rows = await q.execute();
  return rows.map(toJournalEntry);
}

export const toJournalEntry = (r: JournalPlanTable): JournalPlanEntry => ({
  code: r.code,
  title: r.title,
  parentCode: r.parent_code,
  createdOn: r.created_on,
  retiredOn: r.retired_on,
});

/** The codes of the plan as it is now, retired ones included. */
export async function journalCodes(db: Executor): Promise<Set<string>> {
  return new Set((await db.selectFrom("journal_plan").select("code").execute()).map((r) => r.code));
}

/** 422 unless the code exists (retired or not). */
export async function requireJournalCode(db: Executor, code: string): Promise<void> {
  const row = await db.selectFrom("journal_plan").select("code").where("code", "=", code).executeTakeFirst();
  if (!row) throw unprocessable("unknown_journal_code", `The journal plan has no code "${code}".`);
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

async function requireEntry(db: Executor, code: string): Promise<JournalPlanTable> {
  const row = await db.selectFrom("journal_plan").selectAll().where("code", "=", code).executeTakeFirst();
  if (!row) throw notFound(`The journal plan code ${code}`);
  return row;
}

export function requireRetiredAfterCreated(code: string, createdOn: string, retiredOn: string | null, where = ""): void {
  if (retiredOn && retiredOn < createdOn) {
    throw unprocessable(
      "retired_before_created",
      `${where}The journal plan code ${code} would be retired on ${retiredOn}, before it was created on ${createdOn}.`,
    );
  }
}

export async function createJournalEntry(
  db: Executor,
  actor: Actor | null,
  e: { code: string; title: string; parentCode?: string | null; createdOn?: string; retiredOn?: string | null },
): Promise<JournalPlanTable> {
  const row = {
    code: e.code,
    title: e.title,
    parent_code: e.parentCode ?? null,
    created_on: e.createdOn ?? new Date().toISOString().slice(0, 10),
    retired_on: e.retiredOn ?? null,
  };
  await db
    .insertInto("journal_plan")
    .values(row)
    .execute()
    .catch((err) => uniqueViolation(err, `The journal plan code ${e.code}`));
  await recordAudit(db, {
    actor,
    action: "journal_plan.create",
    objectType: "journal_plan",
    objectId: e.code,
    details: { title: e.title, parentCode: row.parent_code, createdOn: row.created_on, retiredOn: row.retired_on },
  });
  return row;
}

/**
 * Points every entry at its parent as `parentOf` derives it from the codes that exist now, so a group
 * added after its subjects (17.02 after 17.02.05) adopts them. Returns how many entries moved.
 */
export async function relinkJournalPlan(trx: Executor, actor: Actor): Promise<number> {
  const rows = await trx.selectFrom("journal_plan").select(["code", "parent_code"]).execute();
  const codes = new Set(rows.map((r) => r.code));
  let moved = 0;
  for (const r of rows) {
    const parent = parentOf(r.code, codes);
    if (parent === r.parent_code) continue;
    await trx.updateTable("journal_plan").set({ parent_code: parent }).where("code", "=", r.code).execute();
    await recordAudit(trx, {
      actor,
      action: "journal_plan.update",
      objectType: "journal_plan",
      objectId: r.code,
      details: { parent_code: { from: r.parent_code, to: parent } },
    });
    moved++;
  }
  return moved;
}

/** Adds an entry under the parent its code gives, and adopts entries that belong under it. */
export async function addJournalEntry(
  db: Db,
  actor: Actor,
  e: { code: string; title: string; createdOn?: string; retiredOn?: string | null },
): Promise<JournalPlanEntry> {
  const row = await db.transaction().execute(async (trx) => {
    const created = await createJournalEntry(trx, actor, { ...e, parentCode: parentOf(e.code, await journalCodes(trx)) });
    await relinkJournalPlan(trx, actor);
    return created;
  });
  return toJournalEntry(row);
}

/** Renames an entry, retires it from a date (`retiredOn`), or un-retires it (`retiredOn: null`). */
export async function updateJournalEntry(db: Db, actor: Actor, code: string, patch: { title?: string; retiredOn?: string | null }): Promise<JournalPlanEntry> {
  return db.transaction().execute(async (trx) => {
    const row = await requireEntry(trx, code);
    const next = { title: patch.title ?? row.title, retired_on: patch.retiredOn !== undefined ? patch.retiredOn : row.retired_on };
    requireRetiredAfterCreated(code, row.created_on, next.retired_on);
    const changes = diff(row, next);
    if (!Object.keys(changes).length) return toJournalEntry(row);
    await trx.updateTable("journal_plan").set(next).where("code", "=", code).execute();
    const action = changes.retired_on ? (next.retired_on ? "journal_plan.retire" : "journal_plan.unretire") : "journal_plan.update";
    await recordAudit(trx, { actor, action, objectType: "journal_plan", objectId: code, details: changes });
    return toJournalEntry({ ...row, ...next });
  });
}
