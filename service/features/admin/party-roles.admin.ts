import { IdParams } from "../../../shared/api/schemas/common.ts";
import { NewPartyRole, PartyRole, PartyRolePatch } from "../../../shared/api/schemas/contacts.ts";
import type { AppContext } from "../../context.ts";
import { route } from "../../http/route.ts";
import { createPartyRole, updatePartyRole } from "../contacts/parties.service.ts";
import { notFound, refused } from "./responses.ts";

/** Party roles (ansøger, elev, afsender, …): created and changed, never deleted (a role in use is deactivated). Admins only. */
export function partyRoleRoutes(ctx: AppContext) {
  const { db } = ctx;
  const taken = { 409: { description: "A role with that Danish name exists (`already_exists`)" } };
  return [
    route({
      method: "post",
      path: "/api/admin/party-roles",
      tag: "admin",
      summary: "Create a party role, named in Danish and English, for cases, documents or both",
      auth: "admin",
      body: NewPartyRole,
      responses: { 201: { description: "The new role", schema: PartyRole }, ...refused, ...taken },
      handle: ({ actor, body }) => createPartyRole(db, actor, body),
    }),
    route({
      method: "patch",
      path: "/api/admin/party-roles/:id",
      tag: "admin",
      summary: "Rename a party role, change what it applies to, or deactivate it (parties in it stay; it is no longer offered)",
      auth: "admin",
      params: IdParams,
      body: PartyRolePatch,
      responses: { 200: { description: "The role", schema: PartyRole }, ...refused, ...notFound, ...taken },
      handle: ({ actor, params, body }) => updatePartyRole(db, actor, params.id, body),
    }),
  ];
}
