import { expect } from "chai";
import request from "supertest";
import { findLiveSession, openSession } from "../../../service/features/auth/web-sessions.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../../support/service.ts";
import { buildWorld, type World } from "../../support/world.ts";

// People signing in to the web view: password and invitation, the session cookie, CSRF, sign-out, password
// changes, session expiry and revocation, throttling — against the real service.

const TEMPORARY = "Midlertidig-kode-2026";
const CHOSEN = "Min egen lange adgangskode";

describe("signing people in to the web view", () => {
  let svc: TestService;
  let w: World;
  let aliceEmail: string;

  const admin = (method: "post" | "get", path: string) => request(svc.url)[method](path).auth(ADMIN_TOKEN, { type: "bearer" });
  const signIn = (email: string, password: string) => request(svc.url).post("/api/auth/sign-in").send({ email, password });
  const cookieOf = (res: request.Response) => String(res.headers["set-cookie"]?.[0] ?? "").split(";")[0];
  const withCookie = (cookie: string, method: "get" | "post" | "patch" | "delete", path: string) =>
    request(svc.url)[method](path).set("Cookie", cookie).set("Sec-Fetch-Site", "same-origin");

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    aliceEmail = (await admin("get", `/api/admin/users/${w.users.alice}`).expect(200)).body.email;
  });
  after(() => svc.dispose());

  it("a temporary password signs in to an httpOnly SameSite=Lax cookie, and must be changed before anything else", async () => {
    await admin("post", `/api/admin/users/${w.users.alice}/password`).send({ temporaryPassword: TEMPORARY }).expect(204);
    const res = await signIn(aliceEmail.toUpperCase(), TEMPORARY).expect(200);
    expect(res.body).to.deep.include({ userId: w.users.alice, mustChangePassword: true });
    const header = String(res.headers["set-cookie"][0]);
    expect(header).to.match(/^ims_session=[A-Za-z0-9_-]{43};/);
    expect(header).to.match(/HttpOnly/i);
    expect(header).to.match(/SameSite=Lax/i);
    const cookie = cookieOf(res);
    const blocked = await withCookie(cookie, "get", "/api/cases").expect(403);
    expect(blocked.body.code).to.equal("password_change_required");
    await withCookie(cookie, "get", "/api/me").expect(200);
    await withCookie(cookie, "post", "/api/auth/password").send({ currentPassword: TEMPORARY, newPassword: CHOSEN }).expect(204);
    await withCookie(cookie, "get", "/api/cases").expect(200);
  });

  it("a wrong password and an unknown address are refused alike, and both are audited", async () => {
    const wrong = await signIn(aliceEmail, "forkert adgangskode her").expect(401);
    const unknown = await signIn("ingen@skole.example", "forkert adgangskode her").expect(401);
    expect(wrong.body.code).to.equal("invalid_credentials");
    expect(unknown.body.detail).to.equal(wrong.body.detail);
    const refused = await svc.ctx.db.selectFrom("audit_events").select("details").where("action", "=", "auth.refused").execute();
    const reasons = refused.map((r) => JSON.parse(r.details).reason);
    expect(reasons).to.include.members(["wrong_password", "unknown_user"]);
  });

  it("a signed-in write from another site is refused with 403; from the service's own pages it goes through", async () => {
    const cookie = cookieOf(await signIn(aliceEmail, CHOSEN).expect(200));
    const body = { templateId: w.templates.pupil, title: "Fra browseren", metadata: { elevnummer: "B-1" } };
    const cross = await request(svc.url).post("/api/cases").set("Cookie", cookie).set("Sec-Fetch-Site", "cross-site").send(body).expect(403);
    expect(cross.body.code).to.equal("cross_site_request");
    await request(svc.url).post("/api/cases").set("Cookie", cookie).set("Origin", "https://evil.example").send(body).expect(403);
    await request(svc.url).post("/api/cases").set("Cookie", cookie).send(body).expect(403);
    await request(svc.url).post("/api/cases").set("Cookie", cookie).set("Origin", svc.url).send(body).expect(201);
    await withCookie(cookie, "post", "/api/cases").send(body).expect(201);
    // A bearer token is no ambient credential: the add-ins and API clients are not asked for an origin.
    await request(svc.url).post("/api/cases").auth(w.tokens.alice, { type: "bearer" }).set("Sec-Fetch-Site", "cross-site").send(body).expect(201);
  });

  it("signing out ends the session: the cookie no longer signs in, and it is audited", async () => {
    const cookie = cookieOf(await signIn(aliceEmail, CHOSEN).expect(200));
    await withCookie(cookie, "post", "/api/auth/sign-out").expect(204);
    await withCookie(cookie, "get", "/api/me").expect(401);
    const logouts = await svc.ctx.db
      .selectFrom("audit_events")
      .select("seq")
      .where("action", "=", "auth.logout")
      .where("object_id", "=", w.users.alice)
      .execute();
    expect(logouts.length).to.be.greaterThan(0);
  });

  it("the next sign-in clears the person's ended sessions from the table; the audit log keeps them", async () => {
    const ended = cookieOf(await signIn(aliceEmail, CHOSEN).expect(200));
    await withCookie(ended, "post", "/api/auth/sign-out").expect(204);
    const revoked = () => svc.ctx.db.selectFrom("web_sessions").select("id").where("user_id", "=", w.users.alice).where("revoked_at", "is not", null).execute();
    expect((await revoked()).length).to.be.greaterThan(0);
    const fresh = cookieOf(await signIn(aliceEmail, CHOSEN).expect(200));
    expect(await revoked()).to.deep.equal([]);
    await withCookie(fresh, "get", "/api/me").expect(200);
    await withCookie(ended, "get", "/api/me").expect(401);
  });

  it("one's sessions are listed and can be ended one by one; a password change ends all the others", async () => {
    const a = cookieOf(await signIn(aliceEmail, CHOSEN).expect(200));
    const b = cookieOf(await signIn(aliceEmail, CHOSEN).expect(200));
    const listed = (await withCookie(a, "get", "/api/auth/sessions").expect(200)).body.items as { id: string; current: boolean }[];
    expect(listed.filter((s) => s.current)).to.have.length(1);
    const other = listed.find((s) => !s.current)!;
    await withCookie(a, "delete", `/api/auth/sessions/${other.id}`).expect(204);
    const c = cookieOf(await signIn(aliceEmail, CHOSEN).expect(200));
    await withCookie(a, "post", "/api/auth/password")
      .send({ currentPassword: CHOSEN, newPassword: `${CHOSEN} igen` })
      .expect(204);
    await withCookie(a, "get", "/api/me").expect(200);
    await withCookie(c, "get", "/api/me").expect(401);
    expect(b).to.be.a("string");
    // Somebody else's session cannot be ended (or found) by id.
    const bob = cookieOf(
      await (async () => {
        await admin("post", `/api/admin/users/${w.users.bob}/password`).send({ temporaryPassword: TEMPORARY }).expect(204);
        const email = (await admin("get", `/api/admin/users/${w.users.bob}`).expect(200)).body.email;
        return signIn(email, TEMPORARY).expect(200);
      })(),
    );
    const mine = (await withCookie(a, "get", "/api/auth/sessions").expect(200)).body.items[0].id;
    await withCookie(bob, "delete", `/api/auth/sessions/${mine}`).expect(404);
  });

  it("an invitation link lets the person choose a password and signs them in, once", async () => {
    const invite = (await admin("post", `/api/admin/users/${w.users.erik}/invitation`).expect(201)).body;
    expect(invite.url).to.match(/\/invitation#[A-Za-z0-9_-]{43}$/);
    const token = invite.url.split("#")[1];
    const tooShort = await request(svc.url).post("/api/auth/invitation").send({ token, password: "kort" }).expect(422);
    expect(tooShort.body.code).to.equal("password_too_short");
    const accepted = await request(svc.url).post("/api/auth/invitation").send({ token, password: CHOSEN }).expect(200);
    expect(accepted.body.userId).to.equal(w.users.erik);
    await withCookie(cookieOf(accepted), "get", "/api/me").expect(200);
    const again = await request(svc.url).post("/api/auth/invitation").send({ token, password: CHOSEN }).expect(410);
    expect(again.body.code).to.equal("invitation_expired");
  });

  it("a deactivated user's sessions stop working at once", async () => {
    await admin("post", `/api/admin/users/${w.users.carl}/password`).send({ temporaryPassword: TEMPORARY }).expect(204);
    const email = (await admin("get", `/api/admin/users/${w.users.carl}`).expect(200)).body.email;
    const cookie = cookieOf(await signIn(email, TEMPORARY).expect(200));
    await withCookie(cookie, "get", "/api/me").expect(200);
    await request(svc.url).patch(`/api/admin/users/${w.users.carl}`).auth(ADMIN_TOKEN, { type: "bearer" }).send({ active: false }).expect(200);
    await withCookie(cookie, "get", "/api/me").expect(401);
    await signIn(email, TEMPORARY).expect(401);
  });

  it("only administrators invite people or set temporary passwords; nobody signed out reaches a session route", async () => {
    for (const token of [w.tokens.alice, w.tokens.erik]) {
      const invite = await request(svc.url).post(`/api/admin/users/${w.users.bob}/invitation`).auth(token, { type: "bearer" }).expect(403);
      expect(invite.body.code).to.equal("admin_only");
      await request(svc.url)
        .post(`/api/admin/users/${w.users.bob}/password`)
        .auth(token, { type: "bearer" })
        .send({ temporaryPassword: TEMPORARY })
        .expect(403);
    }
    await request(svc.url).post(`/api/admin/users/${w.users.bob}/invitation`).expect(401);
    for (const [method, path] of [
      ["get", "/api/auth/sessions"],
      ["post", "/api/auth/sign-out"],
      ["post", "/api/auth/password"],
      ["delete", "/api/auth/sessions/x"],
    ] as const) {
      await request(svc.url)[method](path).send({ currentPassword: "x", newPassword: "y" }).expect(401);
    }
  });

  it("a session ends after its idle time and at its absolute end, whatever its use", async () => {
    const limits = { idleMs: 60 * 60 * 1000, maxMs: 3 * 60 * 60 * 1000 };
    const t0 = new Date("2026-12-01T08:00:00Z");
    const s = await openSession(svc.ctx.db, w.users.alice, "password", {}, limits, t0);
    const at = (minutes: number) => new Date(t0.getTime() + minutes * 60 * 1000);
    expect(await findLiveSession(svc.ctx.db, s.token, limits, at(59))).to.deep.include({ userId: w.users.alice });
    expect(await findLiveSession(svc.ctx.db, s.token, limits, at(118))).to.deep.include({ userId: w.users.alice });
    expect(await findLiveSession(svc.ctx.db, s.token, limits, at(170))).to.deep.include({ userId: w.users.alice });
    expect(await findLiveSession(svc.ctx.db, s.token, limits, at(180))).to.equal(null);
    const idle = await openSession(svc.ctx.db, w.users.alice, "password", {}, limits, t0);
    expect(await findLiveSession(svc.ctx.db, idle.token, limits, at(61))).to.equal(null);
  });
});

