import { expect } from "chai";
import express from "express";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import request from "supertest";
import { hashPassword } from "../../service/features/auth/passwords.ts";
import { webApp } from "../../service/http/web-app.ts";
import { formatMoment } from "../../web/src/format.ts";
import { launchChromium, REPO, screenshot } from "../support/browser.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { axeViolations, DANISH_MOMENT, ensureWebBuilt, PASSWORD, signIn as signInAs } from "../support/web.ts";
import { buildWorld, type World } from "../support/world.ts";

const HOSTILE_TITLE = `<script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2">Glade Børn`;

describe("the web view in Chromium, served by the real service", function () {
  this.timeout(180_000);
  let svc: TestService;
  let w: World;
  let browser: Browser;
  let context: BrowserContext;
  let cspViolations: string[];
  let caseId: string;
  let caseNumber: string;
  let documentId: string;

  before(async () => {
    ensureWebBuilt();
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    const set_at = new Date().toISOString();
    await svc.ctx.db
      .insertInto("user_passwords")
      .values({ user_id: w.users.alice, hash: await hashPassword(PASSWORD), must_change: 0, set_at })
      .execute();
    const c = await request(svc.url)
      .post("/api/cases")
      .auth(w.tokens.alice, { type: "bearer" })
      .send({ templateId: w.templates.pupil, title: "Foreningen Glade Børn", metadata: { elevnummer: "E-12" } })
      .expect(201);
    caseId = c.body.id;
    caseNumber = c.body.number;
    const d = await request(svc.url)
      .post("/api/documents")
      .auth(w.tokens.alice, { type: "bearer" })
      .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, caseId, title: "Indstillingsnotat.docx" }))
      .attach("file", Buffer.from("indhold"), { filename: "Indstillingsnotat.txt", contentType: "text/plain" })
      .expect(201);
    documentId = d.body.id;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await svc?.dispose();
  });

  beforeEach(async () => {
    cspViolations = [];
    context = await browser.newContext({ locale: "da-DK", viewport: { width: 1200, height: 800 } });
  });
  // The app runs under the CSP the service sends with it; anything it refused would be broken somewhere.
  afterEach(async () => {
    await context.close();
    expect(cspViolations).to.deep.equal([]);
  });

  async function open(url: string): Promise<Page> {
    const page = await context.newPage();
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await page.goto(`${svc.url}${url}`);
    return page;
  }

  const signIn = (page: Page, email = "alice@skole.dk", password = PASSWORD) => signInAs(page, email, password);

  it("a deep link opened without signing in goes to the sign-in page, and back to it after signing in", async () => {
    const page = await open("/ukendt/xyz");
    await page.waitForURL(/\/log-ind\?next=%2Fukendt%2Fxyz$/);
    await screenshot(page, "web-1-sign-in");
    await signIn(page);
    await page.waitForURL(`${svc.url}/ukendt/xyz`);
    expect(await page.getByTestId("not-found").innerText()).to.contain("/ukendt/xyz");
  });

  it("a wrong password is refused with the Danish message and no session", async () => {
    const page = await open("/log-ind");
    await signIn(page, "alice@skole.dk", "forkert-adgangskode");
    await page.getByTestId("problem").waitFor();
    expect(await page.getByTestId("problem").innerText()).to.contain("E-mailadressen eller adgangskoden er forkert.");
    await screenshot(page, "web-2-wrong-password");
    expect(await page.evaluate(async () => (await fetch("/api/me")).status)).to.equal(401);
  });

  it("the sign-in page has no accessibility violations (axe), in Danish and in English", async () => {
    const page = await open("/log-ind");
    await page.getByTestId("sign-in").waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).to.equal("da");
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.getByTestId("language-en").click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).to.equal("en");
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it("signed in, the dashboard lists the person's case and document; English on request; signing out ends the session", async () => {
    const page = await open("/");
    await page.waitForURL(`${svc.url}/log-ind`);
    await signIn(page);
    const cases = page.getByTestId("my-cases");
    const documents = page.getByTestId("latest-documents");
    await cases.locator(`[data-case-id="${caseId}"]`).waitFor();
    await documents.locator(`[data-document-id="${documentId}"]`).waitFor();
    expect(await cases.getByRole("heading").innerText()).to.equal("Mine sager (1)");
    expect(await documents.getByRole("heading").innerText()).to.equal("Seneste dokumenter (1)");
    const caseCells = await cases.locator(`[data-case-id="${caseId}"] td`).allInnerTexts();
    expect(caseCells.slice(0, 2)).to.deep.equal(["Foreningen Glade Børn", caseNumber]);
    expect(caseCells[2]).to.match(DANISH_MOMENT);
    const documentCells = await documents.locator(`[data-document-id="${documentId}"] td`).allInnerTexts();
    expect(documentCells[0]).to.equal("Indstillingsnotat.docx");
    expect(documentCells[1]).to.match(DANISH_MOMENT);
    expect(documentCells[2]).to.equal("Alice Sagsbehandler");
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-3-dashboard");

    await page.getByTestId("user-menu").click();
    await page.getByRole("menuitemradio", { name: "English" }).click();
    await page.getByRole("heading", { name: "My cases (1)" }).waitFor();
    expect(await page.evaluate(() => [document.documentElement.lang, localStorage.getItem("imsCase.language")])).to.deep.equal(["en", "en"]);
    await screenshot(page, "web-4-dashboard-english");

    await page.getByTestId("user-menu").click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await page.waitForURL(`${svc.url}/log-ind`);
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(await page.evaluate(async () => (await fetch("/api/me")).status)).to.equal(401);
    await screenshot(page, "web-5-signed-out");
  });

  it("SAGER and DOKUMENTER list the cases and documents the person may see", async () => {
    const page = await open("/log-ind");
    await signIn(page);
    await page.getByTestId("my-cases").waitFor();
    await page.getByRole("navigation", { name: "Hovedmenu" }).getByRole("link", { name: "SAGER" }).click();
    await page.waitForURL(`${svc.url}/sager`);
    await page.getByTestId("case-list").locator(`[data-case-id="${caseId}"]`).waitFor();
    expect(await page.getByRole("link", { name: "SAGER" }).getAttribute("aria-current")).to.equal("page");
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-8-cases");
    await page.getByRole("link", { name: "DOKUMENTER" }).click();
    await page.waitForURL(`${svc.url}/dokumenter`);
    await page.getByTestId("document-list").locator(`[data-document-id="${documentId}"]`).waitFor();
    expect(await page.getByTestId("document-list").locator(`[data-document-id="${documentId}"] td`).first().innerText()).to.equal("Indstillingsnotat.docx");
  });

  it("signing in works with the keyboard alone (Tab and Enter)", async () => {
    const page = await open("/log-ind");
    await page.getByTestId("sign-in").waitFor();
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.tagName);
    for (let presses = 0; presses < 10 && (await focused()) !== "email"; presses++) await page.keyboard.press("Tab");
    expect(await focused()).to.equal("email");
    await page.keyboard.type("alice@skole.dk");
    await page.keyboard.press("Tab");
    expect(await focused()).to.equal("password");
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press("Enter");
    await page.getByTestId("my-cases").waitFor();
    expect(await page.getByTestId("user-menu").innerText()).to.equal("Alice Sagsbehandler");
  });

  it("a case title with <script> and <img onerror> is shown as text and runs nothing", async () => {
    const hostile = await request(svc.url)
      .post("/api/cases")
      .auth(w.tokens.alice, { type: "bearer" })
      .send({ templateId: w.templates.pupil, title: HOSTILE_TITLE, metadata: { elevnummer: "E-13" } })
      .expect(201);
    const page = await open("/log-ind");
    await signIn(page);
    const row = page.locator(`[data-case-id="${hostile.body.id}"]`);
    await row.waitFor();
    expect(await row.locator("td").first().innerText()).to.equal(HOSTILE_TITLE);
    expect(await page.getByTestId("my-cases").locator("img, script").count()).to.equal(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).to.equal(undefined);
    await screenshot(page, "web-6-hostile-title");
  });

  it("a temporary password set by an administrator is changed before anything else", async () => {
    await request(svc.url)
      .post(`/api/admin/users/${w.users.carl}/password`)
      .auth(ADMIN_TOKEN, { type: "bearer" })
      .send({ temporaryPassword: "Midlertidig-kode-1234" })
      .expect(204);
    const page = await open("/log-ind");
    await signIn(page, "carl@skole.dk", "Midlertidig-kode-1234");
    const form = page.getByTestId("change-password");
    await form.waitFor();
    await form.getByLabel("Ny adgangskode (mindst 12 tegn)").fill("Carls-egen-kode-2026");
    await form.getByLabel("Gentag den nye adgangskode").fill("Carls-egen-kode-2026");
    await screenshot(page, "web-7-change-password");
    await form.getByRole("button", { name: "Skift adgangskode" }).click();
    await page.getByTestId("my-cases").waitFor();
    expect(await page.getByTestId("user-menu").innerText()).to.equal("Carl Kollega");
  });
});

