import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type {
  DeviceClient,
  DeviceCode,
  DeviceCredential,
  DeviceSignIn,
  GoogleLinked,
  GoogleLinkPending,
  OfficeClient,
} from "../../../shared/api/schemas/auth.ts";
import type { AppContext } from "../../context.ts";
import type { Executor } from "../../db/database.ts";
import { Problem } from "../../http/problem.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { findUserByEmail } from "../users/users.service.ts";
import type { Authenticator } from "./authenticator.ts";
import { loadActor } from "./load-actor.ts";
import { recordCredentialUse } from "./sessions.ts";

// Add-ins sign in through the web view, so nobody pastes a token.
//
// Office: the task pane opens /forbind/<host>?challenge=… in Office's dialog, with the S256 challenge of a
// verifier only it knows (PKCE, RFC 7636). The person, signed in there, confirms; the page gets a one-time code
// for that challenge and hands it to the pane with Office.context.ui.messageParent; the pane redeems code and
// verifier for a credential of its own. The credential never passes through the web page, and a code that
// ends up anywhere else (a link someone sent, a page opened outside Office) is useless without the verifier.
//
// Gmail: the add-on signs in with the user's Google ID token. When no user answers to the Google account, the
// add-on asks for a link request with its ID token and opens /forbind/gmail?request=…; the person, signed in,
// sees which Google account it is and confirms; from then on that account (issuer + subject) signs in as them.
//
// Both are listed among the person's sessions and end when revoked; only hashes are stored.

/** Minutes a code from the web view waits for the add-in to redeem it. */
const CODE_MS = 2 * 60 * 1000;
/** Minutes a Gmail link request waits for someone to confirm it. */
const LINK_MS = 10 * 60 * 1000;
// Uses closer together than this are one use as far as last_used_at knows.
const TOUCH_MS = 60 * 1000;
const DEVICE_TOKEN = /^imsd_[A-Za-z0-9_-]{43}$/;

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
const secret = () => randomBytes(32).toString("base64url");

const sessionRequired = () =>
  new Problem(403, "session_required", "Signing in an add-in must be confirmed by a person signed in to the web view in the browser, not with a token.");
const codeExpired = () => new Problem(410, "device_code_expired", "The sign-in code has expired or has been used; choose Log ind in the add-in again.");
const linkExpired = () =>
  new Problem(410, "link_request_expired", "The link to connect the Google account has expired or has been used; choose Log ind in Gmail again.");

/** The web view's signed-in person only: an API token or an add-in's credential cannot let further add-ins in. */
function requireWebSession(sessionId: string | undefined): void {
  if (!sessionId) throw sessionRequired();
}

// ---------------------------------------------------------------------------------------------------------
// Office add-ins

/** A one-time code for the Office add-in that asked with `challenge`, to go to it through Office's dialog. */
export async function issueDeviceCode(
  ctx: AppContext,
  actor: Actor,
  sessionId: string | undefined,
  client: OfficeClient,
  challenge: string,
  userAgent: string | undefined,
): Promise<DeviceCode> {
  requireWebSession(sessionId);
  const code = secret();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + CODE_MS).toISOString();
  // The person's codes that were never redeemed and can no longer be go now, so none pile up.
  await ctx.db
    .deleteFrom("device_sign_ins")
    .where("user_id", "=", actor.userId)
    .where("redeemed_at", "is", null)
    .where("code_expires_at", "<", now.toISOString())
    .execute();
  await ctx.db
    .insertInto("device_sign_ins")
    .values({
      id: randomUUID(),
      user_id: actor.userId,
      client,
      code_hash: sha256(code),
      code_challenge: challenge,
      code_expires_at: expiresAt,
      token_hash: null,
      user_agent: userAgent?.slice(0, 300) ?? null,
      created_at: now.toISOString(),
      redeemed_at: null,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  return { code, expiresAt };
}

/** S256: base64url(sha256(verifier)), compared in constant time. */
function verifierMatches(verifier: string, challenge: string): boolean {
  const computed = Buffer.from(createHash("sha256").update(verifier).digest("base64url"));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

/**
 * The add-in redeems its code with the verifier behind the challenge: it gets its credential, once. A wrong
 * verifier uses the code up as well, so a code that went astray cannot be tried against verifiers.
 */
export async function redeemDeviceCode(ctx: AppContext, code: string, verifier: string): Promise<DeviceCredential> {
  const row = await ctx.db.selectFrom("device_sign_ins").selectAll().where("code_hash", "=", sha256(code)).executeTakeFirst();
  const now = new Date();
  if (!row || row.redeemed_at || row.revoked_at || Date.parse(row.code_expires_at) <= now.getTime()) throw codeExpired();
  const spend = async () => {
    await ctx.db.updateTable("device_sign_ins").set({ revoked_at: now.toISOString() }).where("id", "=", row.id).where("redeemed_at", "is", null).execute();
    return codeExpired();
  };
  if (!verifierMatches(verifier, row.code_challenge)) throw await spend();
  const actor = await loadActor(ctx.db, row.user_id);
  if (!actor) throw await spend();
  const token = `imsd_${secret()}`;
  return ctx.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable("device_sign_ins")
      .set({ token_hash: sha256(token), redeemed_at: now.toISOString() })
      .where("id", "=", row.id)
      .where("redeemed_at", "is", null)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) throw codeExpired();
    await recordAudit(trx, {
      actor,
      action: "auth.device.issue",
      objectType: "user",
      objectId: actor.userId,
      details: { deviceId: row.id, client: row.client },
    });
    return { id: row.id, client: row.client as OfficeClient, token, userId: actor.userId, name: actor.name };
  });
}

