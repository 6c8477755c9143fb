import { randomUUID } from "node:crypto";
import type { Executor } from "../../db/database.ts";
import type { Actor } from "../access/actor.ts";
import { disposalDate } from "../retention/retention.ts";

/** Disposal date for one document from its type's rule and its case's end date. */
export async function computeDisposal(db: Executor, documentTypeId: string, caseId: string | null, createdAt: string): Promise<string | null> {
  const rule = await db
    .selectFrom("document_types")
    .innerJoin("retention_rules", "retention_rules.id", "document_types.retention_rule_id")
    .select(["retention_rules.id", "retention_rules.name", "retention_rules.kind", "retention_rules.years"])
    .where("document_types.id", "=", documentTypeId)
    .executeTakeFirstOrThrow();
  let caseClosedOn: string | null = null;
  if (caseId) {
    const c = await db.selectFrom("cases").select(["status", "end_date"]).where("id", "=", caseId).executeTakeFirstOrThrow();
    caseClosedOn = c.status === "closed" ? c.end_date : null;
  }
  return disposalDate(rule, { caseClosedOn, documentCreatedAt: createdAt });
}

/** Recomputes and stores the disposal date of every document in a case; changes are kept in each document's history. */
export async function recomputeDisposalForCase(db: Executor, actor: Actor, caseId: string, _closedOn: string | null): Promise<number> {
  const docs = await db.selectFrom("documents").select(["id", "document_type_id", "created_at", "disposal_date"]).where("case_id", "=", caseId).execute();
  let changed = 0;
  const at = new Date().toISOString();
  for (const d of docs) {
    const next = await computeDisposal(db, d.document_type_id, caseId, d.created_at);
    if (next === d.disposal_date) continue;
    await db.updateTable("documents").set({ disposal_date: next }).where("id", "=", d.id).execute();
    await db
      .insertInto("document_history")
      .values({ id: randomUUID(), document_id: d.id, field: "disposalDate", old_value: d.disposal_date, new_value: next, actor_id: actor.userId, at })
      .execute();
    changed++;
  }
  return changed;
}
