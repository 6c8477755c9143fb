import { expect } from "chai";
import { randomUUID } from "node:crypto";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { startLocalIdp, type IdpAccount, type LocalIdp } from "../../support/local-idp.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../../support/service.ts";
import { buildWorld, type World } from "../../support/world.ts";
import * as singleSignOn from "../../../service/db/migrations/2026_12_03_170_single_sign_on.ts";
import type { Db } from "../../../service/db/database.ts";
import { hashPassword } from "../../../service/features/auth/passwords.ts";
import { safeReturnTo } from "../../../service/features/auth/sso/web-sign-in.ts";
import { idTokenVerifier } from "../../../service/features/auth/sso/tokens.ts";

// The web view's "Log ind med Microsoft / Google", driven as a browser drives it: a cookie jar following every
// redirect from the service to the local identity provider, through its login and consent forms, and back.

interface Answer {
  url: string;
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** Cookies per host, as a browser keeps them (path and expiry are all these tests need). */
class Browserish {
  private readonly jar = new Map<string, Map<string, string>>();
  constructor(private readonly ca: string) {}

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }
  setCookie(host: string, name: string, value: string | undefined): void {
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    if (value === undefined) cookies.delete(name);
    else cookies.set(name, value);
    this.jar.set(host, cookies);
  }

