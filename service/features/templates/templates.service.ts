import { randomUUID } from "node:crypto";
import type { CaseTemplate, NewTemplate, TemplatePatch } from "../../../shared/api/types.ts";
import type { Db, Executor } from "../../db/database.ts";
import { notFound, uniqueViolation, unprocessable } from "../../http/problem.ts";
import { requireAccessGroup } from "../access/access-groups.service.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { diff } from "../audit/changes.ts";
import { requireJournalCode, requireUsableJournalCode } from "../journal-plan/journal-plan.service.ts";
import { requireDocumentTypes } from "../retention/retention.service.ts";
import { MetadataField } from "./metadata-fields.ts";

/** A case template as the API sends it (shared/api/types.ts). */
export type { CaseTemplate };

export async function listTemplates(db: Executor, includeInactive = false): Promise<CaseTemplate[]> {
  let q = db.selectFrom("case_templates").selectAll().orderBy("name");
  if (!includeInactive) q = q.where("active", "=", 1);
  const rows = await q.execute();
  const links = await db.selectFrom("case_template_document_types").selectAll().execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    accessGroupId: r.access_group_id,
    journalCode: r.journal_code,
    fields: MetadataField.array().parse(JSON.parse(r.fields)),
    documentTypeIds: links.filter((l) => l.template_id === r.id).map((l) => l.document_type_id),
    active: r.active === 1,
  }));
}

export async function getTemplate(db: Executor, id: string): Promise<CaseTemplate> {
  const row = await db.selectFrom("case_templates").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("The case template");
  const links = await db.selectFrom("case_template_document_types").select("document_type_id").where("template_id", "=", id).execute();
  return {
    id: row.id,
    name: row.name,
    accessGroupId: row.access_group_id,
    journalCode: row.journal_code,
    fields: MetadataField.array().parse(JSON.parse(row.fields)),
    documentTypeIds: links.map((l) => l.document_type_id),
    active: row.active === 1,
  };
}

/** A template new cases may be created from, or 422. */
export async function requireActiveTemplate(db: Executor, id: string): Promise<CaseTemplate> {
  const t = await getTemplate(db, id).catch(() => {
    throw unprocessable("unknown_template", `There is no case template with id "${id}".`);
  });
  if (!t.active) throw unprocessable("inactive_template", `The case template "${t.name}" is no longer in use.`);
  return t;
}

export async function findTemplateByName(db: Executor, name: string): Promise<{ id: string } | undefined> {
  return db.selectFrom("case_templates").select("id").where("name", "=", name).executeTakeFirst();
}

const today = () => new Date().toISOString().slice(0, 10);

/** Creates a template on an existing code (demo data may use a retired one; the admin API may not, see addTemplate). */
export async function createTemplate(
  db: Executor,
  actor: Actor | null,
  t: { name: string; accessGroupId: string; journalCode: string; fields: MetadataField[]; documentTypeIds: string[] },
) {
  const id = randomUUID();
  await requireAccessGroup(db, t.accessGroupId);
  await requireJournalCode(db, t.journalCode);
  await requireDocumentTypes(db, t.documentTypeIds);
  await db
    .insertInto("case_templates")
    .values({ id, name: t.name, access_group_id: t.accessGroupId, journal_code: t.journalCode, fields: JSON.stringify(t.fields), active: 1 })
    .execute()
    .catch((e) => uniqueViolation(e, `A case template named "${t.name}"`));
  if (t.documentTypeIds.length) {
    await db
      .insertInto("case_template_document_types")
      .values([...new Set(t.documentTypeIds)].map((document_type_id) => ({ template_id: id, document_type_id })))
      .execute();
  }
  await recordAudit(db, {
    actor,
    action: "template.create",
    objectType: "template",
    objectId: id,
    details: { name: t.name, accessGroupId: t.accessGroupId, journalCode: t.journalCode, fields: t.fields, documentTypeIds: t.documentTypeIds },
  });
  return { id, ...t };
}

export async function addTemplate(db: Db, actor: Actor, t: NewTemplate): Promise<CaseTemplate> {
  const { id } = await db.transaction().execute(async (trx) => {
    // A template on a retired code could create no cases at all.
    await requireUsableJournalCode(trx, t.journalCode, today());
    return createTemplate(trx, actor, t);
  });
  return getTemplate(db, id);
}

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
