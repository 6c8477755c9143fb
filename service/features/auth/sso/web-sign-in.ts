import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import http from "node:http";
import https from "node:https";
import tls from "node:tls";
import { ConfidentialClientApplication, ProtocolMode, ServerError, type INetworkModule, type NetworkResponse } from "@azure/msal-node";
import { CodeChallengeMethod, OAuth2Client } from "google-auth-library";
import type { LinkedAccount, ProviderSignOut } from "../../../../shared/api/schemas/auth.ts";
import type { SsoProviders } from "../../../../shared/api/schemas/sso.ts";
import type { EntraConfig, SsoConfig } from "../../../config-sso.ts";
import type { AppContext } from "../../../context.ts";
import type { Actor } from "../../access/actor.ts";
import { recordAudit } from "../../audit/audit.service.ts";
import { Problem } from "../../../http/problem.ts";
import { loadActor } from "../load-actor.ts";
import { openSession, type OpenedSession } from "../web-sessions.ts";
import type { SsoProvider, Verified } from "./account.ts";
import { linkAccount, signInAccount } from "./identity.ts";
import { idTokenVerifier } from "./tokens.ts";

// The web view signs people in with Microsoft Entra ID (@azure/msal-node) and Google (google-auth-library):
// the authorization code flow with PKCE. The start leaves a row in sso_states — the sha256 of `state`, the PKCE
// verifier, the nonce, where to land — and the same `state` in a short-lived httpOnly cookie, so the callback
// is honoured only in the browser that started it, once, within ten minutes. The ID token from the code
// exchange is verified (signature, issuer, audience, nonce: tokens.ts), identity.ts says who it is, and the
// person gets the same server-side session as a password gives. Link mode connects the account to the person
// already signed in instead. Every failure lands on a page with a reason code it explains (never a 5xx).

export const SSO_PROVIDERS = ["microsoft", "google"] as const satisfies readonly SsoProvider[];
/** How long a sign-in at the provider may take. */
const STATE_MS = 10 * 60 * 1000;
/** How long a provider's OpenID configuration is reused. */
const DISCOVERY_MS = 60 * 60 * 1000;
const NETWORK_TIMEOUT_MS = 15_000;
const STATE_COOKIE = "ims_sso_state";
/** The state cookie's name over https (the __Host- prefix: Secure, Path=/, no Domain). */
export const stateCookieName = (secure: boolean) => (secure ? `__Host-${STATE_COOKIE}` : STATE_COOKIE);
export const STATE_COOKIE_MAX_AGE_MS = STATE_MS;
/** Where link mode starts and ends: the person's sessions and linked accounts. */
export const SESSIONS_PAGE = "/sessioner";

/** The reasons the sign-in page (/log-ind?sso=…) and the sessions page explain; web/src/texts/core.ts has a text for each. */
export const SSO_FAILURES = [
  "cancelled",
  "provider_error",
  "state_invalid",
  "unavailable",
  "exchange_failed",
  "token_refused",
  "not_configured",
  "session_required",
  "tenant_not_allowed",
  "unknown_identity",
  "user_inactive",
  "identity_known",
  "refused",
] as const;
export type SsoFailure = (typeof SSO_FAILURES)[number];

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
const secret = () => randomBytes(32).toString("base64url");
const challengeOf = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");

// ---------------------------------------------------------------------------------------------------------
// What the service offers

const MICROSOFT_HOSTS = /(^|\.)(login\.microsoftonline\.(com|us)|login\.microsoft\.com|login\.partner\.microsoftonline\.cn|login\.chinacloudapi\.cn)$/;
/** Whether the authority is Entra itself (a sovereign cloud too), not another OpenID provider standing in for it (tests). */
const isMicrosoftAuthority = (authority: string) => MICROSOFT_HOSTS.test(new URL(authority).hostname);

