import type { DocumentType } from "../../../shared/api/types.ts";
import type { Executor } from "../../db/database.ts";
import { notFound, unprocessable } from "../../http/problem.ts";
import { retentionRuleView, type RetentionRule } from "./retention.ts";
import type { DocumentTypeRow } from "./retention.table.ts";

/** A document type as the API sends it (shared/api/schemas/reference.ts). */
export type DocumentTypeView = DocumentType;

export async function listRetentionRules(db: Executor): Promise<RetentionRule[]> {
  return db.selectFrom("retention_rules").selectAll().orderBy("name").execute();
}

export async function getRetentionRule(db: Executor, id: string): Promise<RetentionRule> {
  const rule = await db.selectFrom("retention_rules").selectAll().where("id", "=", id).executeTakeFirst();
  if (!rule) throw notFound("The retention rule");
  return rule;
}

function toView(t: DocumentTypeRow, rule: RetentionRule): DocumentTypeView {
  return {
    id: t.id,
    name: t.name,
    category: t.category,
    accessGroupId: t.access_group_id,
    active: t.active === 1,
    retention: retentionRuleView(rule),
  };
}

export async function listDocumentTypes(db: Executor, ids?: string[]): Promise<DocumentTypeView[]> {
  let q = db.selectFrom("document_types").selectAll().orderBy("name");
  if (ids) {
    if (ids.length === 0) return [];
    q = q.where("id", "in", ids);
  }
  const [types, rules] = await Promise.all([q.execute(), listRetentionRules(db)]);
  const byId = new Map(rules.map((r) => [r.id, r]));
  return types.map((t) => toView(t, byId.get(t.retention_rule_id)!));
}

/** An active document type with its rule, or 422 naming what to fix. */
export async function requireDocumentType(db: Executor, id: string): Promise<DocumentTypeView> {
  const [type] = await listDocumentTypes(db, [id]);
  if (!type) throw unprocessable("unknown_document_type", `There is no document type with id "${id}".`);
  if (!type.active) throw unprocessable("inactive_document_type", `The document type "${type.name}" is no longer in use.`);
  return type;
}
