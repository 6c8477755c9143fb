import { sql } from "kysely";
import type { Executor } from "../../db/database.ts";

// A credential unused for this long starts a new session, recorded as a login.
const SESSION_GAP_MS = 30 * 60 * 1000;
// Uses closer together than this are one use as far as the session table knows: most requests only read it.
const USE_RESOLUTION_MS = 60 * 1000;

/**
 * Records that `userId` used a credential of kind `credential` at `now`; true when this use starts a new
 * session (the first use, or the first after a gap). One statement decides it, so when several requests or
 * service processes race, exactly one of them starts the session.
 */
export async function recordCredentialUse(db: Executor, userId: string, credential: string, now = new Date()): Promise<boolean> {
  const current = await db
    .selectFrom("auth_sessions")
    .select("last_used_at")
    .where("user_id", "=", userId)
    .where("credential", "=", credential)
    .executeTakeFirst();
  if (current && now.getTime() - Date.parse(current.last_used_at) < USE_RESOLUTION_MS) return false;

  const at = now.toISOString();
  const sessionOver = new Date(now.getTime() - SESSION_GAP_MS).toISOString();
  const resolution = new Date(now.getTime() - USE_RESOLUTION_MS).toISOString();
  const recorded = await db
    .insertInto("auth_sessions")
    .values({ user_id: userId, credential, started_at: at, last_used_at: at })
    .onConflict((oc) =>
      oc
        .columns(["user_id", "credential"])
        .doUpdateSet({
          last_used_at: at,
          started_at: sql<string>`case when auth_sessions.last_used_at < ${sessionOver} then ${at} else auth_sessions.started_at end`,
        })
        // Another request recorded a use meanwhile: this one changes nothing and starts nothing.
        .where("auth_sessions.last_used_at", "<=", resolution),
    )
    .returning("started_at")
    .executeTakeFirst();
  return recorded?.started_at === at;
}
