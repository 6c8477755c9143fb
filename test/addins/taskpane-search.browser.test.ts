import { expect } from "chai";
import type { Browser, Page } from "playwright-core";
import request from "supertest";
import type { FakeOfficeLog, FakeOfficeOptions } from "../support/fake-office.ts";
import { ensureAddinsBuilt, launchChromium, openTaskpane, screenshot, takeCspViolations } from "../support/browser.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { ensureWebBuilt } from "../support/web.ts";
import { buildWorld, type World } from "../support/world.ts";

// The task pane's search field: free text finds what the person may see, cases first (the pane files into cases),
// then documents; each hit opens its page of the web view in the browser. The save flow below is untouched.

const officeLog = (page: Page) => page.evaluate(() => (window as unknown as { __office: FakeOfficeLog }).__office);

describe("the task pane's free-text search (Chromium, fake Word, real service)", function () {
  this.timeout(120_000);
  let svc: TestService;
  let w: World;
  let browser: Browser;
  let kase: { id: string; number: string };
  let documentId: string;

  const bearer = { type: "bearer" } as const;
  const options: FakeOfficeOptions = {
    host: "Word",
    displayLanguage: "da-DK",
    requirementSets: { OpenBrowserWindowApi: "1.1" },
    document: { url: "Budgetark.docx", fileBase64: Buffer.from("x").toString("base64") },
  };
  const open = () =>
    openTaskpane(browser, `${svc.url}/addins/taskpane.html?host=word`, options, {
      "imsCase.connection": JSON.stringify({ serviceUrl: svc.url, token: w.tokens.alice }),
    });

  before(async () => {
    ensureWebBuilt();
    ensureAddinsBuilt();
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    kase = (
      await request(svc.url)
        .post("/api/cases")
        .auth(w.tokens.alice, bearer)
        .send({ templateId: w.templates.pupil, title: "Budgetkontrol for skolen", metadata: { elevnummer: "B-1" } })
        .expect(201)
    ).body;
    documentId = (
      await request(svc.url)
        .post("/api/documents")
        .auth(w.tokens.alice, bearer)
        .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, caseId: kase.id, title: "Budgetkontrol juni 2019" }))
        .attach("file", Buffer.from("Budgetkontrol for juni"), { filename: "budget.txt", contentType: "text/plain" })
        .expect(201)
    ).body.id;
    // Another group's case with the same word: the pane must not show it.
    await request(svc.url)
      .post("/api/cases")
      .auth(w.tokens.bob, bearer)
      .send({ templateId: w.templates.board, title: "Budgetkontrol i bestyrelsen" })
      .expect(201);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await svc?.dispose();
  });
  afterEach(() => expect(takeCspViolations()).to.deep.equal([]));

  it("shows cases first, then documents, each opening the web view's page in the browser; the save flow stays below", async () => {
    const page = await open();
    await page.getByTestId("case-search").waitFor();
    // Nothing is asked before a search is sent: the first screen is the save flow's.
    expect(await page.getByTestId("pane-search-results").count()).to.equal(0);
    await page.getByRole("search").getByRole("searchbox", { name: "Søg i IMS Case" }).fill("budgetkontrol");
    await page.keyboard.press("Enter");
    const results = page.getByTestId("pane-search-results");
    await results.getByTestId("pane-hits-documents").waitFor();
    const groups = await results.locator('[data-testid^="pane-hits-"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-testid")));
    expect(groups).to.deep.equal(["pane-hits-cases", "pane-hits-documents"]);
    expect(await results.getByRole("heading").allInnerTexts()).to.deep.equal(["Sager (1)", "Dokumenter (1)"]);
    expect(await results.locator("mark").first().innerText()).to.match(/^budgetkontrol/i);
    await screenshot(page, "taskpane-search-1-results");

    const caseLink = results.locator(`[data-hit-id="${kase.id}"]`).getByRole("link");
    expect(await caseLink.getAttribute("href")).to.equal(`${svc.url}/sager/${kase.number}`);
    await caseLink.click();
    await results.locator(`[data-hit-id="${documentId}"]`).getByRole("link").click();
    expect((await officeLog(page)).browserWindows).to.deep.equal([`${svc.url}/sager/${kase.number}`, `${svc.url}/dokumenter/${documentId}`]);
    expect(await page.getByTestId("case-search").isVisible()).to.equal(true);

    await page.getByRole("searchbox", { name: "Søg i IMS Case" }).fill("ingenting-her");
    await page.keyboard.press("Enter");
    await results.getByText("Intet, du har adgang til, matcher «ingenting-her».").waitFor();
    await page.getByTestId("pane-search-close").click();
    await results.waitFor({ state: "detached" });
    await page.close();
  });
});
