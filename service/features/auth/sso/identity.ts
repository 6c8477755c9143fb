import { randomUUID } from "node:crypto";
import type { AppContext } from "../../../context.ts";
import type { Executor } from "../../../db/database.ts";
import { Problem } from "../../../http/problem.ts";
import type { Actor } from "../../access/actor.ts";
import { recordAudit } from "../../audit/audit.service.ts";
import { createUser, findUserByEmail } from "../../users/users.service.ts";
import type { ExternalAccount } from "./account.ts";

// Who a verified account at an identity provider is. An account is its issuer and subject, never its address:
//   1. linked (user_identities) → its user, if active;
//   2. Google, a verified address of an allowed Workspace domain (GOOGLE_HOSTED_DOMAINS) → the active user with that
//      address, linked from now on — unless that user has another account of the issuer already (a reused address);
//      Google vouches for the addresses of a Workspace domain. Entra's e-mail claim is not verified, so Microsoft
//      accounts are never matched by address ("nOAuth");
//   3. a tenant or domain with a role for new users (`<tenant>:caseworker`) → a new user with that role, linked;
//   4. else refused (403 unknown_identity), with what to do.
// Accounts of tenants or domains that are not configured are refused first. Each sign-in then sets the person's
// memberships of the groups IMS_SSO_GROUPS maps the token's groups to. Everything is audited.

const TOUCH_MS = 60 * 1000;

export type SignInOutcome = { userId: string; identityId: string; created: boolean } | { refused: Problem; details: Record<string, unknown> };

const refused = (reason: string, detail: string): { refused: Problem; details: Record<string, unknown> } => ({
  refused: new Problem(403, "unknown_identity", detail),
  details: { reason },
});
const providerName = (a: ExternalAccount) => (a.provider === "microsoft" ? "Microsoft" : "Google");
const label = (a: ExternalAccount) => a.email ?? a.subject;

/** The realm's rule (its role for new users), or a refusal when the account's tenant or domain may not sign in. */
function realmRule(
  ctx: AppContext,
  a: ExternalAccount,
): { createRole: "caseworker" | "external" | null } | { refused: Problem; details: Record<string, unknown> } {
  if (a.provider === "microsoft") {
    const tenant = ctx.config.sso.microsoft?.tenants.find((t) => t.id === a.realm);
    if (!tenant) return refused("tenant_not_allowed", `The Microsoft account ${label(a)} belongs to a tenant this IMS Case does not accept.`);
    return { createRole: tenant.createRole };
  }
  const domains = ctx.config.sso.googleRealms.domains;
  if (!domains.length) return { createRole: null };
  const domain = domains.find((d) => d.id === a.realm);
  if (!domain) {
    return refused(
      "wrong_hosted_domain",
      `The Google account ${label(a)} does not belong to the Google Workspace domain${domains.length > 1 ? "s" : ""} ${domains.map((d) => d.id).join(", ")}.`,
    );
  }
  return { createRole: domain.createRole };
}

async function insertIdentity(db: Executor, userId: string, a: ExternalAccount, now: string): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto("user_identities")
    .values({ id, user_id: userId, issuer: a.issuer, subject: a.subject, email: a.email, created_at: now, last_used_at: now })
    .execute();
  return id;
}

/** Sets the user's directory-conferred memberships (via_sso) of the mapped groups to what the token's groups confer. */
async function syncGroups(ctx: AppContext, db: Executor, userId: string, a: ExternalAccount): Promise<void> {
  if (a.groups === null) return;
  const mappings = ctx.config.sso.groups.filter((m) => m.provider === a.provider);
  if (!mappings.length) return;
  const names = [...new Set(mappings.map((m) => m.group))];
  const groups = await db.selectFrom("groups").select(["id", "name"]).where("name", "in", names).execute();
  for (const missing of names.filter((n) => !groups.some((g) => g.name === n))) {
    ctx.log.warn({ group: missing }, "IMS_SSO_GROUPS names a group that does not exist; the mapping is skipped");
  }
  const mine = new Set(a.groups);
  const conferred = new Set(mappings.filter((m) => mine.has(m.external)).flatMap((m) => groups.filter((g) => g.name === m.group).map((g) => g.id)));
  const mapped = groups.map((g) => g.id);
  const rows = await db.selectFrom("group_members").select(["group_id", "via_sso"]).where("user_id", "=", userId).where("group_id", "in", mapped).execute();
  const added = [...conferred].filter((id) => !rows.some((r) => r.group_id === id));
  const removed = rows.filter((r) => r.via_sso === 1 && !conferred.has(r.group_id)).map((r) => r.group_id);
  if (added.length) {
    await db
      .insertInto("group_members")
      .values(added.map((group_id) => ({ group_id, user_id: userId, via_sso: 1 })))
      .execute();
  }
  if (removed.length) await db.deleteFrom("group_members").where("user_id", "=", userId).where("group_id", "in", removed).execute();
  for (const [ids, change] of [
    [added, "added"],
    [removed, "removed"],
  ] as const) {
    for (const id of ids) {
      await recordAudit(db, {
        actor: null,
        action: "group.members",
        objectType: "group",
        objectId: id,
        details: { [change]: [userId], via: a.provider, directory: true },
      });
    }
  }
}

