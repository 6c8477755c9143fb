import { expect } from "chai";
import crypto, { type KeyObject } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { createUser } from "../../../service/features/users/users.service.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../../support/service.ts";
import { givePassword, PASSWORD } from "../../support/web.ts";
import { buildWorld, type World } from "../../support/world.ts";

// Add-ins sign in through the web view: an Office add-in gets a one-time code through Office's dialog and
// redeems it with its PKCE verifier; the Gmail add-on's Google account is linked to whoever confirms its link
// request. Both are listed among one's sessions and end when revoked.

const CLIENT_ID = "123456789012-imscase.apps.googleusercontent.com";
const KID = "device-sign-in-test-key";

/** A PKCE pair as the task pane makes it: a random verifier and its S256 challenge. */
function pkce() {
  const verifier = crypto.randomBytes(32).toString("base64url");
  return { verifier, challenge: crypto.createHash("sha256").update(verifier).digest("base64url") };
}

interface LocalGoogle {
  certsUrl: string;
  idToken(email: string, sub: string): string;
  close(): Promise<void>;
}

/** Google's signing keys on a local server, and ID tokens signed with them as Apps Script hands them out. */
async function startLocalGoogle(): Promise<LocalGoogle> {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const server = http.createServer((req, res) => {
    if (req.url !== "/oauth2/v1/certs") return res.writeHead(404).end();
    res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "public, max-age=21600" });
    res.end(JSON.stringify({ [KID]: pem }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const sign = (key: KeyObject, claims: Record<string, unknown>) => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const input = `${b64({ alg: "RS256", kid: KID, typ: "JWT" })}.${b64(claims)}`;
    return `${input}.${crypto.sign("sha256", Buffer.from(input), key).toString("base64url")}`;
  };
  return {
    certsUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth2/v1/certs`,
    idToken(email, sub) {
      const now = Math.floor(Date.now() / 1000);
      return sign(privateKey, {
        iss: "https://accounts.google.com",
        aud: CLIENT_ID,
        azp: CLIENT_ID,
        sub,
        email,
        email_verified: true,
        iat: now,
        exp: now + 3600,
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("add-ins sign in through the web view", () => {
  let google: LocalGoogle;
  let svc: TestService;
  let w: World;
  let alice: string;
  let bob: string;

  const cookieOf = (res: request.Response) => String(res.headers["set-cookie"]?.[0] ?? "").split(";")[0];
  const signIn = async (email: string) => cookieOf(await request(svc.url).post("/api/auth/sign-in").send({ email, password: PASSWORD }).expect(200));
  /** A request from the web view's own page, with its session cookie. */
  const web = (cookie: string, method: "get" | "post" | "delete", path: string) =>
    request(svc.url)[method](path).set("Cookie", cookie).set("Sec-Fetch-Site", "same-origin");
  const bearer = (token: string, method: "get" | "post" | "delete", path: string) => request(svc.url)[method](path).auth(token, { type: "bearer" });
  const anonymous = (path: string) => request(svc.url).post(path);
  const audit = async (action: string) =>
    (await svc.ctx.db.selectFrom("audit_events").selectAll().where("action", "=", action).orderBy("seq").execute()).map((e) => ({
      actorId: e.actor_id,
      objectId: e.object_id,
      details: JSON.parse(e.details) as Record<string, unknown>,
    }));

  /** The whole Office journey: the page gets a code for the pane's challenge, the pane redeems it. */
  async function signInOffice(cookie: string, client = "outlook") {
    const { verifier, challenge } = pkce();
    const code = (await web(cookie, "post", "/api/auth/devices/codes").send({ client, challenge }).expect(201)).body;
    return (await anonymous("/api/auth/devices/redeem").send({ code: code.code, verifier }).expect(201)).body;
  }

  before(async () => {
    google = await startLocalGoogle();
    svc = await startTestService({ GOOGLE_CLIENT_ID: CLIENT_ID, GOOGLE_CERTS_URL: google.certsUrl });
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    for (const id of [w.users.alice, w.users.bob]) await givePassword(svc.ctx.db, id);
    alice = await signIn("alice@skole.dk");
    bob = await signIn("bob@skole.dk");
  });
  after(async () => {
    await svc?.dispose();
    await google?.close();
  });

  describe("Office add-ins", () => {
    it("a signed-in person lets Outlook in: the add-in's credential works, is listed under her sessions, and the issue is audited", async () => {
      const { verifier, challenge } = pkce();
      const code = await web(alice, "post", "/api/auth/devices/codes").send({ client: "outlook", challenge }).expect(201);
      expect(code.headers["cache-control"]).to.equal("no-store");
      expect(code.body.code).to.match(/^[A-Za-z0-9_-]{43}$/);
      const redeemed = await anonymous("/api/auth/devices/redeem").send({ code: code.body.code, verifier }).expect(201);
      const credential = redeemed.body;
      expect(credential).to.deep.include({ client: "outlook", userId: w.users.alice, name: "Alice Sagsbehandler" });
      expect(credential.token).to.match(/^imsd_[A-Za-z0-9_-]{43}$/);

      const me = await bearer(credential.token, "get", "/api/me").expect(200);
      expect(me.body.id).to.equal(w.users.alice);

      const sessions = (await web(alice, "get", "/api/auth/sessions").expect(200)).body;
      const listed = sessions.devices.find((d: { id: string }) => d.id === credential.id);
      expect(listed).to.include({ client: "outlook", account: null });
      expect(Number.isNaN(Date.parse(listed.createdAt))).to.equal(false);
      expect(listed.lastUsedAt, "the /api/me just now").to.be.a("string");
      expect(sessions.items.some((s: { current: boolean }) => s.current)).to.equal(true);

      const issued = (await audit("auth.device.issue")).filter((e) => e.details.deviceId === credential.id);
      expect(issued).to.deep.equal([{ actorId: w.users.alice, objectId: w.users.alice, details: { deviceId: credential.id, client: "outlook" } }]);
      // Only hashes are kept: neither the code nor the credential is anywhere in the table.
      const row = await svc.ctx.db.selectFrom("device_sign_ins").selectAll().where("id", "=", credential.id).executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).to.not.contain(credential.token.slice(5)).and.not.contain(code.body.code);
    });

    it("a code never redeemed is cleared once it has expired, when the person asks for the next one", async () => {
      const { challenge } = pkce();
      await web(alice, "post", "/api/auth/devices/codes").send({ client: "word", challenge }).expect(201);
      const unredeemed = () =>
        svc.ctx.db.selectFrom("device_sign_ins").select("id").where("user_id", "=", w.users.alice).where("redeemed_at", "is", null).execute();
      const stale = await unredeemed();
      await svc.ctx.db.updateTable("device_sign_ins").set({ code_expires_at: "2000-01-01T00:00:00.000Z" }).where("redeemed_at", "is", null).execute();
      await web(alice, "post", "/api/auth/devices/codes").send({ client: "word", challenge: pkce().challenge }).expect(201);
      const left = (await unredeemed()).map((r) => r.id);
      expect(left).to.have.length(1);
      expect(stale.map((r) => r.id)).to.not.include(left[0]);
    });

    it("a code is redeemed once; a wrong verifier spends it; an expired one is refused", async () => {
      const first = pkce();
      const code = (await web(alice, "post", "/api/auth/devices/codes").send({ client: "word", challenge: first.challenge }).expect(201)).body.code;
      await anonymous("/api/auth/devices/redeem").send({ code, verifier: first.verifier }).expect(201);
      const again = await anonymous("/api/auth/devices/redeem").send({ code, verifier: first.verifier }).expect(410);
      expect(again.body.code).to.equal("device_code_expired");

      const second = pkce();
      const stray = (await web(alice, "post", "/api/auth/devices/codes").send({ client: "word", challenge: second.challenge }).expect(201)).body.code;
      const wrong = await anonymous("/api/auth/devices/redeem").send({ code: stray, verifier: pkce().verifier }).expect(410);
      expect(wrong.body.code).to.equal("device_code_expired");
      await anonymous("/api/auth/devices/redeem").send({ code: stray, verifier: second.verifier }).expect(410);

      const third = pkce();
      const late = (await web(alice, "post", "/api/auth/devices/codes").send({ client: "excel", challenge: third.challenge }).expect(201)).body;
      await svc.ctx.db
        .updateTable("device_sign_ins")
        .set({ code_expires_at: new Date(Date.now() - 1000).toISOString() })
        .where("code_expires_at", "=", late.expiresAt)
        .execute();
      await anonymous("/api/auth/devices/redeem").send({ code: late.code, verifier: third.verifier }).expect(410);
      await anonymous("/api/auth/devices/redeem")
        .send({ code: "x".repeat(43), verifier: third.verifier })
        .expect(410);
    });

    it("only the four Office hosts get codes, for a well-formed challenge", async () => {
      for (const client of ["outlook", "word", "excel", "powerpoint"]) {
        await web(alice, "post", "/api/auth/devices/codes").send({ client, challenge: pkce().challenge }).expect(201);
      }
      for (const client of ["gmail", "notepad", "Outlook", ""]) {
        const refused = await web(alice, "post", "/api/auth/devices/codes").send({ client, challenge: pkce().challenge });
        expect(refused.status, client).to.be.oneOf([400, 422]);
      }
      for (const challenge of ["kort", "x".repeat(44), "+".repeat(43)]) {
        const refused = await web(alice, "post", "/api/auth/devices/codes").send({ client: "word", challenge });
        expect(refused.status, challenge).to.be.oneOf([400, 422]);
      }
    });

    it("only a person signed in to the web view lets an add-in in: an API token or an add-in's own credential is refused", async () => {
      const body = { client: "outlook", challenge: pkce().challenge };
      const byToken = await bearer(w.tokens.alice, "post", "/api/auth/devices/codes").send(body).expect(403);
      expect(byToken.body.code).to.equal("session_required");
      const device = await signInOffice(alice);
      expect((await bearer(device.token, "post", "/api/auth/devices/codes").send(body).expect(403)).body.code).to.equal("session_required");
      await anonymous("/api/auth/devices/codes").send(body).expect(401);
    });

    it("a code asked for from another site is refused (CSRF), and none is made", async () => {
      const before = await svc.ctx.db
        .selectFrom("device_sign_ins")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      const body = { client: "outlook", challenge: pkce().challenge };
      const cross = await request(svc.url).post("/api/auth/devices/codes").set("Cookie", alice).set("Sec-Fetch-Site", "cross-site").send(body).expect(403);
      expect(cross.body.code).to.equal("cross_site_request");
      await request(svc.url).post("/api/auth/devices/codes").set("Cookie", alice).set("Origin", "https://evil.example").send(body).expect(403);
      const after = await svc.ctx.db
        .selectFrom("device_sign_ins")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      expect(Number(after.n)).to.equal(Number(before.n));
    });

    it("revoked under one's sessions, the add-in's credential gets 401 from the next request on; the revocation is audited", async () => {
      const device = await signInOffice(alice, "powerpoint");
      await bearer(device.token, "get", "/api/cases").expect(200);
      // Bob cannot end Alice's add-in; from another site nobody can.
      await web(bob, "delete", `/api/auth/sessions/${device.id}`).expect(404);
      await request(svc.url).delete(`/api/auth/sessions/${device.id}`).set("Cookie", alice).set("Sec-Fetch-Site", "cross-site").expect(403);
      await bearer(device.token, "get", "/api/cases").expect(200);

      await web(alice, "delete", `/api/auth/sessions/${device.id}`).expect(204);
      const refused = await bearer(device.token, "get", "/api/cases").expect(401);
      expect(refused.body.code).to.equal("invalid_token");
      const listed = (await web(alice, "get", "/api/auth/sessions").expect(200)).body.devices.map((d: { id: string }) => d.id);
      expect(listed).to.not.include(device.id);
      await web(alice, "delete", `/api/auth/sessions/${device.id}`).expect(404);
      const revoked = (await audit("auth.device.revoke")).filter((e) => e.details.deviceId === device.id);
      expect(revoked).to.deep.equal([{ actorId: w.users.alice, objectId: w.users.alice, details: { deviceId: device.id, client: "powerpoint" } }]);
    });

    it("the add-in signs itself out with its own credential ('Log ud')", async () => {
      const device = await signInOffice(alice, "excel");
      await bearer(device.token, "delete", `/api/auth/sessions/${device.id}`).expect(204);
      await bearer(device.token, "get", "/api/me").expect(401);
    });

    it("a password change signs every add-in out, and so does a temporary password an administrator sets", async () => {
      const dora = await createUser(svc.ctx.db, null, { email: "dora@skole.dk", name: "Dora Dansklærer", role: "caseworker" });
      await givePassword(svc.ctx.db, dora.id);
      const cookie = await signIn("dora@skole.dk");
      const word = await signInOffice(cookie, "word");
      await bearer(word.token, "get", "/api/me").expect(200);
      await web(cookie, "post", "/api/auth/password").send({ currentPassword: PASSWORD, newPassword: "Et-helt-nyt-kodeord-2026" }).expect(204);
      await bearer(word.token, "get", "/api/me").expect(401);
      const changed = (await audit("user.password.change")).filter((e) => e.objectId === dora.id);
      expect(changed.map((e) => e.details.devicesEnded)).to.deep.equal([1]);

      const excel = await signInOffice(cookie, "excel");
      await bearer(excel.token, "get", "/api/me").expect(200);
      await bearer(ADMIN_TOKEN, "post", `/api/admin/users/${dora.id}/password`).send({ temporaryPassword: "Midlertidig-kode-9876" }).expect(204);
      await bearer(excel.token, "get", "/api/me").expect(401);
    });

    it("a deactivated person's add-ins stop working, and a code of theirs cannot be redeemed", async () => {
      await givePassword(svc.ctx.db, w.users.carl);
      const carl = await signIn("carl@skole.dk");
      const device = await signInOffice(carl, "word");
      const pending = pkce();
      const code = (await web(carl, "post", "/api/auth/devices/codes").send({ client: "word", challenge: pending.challenge }).expect(201)).body.code;
      await svc.ctx.db.updateTable("users").set({ active: 0 }).where("id", "=", w.users.carl).execute();
      await bearer(device.token, "get", "/api/me").expect(401);
      await anonymous("/api/auth/devices/redeem").send({ code, verifier: pending.verifier }).expect(410);
      await svc.ctx.db.updateTable("users").set({ active: 1 }).where("id", "=", w.users.carl).execute();
    });
  });

  describe("the Gmail add-on's Google account", () => {
    const gmailMe = (idToken: string) => bearer(idToken, "get", "/api/me");
    const startLink = (idToken: string) => anonymous("/api/auth/google-links").send({ idToken });
    const tokenOf = (path: string) => new URL(path, "http://x").searchParams.get("request")!;

    it("today an account no user answers to is refused as unknown_user; linked by the person who confirms, it signs in as her", async () => {
      const idToken = google.idToken("alice.privat@gmail.com", "g-alice-1");
      expect((await gmailMe(idToken).expect(401)).body.code).to.equal("unknown_user");

      const started = await startLink(idToken).expect(201);
      expect(started.body.path).to.match(/^\/forbind\/gmail\?request=[A-Za-z0-9_-]{43}$/);
      const token = tokenOf(started.body.path);
      const pending = await web(alice, "post", "/api/auth/google-links/lookup").send({ token }).expect(200);
      expect(pending.body.account).to.equal("alice.privat@gmail.com");
      const linked = await web(alice, "post", "/api/auth/google-links/confirm").send({ token }).expect(200);
      expect(linked.body.account).to.equal("alice.privat@gmail.com");

      expect((await gmailMe(idToken).expect(200)).body.email).to.equal("alice@skole.dk");
      const devices = (await web(alice, "get", "/api/auth/sessions").expect(200)).body.devices;
      expect(devices.find((d: { id: string }) => d.id === linked.body.id)).to.include({ client: "gmail", account: "alice.privat@gmail.com" });
      const audited = (await audit("auth.identity.link")).filter((e) => e.details.identityId === linked.body.id);
      expect(audited).to.deep.equal([
        {
          actorId: w.users.alice,
          objectId: w.users.alice,
          details: { identityId: linked.body.id, issuer: "https://accounts.google.com", subject: "g-alice-1", email: "alice.privat@gmail.com" },
        },
      ]);
      // Linked now, the account needs no further link.
      expect((await startLink(idToken).expect(409)).body.code).to.equal("identity_known");
    });

    it("a link request is confirmed once, by whoever confirms it first: another person cannot take it over afterwards", async () => {
      const idToken = google.idToken("vikar@gmail.com", "g-vikar-1");
      const token = tokenOf((await startLink(idToken).expect(201)).body.path);
      await web(bob, "post", "/api/auth/google-links/confirm").send({ token }).expect(200);
      const late = await web(alice, "post", "/api/auth/google-links/confirm").send({ token }).expect(410);
      expect(late.body.code).to.equal("link_request_expired");
      await web(alice, "post", "/api/auth/google-links/lookup").send({ token }).expect(410);
      expect((await gmailMe(idToken).expect(200)).body.email).to.equal("bob@skole.dk");
      // Once linked, the account asks for no more links, so nobody can move it to someone else.
      const other = google.idToken("dobbelt@gmail.com", "g-dobbelt-1");
      const one = tokenOf((await startLink(other).expect(201)).body.path);
      await web(bob, "post", "/api/auth/google-links/confirm").send({ token: one }).expect(200);
      expect((await startLink(other).expect(409)).body.code).to.equal("identity_known");
      expect((await gmailMe(other).expect(200)).body.email).to.equal("bob@skole.dk");
    });

    it("a link request expires; only a web session confirms it, never from another site; an unknown token is no request", async () => {
      const idToken = google.idToken("sen@gmail.com", "g-sen-1");
      const token = tokenOf((await startLink(idToken).expect(201)).body.path);
      expect((await bearer(w.tokens.alice, "post", "/api/auth/google-links/confirm").send({ token }).expect(403)).body.code).to.equal("session_required");
      await request(svc.url).post("/api/auth/google-links/confirm").set("Cookie", alice).set("Sec-Fetch-Site", "cross-site").send({ token }).expect(403);
      await anonymous("/api/auth/google-links/confirm").send({ token }).expect(401);
      await svc.ctx.db
        .updateTable("identity_link_requests")
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .where("email", "=", "sen@gmail.com")
        .execute();
      expect((await web(alice, "post", "/api/auth/google-links/confirm").send({ token }).expect(410)).body.code).to.equal("link_request_expired");
      await web(alice, "post", "/api/auth/google-links/confirm")
        .send({ token: crypto.randomBytes(32).toString("base64url") })
        .expect(410);
      await gmailMe(idToken).expect(401);
    });

    it("only an account that signs in nowhere asks for a link, with a Google ID token that verifies", async () => {
      // alice@skole.dk's own Google account signs in by its address already.
      expect((await startLink(google.idToken("alice@skole.dk", "g-alice-work")).expect(409)).body.code).to.equal("identity_known");
      expect((await startLink("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl").expect(401)).body.code).to.equal("invalid_token");
      await startLink("not a jwt at all, but long enough").expect(401);
    });

    it("asking again for a link replaces the account's earlier request: only the newest link works", async () => {
      const idToken = google.idToken("to.gange@gmail.com", "g-twice");
      const first = tokenOf((await startLink(idToken).expect(201)).body.path);
      const second = tokenOf((await startLink(idToken).expect(201)).body.path);
      expect(await svc.ctx.db.selectFrom("identity_link_requests").select("token_hash").where("subject", "=", "g-twice").execute()).to.have.length(1);
      await web(alice, "post", "/api/auth/google-links/confirm").send({ token: first }).expect(410);
      await web(alice, "post", "/api/auth/google-links/confirm").send({ token: second }).expect(200);
    });

    it("unlinked under one's sessions, the account is unknown again (the add-on shows Log ind), and the unlink is audited", async () => {
      const idToken = google.idToken("alice.hjemme@gmail.com", "g-alice-2");
      const token = tokenOf((await startLink(idToken).expect(201)).body.path);
      const linked = (await web(alice, "post", "/api/auth/google-links/confirm").send({ token }).expect(200)).body;
      await gmailMe(idToken).expect(200);
      await web(bob, "delete", `/api/auth/sessions/${linked.id}`).expect(404);
      await web(alice, "delete", `/api/auth/sessions/${linked.id}`).expect(204);
      expect((await gmailMe(idToken).expect(401)).body.code).to.equal("unknown_user");
      expect((await audit("auth.identity.unlink")).map((e) => e.details.identityId)).to.include(linked.id);
    });
  });

  it("refused Google tokens are throttled per address like failed sign-ins: 429 with Retry-After", async () => {
    const strict = await startTestService({ GOOGLE_CLIENT_ID: CLIENT_ID, GOOGLE_CERTS_URL: google.certsUrl, IMS_AUTH_FAILURES_PER_MINUTE: "2" });
    try {
      const forged = () => request(strict.url).post("/api/auth/google-links").send({ idToken: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl" });
      await forged().expect(401);
      await forged().expect(401);
      const blocked = await forged().expect(429);
      expect(blocked.body.code).to.equal("too_many_requests");
      expect(Number(blocked.headers["retry-after"])).to.be.greaterThan(0);
      // Blocked, even a token that verifies waits.
      await request(strict.url)
        .post("/api/auth/google-links")
        .send({ idToken: google.idToken("ny@gmail.com", "g-new") })
        .expect(429);
    } finally {
      await strict.dispose();
    }
  });

  it("without Google sign-in configured, there are no link requests", async () => {
    const plain = await startTestService();
    try {
      await request(plain.url).post("/api/auth/google-links").send({ idToken: "eyJhbGciOiJSUzI1NiJ9.e30.c2ln" }).expect(404);
    } finally {
      await plain.dispose();
    }
  });
});
