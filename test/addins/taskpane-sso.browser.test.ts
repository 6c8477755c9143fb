import { expect } from "chai";
import { randomUUID } from "node:crypto";
import type { Browser, Page } from "playwright-core";
import request from "supertest";
import type { FakeOfficeLog, FakeOfficeOptions } from "../support/fake-office.ts";
import { ensureAddinsBuilt, fakeOfficeScript, launchChromium, screenshot, takeCspViolations } from "../support/browser.ts";
import { linkEntraAccount, startLocalIdp, type IdpAccount, type LocalIdp } from "../support/local-idp.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { ensureWebBuilt } from "../support/web.ts";
import { buildWorld, type World } from "../support/world.ts";

// The built task pane signing in with Microsoft by nested app authentication: real msal-browser (its own chunk) in
// headless Chromium, talking to a fake Office's NAA bridge (window.nestedAppAuthBridge, the boundary Office provides),
// which hands out access tokens the local Entra ID signed; the real service checks them. No token is pasted.

type NaaRequest = { method: string; requestId: string; tokenParams?: { scope?: string; clientId?: string } };
const naaLog = (page: Page) => page.evaluate(() => (window as unknown as { __naa: NaaRequest[] }).__naa);
const officeLog = (page: Page) => page.evaluate(() => (window as unknown as { __office: FakeOfficeLog }).__office);

