import type { Request, Response } from "express";
import type { AppContext } from "../../context.ts";
import { Problem } from "../../http/problem.ts";
import { Reply, route } from "../../http/route.ts";
import { authThrottle, type AuthThrottle } from "../../http/throttle.ts";
import {
  AcceptInvitation,
  DeviceCode,
  DeviceCodeRedemption,
  DeviceCodeRequest,
  DeviceCredential,
  GoogleLinked,
  GoogleLinkPending,
  GoogleLinkRequest,
  GoogleLinkStart,
  GoogleLinkToken,
  Invitation,
  PasswordChange,
  SignedIn,
  SignedOut,
  SignIn,
  TemporaryPassword,
  WebSessions,
} from "../../../shared/api/schemas/auth.ts";
import { IdParams } from "../../../shared/api/schemas/common.ts";
import { acceptInvitation, changePassword, inviteUser, setTemporaryPassword, signInWithPassword, signOut, type Client } from "./sign-in.service.ts";
import { cookieName, revokeOwnSession, sessionsOf, type OpenedSession } from "./web-sessions.ts";
import { confirmIdentityLink, devicesOf, issueDeviceCode, pendingIdentityLink, redeemDeviceCode, revokeDevice, startIdentityLink } from "./device-sign-in.ts";
import { googleIdTokenVerifier } from "./google-id-token.ts";
import { linkedAccountsOf, providerSignOut } from "./sso/web-sign-in.ts";

const client = (req: Request): Client => ({ userAgent: req.get("User-Agent") ?? undefined, ip: req.ip });

/** The session cookie: httpOnly (no script reads it), SameSite=Lax (no cross-site write carries it), Secure over https. */
function setSessionCookie(req: Request, res: Response, session: OpenedSession): void {
  res.cookie(cookieName(req.secure), session.token, { httpOnly: true, sameSite: "lax", secure: req.secure, path: "/", expires: new Date(session.expiresAt) });
  res.setHeader("Cache-Control", "no-store");
}

function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(cookieName(req.secure), { httpOnly: true, sameSite: "lax", secure: req.secure, path: "/" });
}

const signInRefusals = {
  401: { description: "Wrong e-mail address or password (`invalid_credentials`)" },
  429: { description: "Too many failed sign-ins from this address or for this account; Retry-After says when to try again" },
};

