import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { SignedIn } from "../../../shared/api/types.ts";
import type { AppContext } from "../../context.ts";
import type { Executor } from "../../db/database.ts";
import { notFound, Problem, unprocessable } from "../../http/problem.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { findUserByEmail, requireUser, type UserRow } from "../users/users.service.ts";
import { hashPassword, needsRehash, passwordProblem, verifyAgainstNothing, verifyPassword, type PasswordProblem } from "./passwords.ts";
import { revokeDevicesOf } from "./device-sign-in.ts";
import { openSession, revokeSession, revokeSessionsOf, type OpenedSession } from "./web-sessions.ts";

// People signing in with an e-mail address and a password; invitations an administrator sends; temporary
// passwords that must be changed. Every sign-in, refusal, sign-out and password change is audited.

export interface Client {
  userAgent?: string;
  ip?: string;
}

const REFUSED_PASSWORD: Record<PasswordProblem, () => Problem> = {
  too_short: () => unprocessable("password_too_short", "The password must be at least 12 characters long."),
  too_long: () => unprocessable("password_too_long", "The password may be at most 256 characters long."),
  too_common: () => unprocessable("password_too_common", "The password is one of the most commonly used; choose another."),
  same_as_email: () => unprocessable("password_same_as_email", "The password must not be your e-mail address."),
};

function requireGoodPassword(password: string, email: string): void {
  const problem = passwordProblem(password, email);
  if (problem) throw REFUSED_PASSWORD[problem]();
}

/** Who an audit event of a sign-in names: the person, before any access group matters. */
const signedInActor = (user: UserRow): Actor => ({ userId: user.id, name: user.name, email: user.email, role: user.role, accessGroupIds: [] });

const refusedSignIn = () => new Problem(401, "invalid_credentials", "The e-mail address or the password is wrong.");

async function setPassword(db: Executor, userId: string, password: string, mustChange: boolean): Promise<void> {
  const row = { user_id: userId, hash: await hashPassword(password), must_change: mustChange ? 1 : 0, set_at: new Date().toISOString() };
  await db
    .insertInto("user_passwords")
    .values(row)
    .onConflict((oc) => oc.column("user_id").doUpdateSet({ hash: row.hash, must_change: row.must_change, set_at: row.set_at }))
    .execute();
}

/** Whether the user must change a temporary password before doing anything else. */
export async function mustChangePassword(db: Executor, userId: string): Promise<boolean> {
  const row = await db.selectFrom("user_passwords").select("must_change").where("user_id", "=", userId).executeTakeFirst();
  return row?.must_change === 1;
}

/**
 * Signs a person in with their e-mail address and password and opens a session. A wrong address and a wrong
 * password are refused alike, in the same time (an unknown address is checked against a dummy hash).
 */
export async function signInWithPassword(
  ctx: AppContext,
  email: string,
  password: string,
  client: Client,
): Promise<{ signedIn: SignedIn; session: OpenedSession }> {
  const user = await findUserByEmail(ctx.db, email.trim());
  const stored = user?.active === 1 ? await ctx.db.selectFrom("user_passwords").selectAll().where("user_id", "=", user.id).executeTakeFirst() : undefined;
  const ok = stored ? await verifyPassword(stored.hash, password) : await verifyAgainstNothing(password);
  if (!user || !stored || !ok) {
    const reason = !user ? "unknown_user" : user.active !== 1 ? "inactive_user" : !stored ? "no_password" : "wrong_password";
    await recordAudit(ctx.db, {
      actor: null,
      action: "auth.refused",
      objectType: "user",
      objectId: user?.id ?? null,
      details: { via: "password", reason, ip: client.ip },
    });
    throw refusedSignIn();
  }
  if (needsRehash(stored.hash)) await setPassword(ctx.db, user.id, password, stored.must_change === 1);
  const session = await openSession(ctx.db, user.id, "password", client, ctx.config.sessions);
  await recordAudit(ctx.db, {
    actor: signedInActor(user),
    action: "auth.login",
    objectType: "user",
    objectId: user.id,
    details: { via: "password", sessionId: session.id },
  });
  return { session, signedIn: { userId: user.id, name: user.name, mustChangePassword: stored.must_change === 1, expiresAt: session.expiresAt } };
}

export async function signOut(ctx: AppContext, actor: Actor, sessionId: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await revokeSession(trx, sessionId);
    await recordAudit(trx, { actor, action: "auth.logout", objectType: "user", objectId: actor.userId, details: { sessionId } });
  });
}