/** Office's NAA bridge as msal-browser talks to it: JSON envelopes by postMessage, answers to the "message" listener. */
function installNaaBridge(account: { tid: string; oid: string; email: string; name: string }) {
  const w = window as unknown as {
    __naa: unknown[];
    __entraToken(): Promise<string>;
    nestedAppAuthBridge: unknown;
  };
  w.__naa = [];
  const listeners: Array<(m: string) => void> = [];
  const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const answer = (body: Record<string, unknown>) =>
    setTimeout(() => listeners.forEach((l) => l(JSON.stringify({ messageType: "NestedAppAuthResponse", ...body }))), 0);
  w.nestedAppAuthBridge = {
    addEventListener: (_type: string, listener: (m: string) => void) => listeners.push(listener),
    removeEventListener: () => undefined,
    postMessage(text: string) {
      const req = JSON.parse(text) as { method: string; requestId: string; tokenParams?: { scope?: string } };
      w.__naa.push(req);
      if (req.method === "GetInitContext") {
        return answer({
          requestId: req.requestId,
          success: true,
          initContext: { sdkName: "fake-office", sdkVersion: "1.0", capabilities: {}, accountContext: null },
        });
      }
      if (req.method !== "GetToken" && req.method !== "GetTokenPopup")
        return answer({ requestId: req.requestId, success: false, error: { status: "PERSISTENT_ERROR" } });
      void w.__entraToken().then((accessToken) => {
        const now = Math.floor(Date.now() / 1000);
        const idToken = `${b64({ alg: "none", typ: "JWT" })}.${b64({
          iss: `https://login.microsoftonline.com/${account.tid}/v2.0`,
          aud: "pane",
          tid: account.tid,
          oid: account.oid,
          sub: account.oid,
          name: account.name,
          preferred_username: account.email,
          iat: now,
          exp: now + 3600,
        })}.`;
        answer({
          requestId: req.requestId,
          success: true,
          token: { access_token: accessToken, id_token: idToken, expires_in: 3600, scope: req.tokenParams?.scope, token_type: "Bearer" },
          account: {
            homeAccountId: `${account.oid}.${account.tid}`,
            environment: "login.microsoftonline.com",
            tenantId: account.tid,
            username: account.email,
            localAccountId: account.oid,
            name: account.name,
          },
        });
      });
    },
  };
}

describe("the task pane signs in with Microsoft by nested app authentication (Chromium, fake Word + NAA bridge, real service)", function () {
  this.timeout(180_000);
  let idp: LocalIdp;
  let svc: TestService;
  let w: World;
  let browser: Browser;
  let alice: IdpAccount;
  let stranger: IdpAccount;
  let kase: { id: string; number: string };

  const options: FakeOfficeOptions = {
    host: "Word",
    displayLanguage: "da-DK",
    requirementSets: { NestedAppAuth: "1.1", OpenBrowserWindowApi: "1.1" },
    document: { url: "Budgetark.docx", fileBase64: Buffer.from("x").toString("base64") },
  };

  /** The pane in a page whose Office is the fake host with an NAA bridge for `account`; `stored` as earlier sessions left it. */
  async function open(account: IdpAccount, stored?: Record<string, unknown>): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 360, height: 900 }, locale: "da-DK" });
    await page.route("https://appsforoffice.microsoft.com/**", (route) => route.fulfill({ contentType: "text/javascript", body: "/* fake Office */" }));
    await page.exposeFunction("__entraToken", () => idp.entraAccessToken(account));
    await page.addInitScript({ content: await fakeOfficeScript() });
    await page.addInitScript(
      ([o, s]) => {
        const win = window as unknown as { installFakeOffice(t: unknown, o: unknown): unknown; __office: unknown };
        win.__office = win.installFakeOffice(window, o);
        if (s) localStorage.setItem("imsCase.connection", JSON.stringify(s));
      },
      [options, stored] as const,
    );
    // As source text with a local `__name`: tsx (esbuild keepNames) wraps the bridge's inner functions in `__name(fn, "name")`
    // calls, and a function handed to addInitScript as such would throw "__name is not defined" in the page, leaving no bridge.
    const naaAccount = { tid: account.realm, oid: account.subject, email: account.email, name: account.name };
    await page.addInitScript({ content: `(() => { const __name = (f) => f; (${installNaaBridge.toString()})(${JSON.stringify(naaAccount)}); })();` });
    page.on("console", (m) => {
      if (process.env.DBG) console.log("[console]", m.type(), m.text());
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    page.on("pageerror", (e) => process.env.DBG && console.log("[pageerror]", e));
    await page.goto(`${svc.url}/addins/taskpane.html?host=word`);
    return page;
  }
  const cspViolations: string[] = [];

  before(async () => {
    ensureWebBuilt();
    ensureAddinsBuilt();
    idp = await startLocalIdp();
    svc = await startTestService(idp.env());
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    alice = idp.addAccount({ realm: idp.tenants.a, subject: randomUUID(), email: "alice@skole.dk", name: "Alice Sagsbehandler" });
    stranger = idp.addAccount({ realm: idp.tenants.a, subject: randomUUID(), email: "stranger@skole.dk", name: "Ukendt Person" });
    await linkEntraAccount(svc.ctx.db, idp, w.users.alice, alice);
    kase = (
      await request(svc.url)
        .post("/api/cases")
        .auth(w.tokens.alice, { type: "bearer" })
        .send({ templateId: w.templates.pupil, title: "Budgetkontrol for skolen", metadata: { elevnummer: "B-1" } })
        .expect(201)
    ).body;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await svc?.dispose();
    await idp?.close();
  });
  afterEach(() => {
    expect(cspViolations.splice(0)).to.deep.equal([]);
    expect(takeCspViolations()).to.deep.equal([]);
  });

  it("“Log ind med Microsoft” signs in without a pasted token or a dialog; the search finds the person's case", async () => {
    const page = await open(alice);
    const microsoft = page.getByTestId("sign-in-microsoft");
    await microsoft.waitFor();
    expect(await microsoft.innerText()).to.equal("Log ind med Microsoft");
    // Nothing is asked of Office before the click but whether it can: no token request at pane load.
    expect((await naaLog(page)).filter((r) => r.method.startsWith("GetToken"))).to.deep.equal([]);
    await screenshot(page, "taskpane-sso-1-settings");
    await microsoft.click();

    await page.getByTestId("case-search").waitFor();
    await page.getByRole("search").getByRole("searchbox", { name: "Søg i IMS Case" }).fill("budgetkontrol");
    await page.keyboard.press("Enter");
    const results = page.getByTestId("pane-search-results");
    await results.locator(`[data-hit-id="${kase.id}"]`).waitFor();
    await screenshot(page, "taskpane-sso-2-search");

    const tokenRequests = (await naaLog(page)).filter((r) => r.method.startsWith("GetToken"));
    expect(tokenRequests.length).to.be.greaterThan(0);
    // Silent was enough: Office's own prompt was never asked for.
    expect(tokenRequests.map((r) => r.method)).to.not.include("GetTokenPopup");
    expect(tokenRequests[0].tokenParams?.scope).to.contain(`api://${idp.clientId}/access_as_user`);
    const office = await officeLog(page);
    expect(office.dialogs).to.deep.equal([]);
    const stored = JSON.parse((await page.evaluate(() => localStorage.getItem("imsCase.connection"))) ?? "null");
    expect(stored).to.deep.include({ serviceUrl: svc.url, token: "", method: "microsoft", signedInAs: "Alice Sagsbehandler" });
    await page.close();
  });

  it("opened again, the pane goes straight to the search, asking msal silently", async () => {
    const page = await open(alice, { serviceUrl: svc.url, token: "", method: "microsoft", signedInAs: "Alice Sagsbehandler" });
    await page.getByTestId("case-search").waitFor();
    await page.getByRole("searchbox", { name: "Søg i IMS Case" }).fill("budgetkontrol");
    await page.keyboard.press("Enter");
    await page.getByTestId("pane-search-results").locator(`[data-hit-id="${kase.id}"]`).waitFor();
    expect((await naaLog(page)).map((r) => r.method)).to.not.include("GetTokenPopup");
    await page.close();
  });

  it("an account no user is linked to gets the clear message and the web view's sign-in, which opens in Office's dialog", async () => {
    const page = await open(stranger);
    await page.getByTestId("sign-in-microsoft").click();
    const problem = page.getByTestId("sso-problem");
    await problem.waitFor();
    expect(await problem.getByTestId("problem-text").innerText()).to.contain("Din Microsoft-konto er ikke knyttet til en bruger i IMS Case");
    await screenshot(page, "taskpane-sso-3-unknown");
    await problem.getByTestId("sso-fallback").click();
    await page.waitForFunction(() => (window as unknown as { __office: FakeOfficeLog }).__office.dialogs.length === 1);
    expect((await officeLog(page)).dialogs[0].url).to.match(new RegExp(`^${svc.url}/forbind/word\\?challenge=`));
    expect(await page.evaluate(() => localStorage.getItem("imsCase.connection"))).to.equal(null);
    await page.close();
  });
});