/** Signing people in to the web view: password, invitation, sign-out, password change, one's sessions; and the admin's invitations. */
export function signInRoutes(ctx: AppContext) {
  const limits = { failuresPerMinute: ctx.config.authFailuresPerMinute, blockSeconds: ctx.config.authBlockSeconds };
  // Failures count per address and per account, so guessing one person's password from many addresses is slowed too.
  const throttle = authThrottle(limits, "sign-in", ctx.rateLimits);
  const tooMany = (seconds: number) =>
    new Problem(
      429,
      "too_many_requests",
      `Too many failed sign-in attempts; try again in ${Math.ceil(seconds / 1000)} seconds.`,
      { retryAfter: Math.ceil(seconds / 1000) },
      { "Retry-After": String(Math.ceil(seconds / 1000)) },
    );

  return [
    route({
      method: "post",
      path: "/api/auth/sign-in",
      tag: "auth",
      summary: "Sign in with e-mail address and password; the session comes back as an httpOnly cookie",
      auth: "none",
      body: SignIn,
      responses: { 200: { description: "Signed in", schema: SignedIn }, ...signInRefusals },
      async handle({ body, req, res }) {
        const keys = [`ip:${req.ip ?? "unknown"}`, `account:${body.email.trim().toLowerCase()}`];
        for (const key of keys) {
          const wait = await throttle.waitFor(key);
          if (wait > 0) throw tooMany(wait);
        }
        try {
          const { signedIn, session } = await signInWithPassword(ctx, body.email, body.password, client(req));
          setSessionCookie(req, res, session);
          return signedIn;
        } catch (err) {
          if (err instanceof Problem && err.status === 401) for (const key of keys) await throttle.failed(key);
          throw err;
        }
      },
    }),
    route({
      method: "post",
      path: "/api/auth/sign-out",
      tag: "auth",
      summary: "Sign out: the session ends and its cookie is cleared; a session opened with Microsoft also gets where to sign out there",
      responses: {
        200: { description: "Signed out of a session opened with Microsoft: the tenant's sign-out address, to offer", schema: SignedOut },
        204: { description: "Signed out" },
      },
      async handle({ actor, req, res }) {
        const sessionId = res.locals.sessionId as string | undefined;
        if (sessionId) await signOut(ctx, actor, sessionId);
        clearSessionCookie(req, res);
        const provider = sessionId ? await providerSignOut(ctx, sessionId) : null;
        return provider ? { providerSignOut: provider } : undefined;
      },
    }),
    route({
      method: "post",
      path: "/api/auth/password",
      tag: "auth",
      summary: "Change one's own password; every other session ends",
      body: PasswordChange,
      responses: {
        204: { description: "Changed" },
        403: { description: "The current password is wrong (`wrong_password`)" },
        422: { description: "The new password is refused (`password_too_short`, …)" },
      },
      handle: ({ actor, body, res }) => changePassword(ctx, actor, res.locals.sessionId as string | undefined, body.currentPassword, body.newPassword),
    }),
    route({
      method: "get",
      path: "/api/auth/sessions",
      tag: "auth",
      summary: "One's own signed-in sessions, the add-ins signed in as oneself, and the Microsoft and Google accounts linked to oneself",
      responses: { 200: { description: "Sessions and add-ins", schema: WebSessions } },
      async handle({ actor, res }) {
        const items = await sessionsOf(ctx.db, actor.userId, ctx.config.sessions);
        const identities = await linkedAccountsOf(ctx, actor.userId);
        // A Microsoft account is no add-in: it is listed among the linked accounts only.
        const microsoft = new Set(identities.filter((i) => i.provider === "microsoft").map((i) => i.id));
        const devices = (await devicesOf(ctx.db, actor.userId)).filter((d) => !microsoft.has(d.id));
        return { items: items.map((s) => ({ ...s, current: s.id === res.locals.sessionId })), devices, identities };
      },
    }),
    route({
      method: "delete",
      path: "/api/auth/sessions/:id",
      tag: "auth",
      summary: "End one of one's own sessions, or sign one of one's add-ins out (its credential is refused from then on)",
      params: IdParams,
      responses: { 204: { description: "Ended" }, 404: { description: "No such session or add-in of yours" } },
      async handle({ actor, params }) {
        if (await revokeOwnSession(ctx.db, actor.userId, params.id)) return;
        if (!(await revokeDevice(ctx, actor, params.id))) throw new Problem(404, "not_found", "The session was not found.");
      },
    }),
    ...deviceSignInRoutes(ctx, throttle, tooMany),
    route({
      method: "post",
      path: "/api/auth/invitation",
      tag: "auth",
      summary: "Accept an invitation: choose a password and be signed in",
      auth: "none",
      body: AcceptInvitation,
      responses: {
        200: { description: "Signed in", schema: SignedIn },
        410: { description: "The link has expired or was used (`invitation_expired`)" },
        422: { description: "The password is refused" },
      },
      async handle({ body, req, res }) {
        const { signedIn, session } = await acceptInvitation(ctx, body.token, body.password, client(req));
        setSessionCookie(req, res, session);
        return new Reply(200, signedIn);
      },
    }),
    route({
      method: "post",
      path: "/api/admin/users/:id/invitation",
      tag: "admin",
      summary: "Invite a user to choose a password: a one-time link, valid for IMS_INVITE_DAYS",
      auth: "admin",
      params: IdParams,
      responses: {
        201: { description: "The link, shown once", schema: Invitation },
        404: { description: "Not found" },
        409: { description: "The user is deactivated" },
      },
      async handle({ actor, params, res }) {
        res.setHeader("Cache-Control", "no-store");
        return inviteUser(ctx, actor, params.id);
      },
    }),
    route({
      method: "post",
      path: "/api/admin/users/:id/password",
      tag: "admin",
      summary: "Set a temporary password the user must change at the next sign-in; their sessions end",
      auth: "admin",
      params: IdParams,
      body: TemporaryPassword,
      responses: { 204: { description: "Set" }, 404: { description: "Not found" }, 422: { description: "The password is refused" } },
      handle: ({ actor, params, body }) => setTemporaryPassword(ctx, actor, params.id, body.temporaryPassword),
    }),
  ];
}

const sessionOnly = { 403: { description: "Only a person signed in to the web view may do this, not a token (`session_required`); or a cross-site request" } };