/** Who `account` signs in as, linking or creating by the rules above; its groups applied. */
export async function signInAccount(ctx: AppContext, account: ExternalAccount): Promise<SignInOutcome> {
  const rule = realmRule(ctx, account);
  if ("refused" in rule) return rule;
  return ctx.db.transaction().execute(async (trx): Promise<SignInOutcome> => {
    const now = new Date();
    const at = now.toISOString();
    const linked = await trx
      .selectFrom("user_identities")
      .innerJoin("users", "users.id", "user_identities.user_id")
      .select(["user_identities.id", "user_identities.user_id", "user_identities.last_used_at", "users.active"])
      .where("user_identities.issuer", "=", account.issuer)
      .where("user_identities.subject", "=", account.subject)
      .executeTakeFirst();
    let outcome: { userId: string; identityId: string; created: boolean };
    if (linked) {
      if (linked.active !== 1) {
        return refused(
          "inactive_user",
          `The IMS Case user the ${providerName(account)} account ${label(account)} is linked to is deactivated; ask an administrator.`,
        );
      }
      if (!linked.last_used_at || now.getTime() - Date.parse(linked.last_used_at) >= TOUCH_MS) {
        await trx.updateTable("user_identities").set({ last_used_at: at }).where("id", "=", linked.id).execute();
      }
      outcome = { userId: linked.user_id, identityId: linked.id, created: false };
    } else {
      const byAddress =
        account.provider === "google" && account.emailVerified && account.realm && account.email ? await findUserByEmail(trx, account.email) : undefined;
      if (byAddress) {
        if (byAddress.active !== 1)
          return refused("inactive_user", `The IMS Case user with the address ${account.email} is deactivated; ask an administrator.`);
        const other = await trx
          .selectFrom("user_identities")
          .select("id")
          .where("user_id", "=", byAddress.id)
          .where("issuer", "=", account.issuer)
          .executeTakeFirst();
        if (other) {
          return refused(
            "address_reused",
            `The IMS Case user with the address ${account.email} signs in with another ${providerName(account)} account; ask an administrator.`,
          );
        }
        const identityId = await insertIdentity(trx, byAddress.id, account, at);
        const details = { identityId, issuer: account.issuer, subject: account.subject, email: account.email, via: "sign-in" };
        await recordAudit(trx, { actor: null, action: "auth.identity.link", objectType: "user", objectId: byAddress.id, details });
        outcome = { userId: byAddress.id, identityId, created: false };
      } else if (rule.createRole && account.email) {
        if (await findUserByEmail(trx, account.email)) {
          return refused(
            "address_taken",
            `An IMS Case user has the address ${account.email} already; ask an administrator to link your ${providerName(account)} account.`,
          );
        }
        const user = await createUser(trx, null, { email: account.email, name: account.name?.trim() || account.email, role: rule.createRole });
        const identityId = await insertIdentity(trx, user.id, account, at);
        const details = { identityId, issuer: account.issuer, subject: account.subject, email: account.email, via: "created" };
        await recordAudit(trx, { actor: null, action: "auth.identity.link", objectType: "user", objectId: user.id, details });
        outcome = { userId: user.id, identityId, created: true };
      } else {
        return refused(
          "unknown_identity",
          `The ${providerName(account)} account ${label(account)} is not linked to an IMS Case user. Ask an administrator to add you, or sign in with your password and link the account under Sessions.`,
        );
      }
    }
    await syncGroups(ctx, trx, outcome.userId, account);
    return outcome;
  });
}

/** The signed-in person links `account` to themselves (the web view's link mode); 409 when it is linked to anyone already. */
export async function linkAccount(ctx: AppContext, actor: Actor, account: ExternalAccount): Promise<{ identityId: string }> {
  const rule = realmRule(ctx, account);
  if ("refused" in rule) throw rule.refused;
  return ctx.db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom("user_identities")
      .select("user_id")
      .where("issuer", "=", account.issuer)
      .where("subject", "=", account.subject)
      .executeTakeFirst();
    if (taken) throw new Problem(409, "identity_known", `The ${providerName(account)} account ${label(account)} is linked to an IMS Case user already.`);
    const identityId = await insertIdentity(trx, actor.userId, account, new Date().toISOString());
    const details = { identityId, issuer: account.issuer, subject: account.subject, email: account.email, via: "link" };
    await recordAudit(trx, { actor, action: "auth.identity.link", objectType: "user", objectId: actor.userId, details });
    await syncGroups(ctx, trx, actor.userId, account);
    return { identityId };
  });
}
