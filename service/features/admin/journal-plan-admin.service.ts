import type { Db, Executor } from "../../db/database.ts";
import { notFound, unprocessable } from "../../http/problem.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { parentOf, type JournalPlanEntry } from "../journal-plan/journal-plan.service.ts";
import type { JournalPlanTable } from "../journal-plan/journal-plan.table.ts";
import { createJournalEntry } from "./directory.service.ts";
import { diff } from "./changes.ts";

// Administration of the journal plan (arkivplan): entries are added, renamed, retired and un-retired,
// never deleted, since cases keep pointing at the codes they were filed under.

export const toJournalEntry = (r: JournalPlanTable): JournalPlanEntry => ({
  code: r.code,
  title: r.title,
  parentCode: r.parent_code,
  createdOn: r.created_on,
  retiredOn: r.retired_on,
});

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

export async function addJournalEntry(
  db: Db,
  actor: Actor,
  e: { code: string; title: string; createdOn?: string; retiredOn?: string | null },
): Promise<JournalPlanEntry> {
  const row = await db.transaction().execute(async (trx) => {
    const codes = new Set((await trx.selectFrom("journal_plan").select("code").execute()).map((r) => r.code));
    const created = await createJournalEntry(trx, actor, { ...e, parentCode: parentOf(e.code, codes) });
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
