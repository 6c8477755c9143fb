import type { AppContext } from "../../context.ts";
import type { Db } from "../../db/database.ts";
import { route } from "../../http/route.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { diff } from "../audit/changes.ts";
import { reapplyRetention } from "../documents/disposal.ts";
import { createRetentionRule, getRetentionRule, listRetentionRules, requireYears, saveRetentionRule } from "../retention/retention.service.ts";
import { retentionRuleView } from "../retention/retention.ts";
import type { RetentionKind } from "../retention/retention.table.ts";
import { AdminRetentionRules, NewRetentionRule, RetentionRuleChanged, RetentionRulePatch } from "../../../shared/api/schemas/admin.ts";
import { IdParams } from "../../../shared/api/schemas/common.ts";
import { RetentionRule } from "../../../shared/api/schemas/reference.ts";
import { conflict, notFound, refused, unprocessable } from "./responses.ts";

// A rule's new kind or years changes when the documents under it fall due: the change is carried through
// to them here, above the retention and documents domains.

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
    requireYears(kind, years);
    const next = { name: patch.name ?? rule.name, kind, years };
    const changes = diff(rule, next);
    if (!Object.keys(changes).length) return { ...retentionRuleView(rule), documentsUpdated: 0 };
    await saveRetentionRule(trx, id, next);
    const documentsUpdated = changes.kind || changes.years ? await reapplyRetention(trx, actor, { retentionRuleId: id }) : 0;
    await recordAudit(trx, { actor, action: "retention_rule.update", objectType: "retention_rule", objectId: id, details: { ...changes, documentsUpdated } });
    return { ...retentionRuleView({ id, ...next }), documentsUpdated };
  });
}

/** Retention rules (kassationsregler). Admins only. */
export function retentionRuleRoutes(ctx: AppContext) {
  const { db } = ctx;
  return [
    route({
      method: "get",
      path: "/api/admin/retention-rules",
      tag: "admin",
      summary: "Retention rules (kassationsregler), in words too",
      auth: "admin",
      responses: { 200: { description: "Rules", schema: AdminRetentionRules }, ...refused },
      handle: async () => ({ items: (await listRetentionRules(db)).map(retentionRuleView) }),
    }),
    route({
      method: "post",
      path: "/api/admin/retention-rules",
      tag: "admin",
      summary: "Create a retention rule",
      auth: "admin",
      body: NewRetentionRule,
      responses: { 201: { description: "The new rule", schema: RetentionRule }, ...refused, ...conflict, ...unprocessable },
      handle: ({ actor, body }) => addRetentionRule(db, actor, body),
    }),
    route({
      method: "patch",
      path: "/api/admin/retention-rules/:id",
      tag: "admin",
      summary: "Change a retention rule; a new kind or number of years recomputes the disposal date of every document under it",
      auth: "admin",
      params: IdParams,
      body: RetentionRulePatch,
      responses: {
        200: { description: "The rule, with how many documents changed", schema: RetentionRuleChanged },
        ...refused,
        ...notFound,
        ...conflict,
        ...unprocessable,
      },
      handle: ({ actor, params, body }) => updateRetentionRule(db, actor, params.id, body),
    }),
  ];
}