/** Add-ins signing in through the web view: Office's one-time codes (PKCE), and Google accounts linked for the Gmail add-on. */
function deviceSignInRoutes(ctx: AppContext, throttle: AuthThrottle, tooMany: (ms: number) => Problem) {
  const verifyGoogle = ctx.config.googleSignIn ? googleIdTokenVerifier(ctx.config.googleSignIn) : null;
  return [
    route({
      method: "post",
      path: "/api/auth/devices/codes",
      tag: "auth",
      summary: "The web view lets an Office add-in in: a one-time code for the add-in that asked with this PKCE challenge (S256)",
      body: DeviceCodeRequest,
      responses: { 201: { description: "The code, for Office.context.ui.messageParent", schema: DeviceCode }, ...sessionOnly },
      async handle({ actor, body, req, res }) {
        res.setHeader("Cache-Control", "no-store");
        return new Reply(
          201,
          await issueDeviceCode(ctx, actor, res.locals.sessionId as string | undefined, body.client, body.challenge, req.get("User-Agent")),
        );
      },
    }),
    route({
      method: "post",
      path: "/api/auth/devices/redeem",
      tag: "auth",
      summary: "The Office add-in redeems its code with the PKCE verifier: its own credential, once",
      auth: "none",
      body: DeviceCodeRedemption,
      responses: {
        201: { description: "The add-in's credential, shown once", schema: DeviceCredential },
        410: { description: "The code has expired, was used, or the verifier does not match (`device_code_expired`)" },
      },
      async handle({ body, res }) {
        res.setHeader("Cache-Control", "no-store");
        return new Reply(201, await redeemDeviceCode(ctx, body.code, body.verifier));
      },
    }),
    route({
      method: "post",
      path: "/api/auth/google-links",
      tag: "auth",
      summary: "The Gmail add-on, whose Google account no user answers to, asks for a link to confirm in the web view (its ID token in the body)",
      auth: "none",
      body: GoogleLinkStart,
      responses: {
        201: { description: "Where the web view confirms it (relative to the service)", schema: GoogleLinkRequest },
        401: { description: "The ID token is refused (`invalid_token`)" },
        404: { description: "Google sign-in is not configured" },
        409: { description: "The Google account signs in already (`identity_known`)" },
      },
      async handle({ body, req, res }) {
        if (!verifyGoogle) throw new Problem(404, "not_found", "Google sign-in is not configured on this service.");
        // Refused tokens count against the address as failed sign-ins do, so tokens cannot be tried here at speed.
        const key = `ip:${req.ip ?? "unknown"}`;
        const wait = await throttle.waitFor(key);
        if (wait > 0) throw tooMany(wait);
        const verified = await verifyGoogle(body.idToken, ctx);
        if (!verified || "refused" in verified) {
          const refused = verified
            ? verified.refused
            : new Problem(401, "invalid_token", "The Google sign-in token was refused: it is not a well-formed Google ID token.");
          if (refused.status === 401) await throttle.failed(key);
          throw refused;
        }
        res.setHeader("Cache-Control", "no-store");
        return new Reply(201, await startIdentityLink(ctx, verified.account));
      },
    }),
    route({
      method: "post",
      path: "/api/auth/google-links/lookup",
      tag: "auth",
      summary: "The web view: which Google account a link request would connect",
      body: GoogleLinkToken,
      responses: {
        200: { description: "The account", schema: GoogleLinkPending },
        410: { description: "Expired or used (`link_request_expired`)" },
        ...sessionOnly,
      },
      handle: ({ body, res }) => pendingIdentityLink(ctx, res.locals.sessionId as string | undefined, body.token),
    }),
    route({
      method: "post",
      path: "/api/auth/google-links/confirm",
      tag: "auth",
      summary: "The web view: the Google account of the link request signs in as oneself from now on",
      body: GoogleLinkToken,
      responses: {
        200: { description: "Linked", schema: GoogleLinked },
        409: { description: "The account was linked meanwhile (`identity_known`)" },
        410: { description: "Expired or used (`link_request_expired`)" },
        ...sessionOnly,
      },
      handle: ({ actor, body, res }) => confirmIdentityLink(ctx, actor, res.locals.sessionId as string | undefined, body.token),
    }),
  ];
}
