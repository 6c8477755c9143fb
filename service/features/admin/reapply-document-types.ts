import type { Executor } from "../../db/database.ts";
import type { Actor } from "../access/actor.ts";
import { addHistory } from "../documents/documents.repository.ts";
import { disposalDate } from "../retention/retention.ts";

const BATCH = 500;

export type DocumentsOf = { documentTypeId: string } | { retentionRuleId: string };

/**
 * After a document type's category or retention rule changes, or a rule's kind or years: brings every
 * affected document's stored category and disposal date in line, each change kept in the document's
 * history. Walks the documents in id order in batches so a large archive is never held in memory.
 * Returns how many documents changed.
 */
export async function reapplyDocumentTypes(trx: Executor, actor: Actor, scope: DocumentsOf): Promise<number> {
  const at = new Date().toISOString();
  let changed = 0;
  let afterId: string | undefined;
  for (;;) {
    let q = trx
      .selectFrom("documents")
      .innerJoin("document_types", "document_types.id", "documents.document_type_id")
      .innerJoin("retention_rules", "retention_rules.id", "document_types.retention_rule_id")
      .leftJoin("cases", "cases.id", "documents.case_id")
      .select([
        "documents.id",
        "documents.category",
        "documents.disposal_date",
        "documents.created_at",
        "document_types.category as type_category",
        "retention_rules.id as rule_id",
        "retention_rules.name as rule_name",
        "retention_rules.kind as rule_kind",
        "retention_rules.years as rule_years",
        "cases.status as case_status",
        "cases.end_date as case_end_date",
      ])
      .orderBy("documents.id")
      .limit(BATCH);
    q = "documentTypeId" in scope ? q.where("document_types.id", "=", scope.documentTypeId) : q.where("retention_rules.id", "=", scope.retentionRuleId);
    if (afterId !== undefined) q = q.where("documents.id", ">", afterId);
    const rows = await q.execute();
    for (const d of rows) {
      // The same inputs computeDisposal (documents/disposal.ts) uses, read for a whole batch at once.
      const disposal = disposalDate(
        { id: d.rule_id, name: d.rule_name, kind: d.rule_kind, years: d.rule_years },
        { caseClosedOn: d.case_status === "closed" ? d.case_end_date : null, documentCreatedAt: d.created_at },
      );
      const changes: Array<{ field: string; from: string | null; to: string | null }> = [];
      if (d.type_category !== d.category) changes.push({ field: "category", from: d.category, to: d.type_category });
      if (disposal !== d.disposal_date) changes.push({ field: "disposalDate", from: d.disposal_date, to: disposal });
      if (!changes.length) continue;
      await trx.updateTable("documents").set({ category: d.type_category, disposal_date: disposal }).where("id", "=", d.id).execute();
      await addHistory(trx, d.id, actor.userId, at, changes);
      changed++;
    }
    if (rows.length < BATCH) return changed;
    afterId = rows[rows.length - 1].id;
  }
}
