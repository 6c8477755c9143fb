import type { IncomingHttpHeaders } from "node:http";
import type { AppContext } from "../../context.ts";
import type { Problem } from "../../http/problem.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { loadActor } from "./load-actor.ts";

/** What an authenticator may look at: the request's headers (cookies among them), its bearer token if it has one, and the client address. */
export interface CredentialRequest {
  headers: IncomingHttpHeaders;
  /** The token of an `Authorization: Bearer …` header; undefined when there is none. */
  bearer: string | undefined;
  ip: string;
}

/**
 * What an authenticator makes of a request: whose credential it carries and whether its use starts a new
 * session; a refusal, when the credential is of its kind but not acceptable (the problem tells the client
 * why, `details` go to the audit log); or null when it carries no credential of its kind, so the next
 * authenticator may try.
 */
export type Authentication = { userId: string; newSession: boolean; sessionId?: string } | { refused: Problem; details?: Record<string, unknown> } | null;

/**
 * Turns a request's credential into a user id. API tokens are one kind; Google ID tokens another; Microsoft
 * Entra ID tokens and session cookies plug in as further authenticators without touching routes.
 */
export interface Authenticator {
  name: string;
  authenticate(request: CredentialRequest, ctx: AppContext): Promise<Authentication>;
}

/** Who a request is from (`actor`), or why its credential was refused (`refused`; `details` name the authenticator and its reason). */
/** `via` names the authenticator; `sessionId` the web session, when a session cookie identified the request. */
export type Identification = { actor: Actor; via: string; sessionId?: string } | { refused: Problem | undefined; details: Record<string, unknown> };

/**
 * Asks the authenticators in turn who the request is from. The first that recognises the credential
 * decides; a user who is deactivated by now is refused. A use that starts a session is audited as a login.
 */
export async function identify(ctx: AppContext, authenticators: readonly Authenticator[], request: CredentialRequest): Promise<Identification> {
  for (const a of authenticators) {
    const found = await a.authenticate(request, ctx);
    if (!found) continue;
    if ("refused" in found) return { refused: found.refused, details: { via: a.name, ...found.details } };
    const actor = await loadActor(ctx.db, found.userId);
    if (!actor) break;
    if (found.newSession) {
      const login = { actor, action: "auth.login", objectType: "user", objectId: actor.userId, details: { via: a.name } };
      await recordAudit(ctx.db, login);
    }
    return { actor, via: a.name, ...(found.sessionId ? { sessionId: found.sessionId } : {}) };
  }
  return { refused: undefined, details: {} };
}