/** GET /api/auth/sso: which buttons the web view shows, and what a task pane asks Entra ID for. */
export function ssoProviders(config: SsoConfig): SsoProviders {
  const ms = config.microsoft;
  return {
    microsoft: ms
      ? {
          clientId: ms.clientId,
          authority: `${ms.authority}/${ms.tenants.length === 1 ? ms.tenants[0].id : "organizations"}`,
          scope: `${ms.appIdUri}/${ms.scope}`,
          webSignIn: ms.credential !== null,
          graph: ms.credential !== null,
        }
      : null,
    google: config.google !== undefined,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Talking to the providers over https, trusting IMS_SSO_CA_FILE as well as the system's authorities

class ProviderUnreachable extends Error {}

interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

function request(url: string, ca: string | undefined, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<HttpAnswer> {
  const target = new URL(url);
  const lib = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      target,
      {
        method: init.method ?? "GET",
        headers: { Accept: "application/json", ...init.headers },
        ...(ca && target.protocol === "https:" ? { ca: [...tls.rootCertificates, ca] } : {}),
        timeout: NETWORK_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          // A provider's JSON answer is a few kilobytes; more is no answer of one.
          if (size > 1024 * 1024) req.destroy(new ProviderUnreachable(`${target.origin} answered more than 1 MB`));
          else chunks.push(c);
        });
        res.on("end", () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
          resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", (err) => reject(new ProviderUnreachable(err.message, { cause: err })));
      },
    );
    req.on("timeout", () => req.destroy(new ProviderUnreachable(`${target.origin} did not answer in time`)));
    req.on("error", (err) => reject(err instanceof ProviderUnreachable ? err : new ProviderUnreachable(err.message, { cause: err })));
    req.end(init.body);
  });
}

/** GET a JSON document, following a redirect or two on the same origin (a tenant's discovery without /v2.0). */
async function getJson(url: string, ca: string | undefined, redirects = 3): Promise<Record<string, unknown>> {
  const answer = await request(url, ca);
  if (answer.status >= 300 && answer.status < 400 && answer.headers.location && redirects > 0) {
    const next = new URL(answer.headers.location, url);
    if (next.origin !== new URL(url).origin) throw new ProviderUnreachable(`${url} redirects to another origin`);
    return getJson(next.toString(), ca, redirects - 1);
  }
  if (answer.status !== 200) throw new ProviderUnreachable(`${url} answered ${answer.status}`);
  try {
    return JSON.parse(answer.text) as Record<string, unknown>;
  } catch {
    throw new ProviderUnreachable(`${url} answered no JSON`);
  }
}

const discoveries = new Map<string, { doc: Record<string, unknown>; until: number }>();

/** A provider's OpenID configuration, reused for an hour. */
async function discovery(url: string, ca: string | undefined): Promise<Record<string, unknown>> {
  const cached = discoveries.get(url);
  if (cached && cached.until > Date.now()) return cached.doc;
  const doc = await getJson(url, ca);
  discoveries.set(url, { doc, until: Date.now() + DISCOVERY_MS });
  return doc;
}

const endpoint = (doc: Record<string, unknown>, name: string): string => {
  const value = doc[name];
  if (typeof value !== "string" || !URL.canParse(value)) throw new ProviderUnreachable(`the OpenID configuration has no ${name}`);
  return value;
};

