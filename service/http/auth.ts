import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { AppContext } from "../context.ts";
import { recordAudit, type AuditEntry } from "../features/audit/audit.service.ts";
import { identify, type Authenticator } from "../features/auth/authenticator.ts";
import { sessionToken } from "../features/auth/session-cookie.ts";
import { mustChangePassword } from "../features/auth/sign-in.service.ts";
import { ownOrigins, refuseCrossSite } from "./csrf.ts";
import { Problem } from "./problem.ts";
import { authThrottle, throttleKey, type AuthThrottle } from "./throttle.ts";

/**
 * Sets `res.locals.actor` when the request carries a valid credential; refuses a bad one with 401. An
 * address that made too many failed attempts gets 429 with Retry-After for every credential it presents
 * until its block ends, a correct one too: otherwise the answers during the block would still tell a
 * guess that hits from one that misses. Successful authentications neither count nor reset the count, so
 * a valid token of one's own does not buy more guesses.
 */
const MAY_BEFORE_PASSWORD_CHANGE = /^\/api\/(auth\/|me$)/;

export function authenticate(ctx: AppContext, authenticators: Authenticator[], throttle?: AuthThrottle): RequestHandler {
  const limits = { failuresPerMinute: ctx.config.authFailuresPerMinute, blockSeconds: ctx.config.authBlockSeconds };
  const failures = throttle ?? authThrottle(limits, "api", ctx.rateLimits);
  const refusals = refusalAuditFor(ctx);
  /**
   * A browser's session cookie. One that names no live session (signed out, expired) is no refusal: the
   * request is simply not signed in. A signed-in write must come from the service's own pages (CSRF).
   */
  const sessionOnly = async (req: Request, res: Response, next: NextFunction) => {
    if (!sessionToken(req.headers.cookie)) return next();
    const found = await identify(ctx, authenticators, { headers: req.headers, bearer: undefined, ip: clientAddress(req) });
    if (!("actor" in found)) return next();
    refuseCrossSite(req, ownOrigins(ctx.config.publicUrl, req.headers.host, req.secure));
    // A temporary password is changed before anything else is done with the session.
    if (!MAY_BEFORE_PASSWORD_CHANGE.test(req.originalUrl.split("?")[0]) && (await mustChangePassword(ctx.db, found.actor.userId))) {
      throw new Problem(403, "password_change_required", "Choose a new password first: the one you signed in with was temporary.");
    }
    res.locals.actor = found.actor;
    res.locals.sessionId = found.sessionId;
    return next();
  };
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    if (!header) return sessionOnly(req, res, next);
    const address = clientAddress(req);
    const wait = await failures.waitFor(address);
    if (wait > 0) return next(throttled(refusals, address, req.path, wait));
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const found = await identify(ctx, authenticators, { headers: req.headers, bearer, ip: address });
    if ("actor" in found) {
      res.locals.actor = found.actor;
      // Which authenticator let the request in ("microsoft": an Entra access token, which Graph fetches are exchanged from).
      res.locals.via = found.via;
      return next();
    }
    const overLimit = await failures.failed(address);
    if (overLimit > 0) return next(throttled(refusals, address, req.path, overLimit));
    const blocked = (await failures.waitFor(address)) > 0;
    await refusals.refused(address, req.path, { ...found.details, ...(blocked ? { blocked: true } : {}) });
    res.setHeader("WWW-Authenticate", 'Bearer realm="ims-case", error="invalid_token"');
    next(found.refused ?? new Problem(401, "invalid_token", "The API token is not valid: it is unknown, revoked, or its user is deactivated."));
  };
}

function throttled(refusals: RefusalAudit, address: string, path: string, waitMs: number): Problem {
  refusals.throttled(address, path);
  const seconds = Math.ceil(waitMs / 1000);
  const detail = `Too many failed sign-in attempts came from your address; try again in ${seconds} seconds.`;
  return new Problem(429, "too_many_requests", detail, { retryAfter: seconds }, { "Retry-After": String(seconds) });
}

const audit = (ctx: AppContext, entry: AuditEntry) => recordAudit(ctx.db, entry);

// What a refusal may write is bounded: an address or path longer than this is cut.
const MAX_ADDRESS = 64;
const MAX_PATH = 200;
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);
const clientAddress = (req: Request) => clip(req.ip ?? req.socket.remoteAddress ?? "unknown", MAX_ADDRESS);

interface ThrottledMinute {
  minute: number;
  count: number;
  path: string;
  from: string;
  to: string;
}

/**
 * Writes refused authentications to the audit log without letting anyone outside grow it at will: every
 * refusal the service evaluated is a row of its own (the throttle lets an address make only so many a
 * minute), while attempts refused as throttled are summed into one `auth.refused` row per address per
 * minute, written when the minute is over, or at shutdown (`flushAuthRefusals`).
 */
class RefusalAudit {
  private readonly pending = new Map<string, ThrottledMinute>();
  private readonly writing = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: AppContext) {}

  async refused(address: string, path: string, details: Record<string, unknown>): Promise<void> {
    const entry = { actor: null, action: "auth.refused", objectType: "user", objectId: null, details: { ip: address, path: clip(path, MAX_PATH), ...details } };
    await audit(this.ctx, entry);
  }

  throttled(address: string, path: string): void {
    const key = throttleKey(address);
    const now = new Date();
    const minute = Math.floor(now.getTime() / 60_000);
    const open = this.pending.get(key);
    if (open && open.minute !== minute) void this.write(key, open);
    const current = open && open.minute === minute ? open : { minute, count: 0, path: clip(path, MAX_PATH), from: now.toISOString(), to: now.toISOString() };
    current.count++;
    current.to = now.toISOString();
    this.pending.set(key, current);
    this.timer ??= setTimeout(() => this.closeMinutes(), 60_000 - (now.getTime() % 60_000) + 100).unref();
  }

  /** Writes every minute still being counted (at shutdown: nothing may be lost because the minute was not over). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const open = [...this.pending];
    this.pending.clear();
    await Promise.all([...open.map(([key, minute]) => this.write(key, minute)), ...this.writing]);
  }

  private closeMinutes(): void {
    this.timer = undefined;
    const now = Math.floor(Date.now() / 60_000);
    for (const [key, minute] of this.pending) if (minute.minute < now) void this.write(key, minute);
    if (this.pending.size) this.timer = setTimeout(() => this.closeMinutes(), 60_000).unref();
  }

  private write(key: string, minute: ThrottledMinute): Promise<void> {
    if (this.pending.get(key) === minute) this.pending.delete(key);
    const details = { ip: key, path: minute.path, reason: "throttled", count: minute.count, from: minute.from, to: minute.to };
    const written = audit(this.ctx, { actor: null, action: "auth.refused", objectType: "user", objectId: null, details })
      .catch((err: unknown) => this.ctx.log.error({ err, ip: key, count: minute.count }, "throttled sign-in attempts could not be audited"))
      .finally(() => this.writing.delete(written));
    this.writing.add(written);
    return written;
  }
}

const refusalAudits = new WeakMap<AppContext, RefusalAudit>();

function refusalAuditFor(ctx: AppContext): RefusalAudit {
  let refusals = refusalAudits.get(ctx);
  if (!refusals) refusalAudits.set(ctx, (refusals = new RefusalAudit(ctx)));
  return refusals;
}

/** Writes the throttled attempts still being counted; call it at shutdown, before the database closes. */
export async function flushAuthRefusals(ctx: AppContext): Promise<void> {
  await refusalAudits.get(ctx)?.flush();
}
