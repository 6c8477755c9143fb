import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import request from "supertest";
import { DASHBOARD_PANELS } from "../../shared/api/schemas/dashboard.ts";
import { launchChromium, screenshot } from "../support/browser.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { axeViolations, ensureWebBuilt, givePassword, openSignedIn, watchCsp } from "../support/web.ts";
import { buildWorld, type World } from "../support/world.ts";

// The dashboard's panels as each person arranges them, and what the web view does when the session ends.
describe("the dashboard in Chromium: critical cases, panels each person hides and orders", function () {
  this.timeout(180_000);
  let svc: TestService;
  let w: World;
  let browser: Browser;
  let context: BrowserContext;
  let csp: string[];
  let critical: { id: string; number: string };

  const api = (token: string) => ({
    post: (path: string, body: object) => request(svc.url).post(path).auth(token, { type: "bearer" }).send(body),
  });

  before(async () => {
    ensureWebBuilt();
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    await givePassword(svc.ctx.db, w.users.alice);
    await givePassword(svc.ctx.db, w.users.carl);
    const c = await api(w.tokens.alice).post("/api/cases", {
      templateId: w.templates.pupil,
      title: "Eventyrets dag",
      critical: true,
      metadata: { elevnummer: "E-1" },
    });
    critical = c.body;
    await api(w.tokens.alice)
      .post("/api/cases", { templateId: w.templates.pupil, title: "Ungø til søs", metadata: { elevnummer: "E-2" } })
      .expect(201);
    // Critical, but another group's: Alice's dashboard must not show it.
    await api(w.tokens.bob).post("/api/cases", { templateId: w.templates.board, title: "Bestyrelsens hemmelighed", critical: true }).expect(201);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await svc?.dispose();
  });
  beforeEach(async () => {
    csp = [];
    context = await browser.newContext({ locale: "da-DK", viewport: { width: 1200, height: 800 } });
    context.on("page", (p) => void watchCsp(p, csp));
  });
  afterEach(async () => {
    await context.close();
    expect(csp).to.deep.equal([]);
  });

  const panelOrder = (page: Page) => page.locator('[data-testid="panels"] > section').evaluateAll((els) => els.map((e) => e.getAttribute("data-testid")));
  const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  it("shows the critical cases the person may see, with VIS ALLE leading to the full list", async () => {
    const page = await openSignedIn(context, svc.url, "alice@skole.dk");
    const panel = page.getByTestId("critical-cases");
    await panel.locator(`[data-case-id="${critical.id}"]`).waitFor();
    expect(await panel.getByRole("heading").innerText()).to.equal("Kritiske sager (1)");
    expect(await panel.locator("tbody tr").count()).to.equal(1);
    expect(await panelOrder(page)).to.deep.equal(["my-tasks", "my-cases", "latest-documents", "notifications", "critical-cases", "saved-searches"]);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-dashboard-1-critical-cases");
    await panel.getByRole("link", { name: "Vis alle: Kritiske sager" }).click();
    await page.waitForURL(`${svc.url}/sager?critical=true`);
  });

  it("hides and reorders panels by keyboard alone; the choice is kept for the person, in another browser too, and not for others", async () => {
    const page = await openSignedIn(context, svc.url, "alice@skole.dk");
    await page.getByTestId("critical-cases").locator("tbody tr").waitFor();
    const customise = page.getByTestId("customise");
    await customise.focus();
    await page.keyboard.press("Enter");
    const panel = page.getByTestId("customise-panel");
    await panel.waitFor();
    expect(await axeViolations(page)).to.deep.equal([]);
    // Critical cases (the last of five) to the top: focus its "move up" button and press Enter four times.
    const up = panel.getByRole("button", { name: "Flyt Kritiske sager op" });
    for (const place of [3, 2, 1, 0]) {
      await up.focus();
      await page.keyboard.press("Enter");
      await page.waitForFunction(
        (at) => document.querySelectorAll('[data-testid="panels"] > section')[at]?.getAttribute("data-testid") === "critical-cases",
        place,
      );
    }
    // Latest documents hidden: the checkbox toggled with Space.
    await panel.getByRole("checkbox", { name: "Vis Seneste dokumenter" }).focus();
    await page.keyboard.press("Space");
    await page.getByTestId("latest-documents").waitFor({ state: "detached" });
    await screenshot(page, "web-dashboard-2-customising");
    await page.keyboard.press("Shift+Tab");
    await customise.focus();
    await page.keyboard.press("Enter");
    await panel.waitFor({ state: "detached" });
    expect(await panelOrder(page)).to.deep.equal(["critical-cases", "my-tasks", "my-cases", "notifications", "saved-searches"]);

    const saved = await request(svc.url).get("/api/me/dashboard").auth(w.tokens.alice, { type: "bearer" }).expect(200);
    expect(saved.body.panels).to.deep.equal([
      { id: "criticalCases", visible: true },
      { id: "myTasks", visible: true },
      { id: "myCases", visible: true },
      { id: "latestDocuments", visible: false },
      { id: "notifications", visible: true },
      { id: "savedSearches", visible: true },
    ]);
    const elsewhere = await browser.newContext({ locale: "da-DK" });
    try {
      const again = await openSignedIn(elsewhere, svc.url, "alice@skole.dk");
      await again.getByTestId("critical-cases").locator("tbody tr").waitFor();
      expect(await panelOrder(again)).to.deep.equal(["critical-cases", "my-tasks", "my-cases", "notifications", "saved-searches"]);
    } finally {
      await elsewhere.close();
    }
    const carlsBrowser = await browser.newContext({ locale: "da-DK" });
    try {
      const carl = await openSignedIn(carlsBrowser, svc.url, "carl@skole.dk");
      await carl.getByTestId("latest-documents").waitFor();
      expect(await panelOrder(carl)).to.deep.equal(["my-tasks", "my-cases", "latest-documents", "notifications", "critical-cases", "saved-searches"]);
    } finally {
      await carlsBrowser.close();
    }
  });

  it("every panel hidden says how to bring them back", async () => {
    await request(svc.url)
      .put("/api/me/dashboard")
      .auth(w.tokens.carl, { type: "bearer" })
      .send({ panels: DASHBOARD_PANELS.map((id) => ({ id, visible: false })) })
      .expect(200);
    const page = await context.newPage();
    await page.goto(`${svc.url}/log-ind`);
    await page.getByLabel("E-mailadresse").fill("carl@skole.dk");
    await page.getByLabel("Adgangskode").fill("Skolekontoret-2026!");
    await page.getByRole("button", { name: "Log ind" }).click();
    await page.getByText("Alle paneler er skjult.", { exact: false }).waitFor();
    expect(await page.locator('[data-testid="panels"] > section').count()).to.equal(0);
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  for (const [width, height, name] of [
    [375, 812, "phone"],
    [768, 1024, "tablet"],
  ] as const) {
    it(`works on a ${name} (${width} px): nothing scrolls sideways, the menu and panels are all there`, async () => {
      await context.close();
      context = await browser.newContext({ locale: "da-DK", viewport: { width, height }, isMobile: width < 500, hasTouch: width < 500 });
      const page = await openSignedIn(context, svc.url, "alice@skole.dk");
      await page.getByTestId("my-cases").locator("tbody tr").first().waitFor();
      expect(await noSidewaysScroll(page)).to.equal(true);
      for (const link of ["SAGER", "DOKUMENTER", "PARTER", "OPGAVER", "NOTIFIKATIONER"])
        expect(await page.getByRole("navigation", { name: "Hovedmenu" }).getByRole("link", { name: link }).isVisible()).to.equal(true);
      expect(await page.getByTestId("user-menu").isVisible()).to.equal(true);
      expect(await axeViolations(page)).to.deep.equal([]);
      await screenshot(page, `web-dashboard-${name === "phone" ? 3 : 4}-${name}`);
    });
  }

  it("the user menu opens and signs out by keyboard alone (Enter, arrow keys, Enter)", async () => {
    const page = await openSignedIn(context, svc.url, "alice@skole.dk");
    await page.getByTestId("my-cases").locator("tbody tr").first().waitFor();
    await page.getByTestId("user-menu").focus();
    await page.keyboard.press("Enter");
    await page.getByRole("menu").waitFor();
    // axe judges contrast as painted: after the menu's fade-in, not against the bar beneath it mid-way.
    await page.waitForFunction(() => getComputedStyle(document.querySelector(".fui-MenuPopover")!).opacity === "1");
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-dashboard-5-user-menu");
    for (let presses = 0; presses < 5 && (await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))) !== "sign-out"; presses++) {
      await page.keyboard.press("ArrowDown");
    }
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).to.equal("sign-out");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${svc.url}/log-ind`);
    expect(await page.evaluate(async () => (await fetch("/api/me")).status)).to.equal(401);
  });

  it("the top bar's search field finds cases by title words in any form or by number, by keyboard, and nothing the person may not see", async () => {
    const page = await openSignedIn(context, svc.url, "alice@skole.dk");
    await page.getByTestId("my-cases").locator("tbody tr").first().waitFor();
    const field = page.getByRole("search").getByRole("searchbox", { name: "Søg i opgaver, sager, dokumenter og kontakter" });
    await field.focus();
    await page.keyboard.type("eventyr");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${svc.url}/soeg?q=eventyr`);
    const results = page.getByTestId("search-results");
    await results.locator(`[data-case-id="${critical.id}"]`).waitFor();
    expect(await results.getByRole("heading", { level: 1 }).innerText()).to.equal("Søgeresultater for «eventyr»");
    expect(await results.getByTestId("hits-cases").locator("li[data-case-id]").count()).to.equal(1);
    expect(await results.getByTestId("hits-cases").locator("mark").first().innerText()).to.match(/^eventyr/i);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-dashboard-6-search");

    await field.fill(critical.number.slice(0, 12));
    await field.press("Enter");
    await results.locator(`[data-case-id="${critical.id}"]`).waitFor();
    await field.fill("hemmelighed");
    await field.press("Enter");
    await page.getByText("Intet, du har adgang til, matcher «hemmelighed».").waitFor();
    expect(await results.locator("li[data-case-id], li[data-document-id]").count()).to.equal(0);
    await page.goto(`${svc.url}/soeg?q=eventyr`);
    await page.getByTestId("search-results").locator(`[data-case-id="${critical.id}"]`).getByRole("link").click();
    await page.waitForURL(`${svc.url}/sager/${critical.number}`);
  });

  it("a session revoked elsewhere sends the next step to sign-in, and back to the page after signing in again", async () => {
    const page = await openSignedIn(context, svc.url, "alice@skole.dk");
    await page.getByTestId("my-cases").locator("tbody tr").first().waitFor();
    // Alice ends this browser's session from her own session list, signed in with a second browser.
    const other = request.agent(svc.url);
    await other.post("/api/auth/sign-in").set("Origin", svc.url).send({ email: "alice@skole.dk", password: "Skolekontoret-2026!" }).expect(200);
    const sessions = (await other.get("/api/auth/sessions").expect(200)).body.items as { id: string; current: boolean }[];
    const theBrowsers = sessions.filter((s) => !s.current);
    expect(theBrowsers.length).to.be.greaterThan(0);
    for (const s of theBrowsers) await other.delete(`/api/auth/sessions/${s.id}`).set("Origin", svc.url).expect(204);
    await page.getByRole("navigation", { name: "Hovedmenu" }).getByRole("link", { name: "SAGER" }).click();
    await page.waitForURL(/\/log-ind\?next=%2Fsager$/);
    await page.getByLabel("E-mailadresse").fill("alice@skole.dk");
    await page.getByLabel("Adgangskode").fill("Skolekontoret-2026!");
    await page.getByRole("button", { name: "Log ind" }).click();
    await page.waitForURL(`${svc.url}/sager`);
  });
});
