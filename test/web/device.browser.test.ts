import { expect } from "chai";
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import request from "supertest";
import { launchChromium, screenshot } from "../support/browser.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { axeViolations, ensureWebBuilt, givePassword, signIn } from "../support/web.ts";
import { buildWorld, type World } from "../support/world.ts";

// /forbind/<client>: the web view signs an add-in in. Office's dialog is played by a fake Office.context.ui
// in the page (the task pane's side is test/addins/taskpane.browser.test.ts); the Gmail add-on's link request
// is made with a Google ID token signed by a local stand-in for Google.

const CLIENT_ID = "123456789012-imscase.apps.googleusercontent.com";
const KID = "device-browser-test-key";

function pkce() {
  const verifier = crypto.randomBytes(32).toString("base64url");
  return { verifier, challenge: crypto.createHash("sha256").update(verifier).digest("base64url") };
}

/** office.js as it is in Office's dialog, answered for Microsoft's CDN: messageParent records what the page sends to the add-in. */
const FAKE_OFFICE_DIALOG = `
  window.__toAddIn = [];
  window.Office = {
    onReady: () => Promise.resolve({ host: null, platform: null }),
    context: { ui: { messageParent: (message) => window.__toAddIn.push(message) } },
  };
`;

describe("the web view signs add-ins in (/forbind/…), in Chromium", function () {
  this.timeout(180_000);
  let svc: TestService;
  let w: World;
  let browser: Browser;
  let context: BrowserContext;
  let cspViolations: string[];
  let officeJsRequests: number;
  /** What the CDN answers for office.js: nothing Office-like outside Office's dialog. */
  let officeJs: string;
  let google: http.Server;
  let googleKey: crypto.KeyObject;

  const idToken = (email: string, sub: string) => {
    const now = Math.floor(Date.now() / 1000);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    const claims = { iss: "https://accounts.google.com", aud: CLIENT_ID, azp: CLIENT_ID, sub, email, email_verified: true, iat: now, exp: now + 3600 };
    const input = `${b64({ alg: "RS256", kid: KID, typ: "JWT" })}.${b64(claims)}`;
    return `${input}.${crypto.sign("sha256", Buffer.from(input), googleKey).toString("base64url")}`;
  };

  before(async () => {
    ensureWebBuilt();
    const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    googleKey = privateKey;
    const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
    google = http.createServer((_req, res) => res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ [KID]: pem })));
    await new Promise<void>((resolve) => google.listen(0, "127.0.0.1", resolve));
    svc = await startTestService({
      GOOGLE_CLIENT_ID: CLIENT_ID,
      GOOGLE_CERTS_URL: `http://127.0.0.1:${(google.address() as AddressInfo).port}/oauth2/v1/certs`,
    });
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    await givePassword(svc.ctx.db, w.users.alice);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await svc?.dispose();
    await new Promise<void>((resolve) => google?.close(() => resolve()));
  });

  beforeEach(async () => {
    cspViolations = [];
    officeJsRequests = 0;
    officeJs = "/* office.js outside Office: no dialog to answer */";
    context = await newContext(1200, 800);
  });
  // office.js from Microsoft's CDN is answered by a stand-in: the tests say what Office is.
  async function newContext(width: number, height: number): Promise<BrowserContext> {
    const made = await browser.newContext({ locale: "da-DK", viewport: { width, height } });
    await made.route("https://appsforoffice.microsoft.com/**", (route) => {
      officeJsRequests++;
      return route.fulfill({ contentType: "text/javascript", body: officeJs });
    });
    return made;
  }
  afterEach(async () => {
    await context.close();
    expect(cspViolations).to.deep.equal([]);
  });

  async function open(url: string, inOfficeDialog = false): Promise<Page> {
    if (inOfficeDialog) officeJs = FAKE_OFFICE_DIALOG;
    const page = await context.newPage();
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await page.goto(`${svc.url}${url}`);
    return page;
  }
  const toAddIn = (page: Page) => page.evaluate(() => (window as unknown as { __toAddIn?: string[] }).__toAddIn ?? []);
  const devicesOfAlice = async () => (await svc.ctx.db.selectFrom("device_sign_ins").selectAll().where("user_id", "=", w.users.alice).execute()).length;

  it("Outlook's dialog signed out: sign in, back to the question, confirm; the code sent to the add-in redeems into a working credential", async () => {
    const { verifier, challenge } = pkce();
    const page = await open(`/forbind/outlook?challenge=${challenge}`, true);
    await page.waitForURL(/\/log-ind\?next=%2Fforbind%2Foutlook%3Fchallenge%3D/);
    await screenshot(page, "web-devices-1-sign-in");
    await signIn(page, "alice@skole.dk");
    await page.waitForURL(`${svc.url}/forbind/outlook?challenge=${challenge}`);
    const question = page.getByTestId("device-confirm");
    await question.waitFor();
    expect(await question.getByRole("heading").innerText()).to.equal("Log Outlook ind som Alice Sagsbehandler?");
    expect(officeJsRequests, "office.js was loaded for the dialog").to.be.greaterThan(0);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-devices-2-confirm");
    expect(await toAddIn(page)).to.deep.equal([]);

    await page.getByRole("button", { name: "Log Outlook ind" }).click();
    await page.getByTestId("device-done").waitFor();
    expect(await page.getByTestId("device-done").innerText()).to.contain("Outlook er logget ind som Alice Sagsbehandler.");
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-devices-3-done");

    const sent = await toAddIn(page);
    expect(sent).to.have.length(1);
    const message = JSON.parse(sent[0]) as { type: string; code: string };
    expect(message.type).to.equal("ims-case-device-code");
    expect(message, "the credential never passes through the page").to.not.have.property("token");
    const credential = (await request(svc.url).post("/api/auth/devices/redeem").send({ code: message.code, verifier }).expect(201)).body;
    const me = await request(svc.url).get("/api/me").auth(credential.token, { type: "bearer" }).expect(200);
    expect(me.body.email).to.equal("alice@skole.dk");

    // Her add-ins: the new Outlook is listed with when it signed in and was used, and signs out from here.
    await page.goto(`${svc.url}/forbind/outlook`);
    await page.getByTestId("not-from-office").waitFor();
    const listed = page.locator(`[data-device-id="${credential.id}"]`);
    await listed.waitFor();
    expect(await listed.innerText())
      .to.contain("Outlook")
      .and.contain("Logget ind")
      .and.contain("Sidst brugt");
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-devices-4-list");
    await listed.getByRole("button", { name: /^Log ud: Outlook, logget ind/ }).click();
    await page.getByTestId("signed-out").waitFor();
    await listed.waitFor({ state: "detached" });
    await request(svc.url).get("/api/me").auth(credential.token, { type: "bearer" }).expect(401);
  });

  it("opened outside Office's dialog (a link someone sent), the page gives nobody access and makes no code", async () => {
    const page = await open("/log-ind");
    await signIn(page, "alice@skole.dk");
    await page.getByTestId("my-cases").waitFor();
    const before = await devicesOfAlice();
    await page.goto(`${svc.url}/forbind/word?challenge=${pkce().challenge}`);
    await page.getByTestId("no-dialog").waitFor();
    expect(await page.getByTestId("no-dialog").innerText()).to.contain("Gem i IMS Case i Word");
    expect(await page.getByTestId("confirm-device").count()).to.equal(0);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-devices-5-outside-office");
    expect(await devicesOfAlice()).to.equal(before);

    await page.goto(`${svc.url}/forbind/notepad`);
    await page.getByTestId("unknown-client").waitFor();
    expect(await page.getByTestId("unknown-client").innerText()).to.contain("»notepad« er ikke et tilføjelsesprogram");
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it("Cancel in Office's dialog tells the add-in, and no code is made", async () => {
    const page = await open("/log-ind", true);
    await signIn(page, "alice@skole.dk");
    await page.getByTestId("my-cases").waitFor();
    const before = await devicesOfAlice();
    await page.goto(`${svc.url}/forbind/excel?challenge=${pkce().challenge}`);
    await page.getByRole("button", { name: "Annullér" }).click();
    await page.getByTestId("device-cancelled").waitFor();
    expect((await toAddIn(page)).map((m) => JSON.parse(m).type)).to.deep.equal(["ims-case-device-cancel"]);
    expect(await devicesOfAlice()).to.equal(before);
  });

  it("Gmail: the page names the Google account of the add-on's request and links it, by keyboard alone", async () => {
    const token = idToken("alice.privat@gmail.com", "g-alice-browser");
    const started = (await request(svc.url).post("/api/auth/google-links").send({ idToken: token }).expect(201)).body;
    const page = await open("/log-ind");
    await signIn(page, "alice@skole.dk");
    await page.getByTestId("my-cases").waitFor();
    await page.goto(`${svc.url}${started.path}`);
    const question = page.getByTestId("device-confirm");
    await question.waitFor();
    expect(await question.getByRole("heading").innerText()).to.equal("Forbind Google-kontoen alice.privat@gmail.com med IMS Case som Alice Sagsbehandler?");
    expect(await question.innerText()).to.contain("Bekræft kun, hvis du selv har valgt Log ind i Gmail lige nu");
    expect(officeJsRequests, "no office.js for Gmail").to.equal(0);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-devices-6-gmail");

    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("data-testid"));
    for (let presses = 0; presses < 30 && (await focused()) !== "confirm-device"; presses++) await page.keyboard.press("Tab");
    expect(await focused()).to.equal("confirm-device");
    await page.keyboard.press("Enter");
    await page.getByTestId("device-done").waitFor();
    const linked = page.locator('[data-client="gmail"]');
    await linked.waitFor();
    expect(await linked.innerText()).to.contain("Gmail · alice.privat@gmail.com");
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-devices-7-gmail-linked");
    expect((await request(svc.url).get("/api/me").auth(token, { type: "bearer" }).expect(200)).body.email).to.equal("alice@skole.dk");

    // Used up: opened again, the link says so in words.
    await page.goto(`${svc.url}${started.path}`);
    await page.getByTestId("problem").waitFor();
    expect(await page.getByTestId("problem").innerText()).to.contain("Linket er udløbet eller allerede brugt");
  });

  it("works on a phone: the question fits 375 px without scrolling sideways", async () => {
    await context.close();
    context = await newContext(375, 740);
    const page = await open("/log-ind", true);
    await signIn(page, "alice@skole.dk");
    await page.getByTestId("my-cases").waitFor();
    await page.goto(`${svc.url}/forbind/powerpoint?challenge=${pkce().challenge}`);
    await page.getByTestId("device-confirm").waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(375);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-devices-8-phone");
  });

  it("the dialog's page alone may load office.js: its CSP adds Microsoft's CDN to script-src, and nothing else changes", async () => {
    const scriptSrc = (csp: string) =>
      csp
        .split(";")
        .map((d) => d.trim().split(/\s+/))
        .find((d) => d[0] === "script-src")
        ?.slice(1);
    for (const client of ["outlook", "word", "excel", "powerpoint"]) {
      const csp = String((await request(svc.server).get(`/forbind/${client}?challenge=x`).expect(200)).headers["content-security-policy"]);
      expect(scriptSrc(csp), client).to.deep.equal(["'self'", "https://appsforoffice.microsoft.com"]);
      expect(csp.replace(" https://appsforoffice.microsoft.com", "")).to.equal(
        String((await request(svc.server).get("/").expect(200)).headers["content-security-policy"]),
      );
    }
    for (const url of ["/forbind/gmail", "/forbind/notepad", "/log-ind", "/forbind/outlook/x"]) {
      const csp = String((await request(svc.server).get(url).expect(200)).headers["content-security-policy"]);
      expect(scriptSrc(csp), url).to.deep.equal(["'self'"]);
    }
  });
});