/** Changes one's own password (the current one proves it is you); every other session of the user ends, and every add-in's sign-in. */
export async function changePassword(ctx: AppContext, actor: Actor, sessionId: string | undefined, current: string, next: string): Promise<void> {
  const stored = await ctx.db.selectFrom("user_passwords").selectAll().where("user_id", "=", actor.userId).executeTakeFirst();
  if (!stored || !(await verifyPassword(stored.hash, current))) throw new Problem(403, "wrong_password", "The current password is wrong.");
  requireGoodPassword(next, actor.email);
  await ctx.db.transaction().execute(async (trx) => {
    await setPassword(trx, actor.userId, next, false);
    const ended = await revokeSessionsOf(trx, actor.userId, sessionId);
    const devicesEnded = await revokeDevicesOf(trx, actor.userId);
    await recordAudit(trx, {
      actor,
      action: "user.password.change",
      objectType: "user",
      objectId: actor.userId,
      details: { sessionsEnded: ended, devicesEnded },
    });
  });
}

/** An administrator sets a temporary password: the user must change it at the next sign-in; their sessions and add-ins' sign-ins end now. */
export async function setTemporaryPassword(ctx: AppContext, actor: Actor, userId: string, password: string): Promise<void> {
  const user = await requireUser(ctx.db, userId);
  requireGoodPassword(password, user.email);
  await ctx.db.transaction().execute(async (trx) => {
    await setPassword(trx, userId, password, true);
    const ended = await revokeSessionsOf(trx, userId);
    const devicesEnded = await revokeDevicesOf(trx, userId);
    await recordAudit(trx, {
      actor,
      action: "user.password.set",
      objectType: "user",
      objectId: userId,
      details: { temporary: true, sessionsEnded: ended, devicesEnded },
    });
  });
}

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** An administrator invites a user: a one-time link to choose a password, valid for IMS_INVITE_DAYS. Earlier links of the user stop working. */
export async function inviteUser(ctx: AppContext, actor: Actor, userId: string): Promise<{ url: string; expiresAt: string }> {
  const user = await requireUser(ctx.db, userId);
  if (user.active !== 1) throw new Problem(409, "user_inactive", `${user.name} is deactivated; activate the user before inviting them.`);
  const token = randomBytes(32).toString("base64url");
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ctx.config.inviteMs).toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable("user_invites").set({ used_at: now.toISOString() }).where("user_id", "=", userId).where("used_at", "is", null).execute();
    const id = randomUUID();
    await trx
      .insertInto("user_invites")
      .values({
        id,
        user_id: userId,
        token_hash: hashToken(token),
        created_by: actor.userId,
        created_at: now.toISOString(),
        expires_at: expiresAt,
        used_at: null,
      })
      .execute();
    await recordAudit(trx, { actor, action: "user.invite", objectType: "user", objectId: userId, details: { inviteId: id, expiresAt } });
  });
  // The token goes after "#", so it never reaches a server log or a Referer header.
  return { url: `${ctx.config.publicUrl.replace(/\/$/, "")}/invitation#${token}`, expiresAt };
}

/** Accepts an invitation: the password chosen is set, the link is used up, and the person is signed in. */
export async function acceptInvitation(
  ctx: AppContext,
  token: string,
  password: string,
  client: Client,
): Promise<{ signedIn: SignedIn; session: OpenedSession }> {
  const invite = await ctx.db.selectFrom("user_invites").selectAll().where("token_hash", "=", hashToken(token)).executeTakeFirst();
  if (!invite || invite.used_at || Date.parse(invite.expires_at) <= Date.now()) {
    throw new Problem(410, "invitation_expired", "The invitation link has expired or has been used; ask an administrator for a new one.");
  }
  const user = await requireUser(ctx.db, invite.user_id).catch(() => {
    throw notFound("The invitation");
  });
  requireGoodPassword(password, user.email);
  return ctx.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable("user_invites")
      .set({ used_at: new Date().toISOString() })
      .where("id", "=", invite.id)
      .where("used_at", "is", null)
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) throw new Problem(410, "invitation_expired", "The invitation link has been used; ask an administrator for a new one.");
    await setPassword(trx, user.id, password, false);
    const session = await openSession(trx, user.id, "invite", client, ctx.config.sessions);
    const actor = signedInActor(user);
    await recordAudit(trx, { actor, action: "auth.login", objectType: "user", objectId: user.id, details: { via: "invite", sessionId: session.id } });
    return { session, signedIn: { userId: user.id, name: user.name, mustChangePassword: false, expiresAt: session.expiresAt } };
  });
}

/** Gives a demo user a password the way they get a token: the one chosen in the environment, else one generated (returned, to print once). */
export async function ensureDemoPassword(db: Executor, userId: string, configured: string | undefined): Promise<string | null> {
  const existing = await db.selectFrom("user_passwords").select("user_id").where("user_id", "=", userId).executeTakeFirst();
  if (existing && !configured) return null;
  const password = configured ?? randomBytes(12).toString("base64url");
  await setPassword(db, userId, password, false);
  return configured ? null : password;
}