describe("the service serves the web view at / and at every deep link", function () {
  this.timeout(180_000);
  let svc: TestService;

  before(async () => {
    ensureWebBuilt();
    svc = await startTestService();
  });
  after(async () => svc?.dispose());

  const directive = (csp: string, name: string) =>
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .find((d) => d[0] === name)
      ?.slice(1) ?? [];

  it("answers the app's page for / and deep links with a strict CSP and no caching, and its hashed bundle cached for good", async () => {
    for (const url of ["/", "/log-ind", "/sager/20200108-1459092", "/dokumenter/abc?fane=bilag"]) {
      const res = await request(svc.server).get(url).expect(200);
      expect(res.headers["content-type"], url).to.match(/^text\/html/);
      expect(res.headers["cache-control"], url).to.equal("no-cache");
      const csp = String(res.headers["content-security-policy"]);
      expect(directive(csp, "script-src"), url).to.deep.equal(["'self'"]);
      expect(directive(csp, "style-src"), url).to.deep.equal(["'self'", "'unsafe-inline'"]);
      expect(directive(csp, "object-src"), url).to.deep.equal(["'none'"]);
      expect(directive(csp, "frame-ancestors"), url).to.deep.equal(["'none'"]);
      expect(res.text, "no inline script").to.not.match(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
    const page = await request(svc.server).get("/").expect(200);
    const bundle = /src="?\/(app\.[0-9a-f]{10}\.js)/.exec(page.text)?.[1];
    expect(bundle, "the page names its content-hashed bundle from the root").to.be.a("string");
    const js = await request(svc.server).get(`/${bundle}`).expect(200);
    expect(js.headers["content-type"]).to.match(/javascript/);
    expect(js.headers["cache-control"]).to.equal("public, max-age=31536000, immutable");
  });

  it("sends the bundle brotli- or gzip-compressed as the browser accepts, and as it is to a client that accepts neither", async () => {
    const page = await request(svc.server).get("/").expect(200);
    const bundle = /src="?\/(app\.[0-9a-f]{10}\.js)/.exec(page.text)?.[1];
    const plain = fs.readFileSync(path.join(REPO, "dist/web", bundle!));
    // The bytes as sent, not decoded: what the browser would decompress itself.
    const raw = (accept: string) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        http
          .get(`${svc.url}/${bundle}`, { headers: { "Accept-Encoding": accept } }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
          })
          .on("error", reject);
      });
    const br = await raw("gzip, deflate, br");
    expect(br.status).to.equal(200);
    expect(br.headers["content-encoding"]).to.equal("br");
    expect(br.headers["vary"]).to.match(/Accept-Encoding/);
    expect(br.headers["content-type"]).to.match(/^application\/javascript/);
    expect(br.headers["cache-control"]).to.equal("public, max-age=31536000, immutable");
    expect(brotliDecompressSync(br.body).equals(plain)).to.equal(true);
    expect(br.body.length).to.be.below(plain.length / 3);
    const gz = await raw("gzip");
    expect(gz.headers["content-encoding"]).to.equal("gzip");
    expect(gunzipSync(gz.body).equals(plain)).to.equal(true);
    const identity = await raw("identity");
    expect(identity.headers["content-encoding"]).to.equal(undefined);
    expect(identity.body.equals(plain)).to.equal(true);
    await request(svc.server).get("/app.0123456789.js").set("Accept-Encoding", "br").expect(404);
  });

  it("leaves /api and /addins to the service, and answers 404 for a file that is not there", async () => {
    const api = await request(svc.server).get("/api/no-such-thing").expect(404);
    expect(api.body.code).to.equal("not_found");
    await request(svc.server).get("/api/me").expect(401);
    const missing = await request(svc.server).get("/app.0123456789.js").expect(404);
    expect(missing.headers["content-type"]).to.not.match(/^text\/html/);
  });

  it("the JavaScript the sign-in page and the dashboard load is at most 200 KB gzipped", async () => {
    const html = fs.readFileSync(path.join(REPO, "dist/web/index.html"), "utf8");
    const scripts = [...html.matchAll(/<script[^>]*\bsrc="?\/([^" >]+)/g)].map((m) => m[1]);
    expect(scripts.length).to.be.greaterThan(0);
    const gzipped = scripts.reduce((n, file) => n + gzipSync(fs.readFileSync(path.join(REPO, "dist/web", file)), { level: 9 }).length, 0);
    console.log(`      web view JavaScript: ${(gzipped / 1000).toFixed(1)} KB gzipped (${scripts.join(", ")})`);
    expect(gzipped).to.be.at.most(200_000);
  });

  it("says the web view is not built, as a page, when dist/web is missing", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "ims-web-"));
    try {
      const app = express().use(webApp(empty));
      const res = await request(app).get("/sager/xyz").expect(503);
      expect(res.headers["content-type"]).to.match(/^text\/html/);
      expect(res.text).to.contain("npm run build:addins");
      await request(app).get("/api/me").expect(404);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it("dates read the Danish way (08. jan. 2020 14:35) and the English way (08 Jan 2020 14:35)", () => {
    const moment = new Date(2020, 0, 8, 14, 35).toISOString();
    expect(formatMoment(moment, "da")).to.equal("08. jan. 2020 14:35");
    expect(formatMoment(moment, "en")).to.equal("08 Jan 2020 14:35");
    expect(formatMoment(new Date(2020, 0, 8, 0, 5).toISOString(), "da")).to.equal("08. jan. 2020 00:05");
  });
});
