import type { AppContext } from "../../context.ts";
import type { Db, Executor } from "../../db/database.ts";
import { notFound as notFoundProblem } from "../../http/problem.ts";
import { route } from "../../http/route.ts";
import { requireAccessGroup } from "../access/access-groups.service.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { diff } from "../audit/changes.ts";
import { reapplyRetention } from "../documents/disposal.ts";
import {
  createDocumentType,
  findDocumentTypeRow,
  listDocumentTypes,
  requireRetentionRule,
  saveDocumentType,
  type DocumentTypeView,
} from "../retention/retention.service.ts";
import { AdminDocumentTypes, DocumentTypeChanged, DocumentTypePatch, NewDocumentType } from "../../../shared/api/schemas/admin.ts";
import { IdParams } from "../../../shared/api/schemas/common.ts";
import { DocumentType } from "../../../shared/api/schemas/reference.ts";
import type { DocumentTypePatch as DocumentTypeChange } from "../../../shared/api/types.ts";
import { conflict, notFound, refused, unprocessable } from "./responses.ts";

// A type's new category or retention rule changes how its documents are classified and when they fall due:
// the change is carried through to them here, above the retention and documents domains.

async function documentTypeView(db: Executor, id: string): Promise<DocumentTypeView> {
  const [type] = await listDocumentTypes(db, [id]);
  if (!type) throw notFoundProblem("The document type");
  return type;
}

export async function addDocumentType(db: Db, actor: Actor, t: { name: string; category: string; retentionRuleId: string; accessGroupId?: string | null }) {
  const row = await db.transaction().execute((trx) => createDocumentType(trx, actor, t));
  return documentTypeView(db, row.id);
}

/**
 * Changes a document type. A new category or retention rule is carried through to every document of the
 * type (category and disposal date, with history); a new access group applies to documents saved from now on.
 */
export async function updateDocumentType(db: Db, actor: Actor, id: string, patch: DocumentTypeChange) {
  return db.transaction().execute(async (trx) => {
    const row = await findDocumentTypeRow(trx, id);
    if (!row) throw notFoundProblem("The document type");
    if (patch.retentionRuleId !== undefined && patch.retentionRuleId !== row.retention_rule_id) await requireRetentionRule(trx, patch.retentionRuleId);
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
    await saveDocumentType(trx, id, next);
    const documentsUpdated = changes.category || changes.retention_rule_id ? await reapplyRetention(trx, actor, { documentTypeId: id }) : 0;
    await recordAudit(trx, { actor, action: "document_type.update", objectType: "document_type", objectId: id, details: { ...changes, documentsUpdated } });
    return { ...(await documentTypeView(trx, id)), documentsUpdated };
  });
}

/** Document types (dokumenttyper). Admins only. */
export function documentTypeRoutes(ctx: AppContext) {
  const { db } = ctx;
  return [
    route({
      method: "get",
      path: "/api/admin/document-types",
      tag: "admin",
      summary: "Document types, including those no longer in use",
      auth: "admin",
      responses: { 200: { description: "Document types", schema: AdminDocumentTypes }, ...refused },
      handle: async () => ({ items: await listDocumentTypes(db) }),
    }),
    route({
      method: "post",
      path: "/api/admin/document-types",
      tag: "admin",
      summary: "Create a document type",
      auth: "admin",
      body: NewDocumentType,
      responses: { 201: { description: "The new document type", schema: DocumentType }, ...refused, ...conflict, ...unprocessable },
      handle: ({ actor, body }) => addDocumentType(db, actor, body),
    }),
    route({
      method: "patch",
      path: "/api/admin/document-types/:id",
      tag: "admin",
      summary: "Change a document type; a new category or retention rule is carried through to its documents",
      auth: "admin",
      params: IdParams,
      body: DocumentTypePatch,
      responses: {
        200: { description: "The document type, with how many documents changed", schema: DocumentTypeChanged },
        ...refused,
        ...notFound,
        ...conflict,
        ...unprocessable,
      },
      handle: ({ actor, params, body }) => updateDocumentType(db, actor, params.id, body),
    }),
  ];
}