/** msal-node's HTTP, through the same client (its default, fetch, cannot be given extra certificate authorities). */
function msalNetwork(ca: string | undefined): INetworkModule {
  const send = async <T>(url: string, method: string, options?: { headers?: Record<string, string>; body?: string }): Promise<NetworkResponse<T>> => {
    const answer = await request(url, ca, { method, headers: options?.headers, body: options?.body });
    let body: T;
    try {
      body = JSON.parse(answer.text) as T;
    } catch {
      throw new ProviderUnreachable(`${new URL(url).origin} answered no JSON (${answer.status})`);
    }
    return { headers: answer.headers, body, status: answer.status };
  };
  return {
    sendGetRequestAsync: (url, options) => send(url, "GET", options),
    sendPostRequestAsync: (url, options) => send(url, "POST", options),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The two providers, behind one shape

interface ProviderFlow {
  authorizeUrl(p: { state: string; nonce: string; challenge: string }): Promise<string>;
  /** The ID token the code is exchanged for, with the PKCE verifier. */
  redeem(code: string, verifier: string, nonce: string): Promise<string>;
  verify(idToken: string, nonce: string): Promise<Verified>;
}

/** The token endpoint refused the code (an answer, not silence). */
class ExchangeRefused extends Error {}
/** The tokens came, but are not acceptable. */
class TokenRefused extends Error {}

const redirectUri = (ctx: AppContext, provider: SsoProvider) => `${ctx.config.publicUrl}/api/auth/sso/${provider}/callback`;

/**
 * Where people sign in with Microsoft: the tenant when only one is allowed, else "organizations" (any work or
 * school account; the tenant is checked on the ID token). Another OpenID provider standing in for Entra (the
 * tests' local one) has no "organizations" document — msal-node reads the authority's OpenID configuration —
 * so there the first configured tenant's authority is used.
 */
function signInSegment(ms: EntraConfig): string {
  if (ms.tenants.length === 1 || !isMicrosoftAuthority(ms.authority)) return ms.tenants[0].id;
  return "organizations";
}

function microsoftFlow(ctx: AppContext, ms: EntraConfig): ProviderFlow {
  const ca = ctx.config.sso.ca;
  const entra = isMicrosoftAuthority(ms.authority);
  const segment = signInSegment(ms);
  const metadataUrl = `${ms.authority}/${segment}/v2.0/.well-known/openid-configuration`;
  const scopes = ["openid", "profile", "email"];
  const app = async () => {
    const metadata = await discovery(metadataUrl, ca);
    const credential = ms.credential && "secret" in ms.credential ? { clientSecret: ms.credential.secret } : { clientCertificate: ms.credential!.certificate };
    // A new application each time: msal-node keeps every token it gets in an in-memory cache, which the service does not want.
    return new ConfidentialClientApplication({
      auth: {
        clientId: ms.clientId,
        // Entra: msal appends /v2.0 itself; another OpenID provider is addressed by its issuer.
        authority: entra ? `${ms.authority}/${segment}` : `${ms.authority}/${segment}/v2.0`,
        authorityMetadata: JSON.stringify(metadata),
        ...(entra ? {} : { knownAuthorities: [new URL(ms.authority).host] }),
        ...credential,
      },
      system: { networkClient: msalNetwork(ca), ...(entra ? {} : { protocolMode: ProtocolMode.OIDC }) },
    });
  };
  const verifier = idTokenVerifier({
    issuer: (tid: string) => `${ms.authority}/${tid}/v2.0`,
    audience: ms.clientId,
    provider: "microsoft",
    ca,
  });
  return {
    async authorizeUrl({ state, nonce, challenge }) {
      return (await app()).getAuthCodeUrl({
        scopes,
        redirectUri: redirectUri(ctx, "microsoft"),
        codeChallenge: challenge,
        codeChallengeMethod: "S256",
        state,
        nonce,
        responseMode: "query",
        // Entra lets the person choose among the accounts signed in there; the stand-in knows no such prompt.
        ...(entra ? { prompt: "select_account" } : {}),
      });
    },
    async redeem(code, codeVerifier, nonce) {
      const client = await app();
      try {
        // msal-node checks the ID token's nonce against the request's (tokens.ts checks it again, with the signature).
        const result = await client.acquireTokenByCode({ code, scopes, redirectUri: redirectUri(ctx, "microsoft"), codeVerifier, nonce });
        if (!result.idToken) throw new ExchangeRefused("the token endpoint answered no ID token");
        return result.idToken;
      } catch (err) {
        if (err instanceof ServerError) throw new ExchangeRefused(`${err.errorCode}: ${err.errorMessage}`, { cause: err });
        if ((err as { errorCode?: string }).errorCode === "nonce_mismatch") throw new TokenRefused("nonce_mismatch", { cause: err });
        throw err;
      }
    },
    verify: (idToken, nonce) => verifier(idToken, nonce),
  };
}

function googleFlow(ctx: AppContext, google: NonNullable<SsoConfig["google"]>): ProviderFlow {
  const ca = ctx.config.sso.ca;
  const domains = ctx.config.sso.googleRealms.domains;
  // Google lets the person choose among their accounts; another OpenID provider standing in for it (tests) knows no such prompt.
  const realGoogle = new URL(google.discoveryUrl).hostname === "accounts.google.com";
  const client = async () => {
    const doc = await discovery(google.discoveryUrl, ca);
    return new OAuth2Client({
      clientId: google.clientId,
      clientSecret: google.clientSecret,
      redirectUri: redirectUri(ctx, "google"),
      endpoints: { oauth2AuthBaseUrl: endpoint(doc, "authorization_endpoint"), oauth2TokenUrl: endpoint(doc, "token_endpoint") },
      // gaxios takes a Node agent (it fetches with node-fetch here): the extra certificate authorities go in it.
      ...(ca ? { transporterOptions: { agent: new https.Agent({ ca: [...tls.rootCertificates, ca] }) } } : {}),
    });
  };
  return {
    async authorizeUrl({ state, nonce, challenge }) {
      return (await client()).generateAuthUrl({
        scope: ["openid", "email", "profile"],
        state,
        code_challenge: challenge,
        code_challenge_method: CodeChallengeMethod.S256,
        ...(realGoogle ? { prompt: "select_account" } : {}),
        // Only a hint (Google shows that domain's accounts); the ID token's hd is what counts (identity.ts).
        ...(domains.length === 1 ? { hd: domains[0].id } : {}),
        // generateAuthUrl passes every option on as a parameter; nonce is not in its types.
        ...({ nonce } as Record<string, string>),
      });
    },
    async redeem(code, codeVerifier) {
      const oauth = await client();
      try {
        const { tokens } = await oauth.getToken({ code, codeVerifier, redirect_uri: redirectUri(ctx, "google") });
        if (!tokens.id_token) throw new ExchangeRefused("the token endpoint answered no ID token");
        return tokens.id_token;
      } catch (err) {
        // gaxios: an answer from the token endpoint is a refusal; no answer at all, an unreachable provider.
        if ((err as { response?: unknown }).response) throw new ExchangeRefused((err as Error).message, { cause: err });
        throw err;
      }
    },
    async verify(idToken, nonce) {
      const doc = await discovery(google.discoveryUrl, ca);
      const issuer = typeof doc.issuer === "string" ? doc.issuer : "https://accounts.google.com";
      return idTokenVerifier({ issuer, discoveryUrl: google.discoveryUrl, audience: google.clientId, provider: "google", ca })(idToken, nonce);
    },
  };
}

function flowOf(ctx: AppContext, provider: SsoProvider): ProviderFlow | null {
  const { microsoft, google } = ctx.config.sso;
  if (provider === "microsoft") return microsoft?.credential ? microsoftFlow(ctx, microsoft) : null;
  return google ? googleFlow(ctx, google) : null;
}

// ---------------------------------------------------------------------------------------------------------
// Start

/** A path of the web view to land on: same origin, one leading "/", not the sign-in page or the API; anything else is "/". */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== "string" || value.length > 2000 || !value.startsWith("/") || value.startsWith("//")) return "/";
  // eslint-disable-next-line no-control-regex
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return "/";
  const base = "http://ims-case.invalid";
  const url = new URL(value, base);
  if (url.origin !== base || /^\/(log-ind|api)(\/|$)/.test(url.pathname)) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}

