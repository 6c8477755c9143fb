import https from "node:https";
import http from "node:http";
import tls from "node:tls";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import type { EntraConfig } from "../../../config-sso.ts";
import { Problem } from "../../../http/problem.ts";
import type { ExternalAccount, SsoProvider, Verified } from "./account.ts";

// Verifying the JWTs of Microsoft Entra ID and Google with jose: the task panes' access tokens to this API
// (entraAccessTokenVerifier) and the ID tokens the web sign-in gets from a code exchange (idTokenVerifier).
// Keys come from the issuer's own discovery document and JWKS, fetched over https (trusting IMS_SSO_CA_FILE
// besides the system's CAs), bounded in time and size, cached, and fetched again — at most every 30 seconds —
// when a token names a key not seen yet (the provider rolled its keys). Only RS256, as both providers sign.

const FETCH_TIMEOUT_MS = 5_000;
const MAX_DOCUMENT_BYTES = 256 * 1024;
const KEYS_TTL_MS = 60 * 60 * 1000;
const REFETCH_COOLDOWN_MS = 30 * 1000;
const CLOCK_SKEW_S = 60;

const unavailable = (what: string) =>
  new Problem(503, "sign_in_unavailable", `Single sign-on cannot be checked right now: ${what} could not be fetched; try again shortly.`);

/** GET a small JSON document over https (http only on this machine); redirects followed twice at most. */
function fetchJson(url: string, ca: string | undefined, redirects = 2): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const local = ["localhost", "127.0.0.1", "[::1]"].includes(target.hostname);
    if (target.protocol !== "https:" && !(target.protocol === "http:" && local)) return reject(new Error(`${url} is not https`));
    const get = target.protocol === "https:" ? https.get : http.get;
    const req = get(target, { ca: ca ? [...tls.rootCertificates, ca] : undefined, timeout: FETCH_TIMEOUT_MS }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirects > 0) {
        res.resume();
        return resolve(fetchJson(new URL(res.headers.location, target).toString(), ca, redirects - 1));
      }
      if (status !== 200) {
        res.resume();
        return reject(new Error(`${url} answered ${status}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > MAX_DOCUMENT_BYTES) req.destroy(new Error(`${url} is larger than ${MAX_DOCUMENT_BYTES} bytes`));
        else chunks.push(c);
      });
      res.on("end", () => {
        try {
          const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          if (!parsed || typeof parsed !== "object") throw new Error(`${url} is not a JSON object`);
          resolve(parsed as Record<string, unknown>);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${url} did not answer within ${FETCH_TIMEOUT_MS} ms`)));
    req.on("error", reject);
  });
}

/** An issuer's discovery document and keys, cached. */
class IssuerKeys {
  private discovery: Promise<Record<string, unknown>> | undefined;
  private keys: { set: ReturnType<typeof createLocalJWKSet>; kids: Set<string>; at: number } | undefined;
  private lastFetch = 0;

  constructor(
    private readonly discoveryUrl: string,
    private readonly ca: string | undefined,
  ) {}

  /** The discovery document; a failed fetch is not cached. */
  metadata(): Promise<Record<string, unknown>> {
    this.discovery ??= fetchJson(this.discoveryUrl, this.ca).catch((err: unknown) => {
      this.discovery = undefined;
      throw err;
    });
    return this.discovery;
  }

  private async fetchKeys(): Promise<void> {
    this.lastFetch = Date.now();
    const meta = await this.metadata();
    if (typeof meta.jwks_uri !== "string") throw new Error(`${this.discoveryUrl} names no jwks_uri`);
    const jwks = (await fetchJson(meta.jwks_uri, this.ca)) as unknown as JSONWebKeySet;
    if (!Array.isArray(jwks.keys)) throw new Error(`${meta.jwks_uri} holds no keys`);
    this.keys = { set: createLocalJWKSet(jwks), kids: new Set(jwks.keys.map((k) => String(k.kid))), at: Date.now() };
  }

  /** The key for a token's header: from the cache; fetched anew when it is old, or when the kid is unknown and the last fetch is 30 s ago. */
  async keyFor(kid: string | undefined): Promise<ReturnType<typeof createLocalJWKSet>> {
    const stale = !this.keys || Date.now() - this.keys.at > KEYS_TTL_MS;
    const unknownKid = kid !== undefined && this.keys && !this.keys.kids.has(kid) && Date.now() - this.lastFetch > REFETCH_COOLDOWN_MS;
    if (stale || unknownKid) await this.fetchKeys();
    return this.keys!.set;
  }
}

