import { expect } from "chai";
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ConnectionSettings } from "../../addins/src/hosts/adapter.ts";
import { localSettingsStore } from "../../addins/src/hosts/settings.ts";
import { clientFor, isSignedIn, methodOf, microsoftSignInFor } from "../../addins/src/taskpane/connection.ts";
import { InteractionRequired, MicrosoftSignIn, SsoUnavailable, ssoProblemOf, type NestableClient, type SsoHost } from "../../addins/src/taskpane/sso.ts";
import { da, en } from "../../addins/src/taskpane/texts.ts";
import { ApiError, messageFor } from "../../shared/index.ts";
import type { SsoMicrosoft } from "../../shared/api/schemas/sso.ts";
import { linkEntraAccount, startLocalIdp, type IdpAccount, type LocalIdp } from "../support/local-idp.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

// The task pane signing in with Microsoft Entra ID (addins/src/taskpane/sso.ts): nested app authentication where Office
// has it, Office's getAccessToken where not, the web view's sign-in where neither works; Office and msal are fakes here,
// the servers are real.

const MICROSOFT: SsoMicrosoft = {
  clientId: "3e171395-e09a-4bc8-8202-29e647b0c324",
  authority: "https://login.microsoftonline.com/organizations",
  scope: "api://3e171395-e09a-4bc8-8202-29e647b0c324/access_as_user",
  webSignIn: false,
  graph: false,
};

type OfficeOptions = { allowSignInPrompt: boolean; allowConsentPrompt: boolean; forMSGraphAccess: boolean };

/** An Office host: NAA with msal's two calls scripted, and/or getAccessToken; what the pane asked, in order. */
function fakeHost(
  script: {
    naa?: boolean;
    silent?: (n: number) => Promise<string>;
    popup?: () => Promise<string>;
    office?: (o: OfficeOptions) => Promise<string>;
    createFails?: number;
  } = {},
) {
  const log: string[] = [];
  const configs: Array<{ clientId: string; authority: string }> = [];
  const scopes: string[][] = [];
  let silentCalls = 0;
  let createFailures = script.createFails ?? 0;
  const host: SsoHost = {
    supportsNestedAppAuth: () => Boolean(script.naa),
    async createNestableClient(config): Promise<NestableClient> {
      log.push("create");
      configs.push(config);
      if (createFailures-- > 0) throw new Error("the bridge did not answer");
      return {
        async acquireTokenSilent(s) {
          log.push("silent");
          scopes.push(s);
          return (script.silent ?? (async () => "naa-token"))(++silentCalls);
        },
        async acquireTokenPopup(s) {
          log.push("popup");
          scopes.push(s);
          return (script.popup ?? (async () => "popup-token"))();
        },
      };
    },
    officeAccessToken: script.office
      ? async (o) => {
          log.push(o.allowSignInPrompt ? "office:prompt" : "office:quiet");
          return script.office!(o);
        }
      : undefined,
  };
  return { host, log, configs, scopes };
}

const officeError = (code: number, message: string) => Object.assign(new Error(message), { code });