export type SsoMode = "sign-in" | "link";

export type SsoStart = { redirect: string; state: string; expiresAt: Date } | { failed: SsoFailure };

/**
 * Starts a sign-in (or, `actor` signed in to the web view, a link) at the provider: a row in sso_states, and the
 * provider's authorization URL with the PKCE challenge (S256), state and nonce. Old rows go as new ones come.
 */
export async function startSsoSignIn(
  ctx: AppContext,
  provider: SsoProvider,
  mode: SsoMode,
  signedIn: { actor: Actor; sessionId: string } | null,
  returnTo: unknown,
): Promise<SsoStart> {
  const flow = flowOf(ctx, provider);
  if (!flow) return { failed: "not_configured" };
  if (mode === "link" && !signedIn) return { failed: "session_required" };
  const state = secret();
  const nonce = secret();
  const verifier = secret();
  let redirect: string;
  try {
    redirect = await flow.authorizeUrl({ state, nonce, challenge: challengeOf(verifier) });
  } catch (err) {
    ctx.log.warn({ err, provider }, "single sign-on: the provider cannot be reached to start a sign-in");
    return { failed: "unavailable" };
  }
  const now = new Date();
  const expiresAt = new Date(now.getTime() + STATE_MS);
  await ctx.db.deleteFrom("sso_states").where("expires_at", "<", now.toISOString()).execute();
  await ctx.db
    .insertInto("sso_states")
    .values({
      state_hash: sha256(state),
      provider,
      mode,
      user_id: mode === "link" ? signedIn!.actor.userId : null,
      code_verifier: verifier,
      nonce,
      return_to: mode === "link" ? SESSIONS_PAGE : safeReturnTo(returnTo),
      created_at: now.toISOString(),
      expires_at: expiresAt.toISOString(),
    })
    .execute();
  return { redirect, state, expiresAt };
}

