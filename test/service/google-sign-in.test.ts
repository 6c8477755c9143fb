import { expect } from "chai";
import crypto, { type KeyObject } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { loadConfig } from "../../service/config.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

// The add-on's OAuth client id, which Google puts in `aud` of the ID tokens it issues to the add-on.
const CLIENT_ID = "123456789012-imscase.apps.googleusercontent.com";
const KID = "local-google-key-1";

// ---------------------------------------------------------------------------------------------------------
// A local stand-in for Google: an RSA key, a self-signed X.509 certificate for it, and an HTTP server that
// publishes the certificate at /oauth2/v1/certs as a JSON map from key id to PEM, cached like Google's.

const der = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  const length: number[] = [];
  for (let n = body.length; n > 0; n >>= 8) length.unshift(n & 0xff);
  const header = body.length < 0x80 ? [tag, body.length] : [tag, 0x80 | length.length, ...length];
  return Buffer.concat([Buffer.from(header), body]);
};
const sequence = (...content: Buffer[]) => der(0x30, ...content);
const objectId = (dotted: string) => {
  const [first, second, ...rest] = dotted.split(".").map(Number);
  const bytes = [40 * first + second];
  for (const n of rest) {
    const encoded = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) encoded.unshift(0x80 | (v & 0x7f));
    bytes.push(...encoded);
  }
  return der(0x06, Buffer.from(bytes));
};
const utcTime = (at: Date) => der(0x17, Buffer.from(at.toISOString().replace(/[-:T]/g, "").slice(2, 14) + "Z"));

/** A self-signed X.509 certificate in PEM, the form Google publishes its ID token keys in. */
function selfSignedCertificate(publicKey: KeyObject, privateKey: KeyObject, commonName: string): string {
  const sha256WithRsa = sequence(objectId("1.2.840.113549.1.1.11"), der(0x05));
  const name = sequence(der(0x31, sequence(objectId("2.5.4.3"), der(0x0c, Buffer.from(commonName)))));
  const day = 24 * 3600 * 1000;
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, crypto.randomBytes(8).fill(0x01, 0, 1)),
    sha256WithRsa,
    name,
    sequence(utcTime(new Date(Date.now() - day)), utcTime(new Date(Date.now() + day))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
  );
  const certificate = sequence(tbs, sha256WithRsa, der(0x03, Buffer.from([0]), crypto.sign("sha256", tbs, privateKey)));
  const lines = certificate
    .toString("base64")
    .match(/.{1,64}/g)!
    .join("\n");
  return `-----BEGIN CERTIFICATE-----\n${lines}\n-----END CERTIFICATE-----\n`;
}

interface LocalGoogle {
  certsUrl: string;
  privateKey: KeyObject;
  certificate: string;
  /** How often the service has fetched the keys. */
  fetches: number;
  close(): Promise<void>;
}