/** A local API that records each request's Authorization header. */
async function recordingService(): Promise<{ url: string; seen: Array<{ path: string; authorization: string | undefined }>; close(): Promise<void> }> {
  const seen: Array<{ path: string; authorization: string | undefined }> = [];
  const server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? "", authorization: req.headers.authorization });
    res.setHeader("Content-Type", "application/json");
    if (req.url === "/api/auth/sso") return res.end(JSON.stringify({ microsoft: MICROSOFT, google: false }));
    res.end(JSON.stringify({ id: randomUUID(), name: "Alice", email: "alice@skole.dk", role: "caseworker", groups: [], accessGroupIds: [], cprAccess: false }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("task pane single sign-on with Microsoft Entra ID (fake Office and msal)", () => {
  it("NAA: a silent token is enough, no prompt; one msal client for the service's registration and scope", async () => {
    const { host, log, configs, scopes } = fakeHost({ naa: true });
    const signIn = new MicrosoftSignIn(host, MICROSOFT);
    expect(signIn.way).to.equal("naa");
    expect(await signIn.interactive()).to.equal("naa-token");
    expect(await signIn.silent()).to.equal("naa-token");
    expect(log).to.deep.equal(["create", "silent", "silent"]);
    expect(configs).to.deep.equal([{ clientId: MICROSOFT.clientId, authority: MICROSOFT.authority }]);
    expect(scopes).to.deep.equal([[MICROSOFT.scope], [MICROSOFT.scope]]);
  });

  it("NAA: when msal needs the person, nothing pops up by itself; the popup comes only from “Log ind med Microsoft”", async () => {
    const { host, log } = fakeHost({ naa: true, silent: async () => Promise.reject(new InteractionRequired("consent_required")) });
    const signIn = new MicrosoftSignIn(host, MICROSOFT);
    // At pane load and before each request: silent only.
    expect(await signIn.silent()).to.equal(null);
    expect(await signIn.silent()).to.equal(null);
    expect(log).to.deep.equal(["create", "silent", "silent"]);
    // The person's click.
    expect(await signIn.interactive()).to.equal("popup-token");
    expect(log).to.deep.equal(["create", "silent", "silent", "silent", "popup"]);
  });

  it("NAA: a popup the person closes says “not signed in”, other msal failures say Microsoft sign-in is unavailable here", async () => {
    const cancelled = fakeHost({
      naa: true,
      silent: async () => Promise.reject(new InteractionRequired()),
      popup: async () => Promise.reject(new Error("user_cancelled: User cancelled the flow")),
    });
    const err = await new MicrosoftSignIn(cancelled.host, MICROSOFT).interactive().catch((e: unknown) => e);
    expect(err).to.be.instanceOf(SsoUnavailable);
    expect(ssoProblemOf(err)?.key).to.equal("pane.sso.cancelled");
    const broken = fakeHost({ naa: true, silent: async () => Promise.reject(new Error("network_error")) });
    const failure = await new MicrosoftSignIn(broken.host, MICROSOFT).silent().catch((e: unknown) => e);
    expect(ssoProblemOf(failure)).to.deep.equal({ key: "pane.sso.unavailable", detail: "network_error" });
  });

  it("NAA: msal's client that failed to start is started again on the next try, and kept once it works", async () => {
    const { host, log } = fakeHost({ naa: true, createFails: 1 });
    const signIn = new MicrosoftSignIn(host, MICROSOFT);
    expect(ssoProblemOf(await signIn.silent().catch((e: unknown) => e))?.key).to.equal("pane.sso.unavailable");
    expect(await signIn.silent()).to.equal("naa-token");
    expect(await signIn.silent()).to.equal("naa-token");
    expect(log).to.deep.equal(["create", "create", "silent", "silent"]);
  });

  it("no NAA: Office's getAccessToken, quietly first and with its prompts only after the click; never for Graph", async () => {
    const asked: OfficeOptions[] = [];
    const { host, log } = fakeHost({
      office: async (o) => {
        asked.push(o);
        if (!o.allowSignInPrompt) throw officeError(13001, "The user is not signed into Office");
        return "office-token";
      },
    });
    const signIn = new MicrosoftSignIn(host, MICROSOFT);
    expect(signIn.way).to.equal("office");
    expect(await signIn.silent()).to.equal(null);
    expect(await signIn.interactive()).to.equal("office-token");
    expect(log).to.deep.equal(["office:quiet", "office:quiet", "office:prompt"]);
    expect(asked.at(-1)).to.deep.equal({ allowSignInPrompt: true, allowConsentPrompt: true, forMSGraphAccess: false });
    expect(asked.every((o) => o.forMSGraphAccess === false)).to.equal(true);
  });

  it("getAccessToken failing with a 13xxx error leaves the web view's sign-in: the pane says so, with Office's code", async () => {
    const { host } = fakeHost({ office: async () => Promise.reject(officeError(13012, "API is not supported in this platform")) });
    const err = await new MicrosoftSignIn(host, MICROSOFT).interactive().catch((e: unknown) => e);
    expect(err).to.be.instanceOf(SsoUnavailable);
    expect(ssoProblemOf(err)).to.deep.equal({ key: "pane.sso.unavailable", detail: "13012 API is not supported in this platform" });
    const cancelled = fakeHost({
      office: async (o) => Promise.reject(o.allowSignInPrompt ? officeError(13002, "The user aborted") : officeError(13001, "not signed in")),
    });
    expect(ssoProblemOf(await new MicrosoftSignIn(cancelled.host, MICROSOFT).interactive().catch((e: unknown) => e))?.key).to.equal("pane.sso.cancelled");
  });

  it("neither NAA nor getAccessToken: no Microsoft way at all, so the pane offers only the web view's sign-in", async () => {
    const { host, log } = fakeHost();
    const signIn = new MicrosoftSignIn(host, MICROSOFT);
    expect(signIn.way).to.equal(null);
    expect(ssoProblemOf(await signIn.interactive().catch((e: unknown) => e))?.key).to.equal("pane.sso.unavailable");
    expect(log).to.deep.equal([]);
  });

  it("the service's 403 unknown_identity and 401 for the token are told apart, in Danish and English, each with the way out", () => {
    expect(ssoProblemOf(new ApiError(403, "unknown_identity", "No user has this Microsoft account", null))).to.deep.equal({
      key: "pane.sso.unknownIdentity",
      detail: "No user has this Microsoft account",
    });
    expect(ssoProblemOf(new ApiError(401, "invalid_token", "The token's audience is not this API", null))?.key).to.equal("pane.sso.refused");
    expect(ssoProblemOf(new ApiError(500, "internal", "x", null))).to.equal(null);
    expect(da["pane.sso.unknownIdentity"]).to.match(/Microsoft-konto er ikke knyttet til en bruger i IMS Case/);
    expect(en["pane.sso.unknownIdentity"]).to.match(/Microsoft account is not linked to a user in IMS Case/);
    expect(da["pane.sso.fallback"]).to.equal("Log ind gennem IMS Case");
    expect(da["pane.signIn.microsoft"]).to.equal("Log ind med Microsoft");
  });

  describe("the pane's client", () => {
    let api: Awaited<ReturnType<typeof recordingService>>;
    beforeEach(async () => {
      api = await recordingService();
    });
    afterEach(() => api.close());

    it("signed in with Microsoft: each request carries a token msal was asked for just before it, as Authorization: Bearer", async () => {
      const { host } = fakeHost({ naa: true, silent: async (n) => `entra-token-${n}` });
      const office = () => host;
      const client = clientFor({ serviceUrl: api.url, token: "", method: "microsoft" }, { signIn: () => microsoftSignInFor(api.url, office) });
      await client.me();
      await client.me();
      expect(api.seen).to.deep.equal([
        { path: "/api/auth/sso", authorization: undefined },
        { path: "/api/me", authorization: "Bearer entra-token-1" },
        { path: "/api/me", authorization: "Bearer entra-token-2" },
      ]);
    });

    it("signed in with Microsoft but msal now needs the person: the request is not sent and fails as signed out (401)", async () => {
      const { host } = fakeHost({ naa: true, silent: async () => Promise.reject(new InteractionRequired()) });
      const signIn = new MicrosoftSignIn(host, MICROSOFT);
      const err = await clientFor({ serviceUrl: api.url, token: "", method: "microsoft" }, { signIn: async () => signIn })
        .me()
        .catch((e: unknown) => e);
      expect(err).to.be.instanceOf(ApiError).and.include({ status: 401, code: "sso_interaction_required" });
      expect(messageFor(err).key).to.equal("error.unauthorized");
      expect(api.seen).to.deep.equal([]);
    });

    it("a service without Microsoft: no msal at all; the web view's credential and a pasted token go out as before", async () => {
      const plain = http.createServer((req, res) => {
        res.statusCode = 404;
        res.setHeader("Content-Type", "application/problem+json");
        res.end(JSON.stringify({ code: "not_found", detail: `GET ${req.url}` }));
      });
      await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
      const url = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
      try {
        const { host, log } = fakeHost({ naa: true });
        expect(await microsoftSignInFor(url, () => host)).to.equal(null);
        expect(log).to.deep.equal([]);
      } finally {
        await new Promise<void>((resolve) => plain.close(() => resolve()));
      }
      await clientFor({ serviceUrl: api.url, token: "device-credential", deviceId: "d1", signedInAs: "Alice" }).me();
      await clientFor({ serviceUrl: api.url, token: "pasted-token" }).me();
      expect(api.seen.map((s) => s.authorization)).to.deep.equal(["Bearer device-credential", "Bearer pasted-token"]);
    });
  });

  it("settings keep the method; settings stored before single sign-on are read by their fields as before", async () => {
    const stored = new Map<string, string>();
    const store = localSettingsStore(() => ({ getItem: (k) => stored.get(k) ?? null, setItem: (k, v) => void stored.set(k, v) }));
    const microsoft: ConnectionSettings = { serviceUrl: "https://ims.example.dk", token: "", method: "microsoft", signedInAs: "Alice" };
    await store.save(microsoft);
    expect(await store.load()).to.deep.equal(microsoft);
    expect(isSignedIn(await store.load())).to.equal(true);
    stored.set("imsCase.connection", JSON.stringify({ serviceUrl: "https://ims.example.dk", token: "t", deviceId: "d1", signedInAs: "Alice" }));
    expect(methodOf((await store.load())!)).to.equal("device");
    stored.set("imsCase.connection", JSON.stringify({ serviceUrl: "https://ims.example.dk", token: "t" }));
    expect(methodOf((await store.load())!)).to.equal("token");
    stored.set("imsCase.connection", JSON.stringify({ serviceUrl: "https://ims.example.dk", token: "" }));
    expect(isSignedIn(await store.load())).to.equal(false);
    stored.set("imsCase.connection", JSON.stringify({ serviceUrl: "https://ims.example.dk", token: "", method: "carrier-pigeon" }));
    expect(await store.load()).to.deep.equal({ serviceUrl: "https://ims.example.dk", token: "" });
  });
});

describe("task pane single sign-on against the service and a local Entra ID", function () {
  this.timeout(60_000);
  let idp: LocalIdp;
  let svc: TestService;
  let w: World;
  let alice: IdpAccount;
  let stranger: IdpAccount;

  before(async () => {
    idp = await startLocalIdp();
    svc = await startTestService(idp.env());
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    alice = idp.addAccount({ realm: idp.tenants.a, subject: randomUUID(), email: "alice@skole.dk", name: "Alice Sagsbehandler" });
    stranger = idp.addAccount({ realm: idp.tenants.a, subject: randomUUID(), email: "stranger@skole.dk", name: "Ukendt Person" });
    // Alice's Microsoft account is linked to her user (as the web view's link, or a first Microsoft sign-in, would leave it).
    await linkEntraAccount(svc.ctx.db, idp, w.users.alice, alice);
  });
  after(async () => {
    await svc?.dispose();
    await idp?.close();
  });

  /** The pane's client as signed in with Microsoft, msal answering with what Entra ID issues for `account`. */
  const paneClient = (account: IdpAccount) => {
    const { host, scopes } = fakeHost({ naa: true, silent: () => idp.entraAccessToken(account) });
    const office = () => host;
    return { client: clientFor({ serviceUrl: svc.url, token: "", method: "microsoft" }, { signIn: () => microsoftSignInFor(svc.url, office) }), scopes };
  };

  it("the service tells the pane its registration: the client id, an authority and the API's scope", async () => {
    const { client, scopes } = paneClient(alice);
    await client.me();
    expect(scopes).to.deep.equal([[`api://${idp.clientId}/access_as_user`]]);
  });

  it("a linked account's Entra token signs the pane in: recent cases answer without any pasted token", async () => {
    const { client } = paneClient(alice);
    expect((await client.me()).id).to.equal(w.users.alice);
    expect(await client.recentCases()).to.be.an("array");
  });

  it("an account no user is linked to is refused with unknown_identity, which the pane explains and answers with the web view's sign-in", async () => {
    const { client } = paneClient(stranger);
    const err = await client.me().catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ApiError).and.include({ status: 403, code: "unknown_identity" });
    expect(ssoProblemOf(err)?.key).to.equal("pane.sso.unknownIdentity");
  });

  it("a token of a tenant the service does not allow is refused, and the pane says IMS Case did not accept it", async () => {
    const outsider = idp.addAccount({ realm: idp.tenants.other, subject: randomUUID(), email: "x@other.example", name: "Anden Lejer" });
    const err = await paneClient(outsider)
      .client.me()
      .catch((e: unknown) => e);
    // Refused by the service, not by the pane before sending.
    expect(err).to.be.instanceOf(ApiError).and.not.include({ code: "sso_interaction_required" });
    expect(ssoProblemOf(err)?.key).to.be.oneOf(["pane.sso.refused", "pane.sso.unknownIdentity"]);
    expect((err as ApiError).status).to.be.oneOf([401, 403]);
  });
});
