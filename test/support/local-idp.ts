import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import express from "express";
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from "jose";
import type { Db } from "../../service/db/database.ts";
import Provider, { type ClientMetadata, type ErrorOut, type KoaContextWithOIDC } from "oidc-provider";

// Microsoft Entra ID and Google, as far as IMS Case talks to them, on this machine: a full OpenID provider
// (oidc-provider) per Entra tenant at /<tid>/v2.0 — Entra's issuer shape — and one for Google at /google, over
// https with a certificate from a throwaway CA. They publish discovery and their keys, run the authorization
// code flow with PKCE behind oidc-provider's development login form (any password; the login is the account's
// e-mail address), end sessions, and answer the on-behalf-of grant (jwt-bearer) with Graph tokens. Tests also
// mint tokens directly with the same keys, or with a key nobody publishes.

export interface IdpAccount {
  /** A tenant id, or "google". */
  realm: string;
  subject: string;
  email: string;
  name: string;
  groups?: string[];
  /** Google: the Workspace domain. */
  hd?: string;
  /** Google: whether the address is verified (default true). */
  emailVerified?: boolean;
}

export interface TokenOptions {
  /** Claims to set or, with the value undefined, to leave out. */
  claims?: Record<string, unknown>;
  header?: Record<string, unknown>;
  /** own: the realm's published key; foreign: a key nobody publishes; none: alg none, unsigned. */
  key?: "own" | "foreign" | "none";
  /** Seconds until exp (default 3600; negative: expired). */
  expiresIn?: number;
}

export interface LocalIdp {
  url: string;
  ca: string;
  caFile: string;
  tenants: { a: string; b: string; other: string };
  clientId: string;
  clientSecret: string;
  googleClientId: string;
  googleClientSecret: string;
  entraIssuer(tid: string): string;
  entraAuthority: string;
  googleIssuer: string;
  googleDiscoveryUrl: string;
  /** The service's environment for all of it (tenants a and b allowed, no roles for new users). */
  env(extra?: Record<string, string>): Record<string, string>;
  addAccount(a: IdpAccount): IdpAccount;
  entraAccessToken(a: IdpAccount, opts?: TokenOptions): Promise<string>;
  sign(realm: string, claims: Record<string, unknown>, opts?: TokenOptions): Promise<string>;
  /** What the on-behalf-of grant was asked, in order; its answers are Graph tokens (aud https://graph.microsoft.com). */
  oboRequests: Array<{ tenant: string; assertion: string; scope: string }>;
  /** Verifies a Graph token this IdP issued (for the Graph stub); throws when it is not one. */
  verifyGraphToken(token: string): Promise<{ tid: string; oid: string; scp: string }>;
  jwks(realm: string): string;
  close(): Promise<void>;
}

const GRAPH_AUDIENCE = "https://graph.microsoft.com";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

interface Tls {
  dir: string;
  ca: string;
  caFile: string;
  key: string;
  cert: string;
}
let tls: Tls | undefined;

/** A CA and a certificate for localhost and 127.0.0.1 signed by it; made once per test process. */
function testTls(): Tls {
  if (tls) return tls;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-idp-tls-"));
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=IMS Case test CA");
  openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
  fs.writeFileSync(
    f("server.ext"),
    "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
  );
  openssl(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "2",
    "-extfile",
    "server.ext",
  );
  tls = {
    dir,
    ca: fs.readFileSync(f("ca.pem"), "utf8"),
    caFile: f("ca.pem"),
    key: fs.readFileSync(f("server.key"), "utf8"),
    cert: fs.readFileSync(f("server.pem"), "utf8"),
  };
  return tls;
}

interface SigningKey {
  kid: string;
  privateJwk: JWK;
}

async function signingKey(): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = randomUUID();
  return { kid, privateJwk: { ...(await exportJWK(privateKey)), kid, alg: "RS256", use: "sig" } };
}

const now = () => Math.floor(Date.now() / 1000);

/** The public half of a key, to verify with. */
const publicKey = (k: SigningKey) => {
  const { kty, n, e, kid, alg } = k.privateJwk;
  return importJWK({ kty, n, e, kid, alg }, "RS256");
};

async function signWith(key: SigningKey | "none", claims: Record<string, unknown>, opts: TokenOptions): Promise<string> {
  const body: Record<string, unknown> = { iat: now(), nbf: now() - 1, exp: now() + (opts.expiresIn ?? 3600), ...claims };
  for (const [k, v] of Object.entries(opts.claims ?? {})) {
    if (v === undefined) delete body[k];
    else body[k] = v;
  }
  if (key === "none") {
    const header = { alg: "none", typ: "JWT", ...opts.header };
    return `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(body)).toString("base64url")}.`;
  }
  const header = { alg: "RS256", typ: "JWT", kid: key.kid, ...opts.header } as { alg: string; kid?: string; typ?: string };
  const privateKey = await importJWK(key.privateJwk, "RS256");
  return new SignJWT(body).setProtectedHeader(header).sign(privateKey);
}