// ---------------------------------------------------------------------------------------------------------
// Callback

export interface SsoCallback {
  code?: string;
  state?: string;
  error?: string;
  error_description?: string;
}

export type SsoOutcome = { signedIn: OpenedSession; returnTo: string } | { linked: SsoProvider } | { failed: SsoFailure; mode: SsoMode };

const sameSecret = (a: string, b: string) => timingSafeEqual(Buffer.from(sha256(a)), Buffer.from(sha256(b)));

/** The refusal codes of identity.ts and tokens.ts the pages explain by name; any other is "refused". */
function failureOf(code: string): SsoFailure {
  return (SSO_FAILURES as readonly string[]).includes(code) ? (code as SsoFailure) : "refused";
}

/**
 * The provider sends the browser back: the state must be this browser's (the cookie), known, unexpired and
 * unused (it is used up here, whatever follows); the code is exchanged with the PKCE verifier; the ID token is
 * verified with the nonce; then the person is signed in (or the account linked to whoever started the link, who
 * must still be the one signed in).
 */
export async function finishSsoSignIn(
  ctx: AppContext,
  provider: SsoProvider,
  callback: SsoCallback,
  cookieState: string | undefined,
  signedIn: { actor: Actor; sessionId: string } | null,
  client: { userAgent?: string; ip?: string },
): Promise<SsoOutcome> {
  const refused = async (failed: SsoFailure, mode: SsoMode, details: Record<string, unknown> = {}): Promise<SsoOutcome> => {
    await recordAudit(ctx.db, {
      actor: signedIn?.actor ?? null,
      action: "auth.refused",
      objectType: "user",
      objectId: null,
      details: { via: provider, mode, reason: failed, ip: client.ip, ...details },
    });
    return { failed, mode };
  };
  const { state } = callback;
  if (!state || !cookieState || !sameSecret(state, cookieState))
    return refused("state_invalid", "sign-in", { state: state ? "not this browser's" : "missing" });
  const row = await ctx.db.deleteFrom("sso_states").where("state_hash", "=", sha256(state)).returningAll().executeTakeFirst();
  if (!row || row.provider !== provider) return refused("state_invalid", "sign-in", { state: row ? "another provider's" : "unknown or used" });
  const mode = row.mode;
  if (Date.parse(row.expires_at) <= Date.now()) return refused("state_invalid", mode, { state: "expired" });
  if (mode === "link" && signedIn?.actor.userId !== row.user_id) return refused("session_required", mode, { state: "signed in as someone else" });
  if (callback.error)
    return refused(callback.error === "access_denied" ? "cancelled" : "provider_error", mode, {
      error: callback.error.slice(0, 100),
      ...(callback.error_description ? { description: callback.error_description.slice(0, 300) } : {}),
    });
  if (!callback.code) return refused("provider_error", mode, { error: "no code" });

  const flow = flowOf(ctx, provider);
  if (!flow) return refused("not_configured", mode);
  let verified: Verified;
  try {
    const idToken = await flow.redeem(callback.code, row.code_verifier, row.nonce);
    verified = await flow.verify(idToken, row.nonce);
  } catch (err) {
    if (err instanceof ExchangeRefused) return refused("exchange_failed", mode, { error: err.message.slice(0, 200) });
    if (err instanceof TokenRefused) return refused("token_refused", mode, { error: err.message.slice(0, 200) });
    ctx.log.warn({ err, provider }, "single sign-on: the provider cannot be reached to finish a sign-in");
    return refused("unavailable", mode);
  }
  if (!verified) return refused("token_refused", mode, { reason: "not a token of the provider" });
  if ("refused" in verified) {
    const reason = verified.refused.code === "tenant_not_allowed" ? "tenant_not_allowed" : "token_refused";
    return refused(reason, mode, { code: verified.refused.code, ...verified.details });
  }
  const { account } = verified;
  if (provider === "microsoft" && !ctx.config.sso.microsoft!.tenants.some((t) => t.id === account.realm)) {
    return refused("tenant_not_allowed", mode, { tenant: account.realm });
  }

  if (mode === "link") {
    try {
      await linkAccount(ctx, signedIn!.actor, account);
    } catch (err) {
      // identity.ts refuses (identity_known: linked to someone else) and audits it.
      if (err instanceof Problem && err.status < 500) return { failed: failureOf(err.code), mode };
      throw err;
    }
    return { linked: provider };
  }
  const who = await signInAccount(ctx, account);
  if ("refused" in who) return { failed: failureOf(who.refused.code), mode };
  const session = await openSession(ctx.db, who.userId, { method: provider, identityId: who.identityId }, client, ctx.config.sessions);
  const actor = await loadActor(ctx.db, who.userId);
  await recordAudit(ctx.db, {
    actor,
    action: "auth.login",
    objectType: "user",
    objectId: who.userId,
    details: { via: provider, sessionId: session.id, identityId: who.identityId, created: who.created },
  });
  return { signedIn: session, returnTo: row.return_to };
}

