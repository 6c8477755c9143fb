import type { AppContext } from "../../context.ts";
import type { Executor } from "../../db/database.ts";
import { decodeCursor, toPage } from "../../http/pagination.ts";
import { route } from "../../http/route.ts";
import { accessGroupsOf } from "../access/access.ts";
import { accessGroupNames } from "../access/access-groups.service.ts";
import { issueToken, listTokens, revokeToken } from "../users/tokens.service.ts";
import {
  createGroup,
  createUser,
  groupsOfUser,
  groupView,
  listGroups,
  listUsers,
  renameGroup,
  requireUser,
  setGroupMembers,
  toUserView,
  updateUser,
} from "../users/users.service.ts";
import {
  ApiTokens,
  Group,
  GroupMembers,
  GroupPatch,
  Groups,
  IssuedToken,
  NewGroup,
  NewToken,
  NewUser,
  TokenParams,
  UserListQuery,
  UserDetails,
  UserPage,
  UserPatch,
} from "../../../shared/api/schemas/admin.ts";
import { IdParams } from "../../../shared/api/schemas/common.ts";
import type { UserDetails as UserDetailsView } from "../../../shared/api/types.ts";
import { conflict, notFound, refused, unknownReference as unknownRef } from "./responses.ts";
import { requireCprAccessAllowed, setCprAccess } from "../contacts/cpr-access.ts";

/** A user with the groups they are in and the access groups that gives them. */
export async function userDetails(db: Executor, id: string): Promise<UserDetailsView> {
  const user = await requireUser(db, id);
  const [groups, accessGroups] = await Promise.all([groupsOfUser(db, id), accessGroupsOf(db, id).then((ids) => accessGroupNames(db, ids))]);
  return { ...toUserView(user), groups, accessGroups, cprAccess: user.cpr_access === 1 };
}

/** Users and their API tokens, and groups. Admins only. */
export function userRoutes(ctx: AppContext) {
  const { db } = ctx;
  return [
    route({
      method: "get",
      path: "/api/admin/users",
      tag: "admin",
      summary: "List users by email, a page at a time",
      auth: "admin",
      query: UserListQuery,
      responses: { 200: { description: "A page of users", schema: UserPage }, ...refused },
      async handle({ query }) {
        const after = decodeCursor(query.cursor, 1) as [string] | undefined;
        const active = query.active === undefined ? undefined : query.active === "true";
        const rows = await listUsers(db, { role: query.role, active, afterEmail: after?.[0], limit: query.limit });
        return toPage(rows, query.limit, (u) => [u.email], toUserView);
      },
    }),
    route({
      method: "post",
      path: "/api/admin/users",
      tag: "admin",
      summary: "Create a user (issue a token separately)",
      auth: "admin",
      body: NewUser,
      responses: { 201: { description: "The new user", schema: UserDetails }, ...refused, ...conflict },
      async handle({ actor, body }) {
        const user = await db.transaction().execute((trx) => createUser(trx, actor, body));
        return userDetails(db, user.id);
      },
    }),
    route({
      method: "get",
      path: "/api/admin/users/:id",
      tag: "admin",
      summary: "A user with their groups and the access groups they are in",
      auth: "admin",
      params: IdParams,
      responses: { 200: { description: "The user", schema: UserDetails }, ...refused, ...notFound },
      handle: ({ params }) => userDetails(db, params.id),
    }),
    route({
      method: "patch",
      path: "/api/admin/users/:id",
      tag: "admin",
      summary: "Change a user's name, role or active flag, or whether a caseworker may reveal CPR numbers; a deactivated user is refused from the next request",
      auth: "admin",
      params: IdParams,
      body: UserPatch,
      responses: {
        200: { description: "The user", schema: UserDetails },
        ...refused,
        ...notFound,
        409: { description: "The last active administrator" },
        422: { description: "An external partner cannot be allowed to see CPR numbers (`cpr_access_for_external`)" },
      },
      async handle({ actor, params, body }) {
        const { cprAccess, ...rest } = body;
        if (cprAccess !== undefined) requireCprAccessAllowed(rest.role ?? (await requireUser(db, params.id)).role, cprAccess);
        if (Object.keys(rest).length) await updateUser(db, actor, params.id, rest);
        if (cprAccess !== undefined) await setCprAccess(db, actor, params.id, cprAccess);
        // An external partner never sees CPR numbers: a caseworker made one loses the right (and does not get it back by a later role change).
        else if (rest.role === "external") await setCprAccess(db, actor, params.id, false);
        return userDetails(db, params.id);
      },
    }),
    route({
      method: "post",
      path: "/api/admin/users/:id/tokens",
      tag: "admin",
      summary: "Issue an API token for a user; the token is in this answer only",
      auth: "admin",
      params: IdParams,
      body: NewToken,
      responses: {
        201: { description: "The token, shown once", schema: IssuedToken },
        ...refused,
        ...notFound,
        409: { description: "The user is deactivated" },
      },
      async handle({ actor, params, body, res }) {
        res.setHeader("Cache-Control", "no-store");
        return issueToken(db, actor, params.id, body.label);
      },
    }),
    route({
      method: "get",
      path: "/api/admin/users/:id/tokens",
      tag: "admin",
      summary: "A user's API tokens (labels and dates, never the tokens)",
      auth: "admin",
      params: IdParams,
      responses: { 200: { description: "Tokens", schema: ApiTokens }, ...refused, ...notFound },
      handle: async ({ params }) => ({ items: await listTokens(db, params.id) }),
    }),
    route({
      method: "delete",
      path: "/api/admin/users/:id/tokens/:tokenId",
      tag: "admin",
      summary: "Revoke an API token; it is refused from the next request",
      auth: "admin",
      params: TokenParams,
      responses: { 204: { description: "Revoked" }, ...refused, ...notFound },
      handle: ({ actor, params }) => revokeToken(db, actor, params.id, params.tokenId),
    }),
    route({
      method: "get",
      path: "/api/admin/groups",
      tag: "admin",
      summary: "Groups with their members",
      auth: "admin",
      responses: { 200: { description: "Groups", schema: Groups }, ...refused },
      handle: async () => ({ items: await listGroups(db) }),
    }),
    route({
      method: "post",
      path: "/api/admin/groups",
      tag: "admin",
      summary: "Create a group",
      auth: "admin",
      body: NewGroup,
      responses: { 201: { description: "The new group", schema: Group }, ...refused, ...conflict, ...unknownRef },
      async handle({ actor, body }) {
        const group = await db.transaction().execute((trx) => createGroup(trx, actor, body.name, body.memberIds));
        return groupView(db, group.id);
      },
    }),
    route({
      method: "patch",
      path: "/api/admin/groups/:id",
      tag: "admin",
      summary: "Rename a group",
      auth: "admin",
      params: IdParams,
      body: GroupPatch,
      responses: { 200: { description: "The group", schema: Group }, ...refused, ...notFound, ...conflict },
      handle: ({ actor, params, body }) => renameGroup(db, actor, params.id, body.name),
    }),
    route({
      method: "put",
      path: "/api/admin/groups/:id/members",
      tag: "admin",
      summary: "Replace a group's members",
      auth: "admin",
      params: IdParams,
      body: GroupMembers,
      responses: { 200: { description: "The group", schema: Group }, ...refused, ...notFound, ...unknownRef },
      handle: ({ actor, params, body }) => setGroupMembers(db, actor, params.id, body.userIds),
    }),
  ];
}
