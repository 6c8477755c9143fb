import { parse } from "cookie";
import type { Request, Response } from "express";
import { z } from "zod";
import { SsoProviders } from "../../../../shared/api/schemas/sso.ts";
import type { AppContext } from "../../../context.ts";
import { route } from "../../../http/route.ts";
import type { Actor } from "../../access/actor.ts";
import { cookieName } from "../web-sessions.ts";
import {
  finishSsoSignIn,
  SESSIONS_PAGE,
  SSO_PROVIDERS,
  ssoProviders,
  startSsoSignIn,
  STATE_COOKIE_MAX_AGE_MS,
  stateCookieName,
  type SsoFailure,
} from "./web-sign-in.ts";

// The web view's single sign-on over HTTP: what is offered, the start (a redirect to the provider) and the
// callback (a redirect into the web view). Both redirects are answers to a browser's navigation, so every
// outcome, a refusal too, is a 302 to a page that explains it, never a JSON problem.

const ProviderParams = z.strictObject({ provider: z.enum(SSO_PROVIDERS) });
// Whatever arrives (repeated, missing, too long) reads as absent, and the page says what went wrong.
const text = z.string().max(4096).optional().catch(undefined);
const StartQuery = z.object({ returnTo: text, mode: z.enum(["sign-in", "link"]).default("sign-in").catch("sign-in") });
const CallbackQuery = z.object({ code: text, state: text, error: text, error_description: text });

const redirects = { 302: { description: "To the provider, or to the web view's page that says how it went", headers: { Location: "Where to" } } };

const signedInOf = (res: Response): { actor: Actor; sessionId: string } | null => {
  const actor = res.locals.actor as Actor | undefined;
  const sessionId = res.locals.sessionId as string | undefined;
  return actor && sessionId ? { actor, sessionId } : null;
};

function redirect(res: Response, location: string): void {
  res.setHeader("Cache-Control", "no-store");
  res.redirect(302, location);
}

function failure(res: Response, mode: "sign-in" | "link", provider: string, reason: SsoFailure): void {
  redirect(res, `${mode === "link" ? SESSIONS_PAGE : "/log-ind"}?sso=${reason}&provider=${provider}`);
}

export function ssoRoutes(ctx: AppContext) {
  const stateCookie = (req: Request) => ({ httpOnly: true, sameSite: "lax" as const, secure: req.secure, path: "/" });
  return [
    route({
      method: "get",
      path: "/api/auth/sso",
      tag: "auth",
      summary: "Which single sign-on the service offers: Microsoft Entra ID (and what a task pane asks it for), Google",
      auth: "none",
      responses: { 200: { description: "The providers", schema: SsoProviders } },
      handle: async () => ssoProviders(ctx.config.sso),
    }),
    route({
      method: "get",
      path: "/api/auth/sso/:provider/start",
      tag: "auth",
      summary: "The web view's 'Log ind med Microsoft/Google': to the provider (code flow with PKCE); mode=link connects the account to oneself",
      auth: "none",
      params: ProviderParams,
      query: StartQuery,
      responses: redirects,
      async handle({ params, query, req, res }) {
        const started = await startSsoSignIn(ctx, params.provider, query.mode, signedInOf(res), query.returnTo);
        if ("failed" in started) return failure(res, query.mode, params.provider, started.failed);
        // The state in the redirect is honoured only together with this cookie: the sign-in finishes in the browser that started it.
        res.cookie(stateCookieName(req.secure), started.state, { ...stateCookie(req), maxAge: STATE_COOKIE_MAX_AGE_MS });
        redirect(res, started.redirect);
      },
    }),
    route({
      method: "get",
      path: "/api/auth/sso/:provider/callback",
      tag: "auth",
      summary: "Where the provider sends the browser back: the session cookie is set and the web view opens, or its page says why not",
      auth: "none",
      params: ProviderParams,
      query: CallbackQuery,
      responses: redirects,
      async handle({ params, query, req, res }) {
        const cookies = parse(req.headers.cookie ?? "");
        const cookieState = cookies[stateCookieName(req.secure)];
        res.clearCookie(stateCookieName(req.secure), stateCookie(req));
        const client = { userAgent: req.get("User-Agent") ?? undefined, ip: req.ip };
        const outcome = await finishSsoSignIn(ctx, params.provider, query, cookieState, signedInOf(res), client);
        if ("failed" in outcome) return failure(res, outcome.mode, params.provider, outcome.failed);
        if ("linked" in outcome) return redirect(res, `${SESSIONS_PAGE}?linked=${outcome.linked}`);
        const session = outcome.signedIn;
        // As sign-in.controller.ts sets it for a password.
        res.cookie(cookieName(req.secure), session.token, {
          httpOnly: true,
          sameSite: "lax",
          secure: req.secure,
          path: "/",
          expires: new Date(session.expiresAt),
        });
        redirect(res, outcome.returnTo);
      },
    }),
  ];
}
