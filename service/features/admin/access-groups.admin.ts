import type { AppContext } from "../../context.ts";
import { route } from "../../http/route.ts";
import { accessGroupView, createAccessGroup, listAccessGroups, replaceAccessGroupMembers, updateAccessGroup } from "../access/access-groups.service.ts";
import { AccessGroupMembers, AccessGroupPatch, AdminAccessGroup, AdminAccessGroups, NewAccessGroup } from "../../../shared/api/schemas/admin.ts";
import { IdParams } from "../../../shared/api/schemas/common.ts";
import { conflict, notFound, refused, unknownReference as unknownRef } from "./responses.ts";

/** Access groups and who belongs to each. Admins only. */
export function accessGroupRoutes(ctx: AppContext) {
  const { db } = ctx;
  return [
    route({
      method: "get",
      path: "/api/admin/access-groups",
      tag: "admin",
      summary: "Access groups with their member users and groups",
      auth: "admin",
      responses: { 200: { description: "Access groups", schema: AdminAccessGroups }, ...refused },
      handle: async () => ({ items: await listAccessGroups(db) }),
    }),
    route({
      method: "post",
      path: "/api/admin/access-groups",
      tag: "admin",
      summary: "Create an access group",
      auth: "admin",
      body: NewAccessGroup,
      responses: { 201: { description: "The new access group", schema: AdminAccessGroup }, ...refused, ...conflict, ...unknownRef },
      async handle({ actor, body }) {
        const group = await db.transaction().execute((trx) => createAccessGroup(trx, actor, body.name, body.description, body));
        return accessGroupView(db, group.id);
      },
    }),
    route({
      method: "patch",
      path: "/api/admin/access-groups/:id",
      tag: "admin",
      summary: "Rename an access group or change its description",
      auth: "admin",
      params: IdParams,
      body: AccessGroupPatch,
      responses: { 200: { description: "The access group", schema: AdminAccessGroup }, ...refused, ...notFound, ...conflict },
      handle: ({ actor, params, body }) => updateAccessGroup(db, actor, params.id, body),
    }),
    route({
      method: "put",
      path: "/api/admin/access-groups/:id/members",
      tag: "admin",
      summary: "Replace an access group's members (users and groups); effective from each user's next request",
      auth: "admin",
      params: IdParams,
      body: AccessGroupMembers,
      responses: { 200: { description: "The access group", schema: AdminAccessGroup }, ...refused, ...notFound, ...unknownRef },
      handle: ({ actor, params, body }) => replaceAccessGroupMembers(db, actor, params.id, body),
    }),
  ];
}
