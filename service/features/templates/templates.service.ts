import type { CaseTemplate } from "../../../shared/api/types.ts";
import type { Executor } from "../../db/database.ts";
import { notFound, unprocessable } from "../../http/problem.ts";
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