/** Signs an Office add-in in with the credential it redeemed (`Authorization: Bearer imsd_…`); a revoked one is not recognised (401). */
export const deviceAuthenticator: Authenticator = {
  name: "device",
  async authenticate(request, ctx) {
    if (!request.bearer || !DEVICE_TOKEN.test(request.bearer)) return null;
    const row = await ctx.db
      .selectFrom("device_sign_ins")
      .select(["id", "user_id", "last_used_at"])
      .where("token_hash", "=", sha256(request.bearer))
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (!row) return null;
    const now = new Date();
    if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) >= TOUCH_MS) {
      await ctx.db.updateTable("device_sign_ins").set({ last_used_at: now.toISOString() }).where("id", "=", row.id).execute();
    }
    return { userId: row.user_id, newSession: await recordCredentialUse(ctx.db, row.user_id, "device", now) };
  },
};

// ---------------------------------------------------------------------------------------------------------
// Accounts at identity providers (Google today; Microsoft Entra ID fits the same issuer + subject)

/** An account at an identity provider, as its verified token names it. */
export interface ProviderAccount {
  issuer: string;
  subject: string;
  email: string;
}

/** The user an identity-provider account was linked to, and whether they are active; null when it is linked to nobody. Its use is noted. */
export async function linkedIdentityUser(db: Executor, issuer: string, subject: string): Promise<{ userId: string; active: boolean } | null> {
  const row = await db
    .selectFrom("user_identities")
    .innerJoin("users", "users.id", "user_identities.user_id")
    .select(["user_identities.id", "user_identities.user_id", "user_identities.last_used_at", "users.active"])
    .where("user_identities.issuer", "=", issuer)
    .where("user_identities.subject", "=", subject)
    .executeTakeFirst();
  if (!row) return null;
  const now = new Date();
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) >= TOUCH_MS) {
    await db.updateTable("user_identities").set({ last_used_at: now.toISOString() }).where("id", "=", row.id).execute();
  }
  return { userId: row.user_id, active: row.active === 1 };
}

/** The client an identity provider's accounts sign in from. */
const CLIENT_OF_ISSUER: Record<string, DeviceClient> = { "https://accounts.google.com": "gmail" };

/**
 * An add-on whose account no user answers to asks to be linked: a one-time request, for a person signed in
 * to the web view to confirm. An account that already signs in (linked, or by a user's address) is refused.
 */
export async function startIdentityLink(ctx: AppContext, account: ProviderAccount): Promise<{ path: string; expiresAt: string }> {
  const linked = await ctx.db
    .selectFrom("user_identities")
    .select("id")
    .where("issuer", "=", account.issuer)
    .where("subject", "=", account.subject)
    .executeTakeFirst();
  if (linked || (await findUserByEmail(ctx.db, account.email))) {
    throw new Problem(409, "identity_known", `The account ${account.email} already signs in to IMS Case; it needs no link.`);
  }
  const token = secret();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + LINK_MS).toISOString();
  // Requests live minutes: the expired ones go as each new one comes, so the table stays a handful of rows.
  // and an account has one request at a time: asking again replaces the last.
  await ctx.db
    .deleteFrom("identity_link_requests")
    .where((eb) =>
      eb.or([
        eb("expires_at", "<", now.toISOString()),
        eb.and([eb("issuer", "=", account.issuer), eb("subject", "=", account.subject), eb("used_at", "is", null)]),
      ]),
    )
    .execute();
  await ctx.db
    .insertInto("identity_link_requests")
    .values({ token_hash: sha256(token), ...account, created_at: now.toISOString(), expires_at: expiresAt, used_at: null, used_by: null })
    .execute();
  const client = CLIENT_OF_ISSUER[account.issuer] ?? "gmail";
  return { path: `/forbind/${client}?request=${token}`, expiresAt };
}

