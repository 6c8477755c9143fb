import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Executor } from "../../db/database.ts";

// Browser sessions: a random token in an httpOnly cookie, of which the database keeps only the sha256. A
// session ends when it is revoked (sign-out, a password change, an administrator), when it has not been
// used for the idle time, or at its absolute end, whichever comes first. Kept in the database, so a restart
// signs nobody out and any service process recognises any session.

export const SESSION_COOKIE = "ims_session";
/** The cookie's name over https: the __Host- prefix makes the browser insist on Secure, Path=/ and no Domain. */
export const cookieName = (secure: boolean) => (secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE);

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
// Uses closer together than this are one use as far as the session's last_seen_at knows.
const SEEN_RESOLUTION_MS = 60 * 1000;

export interface SessionLimits {
  idleMs: number;
  maxMs: number;
}

export interface OpenedSession {
  id: string;
  /** For the cookie only; never stored. */
  token: string;
  expiresAt: string;
}

/** `method`: how the person signed in (password, invite, microsoft, google), with the identity (user_identities) a single sign-on used. */
export async function openSession(
  db: Executor,
  userId: string,
  via: string | { method: string; identityId: string },
  client: { userAgent?: string; ip?: string },
  limits: SessionLimits,
  now = new Date(),
): Promise<OpenedSession> {
  const { method, identityId } = typeof via === "string" ? { method: via, identityId: null } : via;
  const token = randomBytes(32).toString("base64url");
  const at = now.toISOString();
  const session = { id: randomUUID(), token, expiresAt: new Date(now.getTime() + limits.maxMs).toISOString() };
  // The person's sessions that ended (past their end, or revoked) go at each sign-in; the audit log keeps the story.
  await db
    .deleteFrom("web_sessions")
    .where("user_id", "=", userId)
    .where((eb) => eb.or([eb("expires_at", "<", at), eb("revoked_at", "is not", null)]))
    .execute();
  await db
    .insertInto("web_sessions")
    .values({
      id: session.id,
      token_hash: hashToken(token),
      user_id: userId,
      method,
      user_agent: client.userAgent?.slice(0, 300) ?? null,
      ip: client.ip?.slice(0, 64) ?? null,
      created_at: at,
      last_seen_at: at,
      expires_at: session.expiresAt,
      revoked_at: null,
      ...(identityId ? { identity_id: identityId } : {}),
    })
    .execute();
  return session;
}

export interface LiveSession {
  id: string;
  userId: string;
}

/** The session a cookie's token names, when it is neither revoked, idle too long, nor past its end; its use is noted. */
export async function findLiveSession(db: Executor, token: string, limits: SessionLimits, now = new Date()): Promise<LiveSession | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = await db.selectFrom("web_sessions").selectAll().where("token_hash", "=", hashToken(token)).executeTakeFirst();
  if (!row || row.revoked_at) return null;
  const t = now.getTime();
  if (t >= Date.parse(row.expires_at) || t - Date.parse(row.last_seen_at) >= limits.idleMs) return null;
  if (t - Date.parse(row.last_seen_at) >= SEEN_RESOLUTION_MS) {
    await db.updateTable("web_sessions").set({ last_seen_at: now.toISOString() }).where("id", "=", row.id).execute();
  }
  return { id: row.id, userId: row.user_id };
}

export async function revokeSession(db: Executor, id: string, now = new Date()): Promise<boolean> {
  const r = await db.updateTable("web_sessions").set({ revoked_at: now.toISOString() }).where("id", "=", id).where("revoked_at", "is", null).executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Ends one of the user's own sessions; false when the user has no session with that id. */
export async function revokeOwnSession(db: Executor, userId: string, id: string, now = new Date()): Promise<boolean> {
  const own = await db.selectFrom("web_sessions").select("id").where("id", "=", id).where("user_id", "=", userId).executeTakeFirst();
  if (!own) return false;
  await revokeSession(db, own.id, now);
  return true;
}

/** Ends every session of a user (a password change, deactivation), except `keep`. */
export async function revokeSessionsOf(db: Executor, userId: string, keep?: string, now = new Date()): Promise<number> {
  let q = db.updateTable("web_sessions").set({ revoked_at: now.toISOString() }).where("user_id", "=", userId).where("revoked_at", "is", null);
  if (keep) q = q.where("id", "!=", keep);
  return Number((await q.executeTakeFirst()).numUpdatedRows);
}

/** A user's sessions that have not ended, newest first: what "Mine sessioner" lists. */
export async function sessionsOf(db: Executor, userId: string, limits: SessionLimits, now = new Date()) {
  const rows = await db
    .selectFrom("web_sessions")
    .selectAll()
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", now.toISOString())
    .where("last_seen_at", ">", new Date(now.getTime() - limits.idleMs).toISOString())
    .orderBy("created_at", "desc")
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    method: r.method,
    userAgent: r.user_agent,
    ip: r.ip,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
  }));
}
