import { gaxios, OAuth2Client, type TokenPayload } from "google-auth-library";
import type { GoogleSignInConfig } from "../../config.ts";
import type { AppContext } from "../../context.ts";
import { Problem } from "../../http/problem.ts";
import type { Authentication, Authenticator, CredentialRequest } from "./authenticator.ts";
import { recordCredentialUse } from "./sessions.ts";
import type { ExternalAccount } from "./sso/account.ts";
import { signInAccount } from "./sso/identity.ts";

/** Why the library refused a token, from its error message; the message itself may carry the whole token. */
const reasons: [RegExp, string, string][] = [
  [/^Token used too late/, "expired", "it has expired; sign in again"],
  [/^Token used too early/, "not_yet_valid", "it is not valid yet (is the clock right?)"],
  [/^Wrong recipient/, "wrong_audience", "it was issued to another application (wrong audience)"],
  [/^Invalid issuer/, "wrong_issuer", "it was not issued by Google (wrong issuer)"],
  [/^No pem found/, "unknown_key", "it is signed with a key Google does not publish"],
  [/^Invalid token signature/, "bad_signature", "its signature does not verify"],
  [/^Expiration time too far in future/, "lifetime_too_long", "it is valid for longer than Google issues tokens"],
];

/** The header of a compact JWT, or null when the credential is not one (then it is another authenticator's). */
function jwtHeader(token: string): Record<string, unknown> | null {
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[0] || !parts[1] || !parts.every((p) => /^[A-Za-z0-9_-]*$/.test(p))) return null;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0], "base64url").toString("utf8"));
    return header && typeof header === "object" && typeof (header as { alg?: unknown }).alg === "string" ? (header as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Claims worth logging when a token is refused: who it claims to come from and to be for, never the e-mail address. */
function unverifiedClaims(token: string): Record<string, unknown> {
  try {
    const { iss, aud } = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")) as Record<string, unknown>;
    return { iss, aud };
  } catch {
    return {};
  }
}

const invalid = (reason: string, why: string) => ({
  refused: new Problem(401, "invalid_token", `The Google sign-in token was refused: ${why}.`),
  details: { reason },
});

// The issuers of ID tokens for Google accounts; the library would also accept "googleapis.com" by default.
const GOOGLE_ACCOUNT_ISSUERS = ["accounts.google.com", "https://accounts.google.com"];
const GOOGLE_ISSUER = "https://accounts.google.com";

/** A Google account, as a verified ID token names it. */
export interface GoogleAccount {
  /** Always https://accounts.google.com (tokens may name it without the scheme). */
  issuer: string;
  /** Google's stable id for the account (`sub`); the address may change, this does not. */
  subject: string;
  /** Verified by Google, lower-case. */
  email: string;
}

/**
 * What a Google ID token proves: the account (`account` as link requests store it, `external` as identity.ts decides who it is); a refusal
 * when it is a JWT but not acceptable; null when it is no JWT at all (another authenticator's).
 */
export type GoogleVerification = { account: GoogleAccount; external: ExternalAccount } | { refused: Problem; details: Record<string, unknown> } | null;

const groupsOf = (v: unknown) => (Array.isArray(v) ? v.filter((g): g is string => typeof g === "string").map((g) => g.toLowerCase()) : null);

/**
 * Checks a Google ID token (the Workspace add-on's `ScriptApp.getIdentityToken()`). google-auth-library
 * checks the RS256 signature against Google's published keys, expiry (with its clock skew), issuer and
 * audience; this adds a verified e-mail address and, when GOOGLE_HOSTED_DOMAINS names any, one of those
 * Workspace domains (config.sso.googleRealms, the same rule as the web view's Google sign-in). The domain is
 * checked here, not only in identity.ts, because the add-on's link requests (device-sign-in.ts) start from
 * this verification too: an account of another domain may not even ask to be linked.
 */
export function googleIdTokenVerifier(config: GoogleSignInConfig): (token: string, ctx: AppContext) => Promise<GoogleVerification> {
  const client = new OAuth2Client({
    clientId: config.clientId,
    endpoints: { oauth2FederatedSignonPemCertsUrl: config.certsUrl },
    issuers: GOOGLE_ACCOUNT_ISSUERS,
  });

  return async (token, ctx) => {
    const header = jwtHeader(token);
    if (!header) return null;
    const log = ctx.log.child({ via: "google", kid: header.kid, alg: header.alg });
    // The library verifies RS256 whatever the header says; refusing other algorithms up front is clearer.
    if (header.alg !== "RS256") {
      log.warn({ ...unverifiedClaims(token), reason: "unsupported_algorithm" }, "Google ID token refused");
      return invalid("unsupported_algorithm", `it is not signed with RS256 as Google signs (alg ${String(header.alg).slice(0, 16)})`);
    }

    let payload: TokenPayload | undefined;
    try {
      payload = (await client.verifyIdToken({ idToken: token, audience: config.clientId })).getPayload();
    } catch (err) {
      if (err instanceof gaxios.GaxiosError) {
        log.error({ err: { message: err.message, status: err.status } }, "Google's signing keys could not be fetched");
        throw new Problem(
          503,
          "sign_in_unavailable",
          "Google sign-in cannot be checked right now because Google's signing keys could not be fetched; try again shortly.",
        );
      }
      const message = err instanceof Error ? err.message : String(err);
      const [, reason, why] = reasons.find(([pattern]) => pattern.test(message)) ?? [null, "malformed", "it is not a well-formed Google ID token"];
      // The library's messages end with the token or its payload; only the part before that is logged.
      log.warn({ ...unverifiedClaims(token), reason, error: message.split(": ")[0] }, "Google ID token refused");
      return invalid(reason, why);
    }

    if (!payload?.email) {
      log.warn({ reason: "no_email", sub: payload?.sub }, "Google ID token refused");
      return invalid("no_email", "it carries no e-mail address (the add-on needs the email scope)");
    }
    if (payload.email_verified !== true) {
      log.warn({ reason: "email_not_verified", sub: payload.sub }, "Google ID token refused");
      return invalid("email_not_verified", "Google has not verified the account's e-mail address");
    }

    // A verified address alone does not prove the account is the organisation's: a consumer Google
    // account can verify a work address. Google's `hd` claim names the Workspace domain that owns it.
    const hd = payload.hd?.toLowerCase() ?? "";
    const domains = ctx.config.sso.googleRealms.domains.map((d) => d.id);
    if (domains.length && !domains.includes(hd)) {
      log.warn({ reason: "wrong_hosted_domain", sub: payload.sub, hd: payload.hd ?? null }, "Google ID token refused");
      const which = domains.length > 1 ? `one of the Google Workspace domains ${domains.join(", ")}` : `the Google Workspace domain ${domains[0]}`;
      return invalid("wrong_hosted_domain", `the account does not belong to ${which}`);
    }
    const email = payload.email.toLowerCase();
    return {
      account: { issuer: GOOGLE_ISSUER, subject: payload.sub, email },
      external: {
        provider: "google",
        issuer: GOOGLE_ISSUER,
        subject: payload.sub,
        realm: hd,
        email,
        emailVerified: true,
        name: payload.name?.trim() || null,
        groups: groupsOf((payload as TokenPayload & { groups?: unknown }).groups),
      },
    };
  };
}

/**
 * Signs in with a Google ID token by the same rules as the web view's single sign-on (sso/identity.ts): the
 * account is Google's issuer and subject, linked to its user once — by the person in the web view (a link
 * request, device-sign-in.ts), by an administrator, or at its first sign-in when it is an account of a
 * Workspace domain whose verified address is a user's — or a new user where GOOGLE_HOSTED_DOMAINS gives the
 * domain a role. An address alone never signs in a consumer account. Refusals keep the add-on's code,
 * 401 unknown_user: the add-on answers it with "Log ind", which asks for a link.
 */
export function googleIdTokenAuthenticator(config: GoogleSignInConfig): Authenticator {
  const verify = googleIdTokenVerifier(config);
  return {
    name: "google",
    async authenticate(request: CredentialRequest, ctx: AppContext): Promise<Authentication> {
      if (!request.bearer) return null;
      const verified = await verify(request.bearer, ctx);
      if (!verified || "refused" in verified) return verified;
      const { email } = verified.account;

      const who = await signInAccount(ctx, verified.external);
      if ("refused" in who) {
        const reason = who.details.reason;
        const detail =
          reason === "unknown_identity"
            ? `No IMS Case user answers to the Google account ${email}; ask an administrator to add you, or sign in and connect this account to your user (Log ind).`
            : who.refused.detail;
        return { refused: new Problem(401, "unknown_user", detail), details: { ...who.details, email } };
      }
      // Google ID tokens are fresh every hour, so a session is the user's, not the token's.
      return { userId: who.userId, newSession: await recordCredentialUse(ctx.db, who.userId, "google") };
    },
  };
}
