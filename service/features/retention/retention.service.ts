import { randomUUID } from "node:crypto";
import type { DocumentType } from "../../../shared/api/types.ts";
import type { Executor } from "../../db/database.ts";
import { notFound, uniqueViolation, unprocessable } from "../../http/problem.ts";
import { requireAccessGroup } from "../access/access-groups.service.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { retentionRuleView, type RetentionRule } from "./retention.ts";
import type { DocumentTypeRow, RetentionKind } from "./retention.table.ts";

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
  if (ids?.length === 0) return [];
  let q = db
    .selectFrom("document_types")
    .innerJoin("retention_rules as rule", "rule.id", "document_types.retention_rule_id")
    .selectAll("document_types")
    .select(["rule.name as rule_name", "rule.kind as rule_kind", "rule.years as rule_years"])
    .orderBy("document_types.name");
  if (ids) q = q.where("document_types.id", "in", ids);
  const rows = await q.execute();
  return rows.map((t) => toView(t, { id: t.retention_rule_id, name: t.rule_name, kind: t.rule_kind, years: t.rule_years }));
}

/** An active document type with its rule, or 422 naming what to fix. */
export async function requireDocumentType(db: Executor, id: string): Promise<DocumentTypeView> {
  const [type] = await listDocumentTypes(db, [id]);
  if (!type) throw unprocessable("unknown_document_type", `There is no document type with id "${id}".`);
  if (!type.active) throw unprocessable("inactive_document_type", `The document type "${type.name}" is no longer in use.`);
  return type;
}

/** The retention rule of a document type (which must exist). */
export async function ruleOfDocumentType(db: Executor, documentTypeId: string): Promise<RetentionRule> {
  return db
    .selectFrom("document_types")
    .innerJoin("retention_rules", "retention_rules.id", "document_types.retention_rule_id")
    .select(["retention_rules.id", "retention_rules.name", "retention_rules.kind", "retention_rules.years"])
    .where("document_types.id", "=", documentTypeId)
    .executeTakeFirstOrThrow();
}

/** 422 unless the retention rule exists. */
export async function requireRetentionRule(db: Executor, id: string): Promise<void> {
  const rule = await db.selectFrom("retention_rules").select("id").where("id", "=", id).executeTakeFirst();
  if (!rule) throw unprocessable("unknown_retention_rule", `There is no retention rule with id "${id}".`);
}

/** 422 unless a rule of this kind has the years it needs. */
export function requireYears(kind: RetentionKind, years: number | null | undefined): void {
  if (kind !== "permanent" && (years === undefined || years === null)) throw unprocessable("years_required", `A rule of kind ${kind} needs a number of years.`);
}

export async function createRetentionRule(db: Executor, actor: Actor | null, r: { name: string; kind: RetentionKind; years?: number | null }) {
  requireYears(r.kind, r.years);
  const row = { id: randomUUID(), name: r.name, kind: r.kind, years: r.kind === "permanent" ? null : (r.years ?? null) };
  await db
    .insertInto("retention_rules")
    .values(row)
    .execute()
    .catch((e) => uniqueViolation(e, `A retention rule named "${r.name}"`));
  await recordAudit(db, { actor, action: "retention_rule.create", objectType: "retention_rule", objectId: row.id, details: row });
  return row;
}

/** Writes a rule's new name, kind or years (the caller audits, with what followed from it). */
export async function saveRetentionRule(db: Executor, id: string, next: { name: string; kind: RetentionKind; years: number | null }): Promise<void> {
  await db
    .updateTable("retention_rules")
    .set(next)
    .where("id", "=", id)
    .execute()
    .catch((e) => uniqueViolation(e, `A retention rule named "${next.name}"`));
}

export async function createDocumentType(
  db: Executor,
  actor: Actor | null,
  t: { name: string; category: string; retentionRuleId: string; accessGroupId?: string | null },
) {
  await requireRetentionRule(db, t.retentionRuleId);
  if (t.accessGroupId) await requireAccessGroup(db, t.accessGroupId);
  const row = {
    id: randomUUID(),
    name: t.name,
    category: t.category,
    retention_rule_id: t.retentionRuleId,
    access_group_id: t.accessGroupId ?? null,
    active: 1,
  };
  await db
    .insertInto("document_types")
    .values(row)
    .execute()
    .catch((e) => uniqueViolation(e, `A document type named "${t.name}"`));
  await recordAudit(db, {
    actor,
    action: "document_type.create",
    objectType: "document_type",
    objectId: row.id,
    details: { name: t.name, category: t.category, retentionRuleId: t.retentionRuleId, accessGroupId: row.access_group_id },
  });
  return row;
}

export function findDocumentTypeRow(db: Executor, id: string): Promise<DocumentTypeRow | undefined> {
  return db.selectFrom("document_types").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findDocumentTypeByName(db: Executor, name: string): Promise<DocumentTypeRow | undefined> {
  return db.selectFrom("document_types").selectAll().where("name", "=", name).executeTakeFirst();
}

/** Writes a document type's new fields (the caller audits, with what followed from it). */
export async function saveDocumentType(db: Executor, id: string, next: Omit<DocumentTypeRow, "id">): Promise<void> {
  await db
    .updateTable("document_types")
    .set(next)
    .where("id", "=", id)
    .execute()
    .catch((e) => uniqueViolation(e, `A document type named "${next.name}"`));
}

/** 422 unless every id names an existing document type. */
export async function requireDocumentTypes(db: Executor, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const found = await db.selectFrom("document_types").select("id").where("id", "in", ids).execute();
  if (found.length !== new Set(ids).size) throw unprocessable("unknown_document_type", "One of the allowed document types does not exist.");
}

export function findRetentionRuleByName(db: Executor, name: string): Promise<RetentionRule | undefined> {
  return db.selectFrom("retention_rules").selectAll().where("name", "=", name).executeTakeFirst();
}
