import { parse } from "cookie";
import type { Authenticator } from "./authenticator.ts";
import { findLiveSession, SESSION_COOKIE } from "./web-sessions.ts";

/** The session cookie of a request (either name: with or without the __Host- prefix), or undefined. */
export function sessionToken(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  const cookies = parse(cookieHeader);
  return cookies[`__Host-${SESSION_COOKIE}`] ?? cookies[SESSION_COOKIE];
}

/**
 * Signs a browser in by its session cookie. A cookie that names no live session is not a refusal: the
 * browser is simply not signed in (its page asks it to), so the next authenticator, or none, decides.
 * The login was audited when the session was opened.
 */
export const sessionCookieAuthenticator: Authenticator = {
  name: "session",
  async authenticate(request, ctx) {
    if (request.bearer) return null;
    const token = sessionToken(typeof request.headers.cookie === "string" ? request.headers.cookie : undefined);
    if (!token) return null;
    const session = await findLiveSession(ctx.db, token, ctx.config.sessions);
    return session ? { userId: session.userId, newSession: false, sessionId: session.id } : null;
  },
};
