import type { Executor } from "../../db/database.ts";
import type { Actor } from "../access/actor.ts";
import type { CaseRow } from "../cases/cases.table.ts";
import { ruleOfDocumentType } from "../retention/retention.service.ts";
import { disposalDate } from "../retention/retention.ts";
import { addHistory } from "./documents.repository.ts";

/** Disposal date for one document from its type's rule and its case's end date. */
export async function computeDisposal(
  db: Executor,
  documentTypeId: string,
  c: Pick<CaseRow, "status" | "end_date"> | null,
  createdAt: string,
): Promise<string | null> {
  const rule = await ruleOfDocumentType(db, documentTypeId);
  return disposalDate(rule, { caseClosedOn: c?.status === "closed" ? c.end_date : null, documentCreatedAt: createdAt });
}

const BATCH = 500;

/** Which documents to bring in line: those of a document type, of a retention rule, or of a case. */
export type DocumentsOf = { documentTypeId: string } | { retentionRuleId: string } | { caseId: string };

/**
 * Brings stored categories and disposal dates in line with the documents' types, rules and cases — after
 * a case closes or reopens, a type's category or rule changes, or a rule's kind or years change. Each
 * change is kept in the document's history. Walks the documents in id order in batches so a large archive
 * is never held in memory. Returns how many documents changed.
 */
export async function reapplyRetention(trx: Executor, actor: Actor, scope: DocumentsOf): Promise<number> {
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
    if ("documentTypeId" in scope) q = q.where("document_types.id", "=", scope.documentTypeId);
    else if ("retentionRuleId" in scope) q = q.where("retention_rules.id", "=", scope.retentionRuleId);
    else q = q.where("documents.case_id", "=", scope.caseId);
    if (afterId !== undefined) q = q.where("documents.id", ">", afterId);
    const rows = await q.execute();
    for (const d of rows) {
      // The same inputs computeDisposal uses, read for a whole batch at once.
      const disposal = disposalDate(
        { id: d.rule_id, name: d.rule_name, kind: d.rule_kind, years: d.rule_years },
        { caseClosedOn: d.case_status === "closed" ? d.case_end_date : null, documentCreatedAt: d.created_at },
      );
      const changes: Array<{ field: string; from: string | null; to: string | null }> = [];
      if (d.type_category !== d.category) changes.push({ field: "category", from: d.category, to: d.type_category });
      if (disposal !== d.disposal_date) changes.push({ field: "disposalDate", from: d.disposal_date, to: disposal });
      if (!changes.length) continue;
      // A recomputed category or disposal date is a change to the document: its ETag moves on with it.
      await trx
        .updateTable("documents")
        .set((eb) => ({ category: d.type_category, disposal_date: disposal, revision: eb("revision", "+", 1) }))
        .where("id", "=", d.id)
        .execute();
      await addHistory(trx, d.id, actor.userId, at, changes);
      changed++;
    }
    if (rows.length < BATCH) return changed;
    afterId = rows[rows.length - 1].id;
  }
}
