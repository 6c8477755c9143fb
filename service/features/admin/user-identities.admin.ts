import { randomUUID } from "node:crypto";
import type { AppContext } from "../../context.ts";
import type { Executor } from "../../db/database.ts";
import { Problem } from "../../http/problem.ts";
import { Reply, route } from "../../http/route.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { requireUser } from "../users/users.service.ts";
import { IdentityParams, NewUserIdentity, UserIdentities, UserIdentity } from "../../../shared/api/schemas/admin.ts";
import { IdParams } from "../../../shared/api/schemas/common.ts";
import { notFound, refused } from "./responses.ts";

// The accounts at identity providers that sign in as a user, for administrators: listed, unlinked, and — for
// Microsoft Entra ID, whose e-mail claim IMS Case never trusts — linked by the tenant id and the user's object id
// as the Entra admin center shows them, so people need not link their account themselves.

type IdentityRow = { id: string; issuer: string; subject: string; email: string | null; created_at: string; last_used_at: string | null };

function providerOf(ctx: AppContext, issuer: string): UserIdentity["provider"] {
  const entra = ctx.config.sso.microsoft?.authority;
  if ((entra && issuer.startsWith(`${entra}/`)) || issuer.startsWith("https://login.microsoftonline.com/")) return "microsoft";
  if (issuer === "https://accounts.google.com" || issuer.includes("google")) return "google";
  return "other";
}

const view = (ctx: AppContext, r: IdentityRow): UserIdentity => ({
  id: r.id,
  provider: providerOf(ctx, r.issuer),
  issuer: r.issuer,
  subject: r.subject,
  email: r.email,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});

const identitiesOf = (db: Executor, userId: string) =>
  db
    .selectFrom("user_identities")
    .select(["id", "issuer", "subject", "email", "created_at", "last_used_at"])
    .where("user_id", "=", userId)
    .orderBy("created_at")
    .limit(200)
    .execute();

async function linkEntraAccount(ctx: AppContext, actor: Actor, userId: string, tenantId: string, objectId: string): Promise<UserIdentity> {
  const entra = ctx.config.sso.microsoft;
  if (!entra) throw new Problem(404, "not_found", "Microsoft sign-in is not configured on this service (ENTRA_CLIENT_ID).");
  if (!entra.tenants.some((t) => t.id === tenantId)) {
    throw new Problem(422, "tenant_not_allowed", `The tenant ${tenantId} is not one of ENTRA_TENANTS; accounts of other tenants cannot sign in.`);
  }
  return ctx.db.transaction().execute(async (trx) => {
    await requireUser(trx, userId);
    const issuer = `${entra.authority}/${tenantId}/v2.0`;
    const taken = await trx.selectFrom("user_identities").select("user_id").where("issuer", "=", issuer).where("subject", "=", objectId).executeTakeFirst();
    if (taken) throw new Problem(409, "identity_known", `The Microsoft account ${objectId} of tenant ${tenantId} is linked to a user already.`);
    const row = { id: randomUUID(), user_id: userId, issuer, subject: objectId, email: null, created_at: new Date().toISOString(), last_used_at: null };
    await trx.insertInto("user_identities").values(row).execute();
    const details = { identityId: row.id, issuer, subject: objectId, by: "admin" };
    await recordAudit(trx, { actor, action: "auth.identity.link", objectType: "user", objectId: userId, details });
    return view(ctx, row);
  });
}

async function unlinkAccount(ctx: AppContext, actor: Actor, userId: string, identityId: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("user_identities").selectAll().where("id", "=", identityId).where("user_id", "=", userId).executeTakeFirst();
    if (!row) throw new Problem(404, "not_found", "The user has no such linked account.");
    await trx.deleteFrom("user_identities").where("id", "=", identityId).execute();
    // Web sessions opened with the account end with it.
    await trx
      .updateTable("web_sessions")
      .set({ revoked_at: new Date().toISOString() })
      .where("identity_id", "=", identityId)
      .where("revoked_at", "is", null)
      .execute();
    const details = { identityId, issuer: row.issuer, subject: row.subject, email: row.email, by: "admin" };
    await recordAudit(trx, { actor, action: "auth.identity.unlink", objectType: "user", objectId: userId, details });
  });
}

export function userIdentityRoutes(ctx: AppContext) {
  return [
    route({
      method: "get",
      path: "/api/admin/users/:id/identities",
      tag: "admin",
      summary: "The accounts at identity providers (Microsoft, Google) that sign in as the user",
      auth: "admin",
      params: IdParams,
      responses: { 200: { description: "Linked accounts", schema: UserIdentities }, ...refused, ...notFound },
      async handle({ params }) {
        await requireUser(ctx.db, params.id);
        return { items: (await identitiesOf(ctx.db, params.id)).map((r) => view(ctx, r)) };
      },
    }),
    route({
      method: "post",
      path: "/api/admin/users/:id/identities",
      tag: "admin",
      summary: "Link a Microsoft Entra account (tenant id and object id) to the user, so it signs in as them",
      auth: "admin",
      params: IdParams,
      body: NewUserIdentity,
      responses: {
        201: { description: "Linked", schema: UserIdentity },
        ...refused,
        404: { description: "No such user, or Microsoft sign-in is not configured" },
        409: { description: "The account is linked to a user already (`identity_known`)" },
        422: { description: "The tenant is not one of ENTRA_TENANTS (`tenant_not_allowed`)" },
      },
      handle: async ({ actor, params, body }) => new Reply(201, await linkEntraAccount(ctx, actor, params.id, body.tenantId, body.objectId)),
    }),
    route({
      method: "delete",
      path: "/api/admin/users/:id/identities/:identityId",
      tag: "admin",
      summary: "Unlink an account from the user: it no longer signs in as them, and sessions opened with it end",
      auth: "admin",
      params: IdentityParams,
      responses: { 204: { description: "Unlinked" }, ...refused, ...notFound },
      handle: ({ actor, params }) => unlinkAccount(ctx, actor, params.id, params.identityId),
    }),
  ];
}