  send(url: string, init: { method?: string; form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
    const target = new URL(url);
    const lib = target.protocol === "https:" ? https : http;
    const cookies = [...(this.jar.get(target.host) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join("; ");
    const body = init.form ? new URLSearchParams(init.form).toString() : init.json ? JSON.stringify(init.json) : undefined;
    return new Promise((resolve, reject) => {
      const req = lib.request(
        target,
        {
          method: init.method ?? "GET",
          ca: [...tls.rootCertificates, this.ca],
          headers: {
            ...(cookies ? { Cookie: cookies } : {}),
            ...(init.form ? { "Content-Type": "application/x-www-form-urlencoded" } : init.json ? { "Content-Type": "application/json" } : {}),
            ...init.headers,
          },
        },
        (res) => {
          for (const line of res.headers["set-cookie"] ?? []) {
            const [pair, ...attrs] = line.split(";");
            const eq = pair.indexOf("=");
            const name = pair.slice(0, eq).trim();
            const gone = attrs.some((a) => /^\s*max-age=0/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split("=")[1]) < Date.now()));
            this.setCookie(target.host, name, gone ? undefined : pair.slice(eq + 1).trim());
          }
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString("utf8")));
          res.on("end", () => resolve({ url, status: res.statusCode ?? 0, headers: res.headers, text }));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  /** Follows redirects from `url`, filling in the IdP's login form with `login` and consenting, until the service sends the browser to a page of the web view. */
  async walk(url: string, serviceOrigin: string, login?: string): Promise<{ landed: string; steps: Answer[] }> {
    const steps: Answer[] = [];
    let next: { url: string; method?: string; form?: Record<string, string> } = { url };
    for (let i = 0; i < 20; i++) {
      const answer = await this.send(next.url, next);
      steps.push(answer);
      if (answer.status >= 300 && answer.status < 400) {
        const location = new URL(answer.headers.location!, next.url).toString();
        if (location.startsWith(serviceOrigin) && !new URL(location).pathname.startsWith("/api/"))
          return { landed: location.slice(serviceOrigin.length), steps };
        next = { url: location };
        continue;
      }
      const action = /<form[^>]*action="([^"]+)"/.exec(answer.text)?.[1];
      if (answer.status !== 200 || !action) throw new Error(`stuck at ${next.url}: ${answer.status} ${answer.text.slice(0, 300)}`);
      const form = new URL(action.replace(/&amp;/g, "&"), next.url).toString();
      if (/name="login"/.test(answer.text)) {
        if (!login) throw new Error("the IdP asks for a login and none was given");
        next = { url: form, method: "POST", form: { prompt: "login", login, password: "x" } };
      } else next = { url: form, method: "POST", form: { prompt: "consent" } };
    }
    throw new Error("too many steps");
  }
}

/** TEMPORARY until service/db/migrate.ts lists the single sign-on migration (contract, "B: notes"). */
export async function ensureSsoTables(db: Db): Promise<void> {
  const tables = await db.introspection.getTables();
  if (!tables.some((t) => t.name === "sso_states")) await singleSignOn.up(db);
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("web sign-in with Microsoft and Google (code flow + PKCE through the local identity provider)", function () {
  this.timeout(60_000);
  let idp: LocalIdp;
  let svc: TestService;
  let w: World;
  let origin: string;
  let host: string;
  let alice: IdpAccount;
  let stranger: IdpAccount;
  let aliceGoogle: IdpAccount;

  before(async () => {
    idp = await startLocalIdp();
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    host = `127.0.0.1:${port}`;
    svc = await startTestService(idp.env({ PORT: String(port), PUBLIC_URL: origin }));
    await ensureSsoTables(svc.ctx.db);
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    alice = idp.addAccount({ realm: idp.tenants.a, subject: randomUUID(), email: "alice@skole.dk", name: "Alice Sagsbehandler" });
    stranger = idp.addAccount({ realm: idp.tenants.a, subject: randomUUID(), email: "nobody@skole.dk", name: "Nobody" });
    aliceGoogle = idp.addAccount({ realm: "google", subject: `g-${randomUUID()}`, email: "alice@skole.dk", name: "Alice Sagsbehandler", hd: "skole.dk" });
    const now = new Date().toISOString();
    await svc.ctx.db
      .insertInto("user_identities")
      .values([
        {
          id: randomUUID(),
          user_id: w.users.alice,
          issuer: idp.entraIssuer(idp.tenants.a),
          subject: alice.subject,
          email: alice.email,
          created_at: now,
          last_used_at: null,
        },
        {
          id: randomUUID(),
          user_id: w.users.alice,
          issuer: idp.googleIssuer,
          subject: aliceGoogle.subject,
          email: aliceGoogle.email,
          created_at: now,
          last_used_at: null,
        },
      ])
      .execute();
  });
  after(async () => {
    await svc?.dispose();
    await idp?.close();
  });

  const me = (b: Browserish) => b.send(`${origin}/api/me`);
  const sessionCookie = (b: Browserish) => b.cookie(host, "ims_session");

  it("GET /api/auth/sso says what is offered: Microsoft (web sign-in, Graph, organizations) and Google", async () => {
    const res = await new Browserish(idp.ca).send(`${origin}/api/auth/sso`);
    expect(res.status).to.equal(200);
    expect(JSON.parse(res.text)).to.deep.equal({
      microsoft: {
        clientId: idp.clientId,
        authority: `${idp.entraAuthority}/organizations`,
        scope: `api://${idp.clientId}/access_as_user`,
        webSignIn: true,
        graph: true,
      },
      google: true,
    });
  });

  for (const provider of ["microsoft", "google"] as const) {
    it(`${provider}: signs in through the provider's login form into a session that works, and lands where it was asked`, async () => {
      const b = new Browserish(idp.ca);
      const { landed, steps } = await b.walk(
        `${origin}/api/auth/sso/${provider}/start?returnTo=${encodeURIComponent("/sager?mine=1")}`,
        origin,
        "alice@skole.dk",
      );
      expect(landed).to.equal("/sager?mine=1");
      const authorize = new URL(steps[0].headers.location!);
      expect(authorize.searchParams.get("code_challenge_method")).to.equal("S256");
      expect(authorize.searchParams.get("nonce")).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(authorize.searchParams.get("redirect_uri")).to.equal(`${origin}/api/auth/sso/${provider}/callback`);
      expect(steps[0].headers["set-cookie"]?.join()).to.match(/ims_sso_state=.*HttpOnly.*SameSite=Lax/i);
      expect(sessionCookie(b)).to.be.a("string");
      const who = await me(b);
      expect(who.status).to.equal(200);
      expect(JSON.parse(who.text).id).to.equal(w.users.alice);
      const sessions = JSON.parse((await b.send(`${origin}/api/auth/sessions`)).text);
      const current = sessions.items.find((s: { current: boolean }) => s.current);
      expect(current.method).to.equal(provider);
      const row = await svc.ctx.db.selectFrom("web_sessions").select("identity_id").where("id", "=", current.id).executeTakeFirstOrThrow();
      expect(row.identity_id).to.be.a("string");
      const login = await svc.ctx.db
        .selectFrom("audit_events")
        .selectAll()
        .where("action", "=", "auth.login")
        .where("object_id", "=", w.users.alice)
        .orderBy("seq", "desc")
        .executeTakeFirstOrThrow();
      expect(JSON.parse(login.details)).to.include({ via: provider, sessionId: current.id });
    });
  }

  it("a return path that is not this site's own page becomes /", () => {
    for (const bad of [
      "https://evil.example/",
      "//evil.example",
      "/\\evil.example",
      "evil",
      "/log-ind",
      "/api/auth/sign-out",
      "/x\u0000y",
      undefined,
      ["/a", "/b"],
    ]) {
      expect(safeReturnTo(bad), String(bad)).to.equal("/");
    }
    expect(safeReturnTo("/sager/20200108-1?tab=docs#top")).to.equal("/sager/20200108-1?tab=docs#top");
  });

  /** Starts at the service and stops when the provider sends the browser back: the callback URL, not yet followed. */
  async function callbackOf(b: Browserish, provider: "microsoft" | "google", login: string): Promise<string> {
    let next = `${origin}/api/auth/sso/${provider}/start`;
    for (let i = 0; i < 20; i++) {
      const answer = await b.send(next);
      if (answer.status >= 300 && answer.status < 400) {
        next = new URL(answer.headers.location!, next).toString();
        if (next.startsWith(`${origin}/api/auth/sso/${provider}/callback`)) return next;
        continue;
      }
      const action = new URL(/<form[^>]*action="([^"]+)"/.exec(answer.text)![1].replace(/&amp;/g, "&"), next).toString();
      const form: Record<string, string> = /name="login"/.test(answer.text) ? { prompt: "login", login, password: "x" } : { prompt: "consent" };
      const posted = await b.send(action, { method: "POST", form });
      next = new URL(posted.headers.location!, action).toString();
      if (next.startsWith(`${origin}/api/auth/sso/${provider}/callback`)) return next;
    }
    throw new Error("never came back");
  }

  const landing = async (b: Browserish, url: string) => {
    const res = await b.send(url);
    expect(res.status, res.text).to.equal(302);
    return res.headers.location!;
  };

  it("refuses a callback without state, with a tampered state, from another browser, and a state used once already", async () => {
    const b = new Browserish(idp.ca);
    const callback = await callbackOf(b, "microsoft", "alice@skole.dk");
    const url = new URL(callback);

    const noState = new URL(url);
    noState.searchParams.delete("state");
    expect(await landing(b, noState.toString())).to.equal("/log-ind?sso=state_invalid&provider=microsoft");

    // The failed callback cleared the cookie: put the browser's state back for the next tries.
    const state = url.searchParams.get("state")!;
    b.setCookie(host, "ims_sso_state", state);
    const tampered = new URL(url);
    tampered.searchParams.set("state", `${state.slice(0, -2)}xx`);
    expect(await landing(b, tampered.toString())).to.equal("/log-ind?sso=state_invalid&provider=microsoft");

    // Another browser (no cookie, or its own) cannot finish this browser's sign-in: no login by a link sent to someone.
    const other = new Browserish(idp.ca);
    expect(await landing(other, callback)).to.equal("/log-ind?sso=state_invalid&provider=microsoft");
    other.setCookie(host, "ims_sso_state", "A".repeat(43));
    expect(await landing(other, callback)).to.equal("/log-ind?sso=state_invalid&provider=microsoft");
    expect(sessionCookie(other)).to.equal(undefined);

    b.setCookie(host, "ims_sso_state", state);
    expect(await landing(b, callback)).to.equal("/");
    expect(sessionCookie(b)).to.be.a("string");

    // Used once: the same callback again, even with the cookie, is refused.
    const again = new Browserish(idp.ca);
    again.setCookie(host, "ims_sso_state", state);
    expect(await landing(again, callback)).to.equal("/log-ind?sso=state_invalid&provider=microsoft");
  });

  it("refuses an expired state, and a state of the other provider", async () => {
    const b = new Browserish(idp.ca);
    const callback = await callbackOf(b, "google", "alice@skole.dk");
    const state = new URL(callback).searchParams.get("state")!;
    const cookie = b.cookie(host, "ims_sso_state");
    expect(cookie).to.equal(state);
    const asMicrosoft = callback.replace("/sso/google/", "/sso/microsoft/");
    expect(await landing(b, asMicrosoft)).to.equal("/log-ind?sso=state_invalid&provider=microsoft");

    const c = new Browserish(idp.ca);
    const late = await callbackOf(c, "google", "alice@skole.dk");
    await svc.ctx.db
      .updateTable("sso_states")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    expect(await landing(c, late)).to.equal("/log-ind?sso=state_invalid&provider=google");
    expect(sessionCookie(c)).to.equal(undefined);
  });

  it("old sign-ins in progress are deleted as new ones start", async () => {
    await svc.ctx.db
      .updateTable("sso_states")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    const before = await svc.ctx.db.selectFrom("sso_states").select("state_hash").execute();
    await new Browserish(idp.ca).send(`${origin}/api/auth/sso/google/start`);
    const after = await svc.ctx.db.selectFrom("sso_states").select("state_hash").execute();
    expect(after.filter((r) => before.some((o) => o.state_hash === r.state_hash))).to.deep.equal([]);
    expect(after).to.have.length(1);
  });

  it("the person cancelling at the provider lands on the sign-in page saying so", async () => {
    const b = new Browserish(idp.ca);
    const callback = new URL(await callbackOf(b, "microsoft", "alice@skole.dk"));
    const denied = `${origin}/api/auth/sso/microsoft/callback?error=access_denied&state=${callback.searchParams.get("state")}`;
    expect(await landing(b, denied)).to.equal("/log-ind?sso=cancelled&provider=microsoft");
  });

  it("a code the provider does not know is an exchange failure, not an error page", async () => {
    const b = new Browserish(idp.ca);
    const callback = new URL(await callbackOf(b, "google", "alice@skole.dk"));
    callback.searchParams.set("code", "not-a-code");
    expect(await landing(b, callback.toString())).to.equal("/log-ind?sso=exchange_failed&provider=google");
  });

  it("bad input to start and callback is a page or a 400, never a 5xx", async () => {
    const b = new Browserish(idp.ca);
    for (const path of [
      "/api/auth/sso/facebook/start",
      "/api/auth/sso/microsoft/start?mode=nonsense&returnTo=//evil",
      "/api/auth/sso/microsoft/start?returnTo=a&returnTo=b",
      "/api/auth/sso/microsoft/callback?state=a&state=b&code=c",
      `/api/auth/sso/google/callback?code=${"x".repeat(5000)}`,
    ]) {
      const res = await b.send(`${origin}${path}`);
      expect(res.status, path).to.be.oneOf([302, 400, 404]);
    }
  });

  it("an unknown account is refused with the page's code, and no session", async () => {
    const b = new Browserish(idp.ca);
    const { landed } = await b.walk(`${origin}/api/auth/sso/microsoft/start`, origin, stranger.email);
    expect(landed).to.equal("/log-ind?sso=unknown_identity&provider=microsoft");
    expect(sessionCookie(b)).to.equal(undefined);
  });

  it("the ID token's nonce must be the one the start sent: a token with another is refused", async () => {
    const verify = idTokenVerifier({ issuer: (tid) => idp.entraIssuer(tid), audience: idp.clientId, provider: "microsoft", ca: idp.ca });
    const claims = { iss: idp.entraIssuer(idp.tenants.a), aud: idp.clientId, sub: alice.subject, oid: alice.subject, tid: idp.tenants.a, nonce: "the-nonce" };
    expect(await verify(await idp.sign(idp.tenants.a, claims), "the-nonce")).to.have.property("account");
    expect(await verify(await idp.sign(idp.tenants.a, { ...claims, nonce: "another" }), "the-nonce")).to.have.property("refused");
    expect(await verify(await idp.sign(idp.tenants.a, { ...claims, nonce: undefined }), "the-nonce")).to.have.property("refused");
  });

  it("sign-out of a Microsoft session answers the tenant's sign-out address; of a password session, 204", async () => {
    const b = new Browserish(idp.ca);
    await b.walk(`${origin}/api/auth/sso/microsoft/start`, origin, "alice@skole.dk");
    const out = await b.send(`${origin}/api/auth/sign-out`, { method: "POST", headers: { Origin: origin } });
    expect(out.status).to.equal(200);
    const { providerSignOut } = JSON.parse(out.text);
    expect(providerSignOut.provider).to.equal("microsoft");
    const url = new URL(providerSignOut.url);
    expect(`${url.origin}${url.pathname}`).to.equal(`${idp.entraIssuer(idp.tenants.a)}/session/end`);
    expect(url.searchParams.get("post_logout_redirect_uri")).to.equal(`${origin}/log-ind`);
    expect((await me(b)).status).to.equal(401);
    // The provider accepts it: its sign-out page answers (a confirmation form), not an error.
    const there = await b.send(providerSignOut.url);
    expect(there.status).to.equal(200);
    expect(there.text).to.match(/<form/);

    const g = new Browserish(idp.ca);
    await g.walk(`${origin}/api/auth/sso/google/start`, origin, "alice@skole.dk");
    expect((await g.send(`${origin}/api/auth/sign-out`, { method: "POST", headers: { Origin: origin } })).status).to.equal(204);
  });

  describe("link mode", () => {
    let carlMs: IdpAccount;
    let carl: Browserish;
    before(async () => {
      // Tenant a: against an authority that is not Entra's, the first configured tenant is where people sign in (web-sign-in.ts).
      carlMs = idp.addAccount({ realm: idp.tenants.a, subject: randomUUID(), email: "carl@skole.dk", name: "Carl Kollega" });
      await svc.ctx.db
        .insertInto("user_passwords")
        .values({ user_id: w.users.carl, hash: await hashPassword("Carls-password-2026"), must_change: 0, set_at: new Date().toISOString() })
        .execute();
      carl = new Browserish(idp.ca);
    });

    it("needs a signed-in session", async () => {
      const b = new Browserish(idp.ca);
      const res = await b.send(`${origin}/api/auth/sso/microsoft/start?mode=link`);
      expect(res.headers.location).to.equal("/sessioner?sso=session_required&provider=microsoft");
    });

    it("links the account to the person signed in; the next sign-in with it lands as them, and it is listed", async () => {
      const signIn = await carl.send(`${origin}/api/auth/sign-in`, {
        method: "POST",
        headers: { Origin: origin },
        json: { email: "carl@skole.dk", password: "Carls-password-2026" },
      });
      expect(signIn.status).to.equal(200);
      const { landed } = await carl.walk(`${origin}/api/auth/sso/microsoft/start?mode=link&returnTo=/sager`, origin, carlMs.email);
      expect(landed).to.equal("/sessioner?linked=microsoft");
      const sessions = JSON.parse((await carl.send(`${origin}/api/auth/sessions`)).text);
      expect(sessions.identities.map((i: { provider: string; account: string }) => [i.provider, i.account])).to.deep.equal([["microsoft", "carl@skole.dk"]]);
      expect(sessions.devices).to.deep.equal([]);

      const fresh = new Browserish(idp.ca);
      const second = await fresh.walk(`${origin}/api/auth/sso/microsoft/start`, origin, carlMs.email);
      expect(second.landed).to.equal("/");
      expect(JSON.parse((await me(fresh)).text).id).to.equal(w.users.carl);
    });

    it("an account linked to someone else already is refused on the sessions page", async () => {
      const { landed } = await carl.walk(`${origin}/api/auth/sso/microsoft/start?mode=link`, origin, "alice@skole.dk");
      expect(landed).to.equal("/sessioner?sso=identity_known&provider=microsoft");
    });
  });
});

describe("web sign-in while the identity provider cannot be reached", function () {
  this.timeout(60_000);
  let idp: LocalIdp;
  let svc: TestService;
  let origin: string;

  before(async () => {
    idp = await startLocalIdp();
    const port = await freePort();
    const dead = `https://127.0.0.1:${await freePort()}`;
    origin = `http://127.0.0.1:${port}`;
    svc = await startTestService(
      idp.env({ PORT: String(port), PUBLIC_URL: origin, ENTRA_AUTHORITY: dead, GOOGLE_DISCOVERY_URL: `${dead}/.well-known/openid-configuration` }),
    );
    await ensureSsoTables(svc.ctx.db);
  });
  after(async () => {
    await svc?.dispose();
    await idp?.close();
  });

  for (const provider of ["microsoft", "google"] as const) {
    it(`${provider}: the start lands on the sign-in page saying sign-in with it is unavailable right now, and leaves nothing behind`, async () => {
      const res = await new Browserish(idp.ca).send(`${origin}/api/auth/sso/${provider}/start`);
      expect([res.status, res.headers.location]).to.deep.equal([302, `/log-ind?sso=unavailable&provider=${provider}`]);
      expect(await svc.ctx.db.selectFrom("sso_states").selectAll().execute()).to.deep.equal([]);
    });
  }
});