// ---------------------------------------------------------------------------------------------------------
// Linked accounts and signing out

/** Which provider an identity's issuer is: an Entra tenant's (`<authority>/<tid>/v2.0`), else Google's. */
function providerOfIssuer(config: SsoConfig, issuer: string): SsoProvider {
  const authorities = ["https://login.microsoftonline.com", ...(config.microsoft ? [config.microsoft.authority] : [])];
  return authorities.some((a) => issuer.startsWith(`${a}/`) && /^\/[0-9a-f-]{36}\/v2\.0$/.test(issuer.slice(a.length))) ? "microsoft" : "google";
}

/** The accounts at Microsoft and Google that sign in as the user, newest first. */
export async function linkedAccountsOf(ctx: AppContext, userId: string): Promise<LinkedAccount[]> {
  const rows = await ctx.db.selectFrom("user_identities").selectAll().where("user_id", "=", userId).orderBy("created_at", "desc").limit(200).execute();
  return rows.map((r) => ({
    id: r.id,
    provider: providerOfIssuer(ctx.config.sso, r.issuer),
    account: r.email,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  }));
}

/**
 * After signing out of a session opened with Microsoft: the tenant's end_session_endpoint, to sign out there
 * too and come back to the sign-in page. Null for any other session, or when the tenant cannot be asked now.
 */
export async function providerSignOut(ctx: AppContext, sessionId: string): Promise<ProviderSignOut | null> {
  const ms = ctx.config.sso.microsoft;
  if (!ms) return null;
  const row = await ctx.db
    .selectFrom("web_sessions")
    .innerJoin("user_identities", "user_identities.id", "web_sessions.identity_id")
    .select("user_identities.issuer")
    .where("web_sessions.id", "=", sessionId)
    .executeTakeFirst();
  if (!row || providerOfIssuer(ctx.config.sso, row.issuer) !== "microsoft") return null;
  try {
    const url = new URL(endpoint(await discovery(`${row.issuer}/.well-known/openid-configuration`, ctx.config.sso.ca), "end_session_endpoint"));
    url.searchParams.set("post_logout_redirect_uri", `${ctx.config.publicUrl}/log-ind`);
    url.searchParams.set("client_id", ms.clientId);
    return { provider: "microsoft", url: url.toString() };
  } catch (err) {
    ctx.log.warn({ err }, "single sign-on: the tenant's sign-out address cannot be read now");
    return null;
  }
}