async function openLinkRequest(db: Executor, token: string) {
  const row = await db.selectFrom("identity_link_requests").selectAll().where("token_hash", "=", sha256(token)).executeTakeFirst();
  if (!row || row.used_at || Date.parse(row.expires_at) <= Date.now()) throw linkExpired();
  return row;
}

/** Which account a link request would connect, for the person to check before confirming. */
export async function pendingIdentityLink(ctx: AppContext, sessionId: string | undefined, token: string): Promise<GoogleLinkPending> {
  requireWebSession(sessionId);
  const row = await openLinkRequest(ctx.db, token);
  return { account: row.email, expiresAt: row.expires_at };
}

/** The signed-in person confirms: the request's account signs in as them from now on. Once; whoever confirms first. */
export async function confirmIdentityLink(ctx: AppContext, actor: Actor, sessionId: string | undefined, token: string): Promise<GoogleLinked> {
  requireWebSession(sessionId);
  const request = await openLinkRequest(ctx.db, token);
  return ctx.db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const claimed = await trx
      .updateTable("identity_link_requests")
      .set({ used_at: now, used_by: actor.userId })
      .where("token_hash", "=", request.token_hash)
      .where("used_at", "is", null)
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) throw linkExpired();
    const taken = await trx
      .selectFrom("user_identities")
      .select("id")
      .where("issuer", "=", request.issuer)
      .where("subject", "=", request.subject)
      .executeTakeFirst();
    if (taken) throw new Problem(409, "identity_known", `The account ${request.email} already signs in to IMS Case; it needs no link.`);
    const id = randomUUID();
    await trx
      .insertInto("user_identities")
      .values({ id, user_id: actor.userId, issuer: request.issuer, subject: request.subject, email: request.email, created_at: now, last_used_at: null })
      .execute();
    const details = { identityId: id, issuer: request.issuer, subject: request.subject, email: request.email };
    await recordAudit(trx, { actor, action: "auth.identity.link", objectType: "user", objectId: actor.userId, details });
    return { id, account: request.email };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Listing and revoking

/** The add-ins signed in as the user, newest first: Office credentials not revoked, and linked accounts. */
export async function devicesOf(db: Executor, userId: string): Promise<DeviceSignIn[]> {
  const office = await db
    .selectFrom("device_sign_ins")
    .select(["id", "client", "redeemed_at", "last_used_at"])
    .where("user_id", "=", userId)
    .where("redeemed_at", "is not", null)
    .where("revoked_at", "is", null)
    .execute();
  const accounts = await db.selectFrom("user_identities").selectAll().where("user_id", "=", userId).execute();
  const all: DeviceSignIn[] = [
    ...office.map((d) => ({ id: d.id, client: d.client as DeviceClient, account: null, createdAt: d.redeemed_at!, lastUsedAt: d.last_used_at })),
    ...accounts.map((a) => ({
      id: a.id,
      client: CLIENT_OF_ISSUER[a.issuer] ?? "gmail",
      account: a.email,
      createdAt: a.created_at,
      lastUsedAt: a.last_used_at,
    })),
  ];
  return all.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, 200);
}

/** Signs every add-in of the user out (a password change, a temporary password): how many were signed in. */
export async function revokeDevicesOf(db: Executor, userId: string, now = new Date()): Promise<number> {
  const r = await db
    .updateTable("device_sign_ins")
    .set({ revoked_at: now.toISOString() })
    .where("user_id", "=", userId)
    .where("redeemed_at", "is not", null)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Signs one of the user's add-ins out: its credential is refused, or its account unlinked, from the next request on. False when the user has none with that id. */
export async function revokeDevice(ctx: AppContext, actor: Actor, id: string): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const office = await trx
      .updateTable("device_sign_ins")
      .set({ revoked_at: now })
      .where("id", "=", id)
      .where("user_id", "=", actor.userId)
      .where("redeemed_at", "is not", null)
      .where("revoked_at", "is", null)
      .returning("client")
      .executeTakeFirst();
    if (office) {
      await recordAudit(trx, {
        actor,
        action: "auth.device.revoke",
        objectType: "user",
        objectId: actor.userId,
        details: { deviceId: id, client: office.client },
      });
      return true;
    }
    const account = await trx.selectFrom("user_identities").selectAll().where("id", "=", id).where("user_id", "=", actor.userId).executeTakeFirst();
    if (!account) return false;
    await trx.deleteFrom("user_identities").where("id", "=", id).execute();
    const details = { identityId: id, issuer: account.issuer, subject: account.subject, email: account.email };
    await recordAudit(trx, { actor, action: "auth.identity.unlink", objectType: "user", objectId: actor.userId, details });
    return true;
  });
}
