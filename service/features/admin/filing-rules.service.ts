import type { DocumentTypePatch, NewTemplate, TemplatePatch } from "../../../shared/api/types.ts";
import type { Db, Executor } from "../../db/database.ts";
import { notFound, unprocessable } from "../../http/problem.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { requireUsableJournalCode } from "../journal-plan/journal-plan.service.ts";
import { getRetentionRule, listDocumentTypes, type DocumentTypeView } from "../retention/retention.service.ts";
import { retentionRuleView } from "../retention/retention.ts";
import type { RetentionKind } from "../retention/retention.table.ts";
import { getTemplate, type CaseTemplate } from "../templates/templates.service.ts";
import { createDocumentType, createRetentionRule, createTemplate, requireAccessGroup, requireDocumentTypes, uniqueViolation } from "./directory.service.ts";
import { diff } from "./changes.ts";
import { reapplyRetention } from "../documents/disposal.ts";

// Administration of the filing rules: retention rules, document types and case templates. A change that
// alters how existing documents are classified or when they fall due is carried through to them here.

const today = () => new Date().toISOString().slice(0, 10);

export async function addRetentionRule(db: Db, actor: Actor, r: { name: string; kind: RetentionKind; years?: number | null }) {
  const row = await db.transaction().execute((trx) => createRetentionRule(trx, actor, r));
  return retentionRuleView(row);
}

/** Renames a rule or changes its kind or years; when the date it gives changes, every document under it follows. */
export async function updateRetentionRule(db: Db, actor: Actor, id: string, patch: { name?: string; kind?: RetentionKind; years?: number | null }) {
  return db.transaction().execute(async (trx) => {
    const rule = await getRetentionRule(trx, id);
    const kind = patch.kind ?? rule.kind;
    const years = kind === "permanent" ? null : patch.years !== undefined ? patch.years : rule.years;
    if (kind !== "permanent" && years === null) throw unprocessable("years_required", `A rule of kind ${kind} needs a number of years.`);
    const next = { name: patch.name ?? rule.name, kind, years };
    const changes = diff(rule, next);
    if (!Object.keys(changes).length) return { ...retentionRuleView(rule), documentsUpdated: 0 };
    await trx
      .updateTable("retention_rules")
      .set(next)
      .where("id", "=", id)
      .execute()
      .catch((e) => uniqueViolation(e, `A retention rule named "${next.name}"`));
    const documentsUpdated = changes.kind || changes.years ? await reapplyRetention(trx, actor, { retentionRuleId: id }) : 0;
    await recordAudit(trx, { actor, action: "retention_rule.update", objectType: "retention_rule", objectId: id, details: { ...changes, documentsUpdated } });
    return { ...retentionRuleView({ id, ...next }), documentsUpdated };
  });
}

async function documentTypeView(db: Executor, id: string): Promise<DocumentTypeView> {
  const [type] = await listDocumentTypes(db, [id]);
  if (!type) throw notFound("The document type");
  return type;
}

export async function addDocumentType(db: Db, actor: Actor, t: { name: string; category: string; retentionRuleId: string; accessGroupId?: string | null }) {
  const row = await db.transaction().execute((trx) => createDocumentType(trx, actor, t));
  return documentTypeView(db, row.id);
}

export type { DocumentTypePatch };

/**
 * Changes a document type. A new category or retention rule is carried through to every document of the
 * type (category and disposal date, with history); a new access group applies to documents saved from now on.
 */