const issuers = new Map<string, IssuerKeys>();
function issuerKeys(discoveryUrl: string, ca: string | undefined): IssuerKeys {
  const key = `${discoveryUrl}|${ca ?? ""}`;
  let found = issuers.get(key);
  if (!found) {
    found = new IssuerKeys(discoveryUrl, ca);
    issuers.set(key, found);
  }
  return found;
}

/** The discovery document of an issuer (web-sign-in.ts reads end_session_endpoint from it). */
export function discoveryOf(discoveryUrl: string, ca: string | undefined): Promise<Record<string, unknown>> {
  return issuerKeys(discoveryUrl, ca).metadata();
}

const tokenRefused = (provider: SsoProvider, reason: string, why: string) => ({
  refused: new Problem(401, "invalid_token", `The ${provider === "microsoft" ? "Microsoft" : "Google"} sign-in token was refused: ${why}.`),
  details: { reason },
});

/** What jose's refusal means, in words for the person and a reason code for the audit log. */
function reasonOf(err: unknown): [string, string] {
  if (err instanceof errors.JWTExpired) return ["expired", "it has expired; sign in again"];
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "aud") return ["wrong_audience", "it was issued to another application (wrong audience)"];
    if (err.claim === "iss") return ["wrong_issuer", "it was not issued by the expected issuer"];
    if (err.claim === "nbf" || err.claim === "iat") return ["not_yet_valid", "it is not valid yet (is the clock right?)"];
    return ["malformed", `its ${err.claim} claim is not acceptable`];
  }
  if (err instanceof errors.JWKSNoMatchingKey) return ["unknown_key", "it is signed with a key the issuer does not publish"];
  if (err instanceof errors.JWSSignatureVerificationFailed) return ["bad_signature", "its signature does not verify"];
  if (err instanceof errors.JOSEAlgNotAllowed) return ["unsupported_algorithm", "it is not signed with RS256"];
  return ["malformed", "it is not a well-formed token"];
}

type Unverified = { header: { alg?: unknown; kid?: unknown }; claims: JWTPayload };
function unverified(token: string): Unverified | null {
  if (token.length > 16_384 || token.split(".").length !== 3) return null;
  try {
    return { header: decodeProtectedHeader(token) as Unverified["header"], claims: decodeJwt(token) };
  } catch {
    return null;
  }
}

/** Verifies `token` against the keys of the issuer at `discoveryUrl`: RS256, issuer, audience, exp/nbf with a minute's skew. */
async function verifyWith(
  provider: SsoProvider,
  token: string,
  u: Unverified,
  discoveryUrl: string,
  ca: string | undefined,
  issuer: string,
  audience: string | string[],
): Promise<{ payload: JWTPayload } | { refused: Problem; details: Record<string, unknown> }> {
  if (u.header.alg !== "RS256")
    return tokenRefused(provider, "unsupported_algorithm", `it is not signed with RS256 (alg ${String(u.header.alg).slice(0, 16)})`);
  const source = issuerKeys(discoveryUrl, ca);
  let keys: ReturnType<typeof createLocalJWKSet>;
  try {
    keys = await source.keyFor(typeof u.header.kid === "string" ? u.header.kid : undefined);
  } catch {
    throw unavailable("the identity provider's signing keys");
  }
  try {
    const { payload } = await jwtVerify(token, keys, { issuer, audience, algorithms: ["RS256"], clockTolerance: CLOCK_SKEW_S, requiredClaims: ["exp"] });
    return { payload };
  } catch (err) {
    const [reason, why] = reasonOf(err);
    return tokenRefused(provider, reason, why);
  }
}

const lower = (v: unknown) => (typeof v === "string" && v ? v.toLowerCase() : null);
const groupsOf = (v: unknown) => (Array.isArray(v) ? v.filter((g): g is string => typeof g === "string").map((g) => g.toLowerCase()) : null);
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const GUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

