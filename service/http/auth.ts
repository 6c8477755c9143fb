import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { AppContext } from "../context.ts";
import { accessGroupsOf } from "../features/access/access.ts";
import type { Actor } from "../features/access/actor.ts";
import { recordAudit } from "../features/audit/audit.service.ts";
import { findTokenUser, touchToken } from "../features/users/tokens.ts";
import { Problem } from "./problem.ts";

/**
 * What an authenticator makes of a bearer credential: whose it is; a refusal, when the credential is of its
 * kind but not acceptable (the problem tells the client why, `details` go to the audit log); or null when
 * it is not of its kind, so the next authenticator may try.
 */
export type Authentication =
  | { userId: string; newSession: boolean }
  | { refused: Problem; details?: Record<string, unknown> }
  | null;

/**
 * Turns a bearer credential into a user id. API tokens are one kind; Microsoft Entra ID and Google ID
 * tokens plug in as further authenticators without touching routes.
 */
export interface Authenticator {
  name: string;
  authenticate(token: string, ctx: AppContext): Promise<Authentication>;
}

// A credential unused for this long starts a new session, recorded as a login.
const SESSION_GAP_MS = 30 * 60 * 1000;

/** Whether a use of a credential last used at `lastUsedAt` (ISO time, null: never) starts a new session. */
export function startsNewSession(lastUsedAt: string | null, now: Date): boolean {
  return !lastUsedAt || now.getTime() - Date.parse(lastUsedAt) > SESSION_GAP_MS;
}

export const apiTokenAuthenticator: Authenticator = {
  name: "api-token",
  async authenticate(token, ctx) {
    const use = await findTokenUser(ctx.db, token);
    if (!use) return null;
    const now = new Date();
    const newSession = startsNewSession(use.lastUsedAt, now);
    if (newSession || now.getTime() - Date.parse(use.lastUsedAt!) > 60_000) await touchToken(ctx.db, use.tokenId, now.toISOString());
    return { userId: use.userId, newSession };
  },
};

export async function loadActor(ctx: AppContext, userId: string): Promise<Actor | null> {
  const user = await ctx.db.selectFrom("users").selectAll().where("id", "=", userId).where("active", "=", 1).executeTakeFirst();
  if (!user) return null;
  return { userId: user.id, name: user.name, email: user.email, role: user.role, accessGroupIds: await accessGroupsOf(ctx.db, user.id) };
}

/** Sets `res.locals.actor` when the request carries a valid credential; refuses a bad one with 401. */
export function authenticate(ctx: AppContext, authenticators: Authenticator[]): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    if (!header) return next();
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    let refusal: { problem: Problem; details: Record<string, unknown> } | null = null;
    if (match) {
      for (const a of authenticators) {
        const found = await a.authenticate(match[1], ctx);
        if (!found) continue;
        if ("refused" in found) {
          refusal = { problem: found.refused, details: { via: a.name, ...found.details } };
          break;
        }
        const actor = await loadActor(ctx, found.userId);
        if (!actor) break;
        res.locals.actor = actor;
        if (found.newSession) {
          await recordAudit(ctx.db, { actor, action: "auth.login", objectType: "user", objectId: actor.userId, details: { via: a.name } });
        }
        return next();
      }
    }
    await recordAudit(ctx.db, {
      actor: null,
      action: "auth.refused",
      objectType: "user",
      objectId: null,
      details: { ip: req.ip ?? null, path: req.path, ...refusal?.details },
    });
    res.setHeader("WWW-Authenticate", 'Bearer realm="ims-case", error="invalid_token"');
    next(refusal?.problem ?? new Problem(401, "invalid_token", "The API token is not valid: it is unknown, revoked, or its user is deactivated."));
  };
}