export async function updateDocumentType(db: Db, actor: Actor, id: string, patch: DocumentTypePatch) {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("document_types").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw notFound("The document type");
    if (patch.retentionRuleId !== undefined && patch.retentionRuleId !== row.retention_rule_id) {
      const rule = await trx.selectFrom("retention_rules").select("id").where("id", "=", patch.retentionRuleId).executeTakeFirst();
      if (!rule) throw unprocessable("unknown_retention_rule", `There is no retention rule with id "${patch.retentionRuleId}".`);
    }
    if (patch.accessGroupId) await requireAccessGroup(trx, patch.accessGroupId);
    const next = {
      name: patch.name ?? row.name,
      category: patch.category ?? row.category,
      retention_rule_id: patch.retentionRuleId ?? row.retention_rule_id,
      access_group_id: patch.accessGroupId !== undefined ? patch.accessGroupId : row.access_group_id,
      active: patch.active === undefined ? row.active : patch.active ? 1 : 0,
    };
    const changes = diff(row, next);
    if (!Object.keys(changes).length) return { ...(await documentTypeView(trx, id)), documentsUpdated: 0 };
    await trx
      .updateTable("document_types")
      .set(next)
      .where("id", "=", id)
      .execute()
      .catch((e) => uniqueViolation(e, `A document type named "${next.name}"`));
    const documentsUpdated = changes.category || changes.retention_rule_id ? await reapplyRetention(trx, actor, { documentTypeId: id }) : 0;
    await recordAudit(trx, { actor, action: "document_type.update", objectType: "document_type", objectId: id, details: { ...changes, documentsUpdated } });
    return { ...(await documentTypeView(trx, id)), documentsUpdated };
  });
}

export type { NewTemplate };

export async function addTemplate(db: Db, actor: Actor, t: NewTemplate): Promise<CaseTemplate> {
  const { id } = await db.transaction().execute(async (trx) => {
    // A template on a retired code could create no cases at all.
    await requireUsableJournalCode(trx, t.journalCode, today());
    return createTemplate(trx, actor, t);
  });
  return getTemplate(db, id);
}

export type { TemplatePatch };

/** Changes a template. Existing cases keep their access group and journal code; new cases get the new ones. */
export async function updateTemplate(db: Db, actor: Actor, id: string, patch: TemplatePatch): Promise<CaseTemplate> {
  await db.transaction().execute(async (trx) => {
    const current = await getTemplate(trx, id);
    if (patch.accessGroupId !== undefined) await requireAccessGroup(trx, patch.accessGroupId);
    if (patch.journalCode !== undefined && patch.journalCode !== current.journalCode) await requireUsableJournalCode(trx, patch.journalCode, today());
    if (patch.documentTypeIds !== undefined) await requireDocumentTypes(trx, patch.documentTypeIds);
    const next = {
      name: patch.name ?? current.name,
      access_group_id: patch.accessGroupId ?? current.accessGroupId,
      journal_code: patch.journalCode ?? current.journalCode,
      fields: JSON.stringify(patch.fields ?? current.fields),
      active: patch.active === undefined ? (current.active ? 1 : 0) : patch.active ? 1 : 0,
    };
    const before = {
      name: current.name,
      access_group_id: current.accessGroupId,
      journal_code: current.journalCode,
      fields: JSON.stringify(current.fields),
      active: current.active ? 1 : 0,
    };
    const changes: Record<string, unknown> = diff(before, next);
    const types = patch.documentTypeIds ? [...new Set(patch.documentTypeIds)] : undefined;
    const typesChanged = types !== undefined && [...types].sort().join() !== [...current.documentTypeIds].sort().join();
    if (typesChanged) changes.documentTypeIds = { from: current.documentTypeIds, to: types };
    if (!Object.keys(changes).length) return;
    await trx
      .updateTable("case_templates")
      .set(next)
      .where("id", "=", id)
      .execute()
      .catch((e) => uniqueViolation(e, `A case template named "${next.name}"`));
    if (typesChanged) {
      await trx.deleteFrom("case_template_document_types").where("template_id", "=", id).execute();
      if (types!.length)
        await trx
          .insertInto("case_template_document_types")
          .values(types!.map((document_type_id) => ({ template_id: id, document_type_id })))
          .execute();
    }
    if (changes.fields) changes.fields = { from: current.fields, to: patch.fields };
    await recordAudit(trx, { actor, action: "template.update", objectType: "template", objectId: id, details: changes });
  });
  return getTemplate(db, id);
}
