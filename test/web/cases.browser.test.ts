import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import request from "supertest";
import type { CaseSummary } from "../../shared/api/types.ts";
import { formatMoment } from "../../web/src/format.ts";
import { launchChromium, screenshot } from "../support/browser.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { axeViolations, DANISH_MOMENT, ensureWebBuilt, givePassword, openSignedIn, PASSWORD, signIn, watchCsp } from "../support/web.ts";
import { buildWorld, type World } from "../support/world.ts";

// SAGER and the case page: the list with its filters and sort in the address, a new case from a template,
// the case's information, documents and history, editing with If-Match, closing, reopening, critical.
describe("the cases in Chromium: the list, a new case, the case page", function () {
  this.timeout(240_000);
  let svc: TestService;
  let w: World;
  let browser: Browser;
  let context: BrowserContext;
  let csp: string[];
  let glade: CaseSummary;
  let boardCase: CaseSummary;
  let documentId: string;

  const bearer = { type: "bearer" } as const;
  const api = () => request(svc.url);
  async function newCase(token: string, body: Record<string, unknown>): Promise<CaseSummary> {
    const res = await api().post("/api/cases").auth(token, bearer).send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }
  const pupilCase = (title: string, extra: Record<string, unknown> = {}) =>
    newCase(w.tokens.alice, { templateId: w.templates.pupil, title, metadata: { elevnummer: "E-1" }, ...extra });
  const caseNow = async (id: string): Promise<CaseSummary> => (await api().get(`/api/cases/${id}`).auth(ADMIN_TOKEN, bearer).expect(200)).body;

  before(async () => {
    ensureWebBuilt();
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    for (const user of [w.users.alice, w.users.bob, w.users.carl]) await givePassword(svc.ctx.db, user);
    // Enough cases for more than one page (25), some critical, one closed, one under another code.
    for (let i = 1; i <= 26; i++) await pupilCase(`Elev ${String(i).padStart(2, "0")}`, { critical: i % 10 === 0 });
    const closed = await pupilCase("Timelærer", { journalCode: "17.01" });
    await api().post(`/api/cases/${closed.id}/close`).auth(w.tokens.alice, bearer).send({}).expect(200);
    glade = await pupilCase("Foreningen Glade Børn", { responsibleId: w.users.carl, metadata: { elevnummer: "E-12", klasse: "1.a", optaget: "2019-08-12" } });
    const d = await api()
      .post("/api/documents")
      .auth(w.tokens.alice, bearer)
      .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, caseId: glade.id, title: "Indstillingsnotat.docx" }))
      .attach("file", Buffer.from("indhold"), { filename: "Indstillingsnotat.txt", contentType: "text/plain" })
      .expect(201);
    documentId = d.body.id;
    boardCase = await newCase(w.tokens.bob, { templateId: w.templates.board, title: "Bestyrelsesmøde januar" });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await svc?.dispose();
  });
  beforeEach(async () => {
    csp = [];
    context = await browser.newContext({ locale: "da-DK", viewport: { width: 1200, height: 900 } });
    context.on("page", (p) => void watchCsp(p, csp));
  });
  // The app runs under the CSP the service sends with it; anything it refused would be broken somewhere.
  afterEach(async () => {
    await context.close();
    expect(csp).to.deep.equal([]);
  });

  const open = (url: string, email = "alice@skole.dk") => openSignedIn(context, svc.url, email, url);
  const rows = (page: Page) => page.getByTestId("case-list").locator("tbody tr");
  const rowTitles = (page: Page) => page.getByTestId("case-list").locator("tbody tr td:first-child").allInnerTexts();
  const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  const caseUrl = (c: Pick<CaseSummary, "number">) => `/sager/${c.number}`;
  const detail = (page: Page, field: string) => page.getByTestId("case-page").locator(`[data-field="${field}"] dd`).innerText();

  it("SAGER lists the cases a page at a time, filters and sorts them, and the address keeps the choice", async () => {
    const page = await open("/sager");
    await rows(page).first().waitFor();
    expect(await rows(page).count()).to.equal(25);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-cases-1-list");
    await page.getByTestId("more-cases").click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="case-list"] tbody tr').length === 28);
    expect(await page.getByTestId("more-cases").count()).to.equal(0);

    // The checkbox follows the address, which changes just after the click: click, then wait for the address.
    await page.getByLabel("Kun kritiske sager").click();
    await page.waitForURL(/critical=true/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="case-list"] tbody tr').length === 2);
    expect((await rowTitles(page)).map((t) => t.replace(/\s*Kritisk$/, "")).sort()).to.deep.equal(["Elev 10", "Elev 20"]);
    await page.getByLabel("Kun kritiske sager").click();
    await page.waitForURL((url) => !url.searchParams.has("critical"));

    await page.getByLabel("Status", { exact: true }).selectOption("closed");
    await page.waitForURL(/status=closed/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="case-list"] tbody tr').length === 1);
    expect(await rowTitles(page)).to.deep.equal(["Timelærer"]);
    expect(await page.getByTestId("case-list").locator("tbody tr td:nth-child(3)").innerText()).to.equal("Lukket");
    await page.getByLabel("Status", { exact: true }).selectOption("");

    await page.getByLabel("Journalplan").selectOption("17.01");
    await page.waitForURL(/journalCode=17\.01/);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="case-list"] tbody tr').length === 25);
    await page.getByLabel("Journalplan").selectOption("00.01.10");
    await page.getByTestId("case-list-empty").waitFor();
    expect(await page.getByTestId("case-list-empty").innerText()).to.equal("Ingen sager passer til filtrene.");
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.getByLabel("Journalplan").selectOption("");

    await page.getByLabel("Sagsskabelon").selectOption(w.templates.pupil);
    await page.getByLabel("Sortér efter").selectOption("title");
    await page.waitForURL(/sort=title/);
    await page.waitForFunction(() => document.querySelector('[data-testid="case-list"] tbody tr td')?.textContent === "Elev 01");
    await page.getByLabel("Sortér efter").selectOption("number");
    await page.waitForURL(/sort=number/);
    await page.waitForFunction(() => document.querySelector('[data-testid="case-list"] tbody tr td')?.textContent === "Foreningen Glade Børn");
    expect(new URL(page.url()).searchParams.get("templateId")).to.equal(w.templates.pupil);
    await screenshot(page, "web-cases-2-filtered-sorted");

    // A link keeps the filters: opened anew, the list and its controls are as the address says.
    const linked = await context.newPage();
    await linked.goto(`${svc.url}/sager?critical=true&sort=title&filter=mine`);
    await linked.waitForFunction(() => document.querySelectorAll('[data-testid="case-list"] tbody tr').length === 2);
    expect((await rowTitles(linked)).map((t) => t.replace(/\s*Kritisk$/, ""))).to.deep.equal(["Elev 10", "Elev 20"]);
    expect(await linked.getByLabel("Kun kritiske sager").isChecked()).to.equal(true);
    expect(await linked.getByLabel("Sortér efter").inputValue()).to.equal("title");
    expect(await linked.getByLabel("Vis", { exact: true }).inputValue()).to.equal("mine");
    await linked.getByTestId("filter-reset").click();
    await linked.waitForURL(`${svc.url}/sager`);
    await linked.waitForFunction(() => document.querySelectorAll('[data-testid="case-list"] tbody tr').length === 25);
    expect(await axeViolations(linked)).to.deep.equal([]);
  });

  it("Ny sag: a required custom field is refused before anything is sent, then the case is created and its page shown", async () => {
    const page = await open("/sager");
    const before = (await svc.ctx.db.selectFrom("cases").select("id").execute()).length;
    await page.getByTestId("new-case").click();
    const dialog = page.getByTestId("new-case-dialog");
    await dialog.getByLabel("Sagsskabelon").selectOption(w.templates.pupil);
    await dialog.getByLabel("Titel").fill("Kurt Jensen");
    expect(await dialog.getByLabel("Journalplan").inputValue()).to.equal("17.01.00");
    await dialog.getByTestId("new-case-submit").click();
    await dialog.getByTestId("new-case-invalid").waitFor();
    expect(await dialog.innerText()).to.contain("Elevnummer skal udfyldes");
    expect((await svc.ctx.db.selectFrom("cases").select("id").execute()).length).to.equal(before);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-cases-3-new-case-refused");

    await dialog.getByLabel("Elevnummer").fill("E-2020");
    await dialog.getByLabel("Klasse").selectOption("2.b");
    await dialog.getByLabel("Ansvarlig").selectOption({ label: "Carl Kollega" });
    await dialog.getByLabel("Journalplan").selectOption("17.01");
    await dialog.getByLabel("Kritisk", { exact: true }).check();
    await dialog.getByTestId("new-case-submit").click();
    await page.waitForURL(/\/sager\/\d{8}-\d{7}$/);
    await page.getByTestId("case-page").waitFor();
    expect(await page.getByTestId("case-title").innerText()).to.equal("Kurt Jensen");
    const number = decodeURIComponent(new URL(page.url()).pathname.split("/")[2]);
    const created = (await api().get(`/api/cases/${number}`).auth(w.tokens.alice, bearer).expect(200)).body as CaseSummary;
    expect(created).to.deep.include({
      title: "Kurt Jensen",
      responsibleId: w.users.carl,
      journalCode: "17.01",
      critical: true,
      metadata: { elevnummer: "E-2020", klasse: "2.b" },
    });
    expect(await detail(page, "owner")).to.equal("Alice Sagsbehandler");
    expect(await detail(page, "responsible")).to.equal("Carl Kollega");
    expect(await detail(page, "journal")).to.equal("17.01 Elever");
    expect(await detail(page, "metadata.elevnummer")).to.equal("E-2020");
    expect(await page.evaluate(() => sessionStorage.getItem("imsCase.draft.case-new"))).to.equal(null);
    // The dialog let go of the page it opened: nothing stays hidden from screen readers, and axe finds nothing.
    await page.getByRole("heading", { name: "Kurt Jensen" }).waitFor();
    expect(await page.locator("body > [aria-hidden='true']:not([data-tabster-dummy])").count()).to.equal(0);
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  it("the case page shows its information, custom fields by their labels, documents and history; in English too", async () => {
    await api().patch(`/api/cases/${glade.id}`).auth(w.tokens.alice, bearer).send({ title: "Foreningen Glade Børn" }).expect(200);
    await api()
      .patch(`/api/cases/${glade.id}`)
      .auth(w.tokens.carl, bearer)
      .send({ metadata: { elevnummer: "E-12", klasse: "2.b", optaget: "2019-08-12" } })
      .expect(200);
    const page = await open(caseUrl(glade));
    await page.getByTestId("case-page").waitFor();
    expect(await page.getByRole("heading", { level: 1 }).innerText()).to.equal("Foreningen Glade Børn");
    expect(await detail(page, "number")).to.equal(glade.number);
    expect(await detail(page, "template")).to.equal("Elevsag");
    expect(await detail(page, "journal")).to.equal("17.01.00 Elever i almindelighed");
    expect(await detail(page, "owner")).to.equal("Alice Sagsbehandler");
    expect(await detail(page, "responsible")).to.equal("Carl Kollega");
    expect(await detail(page, "status")).to.equal("Aktiv");
    expect(await detail(page, "critical")).to.equal("Nej");
    expect(await detail(page, "end-date")).to.equal("Ingen");
    expect(await detail(page, "metadata.klasse")).to.equal("2.b");
    expect(await detail(page, "metadata.optaget")).to.equal("12. aug. 2019");
    expect(await page.getByTestId("case-fields").locator("dt").allInnerTexts()).to.deep.equal(["Elevnummer", "Klasse", "Optaget"]);

    const doc = page.getByTestId("case-documents").locator(`[data-document-id="${documentId}"]`);
    await doc.waitFor();
    const cells = await doc.locator("td").allInnerTexts();
    expect(cells.slice(0, 4)).to.deep.equal(["Indstillingsnotat.docx", "Brev", "Kladde", "1.0"]);
    expect(cells[4]).to.match(DANISH_MOMENT);
    expect(cells[5]).to.match(/^\d{2}\. \p{L}{3}\.? \d{4}$/u);
    expect(await doc.getByRole("link").getAttribute("href")).to.equal(`/dokumenter/${documentId}`);

    const history = page.getByTestId("case-history");
    await history.locator("li[data-action]").first().waitFor();
    expect(await history.locator("li[data-action]").evaluateAll((els) => els.map((e) => e.getAttribute("data-action")))).to.deep.equal(["update", "create"]);
    const latest = await history.locator("li[data-action]").first().innerText();
    expect(latest).to.contain("Carl Kollega ændrede sagen").and.contain("Klasse: 1.a → 2.b");
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-cases-4-case-page");

    await page.evaluate(() => localStorage.setItem("imsCase.language", "en"));
    await page.reload();
    await page.getByRole("heading", { name: "Information" }).waitFor();
    expect(await page.getByTestId("case-status").innerText()).to.equal("Active");
    expect(await page.getByTestId("case-history").locator("li[data-action]").first().innerText()).to.contain("Carl Kollega changed the case");
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-cases-5-case-page-english");
  });

  it("the case page and the list work on a phone (375 px) and a tablet (768 px) without the page scrolling sideways", async () => {
    const page = await open(caseUrl(glade));
    /** What sticks out past the viewport, for the failure message. */
    const sideways = async () => {
      const wide = await page.evaluate(() =>
        [...document.querySelectorAll("*")]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest("[data-scrolls]"))
          .map((e) => `${e.tagName} ${Math.round(e.getBoundingClientRect().right)}`),
      );
      return (await noSidewaysScroll(page)) ? [] : wide;
    };
    await page.setViewportSize({ width: 375, height: 900 });
    await page.getByTestId("case-documents").waitFor();
    expect(await sideways()).to.deep.equal([]);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-cases-6-phone");
    await page.getByTestId("case-edit").click();
    await page.getByTestId("edit-case").waitFor();
    expect(await sideways()).to.deep.equal([]);
    await screenshot(page, "web-cases-7-phone-edit");
    await page.getByTestId("edit-case-cancel").click();
    await page.setViewportSize({ width: 768, height: 900 });
    expect(await sideways()).to.deep.equal([]);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-cases-8-tablet");
    await page.goto(`${svc.url}/sager`);
    await rows(page).first().waitFor();
    for (const width of [768, 375]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await sideways(), `${width} px`).to.deep.equal([]);
    }
    await screenshot(page, "web-cases-9-list-phone");
  });

  it("an edit based on a case someone changed meanwhile is explained, not saved; after reloading, only what I changed is saved", async () => {
    const c = await pupilCase("Dansk historiske samling");
    const page = await open(caseUrl(c));
    await page.getByTestId("case-edit").click();
    const form = page.getByTestId("edit-case");
    await form.getByLabel("Titel").fill("Dansk historisk samling");
    // Meanwhile Carl makes himself responsible, through the API.
    const carls = await api().patch(`/api/cases/${c.id}`).auth(w.tokens.carl, bearer).send({ responsibleId: w.users.carl }).expect(200);
    await form.getByTestId("edit-case-save").click();
    const stale = page.getByTestId("case-stale");
    await stale.waitFor();
    const time = formatMoment(carls.body.changedAt, "da").slice(-5);
    expect(await stale.innerText())
      .to.contain(`Sagen er ændret af Carl Kollega kl. ${time}`)
      .and.contain("genindlæs");
    expect((await caseNow(c.id)).title).to.equal("Dansk historiske samling");
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-cases-10-stale-edit");

    await page.getByTestId("case-stale-reload").click();
    await stale.waitFor({ state: "detached" });
    expect(await form.getByLabel("Titel").inputValue()).to.equal("Dansk historisk samling");
    expect(await form.getByLabel("Ansvarlig").inputValue()).to.equal(w.users.carl);
    await form.getByTestId("edit-case-save").click();
    await page.getByTestId("case-done").getByText("Ændringerne er gemt.").waitFor();
    const now = await caseNow(c.id);
    expect(now).to.include({ title: "Dansk historisk samling", responsibleId: w.users.carl });
    expect(await page.getByTestId("case-title").innerText()).to.equal("Dansk historisk samling");
    expect(await page.evaluate((key) => sessionStorage.getItem(key), `imsCase.draft.case-edit:${c.id}`)).to.equal(null);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).to.equal("case-edit");
  });

  it("an edit survives a session that ended: after signing in again the form is back as it was typed", async () => {
    const c = await pupilCase("Designmuseum Nordjylland");
    const page = await open(caseUrl(c));
    await page.getByTestId("case-edit").click();
    await page.getByTestId("edit-case").getByLabel("Titel").fill("Designmuseum Nordjylland (ny)");
    await svc.ctx.db.updateTable("web_sessions").set({ revoked_at: new Date().toISOString() }).where("revoked_at", "is", null).execute();
    await page.getByTestId("edit-case-save").click();
    await page.waitForURL(/\/log-ind\?next=/);
    await signIn(page, "alice@skole.dk", PASSWORD);
    await page.waitForURL(`${svc.url}${caseUrl(c)}`);
    const form = page.getByTestId("edit-case");
    await form.waitFor();
    expect(await form.getByLabel("Titel").inputValue()).to.equal("Designmuseum Nordjylland (ny)");
    await form.getByTestId("edit-case-save").click();
    await page.getByTestId("case-done").getByText("Ændringerne er gemt.").waitFor();
    expect((await caseNow(c.id)).title).to.equal("Designmuseum Nordjylland (ny)");
  });

  it("closes and reopens a case, and marks it critical, each kept in its history", async () => {
    const c = await pupilCase("M/S August Jensen");
    const page = await open(caseUrl(c));
    await page.getByTestId("case-close").click();
    await page.getByTestId("case-reopen").waitFor();
    expect(await page.getByTestId("case-status").innerText()).to.equal("Lukket");
    expect(await page.getByTestId("case-edit").isDisabled()).to.equal(true);
    expect(await detail(page, "end-date")).to.match(/^\d{2}\. \p{L}{3}\.? \d{4}$/u);
    await page.getByTestId("case-history").locator('li[data-action="close"]').waitFor();
    expect((await caseNow(c.id)).status).to.equal("closed");
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-cases-11-closed");

    await page.getByTestId("case-reopen").click();
    await page.getByTestId("case-close").waitFor();
    expect(await page.getByTestId("case-status").innerText()).to.equal("Aktiv");
    await page.getByTestId("case-critical-toggle").click();
    await page.getByTestId("case-critical").waitFor();
    expect(await page.getByTestId("case-critical-toggle").getAttribute("aria-pressed")).to.equal("true");
    expect(await page.getByTestId("case-done").innerText()).to.equal("Sagen er markeret som kritisk.");
    expect((await caseNow(c.id)).critical).to.equal(true);
    await page.getByTestId("case-history").locator('li[data-action="reopen"]').waitFor();
    expect(await page.getByTestId("case-history").locator('li[data-action="update"] [data-field="critical"]').innerText()).to.equal("Kritisk: Nej → Ja");
    expect(await axeViolations(page)).to.deep.equal([]);

    // Closing with the ETag of a state that is gone is explained too.
    await api().patch(`/api/cases/${c.id}`).auth(w.tokens.carl, bearer).send({ title: "M/S August Jensen (Carl)" }).expect(200);
    await page.getByTestId("case-close").click();
    await page.getByTestId("case-stale").waitFor();
    expect(await page.getByTestId("case-stale").innerText()).to.contain("Carl Kollega");
    expect((await caseNow(c.id)).status).to.equal("active");
    await page.getByTestId("case-stale-reload").click();
    await page.getByText("M/S August Jensen (Carl)", { exact: true }).first().waitFor();
  });

  it("another group's case, and a number nobody has, show the not-found page", async () => {
    const page = await open(caseUrl(boardCase));
    await page.getByTestId("not-found").waitFor();
    expect(await page.getByTestId("not-found").innerText()).to.contain(caseUrl(boardCase));
    expect(await page.getByText("Bestyrelsesmøde januar").count()).to.equal(0);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-cases-12-not-found");
    await page.goto(`${svc.url}/sager/20200108-1459092`);
    await page.getByTestId("not-found").waitFor();
    const bobsContext = await browser.newContext({ locale: "da-DK", viewport: { width: 1200, height: 900 } });
    const bobs = await openSignedIn(bobsContext, svc.url, "bob@skole.dk", caseUrl(boardCase));
    await bobs.getByTestId("case-page").waitFor();
    expect(await bobs.getByTestId("case-title").innerText()).to.equal("Bestyrelsesmøde januar");
    await bobsContext.close();
  });

  it("finding a case with the keyboard alone: Tab to SAGER, Enter, Tab to the case, Enter", async () => {
    const page = await open("/");
    const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText?.trim() ?? "");
    const tabTo = async (text: string) => {
      for (let presses = 0; presses < 80 && (await focused()) !== text; presses++) await page.keyboard.press("Tab");
      expect(await focused()).to.equal(text);
    };
    await tabTo("SAGER");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${svc.url}/sager`);
    await rows(page).first().waitFor();
    await tabTo("Foreningen Glade Børn");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).to.not.equal("none");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${svc.url}${caseUrl(glade)}`);
    await page.getByTestId("case-page").waitFor();
    expect(await page.getByTestId("case-title").innerText()).to.equal("Foreningen Glade Børn");
  });

  it("hostile titles and field values are shown as inert text, in the list, on the page and in its history", async () => {
    const hostile = `<script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2"><a href="javascript:window.__pwned=3">klik</a> faktura\u202Efdp.exe`;
    const c = await pupilCase(hostile, { metadata: { elevnummer: `<img src=x onerror="window.__pwned=4">` } });
    await api()
      .patch(`/api/cases/${c.id}`)
      .auth(w.tokens.alice, bearer)
      .send({ title: `${hostile} 2` })
      .expect(200);
    const page = await open("/sager");
    const row = page.locator(`[data-case-id="${c.id}"]`);
    await row.waitFor();
    const shown = hostile.replace("\u202E", "⟨U+202E⟩");
    expect(await row.locator("td").first().innerText()).to.equal(`${shown} 2`);
    expect(await page.getByTestId("case-list").locator("tbody img, tbody script, tbody a[href^='javascript']").count()).to.equal(0);
    await row.getByRole("link").click();
    await page.getByTestId("case-page").waitFor();
    expect(await page.getByTestId("case-title").innerText()).to.equal(`${shown} 2`);
    expect(await detail(page, "metadata.elevnummer")).to.equal(`<img src=x onerror="window.__pwned=4">`);
    await page.getByTestId("case-history").locator('li[data-action="update"]').waitFor();
    expect(await page.getByTestId("case-history").innerText()).to.contain(`Titel: ${shown} → ${shown} 2`);
    const page_ = page.getByTestId("case-page");
    expect(
      await page_
        .locator("[data-testid=case-title] img, [data-testid=case-details] img, [data-testid=case-fields] img, [data-testid=case-history] img")
        .count(),
    ).to.equal(0);
    expect(await page.locator("script:not([src])").count()).to.equal(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).to.equal(undefined);
    expect(await page.evaluate(() => document.title)).to.contain("⟨U+202E⟩");
    await screenshot(page, "web-cases-13-hostile");
  });
});