async function startLocalGoogle(): Promise<LocalGoogle> {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const certificate = selfSignedCertificate(publicKey, privateKey, "local-google");
  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/oauth2/v1/certs") {
      google.fetches++;
      res.writeHead(200, { "Content-Type": "application/json; charset=UTF-8", "Cache-Control": "public, max-age=21600, must-revalidate, no-transform" });
      res.end(JSON.stringify({ [KID]: certificate }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const google: LocalGoogle = {
    certsUrl: `http://127.0.0.1:${port}/oauth2/v1/certs`,
    privateKey,
    certificate,
    fetches: 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return google;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/**
 * The claims of an ID token Google issues to the add-on for `email`, as `ScriptApp.getIdentityToken()` returns it: by default an account of
 * the school's Google Workspace (`hd` skole.dk), one account per address (`sub`). `hd: undefined` makes it a consumer account.
 */
function googleClaims(email: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: "https://accounts.google.com",
    azp: CLIENT_ID,
    aud: CLIENT_ID,
    sub: `g-${email.toLowerCase()}`,
    hd: "skole.dk",
    email,
    email_verified: true,
    iat: now,
    exp: now + 3600,
    ...overrides,
  };
}

type Signing = { alg: "RS256"; key: KeyObject } | { alg: "none" } | { alg: "HS256"; secret: string };

function jwt(claims: Record<string, unknown>, signing: Signing, kid = KID): string {
  const input = `${base64url({ alg: signing.alg, kid, typ: "JWT" })}.${base64url(claims)}`;
  const signature =
    signing.alg === "RS256"
      ? crypto.sign("sha256", Buffer.from(input), signing.key).toString("base64url")
      : signing.alg === "HS256"
        ? crypto.createHmac("sha256", signing.secret).update(input).digest("base64url")
        : "";
  return `${input}.${signature}`;
}

// ---------------------------------------------------------------------------------------------------------

describe("sign-in with a Google ID token", () => {
  let google: LocalGoogle;
  let svc: TestService;
  let w: World;
  const signed = (claims: Record<string, unknown>) => jwt(claims, { alg: "RS256", key: google.privateKey });
  const me = (token: string) => request(svc.url).get("/api/me").auth(token, { type: "bearer" });
  const lastSeq = async () => (await svc.ctx.db.selectFrom("audit_events").select("seq").orderBy("seq", "desc").executeTakeFirst())?.seq ?? 0;
  const auditSince = async (seq: number) =>
    (await svc.ctx.db.selectFrom("audit_events").selectAll().where("seq", ">", seq).orderBy("seq").execute()).map((e) => ({
      action: e.action,
      actorId: e.actor_id,
      details: JSON.parse(e.details) as Record<string, unknown>,
    }));

  /** Sends the token, expects a 401 invalid_token, and returns the detail and the audited refusal. */
  async function refused(token: string) {
    const before = await lastSeq();
    const res = await me(token)
      .expect(401)
      .expect("Content-Type", /application\/problem\+json/);
    expect(res.body.code).to.equal("invalid_token");
    expect(res.headers["www-authenticate"]).to.contain('error="invalid_token"');
    const events = await auditSince(before);
    expect(events.map((e) => e.action)).to.deep.equal(["auth.refused"]);
    return { detail: res.body.detail as string, audit: events[0].details };
  }

  before(async () => {
    google = await startLocalGoogle();
    svc = await startTestService({ GOOGLE_CLIENT_ID: CLIENT_ID, GOOGLE_CERTS_URL: google.certsUrl });
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
  });
  after(async () => {
    await svc?.dispose();
    await google?.close();
  });

  it("the local issuer publishes a real X.509 certificate for its key, as Google does", () => {
    const certificate = new crypto.X509Certificate(google.certificate);
    expect(certificate.verify(crypto.createPublicKey(google.privateKey))).to.equal(true);
  });

  it("a caseworker with a valid Google ID token is signed in as herself, and the login is audited once per session", async () => {
    const before = await lastSeq();
    const token = signed(googleClaims("alice@skole.dk"));
    const res = await me(token).expect(200);
    expect(res.body).to.include({ id: w.users.alice, email: "alice@skole.dk", role: "caseworker" });
    await me(signed(googleClaims("alice@skole.dk", { iat: Math.floor(Date.now() / 1000) - 60 }))).expect(200);

    const logins = (await auditSince(before)).filter((e) => e.action === "auth.login");
    expect(logins).to.deep.equal([{ action: "auth.login", actorId: w.users.alice, details: { via: "google" } }]);
  });

  it("the first sign-in of a Workspace account by its verified address links the account (issuer + subject) to the user, audited", async () => {
    const identities = await svc.ctx.db
      .selectFrom("user_identities")
      .select(["user_id", "issuer", "subject", "email"])
      .where("user_id", "=", w.users.alice)
      .execute();
    expect(identities).to.deep.equal([{ user_id: w.users.alice, issuer: "https://accounts.google.com", subject: "g-alice@skole.dk", email: "alice@skole.dk" }]);
    const links = (
      await svc.ctx.db.selectFrom("audit_events").selectAll().where("action", "=", "auth.identity.link").where("object_id", "=", w.users.alice).execute()
    ).map((e) => ({ actorId: e.actor_id, details: JSON.parse(e.details) as Record<string, unknown> }));
    expect(links).to.have.length(1);
    expect(links[0].actorId).to.equal(null);
    expect(links[0].details).to.include({ issuer: "https://accounts.google.com", subject: "g-alice@skole.dk", email: "alice@skole.dk", via: "sign-in" });
  });

  it("a linked account is its subject, not its address: with another address in the token it still signs in as the same user", async () => {
    const res = await me(signed(googleClaims("alice.ny@skole.dk", { sub: "g-alice@skole.dk" }))).expect(200);
    expect(res.body.id).to.equal(w.users.alice);
  });

  it("another Google account with the address of a user who has a Google account already is refused (a reused address)", async () => {
    const before = await lastSeq();
    const res = await me(signed(googleClaims("alice@skole.dk", { sub: "g-recycled" }))).expect(401);
    expect(res.body.code).to.equal("unknown_user");
    expect(res.body.detail).to.contain("signs in with another Google account");
    const events = await auditSince(before);
    expect(events.map((e) => e.action)).to.deep.equal(["auth.refused"]);
    expect(events[0].details).to.include({ via: "google", reason: "address_reused", email: "alice@skole.dk" });
  });

  it("a consumer Google account (no hd) is never signed in by its address alone, verified or not: it is refused until linked", async () => {
    // Before single sign-on, any verified address signed in as its user when no domain was configured.
    const res = await me(signed(googleClaims("carl@skole.dk", { hd: undefined }))).expect(401);
    expect(res.body.code).to.equal("unknown_user");
    expect(res.body.detail).to.contain("carl@skole.dk");
    const identities = await svc.ctx.db.selectFrom("user_identities").select("id").where("user_id", "=", w.users.carl).execute();
    expect(identities).to.deep.equal([]);
  });

  it("the e-mail address is matched without regard to case, and the bare issuer name is accepted too", async () => {
    const res = await me(signed(googleClaims("Bob@Skole.DK", { iss: "accounts.google.com" }))).expect(200);
    expect(res.body.id).to.equal(w.users.bob);
  });

  it("Google's keys are fetched once and kept as long as Google's Cache-Control allows", () => {
    expect(google.fetches).to.equal(1);
  });

  it("an expired token is refused, saying it expired, and the refusal is audited with the reason", async () => {
    const hoursAgo = (h: number) => Math.floor(Date.now() / 1000) - h * 3600;
    const { detail, audit } = await refused(signed(googleClaims("alice@skole.dk", { iat: hoursAgo(2), exp: hoursAgo(1) })));
    expect(detail).to.contain("expired");
    expect(audit).to.include({ via: "google", reason: "expired", path: "/me" });
  });

  it("a token issued to another application (wrong audience) is refused", async () => {
    const { detail, audit } = await refused(signed(googleClaims("alice@skole.dk", { aud: "999-other.apps.googleusercontent.com" })));
    expect(detail).to.contain("wrong audience");
    expect(audit).to.include({ via: "google", reason: "wrong_audience" });
  });

  it("a token from another issuer, or from a Google issuer that is not Google accounts, is refused", async () => {
    for (const iss of ["https://evil.example", "googleapis.com"]) {
      const { detail, audit } = await refused(signed(googleClaims("alice@skole.dk", { iss })));
      expect(detail).to.contain("wrong issuer");
      expect(audit).to.include({ via: "google", reason: "wrong_issuer" });
    }
  });

  it("an unsigned token (alg none) is refused", async () => {
    const { audit } = await refused(jwt(googleClaims("alice@skole.dk"), { alg: "none" }));
    expect(audit).to.include({ via: "google", reason: "unsupported_algorithm" });
  });

  it("a token that claims RS256 but carries no signature is refused", async () => {
    const [header, payload] = signed(googleClaims("alice@skole.dk")).split(".");
    const { audit } = await refused(`${header}.${payload}.`);
    expect(audit).to.include({ via: "google", reason: "bad_signature" });
  });

  it("a token signed with HMAC over Google's public certificate (algorithm confusion) is refused", async () => {
    const { audit } = await refused(jwt(googleClaims("alice@skole.dk"), { alg: "HS256", secret: google.certificate }));
    expect(audit).to.include({ via: "google", reason: "unsupported_algorithm" });
  });

  it("a token signed by another key under Google's key id is refused: the signature does not verify", async () => {
    const { privateKey: otherKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const { detail, audit } = await refused(jwt(googleClaims("alice@skole.dk"), { alg: "RS256", key: otherKey }));
    expect(detail).to.contain("signature");
    expect(audit).to.include({ via: "google", reason: "bad_signature" });
  });

  it("a token whose payload was altered after signing is refused", async () => {
    const [header, , signature] = signed(googleClaims("erik@partner.dk")).split(".");
    const { audit } = await refused(`${header}.${base64url(googleClaims("bob@skole.dk"))}.${signature}`);
    expect(audit).to.include({ via: "google", reason: "bad_signature" });
  });

  it("a token naming a key Google does not publish (unknown kid) is refused", async () => {
    const { audit } = await refused(jwt(googleClaims("alice@skole.dk"), { alg: "RS256", key: google.privateKey }, "retired-key"));
    expect(audit).to.include({ via: "google", reason: "unknown_key" });
  });

  it("a token for an account whose e-mail address Google has not verified is refused", async () => {
    for (const emailVerified of [false, undefined, "true"]) {
      const { detail, audit } = await refused(signed(googleClaims("alice@skole.dk", { email_verified: emailVerified })));
      expect(detail).to.contain("not verified");
      expect(audit).to.include({ via: "google", reason: "email_not_verified" });
    }
  });

  it("a token without an e-mail address (no email scope) is refused", async () => {
    const { detail, audit } = await refused(signed(googleClaims("alice@skole.dk", { email: undefined })));
    expect(detail).to.contain("e-mail");
    expect(audit).to.include({ via: "google", reason: "no_email" });
  });

  it("a Google account no IMS Case user has is refused as unknown_user, saying whom to ask", async () => {
    const before = await lastSeq();
    const res = await me(signed(googleClaims("Ukendt@Skole.dk")))
      .expect(401)
      .expect("Content-Type", /application\/problem\+json/);
    expect(res.body.code).to.equal("unknown_user");
    expect(res.body.detail).to.equal(
      "No IMS Case user answers to the Google account ukendt@skole.dk; ask an administrator to add you, or sign in and connect this account to your user (Log ind).",
    );
    const events = await auditSince(before);
    expect(events).to.have.length(1);
    expect(events[0]).to.deep.include({ action: "auth.refused", actorId: null });
    expect(events[0].details).to.include({ via: "google", reason: "unknown_identity", email: "ukendt@skole.dk" });
  });

  it("a deactivated user is refused as unknown_user from the next request, and let back in when reactivated", async () => {
    const admin = (method: "post" | "patch", url: string) => request(svc.url)[method](url).auth(ADMIN_TOKEN, { type: "bearer" });
    const dorte = (await admin("post", "/api/admin/users").send({ email: "dorte@skole.dk", name: "Dorte Vikar", role: "caseworker" }).expect(201)).body;
    const token = signed(googleClaims("dorte@skole.dk"));
    await me(token).expect(200);

    await admin("patch", `/api/admin/users/${dorte.id}`).send({ active: false }).expect(200);
    const res = await me(token).expect(401);
    expect(res.body.code).to.equal("unknown_user");
    expect(res.body.detail).to.equal("The IMS Case user the Google account dorte@skole.dk is linked to is deactivated; ask an administrator.");

    await admin("patch", `/api/admin/users/${dorte.id}`).send({ active: true }).expect(200);
    expect((await me(token).expect(200)).body.id).to.equal(dorte.id);
  });

  it("API tokens keep working alongside, and an unknown API token gets the usual refusal, not a Google one", async () => {
    expect((await me(w.tokens.alice).expect(200)).body.id).to.equal(w.users.alice);
    expect((await me(ADMIN_TOKEN).expect(200)).body.role).to.equal("admin");
    const { detail, audit } = await refused("ims_not-a-real-token");
    expect(detail).to.contain("API token");
    expect(audit).to.not.have.property("via");
  });

  it("a GOOGLE_CERTS_URL that is not https (other than this machine) or not a URL stops the service from starting", () => {
    const env = { GOOGLE_CLIENT_ID: CLIENT_ID };
    expect(() => loadConfig({ ...env, GOOGLE_CERTS_URL: "http://keys.example/oauth2/v1/certs" })).to.throw("must use https");
    expect(() => loadConfig({ ...env, GOOGLE_CERTS_URL: "not a url" })).to.throw("must be a URL");
    expect(loadConfig(env).googleSignIn).to.deep.equal({ clientId: CLIENT_ID, certsUrl: "https://www.googleapis.com/oauth2/v1/certs" });
    expect(loadConfig({}).googleSignIn).to.equal(undefined);
  });

  it("GOOGLE_HOSTED_DOMAIN (one domain, the older name) and GOOGLE_HOSTED_DOMAINS set the same rule as the web view's Google sign-in", () => {
    const env = { GOOGLE_CLIENT_ID: CLIENT_ID };
    expect(loadConfig({ ...env, GOOGLE_HOSTED_DOMAIN: " Skole.dk " }).sso.googleRealms.domains).to.deep.equal([{ id: "skole.dk", createRole: null }]);
    expect(loadConfig({ ...env, GOOGLE_HOSTED_DOMAINS: "skole.dk:caseworker, partner.dk" }).sso.googleRealms.domains).to.deep.equal([
      { id: "skole.dk", createRole: "caseworker" },
      { id: "partner.dk", createRole: null },
    ]);
    expect(loadConfig({ ...env, GOOGLE_HOSTED_DOMAIN: "skole.dk" }).googleSignIn).to.not.have.property("hostedDomain");
  });

  describe("when Google's keys cannot be fetched", () => {
    let cut: TestService;
    before(async () => {
      const closed = await startLocalGoogle();
      await closed.close();
      cut = await startTestService({ GOOGLE_CLIENT_ID: CLIENT_ID, GOOGLE_CERTS_URL: closed.certsUrl });
      await buildWorld(cut.ctx.db, ADMIN_TOKEN);
    });
    after(() => cut?.dispose());

    it("a Google ID token gets 503 sign_in_unavailable, not a refusal, while API tokens still work", async () => {
      const res = await request(cut.url)
        .get("/api/me")
        .auth(signed(googleClaims("alice@skole.dk")), { type: "bearer" })
        .expect(503);
      expect(res.body.code).to.equal("sign_in_unavailable");
      await request(cut.url).get("/api/me").auth(ADMIN_TOKEN, { type: "bearer" }).expect(200);
    });
  });

  describe("without GOOGLE_CLIENT_ID", () => {
    let plain: TestService;
    before(async () => {
      plain = await startTestService({ GOOGLE_CERTS_URL: google.certsUrl });
      await buildWorld(plain.ctx.db, ADMIN_TOKEN);
    });
    after(() => plain?.dispose());

    it("no Google authenticator is installed: a valid Google ID token is just an unknown bearer token", async () => {
      const fetchesBefore = google.fetches;
      const res = await request(plain.url)
        .get("/api/me")
        .auth(signed(googleClaims("alice@skole.dk")), { type: "bearer" })
        .expect(401);
      expect(res.body.code).to.equal("invalid_token");
      expect(res.body.detail).to.contain("API token");
      expect(google.fetches).to.equal(fetchesBefore);
      await request(plain.url).get("/api/me").auth(ADMIN_TOKEN, { type: "bearer" }).expect(200);
    });
  });

  describe("restricted to one Google Workspace domain (GOOGLE_HOSTED_DOMAIN)", () => {
    let restricted: TestService;
    before(async () => {
      restricted = await startTestService({ GOOGLE_CLIENT_ID: CLIENT_ID, GOOGLE_CERTS_URL: google.certsUrl, GOOGLE_HOSTED_DOMAIN: "Skole.dk" });
      await buildWorld(restricted.ctx.db, ADMIN_TOKEN);
    });
    after(() => restricted?.dispose());

    it("an account of the domain signs in; a consumer account with the same verified address is refused", async () => {
      const ok = await request(restricted.url)
        .get("/api/me")
        .auth(signed(googleClaims("alice@skole.dk", { hd: "skole.dk" })), { type: "bearer" })
        .expect(200);
      expect(ok.body.email).to.equal("alice@skole.dk");
      const consumer = await request(restricted.url)
        .get("/api/me")
        .auth(signed(googleClaims("alice@skole.dk", { hd: undefined, sub: "g-alice-consumer" })), { type: "bearer" })
        .expect(401);
      expect(consumer.body.code).to.equal("invalid_token");
      expect(consumer.body.detail).to.contain("Google Workspace domain skole.dk");
      const other = await request(restricted.url)
        .get("/api/me")
        .auth(signed(googleClaims("alice@skole.dk", { hd: "andet.dk", sub: "g-alice-andet" })), { type: "bearer" })
        .expect(401);
      expect(other.body.code).to.equal("invalid_token");
    });

    it("an account of another domain may not even ask for a link", async () => {
      const res = await request(restricted.url)
        .post("/api/auth/google-links")
        .send({ idToken: signed(googleClaims("ny@gmail.com", { hd: undefined })) })
        .expect(401);
      expect(res.body.code).to.equal("invalid_token");
      expect(res.body.detail).to.contain("Google Workspace domain skole.dk");
    });
  });

  describe("Workspace domains with a role for new users, and directory groups (GOOGLE_HOSTED_DOMAINS, IMS_SSO_GROUPS)", () => {
    let open: TestService;
    const openMe = (claims: Record<string, unknown>) => request(open.url).get("/api/me").auth(signed(claims), { type: "bearer" });
    const groupsOf = async (userId: string) =>
      (
        await open.ctx.db
          .selectFrom("group_members")
          .innerJoin("groups", "groups.id", "group_members.group_id")
          .select(["groups.name", "group_members.via_sso"])
          .where("user_id", "=", userId)
          .orderBy("groups.name")
          .execute()
      ).map((r) => `${r.name}${r.via_sso ? " (directory)" : ""}`);

    before(async () => {
      open = await startTestService({
        GOOGLE_CLIENT_ID: CLIENT_ID,
        GOOGLE_CERTS_URL: google.certsUrl,
        GOOGLE_HOSTED_DOMAINS: "skole.dk:caseworker, partner.dk",
        IMS_SSO_GROUPS: "google:laerere@skole.dk=Lærere, google:kontor@skole.dk=Kontoret",
      });
      for (const name of ["Lærere", "Kontoret"]) {
        await request(open.url).post("/api/admin/groups").auth(ADMIN_TOKEN, { type: "bearer" }).send({ name }).expect(201);
      }
    });
    after(() => open?.dispose());

    it("an unknown account of a domain with a role becomes a user with that role at its first sign-in, and is found again by its subject", async () => {
      const first = await openMe(googleClaims("Ny.Laerer@skole.dk", { name: "Ny Lærer" })).expect(200);
      expect(first.body).to.include({ email: "ny.laerer@skole.dk", name: "Ny Lærer", role: "caseworker" });
      const again = await openMe(googleClaims("ny.laerer@skole.dk")).expect(200);
      expect(again.body.id).to.equal(first.body.id);
      const created = await open.ctx.db
        .selectFrom("audit_events")
        .select("details")
        .where("action", "=", "auth.identity.link")
        .where("object_id", "=", first.body.id)
        .execute();
      expect(created).to.have.length(1);
      expect(JSON.parse(created[0].details)).to.include({
        issuer: "https://accounts.google.com",
        subject: "g-ny.laerer@skole.dk",
        email: "ny.laerer@skole.dk",
        via: "created",
      });
    });

    it("an unknown account of a domain without a role is refused, and nobody is created", async () => {
      const res = await openMe(googleClaims("gaest@partner.dk", { hd: "partner.dk" })).expect(401);
      expect(res.body.code).to.equal("unknown_user");
      expect(await open.ctx.db.selectFrom("users").select("id").where("email", "=", "gaest@partner.dk").execute()).to.deep.equal([]);
    });

    it("a consumer account is refused, naming the domains", async () => {
      const res = await openMe(googleClaims("someone@gmail.com", { hd: undefined })).expect(401);
      expect(res.body.code).to.equal("invalid_token");
      expect(res.body.detail).to.contain("one of the Google Workspace domains skole.dk, partner.dk");
    });

    it("groups in the token confer the mapped IMS Case groups, updated at the next sign-in; a membership made by hand stays", async () => {
      const claims = (groups: string[] | undefined) => googleClaims("gruppe@skole.dk", { groups });
      const user = (await openMe(claims(["Laerere@skole.dk", "ukendt@skole.dk"])).expect(200)).body as { id: string };
      expect(await groupsOf(user.id)).to.deep.equal(["Lærere (directory)"]);

      const kontoret = await open.ctx.db.selectFrom("groups").select("id").where("name", "=", "Kontoret").executeTakeFirstOrThrow();
      await open.ctx.db.insertInto("group_members").values({ group_id: kontoret.id, user_id: user.id, via_sso: 0 }).execute();
      await openMe(claims(["kontor@skole.dk"])).expect(200);
      expect(await groupsOf(user.id)).to.deep.equal(["Kontoret"]);

      // A token that carries no groups claim changes nothing.
      await openMe(claims(undefined)).expect(200);
      expect(await groupsOf(user.id)).to.deep.equal(["Kontoret"]);
      await openMe(claims([])).expect(200);
      expect(await groupsOf(user.id)).to.deep.equal(["Kontoret"]);
    });
  });
});
