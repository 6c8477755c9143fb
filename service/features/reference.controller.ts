import {
  AccessGroups,
  DocumentTypes,
  DocumentTypesQuery,
  JournalPlan,
  JournalPlanQuery,
  Me,
  RetentionRules,
  Templates,
} from "../../shared/api/schemas/reference.ts";
import type { AppContext } from "../context.ts";
import { route } from "../http/route.ts";
import { listJournalPlan } from "./journal-plan/journal-plan.service.ts";
import { listDocumentTypes, listRetentionRules } from "./retention/retention.service.ts";
import { retentionRuleView } from "./retention/retention.ts";
import { listTemplates } from "./templates/templates.service.ts";
import { groupsOfUser, requireUser } from "./users/users.service.ts";
import { mayRevealCpr } from "./access/policy.ts";

/** Reference data every client needs for the save flow: templates, document types, journal plan, access groups, me. */
export function referenceRoutes(ctx: AppContext) {
  return [
    route({
      method: "get",
      path: "/api/me",
      tag: "reference",
      summary: "The signed-in user, role and access groups",
      responses: { 200: { description: "Me", schema: Me } },
      async handle({ actor }) {
        const [groups, user] = await Promise.all([groupsOfUser(ctx.db, actor.userId), requireUser(ctx.db, actor.userId)]);
        const cprAccess = mayRevealCpr(actor, user.cpr_access === 1);
        return { id: actor.userId, name: actor.name, email: actor.email, role: actor.role, groups, accessGroupIds: actor.accessGroupIds, cprAccess };
      },
    }),
    route({
      method: "get",
      path: "/api/templates",
      tag: "reference",
      summary: "Case templates in use, with their fields and allowed document types",
      responses: { 200: { description: "Templates", schema: Templates } },
      handle: async () => ({ items: await listTemplates(ctx.db) }),
    }),
    route({
      method: "get",
      path: "/api/document-types",
      tag: "reference",
      summary: "Document types with category and retention rule in words (Danish and English)",
      query: DocumentTypesQuery,
      responses: { 200: { description: "Document types", schema: DocumentTypes } },
      async handle({ query }) {
        let ids: string[] | undefined;
        if (query.templateId) {
          const t = (await listTemplates(ctx.db)).find((x) => x.id === query.templateId);
          ids = t && t.documentTypeIds.length ? t.documentTypeIds : undefined;
        }
        return { items: (await listDocumentTypes(ctx.db, ids)).filter((t) => t.active) };
      },
    }),
    route({
      method: "get",
      path: "/api/retention-rules",
      tag: "reference",
      summary: "Retention rules (kassationsregler) in words",
      responses: { 200: { description: "Rules", schema: RetentionRules } },
      handle: async () => ({
        items: (await listRetentionRules(ctx.db)).map(retentionRuleView),
      }),
    }),
    route({
      method: "get",
      path: "/api/journal-plan",
      tag: "reference",
      summary: "The journal plan (arkivplan), KLE style",
      query: JournalPlanQuery,
      responses: { 200: { description: "Plan entries", schema: JournalPlan } },
      handle: async ({ query }) => ({ items: await listJournalPlan(ctx.db, query.includeRetired === "true") }),
    }),
    route({
      method: "get",
      path: "/api/access-groups",
      tag: "reference",
      summary: "Access groups (adgangsgrupper); each says whether I am a member",
      responses: { 200: { description: "Access groups", schema: AccessGroups } },
      async handle({ actor }) {
        const rows = await ctx.db.selectFrom("access_groups").selectAll().orderBy("name").execute();
        return { items: rows.map((g) => ({ id: g.id, name: g.name, description: g.description, member: actor.accessGroupIds.includes(g.id) })) };
      },
    }),
  ];
}