describe("signing in: throttled", () => {
  it("repeated wrong passwords for one account get 429 with Retry-After, a right one too while blocked", async () => {
    const svc = await startTestService({ IMS_AUTH_FAILURES_PER_MINUTE: "3", IMS_AUTH_BLOCK_SECONDS: "60" });
    try {
      const w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
      await request(svc.url)
        .post(`/api/admin/users/${w.users.alice}/password`)
        .auth(ADMIN_TOKEN, { type: "bearer" })
        .send({ temporaryPassword: TEMPORARY })
        .expect(204);
      const email = (await request(svc.url).get(`/api/admin/users/${w.users.alice}`).auth(ADMIN_TOKEN, { type: "bearer" }).expect(200)).body.email;
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push(
          (
            await request(svc.url)
              .post("/api/auth/sign-in")
              .send({ email, password: `forkert ${i} adgangskode` })
          ).status,
        );
      expect(statuses.slice(0, 3)).to.deep.equal([401, 401, 401]);
      expect(statuses.slice(3)).to.deep.equal([429, 429]);
      const blocked = await request(svc.url).post("/api/auth/sign-in").send({ email, password: TEMPORARY }).expect(429);
      expect(Number(blocked.headers["retry-after"])).to.be.greaterThan(0);
    } finally {
      await svc.dispose();
    }
  });
});