function entraAccount(issuer: string, p: JWTPayload): ExternalAccount | null {
  if (typeof p.oid !== "string" || !p.oid || typeof p.tid !== "string") return null;
  return {
    provider: "microsoft",
    issuer,
    subject: p.oid,
    realm: p.tid.toLowerCase(),
    email: lower(p.email) ?? lower(p.preferred_username),
    emailVerified: false,
    name: typeof p.name === "string" ? p.name : null,
    groups: groupsOf(p.groups),
  };
}

/**
 * A task pane's access token to this API, as Entra ID issues it: null when it is no JWT of an Entra issuer (another authenticator's); refused
 * when its tenant is not configured (before any fetch), its signature, issuer, audience, lifetime or scope does not hold, or it names no user.
 */
export function entraAccessTokenVerifier(config: EntraConfig, ca?: string): (token: string) => Promise<Verified> {
  const v2 = new RegExp(`^${escapeRegExp(config.authority)}/(${GUID})/v2\\.0$`);
  const allowed = new Set(config.tenants.map((t) => t.id));
  return async (token) => {
    const u = unverified(token);
    const iss = typeof u?.claims.iss === "string" ? u.claims.iss : "";
    const tid = v2.exec(iss)?.[1];
    if (!u || !tid) return null;
    if (!allowed.has(tid) || u.claims.tid !== tid) {
      return tokenRefused("microsoft", "tenant_not_allowed", "its tenant is not one this service accepts (ENTRA_TENANTS)");
    }
    const verified = await verifyWith("microsoft", token, u, `${iss}/.well-known/openid-configuration`, ca, iss, config.audiences);
    if ("refused" in verified) return verified;
    const scopes = typeof verified.payload.scp === "string" ? verified.payload.scp.split(" ") : [];
    if (!scopes.includes(config.scope)) return tokenRefused("microsoft", "missing_scope", `it does not carry the scope ${config.scope}`);
    const account = entraAccount(iss, verified.payload);
    if (!account) return tokenRefused("microsoft", "no_user", "it names no user (no oid): an application token cannot act as a person");
    return { account };
  };
}

export interface IdTokenOptions {
  /** The expected issuer, or for Entra a function of the token's tenant id. */
  issuer: string | ((tid: string) => string);
  /** The issuer's discovery document; default `<issuer>/.well-known/openid-configuration`. */
  discoveryUrl?: string;
  /** The client id the ID token must be issued to. */
  audience: string;
  provider: SsoProvider;
  ca?: string;
}

/** An ID token from the web sign-in's code exchange: RS256 by the issuer's key, issuer, audience, lifetime and the nonce of the sign-in. */
export function idTokenVerifier(opts: IdTokenOptions): (token: string, nonce: string) => Promise<Verified> {
  return async (token, nonce) => {
    const u = unverified(token);
    if (!u) return tokenRefused(opts.provider, "malformed", "it is not a well-formed token");
    const tid = typeof u.claims.tid === "string" && new RegExp(`^${GUID}$`).test(u.claims.tid) ? u.claims.tid : "";
    if (typeof opts.issuer !== "string" && !tid) return tokenRefused(opts.provider, "malformed", "it names no tenant");
    const issuer = typeof opts.issuer === "string" ? opts.issuer : opts.issuer(tid);
    const verified = await verifyWith(
      opts.provider,
      token,
      u,
      opts.discoveryUrl ?? `${issuer}/.well-known/openid-configuration`,
      opts.ca,
      issuer,
      opts.audience,
    );
    if ("refused" in verified) return verified;
    const p = verified.payload;
    if (typeof p.nonce !== "string" || p.nonce !== nonce) return tokenRefused(opts.provider, "nonce_mismatch", "it was not issued for this sign-in (nonce)");
    if (opts.provider === "microsoft") {
      const account = entraAccount(issuer, p);
      return account ? { account } : tokenRefused("microsoft", "no_user", "it names no user (no oid)");
    }
    if (typeof p.sub !== "string" || !p.sub) return tokenRefused("google", "no_user", "it names no account (no sub)");
    return {
      account: {
        provider: "google",
        issuer,
        subject: p.sub,
        realm: lower(p.hd) ?? "",
        email: lower(p.email),
        emailVerified: p.email_verified === true,
        name: typeof p.name === "string" ? p.name : null,
        groups: groupsOf(p.groups),
      },
    };
  };
}