/** Links a Microsoft account of the local issuer to an IMS Case user, as the web view's link or a first sign-in would leave it. */
export async function linkEntraAccount(db: Db, idp: LocalIdp, userId: string, account: IdpAccount): Promise<void> {
  await db
    .insertInto("user_identities")
    .values({
      id: randomUUID(),
      user_id: userId,
      issuer: idp.entraIssuer(account.realm),
      subject: account.subject,
      email: account.email,
      created_at: new Date().toISOString(),
      last_used_at: null,
    })
    .execute();
}

export async function startLocalIdp(): Promise<LocalIdp> {
  const { ca, caFile, key, cert } = testTls();
  const tenants = { a: randomUUID(), b: randomUUID(), other: randomUUID() };
  const realms = [tenants.a, tenants.b, tenants.other, "google"];
  const keys = new Map<string, SigningKey>();
  for (const realm of realms) keys.set(realm, await signingKey());
  const foreign = await signingKey();
  const clientId = randomUUID();
  const clientSecret = `secret-${randomUUID()}`;
  const googleClientId = `${randomUUID()}.apps.googleusercontent.com`;
  const googleClientSecret = `google-secret-${randomUUID()}`;
  const accounts = new Map<string, IdpAccount>(); // by realm + e-mail
  const oboRequests: LocalIdp["oboRequests"] = [];

  const app = express();
  const server = https.createServer({ key, cert }, app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `https://localhost:${(server.address() as AddressInfo).port}`;
  const entraIssuer = (tid: string) => `${url}/${tid}/v2.0`;
  const googleIssuer = `${url}/google`;
  const issuerOf = (realm: string) => (realm === "google" ? googleIssuer : entraIssuer(realm));

  const accountOf = (realm: string, login: string) => accounts.get(`${realm}|${login.toLowerCase()}`);
  const idClaims = (a: IdpAccount): Record<string, unknown> =>
    a.realm === "google"
      ? {
          sub: a.subject,
          email: a.email,
          email_verified: a.emailVerified ?? true,
          name: a.name,
          ...(a.hd ? { hd: a.hd } : {}),
          ...(a.groups ? { groups: a.groups } : {}),
        }
      : {
          sub: a.subject,
          oid: a.subject,
          tid: a.realm,
          ver: "2.0",
          name: a.name,
          preferred_username: a.email,
          email: a.email,
          ...(a.groups ? { groups: a.groups } : {}),
        };

  const providers: Provider[] = [];
  for (const realm of realms) {
    const google = realm === "google";
    const client: ClientMetadata = {
      client_id: google ? googleClientId : clientId,
      client_secret: google ? googleClientSecret : clientSecret,
      redirect_uris: ["http://localhost/callback"],
      post_logout_redirect_uris: ["http://localhost/"],
      grant_types: google ? ["authorization_code"] : ["authorization_code", JWT_BEARER],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    };
    const provider = new Provider(issuerOf(realm), {
      clients: [client],
      jwks: { keys: [keys.get(realm)!.privateJwk] },
      cookies: { keys: [randomUUID()] },
      pkce: { required: () => true },
      // The claims go into the ID token itself, as Entra and Google put them there.
      conformIdTokenClaims: false,
      claims: {
        openid: ["sub", "oid", "tid", "ver", "groups", "hd"],
        email: ["email", "email_verified"],
        profile: ["name", "preferred_username"],
      },
      ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600 },
      features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
      async findAccount(_ctx: KoaContextWithOIDC, id: string) {
        const account = [...accounts.values()].find((a) => a.realm === realm && a.subject === id);
        if (!account) return undefined;
        return { accountId: id, claims: async () => ({ ...idClaims(account), sub: id }) };
      },
      // The service's callback is on whatever port its test gave it: any redirect back to this machine.
      renderError(ctx: KoaContextWithOIDC, out: ErrorOut) {
        ctx.type = "json";
        ctx.body = out;
      },
    });
    const local = (value: string) => {
      try {
        return ["localhost", "127.0.0.1"].includes(new URL(value).hostname);
      } catch {
        return false;
      }
    };
    provider.Client.prototype.redirectUriAllowed = local;
    provider.Client.prototype.postLogoutRedirectUriAllowed = local;
    if (!google) {
      provider.registerGrantType(
        JWT_BEARER,
        async (ctx: KoaContextWithOIDC) => {
          const params = ctx.oidc.params as Record<string, string | undefined>;
          const assertion = params.assertion ?? "";
          oboRequests.push({ tenant: realm, assertion, scope: params.scope ?? "" });
          let user: Record<string, unknown>;
          try {
            const pub = await publicKey(keys.get(realm)!);
            ({ payload: user } = await jwtVerify(assertion, pub, { issuer: entraIssuer(realm), audience: [clientId, `api://${clientId}`] }));
          } catch (err) {
            ctx.status = 400;
            ctx.body = { error: "invalid_grant", error_description: `assertion refused: ${(err as Error).message}` };
            return;
          }
          if (params.requested_token_use !== "on_behalf_of") {
            ctx.status = 400;
            ctx.body = { error: "invalid_request", error_description: "requested_token_use must be on_behalf_of" };
            return;
          }
          const scopes = (params.scope ?? "").split(/\s+/).filter((s) => s.startsWith(`${GRAPH_AUDIENCE}/`));
          const scp = scopes.map((s) => s.slice(GRAPH_AUDIENCE.length + 1)).join(" ");
          const access = await signWith(keys.get(realm)!, { iss: entraIssuer(realm), aud: GRAPH_AUDIENCE, tid: realm, oid: user.oid, sub: user.oid, scp }, {});
          ctx.body = { token_type: "Bearer", access_token: access, expires_in: 3600, ext_expires_in: 3600, scope: scopes.join(" ") };
        },
        ["assertion", "requested_token_use", "scope"],
      );
    }
    if (process.env.IDP_DEBUG) provider.on("server_error", (_ctx: unknown, err: Error) => console.error("idp server_error", err));
    providers.push(provider);
    const mount = google ? "/google" : `/${realm}/v2.0`;
    if (!google) {
      // msal asks <authority>/<tid>/v2.0/.well-known/… or, in OIDC mode, <authority>/<tid>/.well-known/…: both answer.
      app.get(`/${realm}/.well-known/openid-configuration`, (_req, res) => res.redirect(307, `${entraIssuer(realm)}/.well-known/openid-configuration`));
    }
    // The development login form takes what is typed as the account id (the ID token's sub): the e-mail address
    // typed becomes the account's subject before the provider reads the form.
    app.post(`${mount}/interaction/:uid`, express.urlencoded({ extended: false }), (req, _res, next) => {
      const body = req.body as Record<string, string>;
      if (body.prompt === "login") body.login = accountOf(realm, body.login ?? "")?.subject ?? `unknown:${body.login}`;
      next();
    });
    app.use(mount, provider.callback());
  }

  const sign = (realm: string, claims: Record<string, unknown>, opts: TokenOptions = {}) => {
    const k = opts.key === "none" ? "none" : opts.key === "foreign" ? foreign : keys.get(realm);
    if (!k) throw new Error(`no realm ${realm}`);
    return signWith(k, claims, opts);
  };

  return {
    url,
    ca,
    caFile,
    tenants,
    clientId,
    clientSecret,
    googleClientId,
    googleClientSecret,
    entraIssuer,
    entraAuthority: url,
    googleIssuer,
    googleDiscoveryUrl: `${googleIssuer}/.well-known/openid-configuration`,
    env: (extra = {}) => ({
      ENTRA_CLIENT_ID: clientId,
      ENTRA_CLIENT_SECRET: clientSecret,
      ENTRA_TENANTS: `${tenants.a},${tenants.b}`,
      ENTRA_AUTHORITY: url,
      GOOGLE_OAUTH_CLIENT_ID: googleClientId,
      GOOGLE_OAUTH_CLIENT_SECRET: googleClientSecret,
      GOOGLE_DISCOVERY_URL: `${googleIssuer}/.well-known/openid-configuration`,
      IMS_SSO_CA_FILE: caFile,
      ...extra,
    }),
    addAccount(a) {
      accounts.set(`${a.realm}|${a.email.toLowerCase()}`, a);
      return a;
    },
    entraAccessToken: (a, opts = {}) =>
      sign(
        a.realm,
        {
          iss: entraIssuer(a.realm),
          aud: `api://${clientId}`,
          azp: clientId,
          scp: "access_as_user",
          tid: a.realm,
          oid: a.subject,
          sub: `pairwise-${a.subject}`,
          ver: "2.0",
          name: a.name,
          preferred_username: a.email,
          ...(a.groups ? { groups: a.groups } : {}),
        },
        opts,
      ),
    sign,
    oboRequests,
    async verifyGraphToken(token) {
      const unverified = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { tid?: string };
      const k = unverified.tid ? keys.get(unverified.tid) : undefined;
      if (!k || unverified.tid === "google") throw new Error("not a token of a tenant of this IdP");
      const { payload } = await jwtVerify(token, await publicKey(k), { issuer: entraIssuer(unverified.tid!), audience: GRAPH_AUDIENCE });
      return { tid: String(payload.tid), oid: String(payload.oid), scp: String(payload.scp ?? "") };
    },
    jwks: (realm) => `${issuerOf(realm)}/jwks`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
