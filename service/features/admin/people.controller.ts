import type { AppContext } from "../../context.ts";
import { decodeCursor, toPage } from "../../http/pagination.ts";
import { route } from "../../http/route.ts";
import { createAccessGroup, createGroup, createUser } from "./directory.service.ts";
import {
  AccessGroupMembers,
  AccessGroupPatch,
  AdminAccessGroup,
  AdminAccessGroups,
  ApiTokens,
  Group,
  GroupMembers,
  GroupPatch,
  Groups,
  IssuedToken,
  NewAccessGroup,
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
import {
  accessGroupView,
  groupView,
  issueToken,
  listAccessGroups,
  listGroups,
  listTokens,
  listUsers,
  renameGroup,
  replaceAccessGroupMembers,
  revokeToken,
  setGroupMembers,
  toUserView,
  updateAccessGroup,
  updateUser,
  userDetails,
} from "./people.service.ts";

const refused = { 403: { description: "Not an administrator (`admin_only`)" } };
const notFound = { 404: { description: "Not found" } };
const conflict = { 409: { description: "The name or email is taken" } };
const unknownRef = { 422: { description: "A referenced user or group does not exist" } };

/** Users and their API tokens, groups, and access group membership. Admins only. */
export function peopleRoutes(ctx: AppContext) {
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
      summary: "Change a user's name, role or active flag; a deactivated user is refused from the next request",
      auth: "admin",
      params: IdParams,
      body: UserPatch,
      responses: { 200: { description: "The user", schema: UserDetails }, ...refused, ...notFound, 409: { description: "The last active administrator" } },
      handle: ({ actor, params, body }) => updateUser(db, actor, params.id, body),
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
