import { expect } from "chai";
import type { Page } from "playwright-core";
import request from "supertest";
import type { CaseSummary } from "../../shared/api/types.ts";
import { screenshot } from "../support/browser.ts";
import type { TestService } from "../support/service.ts";
import { axeViolations, browserPerTest, noSidewaysScroll, openSignedIn, startWebWorld } from "../support/web.ts";
import type { World } from "../support/world.ts";

// NOTIFIKATIONER: a change one person makes reaches the followers' unread count in the top bar without a
// reload (the count is asked for every 20 s; the test moves the page's clock on instead of waiting), the page
// lists them newest first, and marking one or all read updates the count. Following a case from its page.
describe("the notifications in Chromium: the top bar's unread count, the page, following a case", function () {
  this.timeout(240_000);
  let svc: TestService;
  let w: World;
  let kurt: CaseSummary;
  let elev: CaseSummary;
  let notatId: string;

  const bearer = { type: "bearer" } as const;
  const api = () => request(svc.url);
  const POLL_MS = 20_000;

  async function newDocument(token: string, caseId: string, title: string): Promise<string> {
    const res = await api()
      .post("/api/documents")
      .auth(token, bearer)
      .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, caseId, title }))
      .attach("file", Buffer.from(`indhold af ${title}`), { filename: `${title}.txt`, contentType: "text/plain" });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.id;
  }
  const comment = (documentId: string, body: string) =>
    api().post(`/api/documents/${documentId}/comments`).auth(w.tokens.alice, bearer).send({ body }).expect(201);
  const unreadOf = async (token: string): Promise<number> => (await api().get("/api/notifications/unread").auth(token, bearer).expect(200)).body.count;

  before(async () => {
    ({ svc, w } = await startWebWorld("alice", "carl"));
    const newCase = async (body: Record<string, unknown>) => (await api().post("/api/cases").auth(w.tokens.alice, bearer).send(body).expect(201)).body;
    // Carl is responsible for Kurt Jensen's case, so he follows it without asking; Elev 3 is Alice's alone.
    kurt = await newCase({ templateId: w.templates.pupil, title: "Kurt Jensen", responsibleId: w.users.carl, metadata: { elevnummer: "E-7" } });
    elev = await newCase({ templateId: w.templates.pupil, title: "Elev 3", metadata: { elevnummer: "E-3" } });
  });
  after(() => svc?.dispose());
  const web = browserPerTest();

  const nav = (page: Page) => page.getByRole("navigation", { name: "Hovedmenu" });

  it("a document and a comment by the owner reach the responsible's unread count without a reload; the page lists them; mark read and all read update the count", async () => {
    // The page's clock runs as usual; moving it on fires the 20-second poll at once.
    await web.context.clock.install();
    const page = await openSignedIn(web.context, svc.url, "carl@skole.dk");
    await page.getByTestId("notifications").getByText("Du har ingen notificeringer endnu.").waitFor();
    expect(await nav(page).getByRole("link", { name: "NOTIFIKATIONER", exact: true }).isVisible()).to.equal(true);
    expect(await page.getByTestId("unread-badge").count()).to.equal(0);

    notatId = await newDocument(w.tokens.alice, kurt.id, "Budgetark.xls");
    await page.clock.fastForward(POLL_MS);
    await nav(page).getByRole("link", { name: "Notifikationer, 1 ulæst" }).waitFor();
    expect(await page.getByTestId("unread-badge").innerText()).to.equal("1");
    // The new notification refreshes the dashboard's panel too.
    const panel = page.getByTestId("notifications");
    const row = panel.locator("tbody tr").first();
    await row.waitFor();
    const cells = await row.locator("td").allInnerTexts();
    expect(cells[0]).to.equal("Kurt Jensen");
    expect(cells[1]).to.equal("Ulæst Nyt dokument\nBudgetark.xls");
    expect(cells[3]).to.equal("Alice Sagsbehandler");
    expect(await panel.getByRole("heading").innerText()).to.equal("Seneste notificeringer (1)");
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-notifications-1-badge");

    await comment(notatId, "Kan du kigge på tallene i fane 2?");
    await page.clock.fastForward(POLL_MS);
    await nav(page).getByRole("link", { name: "Notifikationer, 2 ulæste" }).waitFor();

    await nav(page).getByRole("link", { name: "Notifikationer, 2 ulæste" }).click();
    await page.waitForURL(`${svc.url}/notifikationer`);
    const items = page.getByTestId("notification-list").locator("li");
    await items.nth(1).waitFor();
    expect(await items.count()).to.equal(2);
    expect(await items.nth(0).innerText()).to.match(
      /^Ulæst Ny kommentar\nBudgetark\.xls\nKan du kigge på tallene i fane 2\?\nSag: Kurt Jensen \(\d{8}-\d+\)\nAlice Sagsbehandler, \d{2}\. /,
    );
    expect(await items.nth(1).innerText()).to.contain("Nyt dokument");
    expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute("data-read")))).to.deep.equal(["false", "false"]);
    expect(await page.getByTestId("notifications-unread-count").innerText()).to.equal("2 ulæste");
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-notifications-2-page");

    await items
      .nth(0)
      .getByRole("button", { name: /^Markér som læst: Ny kommentar, / })
      .click();
    await nav(page).getByRole("link", { name: "Notifikationer, 1 ulæst" }).waitFor();
    await page.getByTestId("notifications-done").getByText("Notifikationen er markeret som læst.").waitFor();
    expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute("data-read")))).to.deep.equal(["true", "false"]);
    expect(await items.nth(0).getByTestId("unread-mark").count()).to.equal(0);
    // The button is gone; focus stays on its notification, not lost to the page.
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-read"))).to.equal("true");

    await page.getByRole("button", { name: "Markér alle som læst" }).click();
    await nav(page).getByRole("link", { name: "NOTIFIKATIONER", exact: true }).waitFor();
    await page.getByTestId("notifications-done").getByText("Alle viste notifikationer er markeret som læst.").waitFor();
    expect(await page.getByTestId("unread-badge").count()).to.equal(0);
    expect(await page.getByTestId("notifications-unread-count").innerText()).to.equal("Alle er læst");
    expect(await page.getByRole("button", { name: "Markér alle som læst" }).isDisabled()).to.equal(true);
    expect(await unreadOf(w.tokens.carl)).to.equal(0);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-notifications-3-all-read");

    // Each notification leads to what it concerns.
    await items.nth(1).getByRole("link", { name: "Budgetark.xls" }).click();
    await page.waitForURL(`${svc.url}/dokumenter/${notatId}`);
    // Alice made both changes: none of them is hers.
    expect(await unreadOf(w.tokens.alice)).to.equal(0);

    // Following a notification's link from the dashboard reads it: the count goes down without a button.
    const referat = await newDocument(w.tokens.alice, kurt.id, "Referat af forældremøde");
    await page.goto(`${svc.url}/`);
    await nav(page).getByRole("link", { name: "Notifikationer, 1 ulæst" }).waitFor();
    await page.getByTestId("notifications").getByRole("link", { name: "Referat af forældremøde" }).click();
    await page.waitForURL(`${svc.url}/dokumenter/${referat}`);
    await nav(page).getByRole("link", { name: "NOTIFIKATIONER", exact: true }).waitFor();
    expect(await unreadOf(w.tokens.carl)).to.equal(0);
  });

  it("FØLG SAGEN and STOP MED AT FØLGE on the case page: only while following do its changes reach the person", async () => {
    const page = await openSignedIn(web.context, svc.url, "carl@skole.dk", `/sager/${elev.number}`);
    const follow = page.getByTestId("follow-case");
    await follow.getByText("Du følger ikke sagen.").waitFor();
    expect(await axeViolations(page)).to.deep.equal([]);
    await follow.getByRole("button", { name: "Følg sagen" }).click();
    await follow.getByText("Du følger sagen og får en notifikation, når den ændres.").waitFor();
    expect((await api().get(`/api/cases/${elev.id}/following`).auth(w.tokens.carl, bearer).expect(200)).body).to.deep.equal({
      following: true,
      automatic: false,
    });
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-notifications-4-following");

    const before = await unreadOf(w.tokens.carl);
    await newDocument(w.tokens.alice, elev.id, "Elevplan.docx");
    expect(await unreadOf(w.tokens.carl)).to.equal(before + 1);

    await follow.getByRole("button", { name: "Stop med at følge sagen" }).click();
    await follow.getByText("Du følger ikke sagen.").waitFor();
    await newDocument(w.tokens.alice, elev.id, "Elevplan 2.docx");
    expect(await unreadOf(w.tokens.carl)).to.equal(before + 1);

    // The owner follows without asking, and is told why.
    const alice = await openSignedIn(await web.newContext(), svc.url, "alice@skole.dk", `/sager/${elev.number}`);
    await alice.getByTestId("follow-case").getByText("Du følger sagen, fordi du er sagsejer eller ansvarlig.").waitFor();
    expect(await alice.getByTestId("follow-case").getByRole("button", { name: "Stop med at følge sagen" }).isVisible()).to.equal(true);
  });

  it("more than 99 unread reads 99+; the page shows 25 at a time (keyset) and MARKÉR ALLE SOM LÆST marks every one", async () => {
    for (let i = 1; i <= 101; i++) await comment(notatId, `Kommentar nr. ${i}`);
    expect(await unreadOf(w.tokens.carl)).to.equal(100);
    const page = await openSignedIn(web.context, svc.url, "carl@skole.dk", "/notifikationer");
    await nav(page).getByRole("link", { name: "Notifikationer, over 99 ulæste" }).waitFor();
    expect(await page.getByTestId("unread-badge").innerText()).to.equal("99+");
    expect(await page.getByTestId("notifications-unread-count").innerText()).to.equal("Over 99 ulæste");
    const items = page.getByTestId("notification-list").locator("li");
    await items.first().waitFor();
    expect(await items.count()).to.equal(25);
    expect(await items.first().innerText()).to.contain("Kommentar nr. 101");
    await page.getByRole("button", { name: "Vis flere" }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="notification-list"] li').length === 50);
    const texts = await items.allInnerTexts();
    expect(texts[25]).to.contain("Kommentar nr. 76");
    await page.getByRole("button", { name: "Markér alle som læst" }).click();
    await nav(page).getByRole("link", { name: "NOTIFIKATIONER", exact: true }).waitFor();
    expect(await unreadOf(w.tokens.carl)).to.equal(0);
  });

  it("in English: the notifications page and its changes, axe-clean", async () => {
    await comment(notatId, "One more look, please");
    const page = await openSignedIn(web.context, svc.url, "carl@skole.dk", "/notifikationer");
    await page.evaluate(() => localStorage.setItem("imsCase.language", "en"));
    await page.reload();
    await page.getByRole("heading", { name: "Notifications", level: 1 }).waitFor();
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Notifications, 1 unread" }).waitFor();
    const first = page.getByTestId("notification-list").locator("li").first();
    expect(await first.innerText()).to.match(/^Unread New comment\nBudgetark\.xls\nOne more look, please\nCase: Kurt Jensen/);
    await first.getByRole("button", { name: /^Mark as read: New comment, / }).waitFor();
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-notifications-5-english");
  });

  for (const [width, height, name] of [
    [375, 812, "phone"],
    [768, 1024, "tablet"],
  ] as const) {
    it(`works on a ${name} (${width} px): the badge and the notifications page scroll nothing sideways`, async () => {
      await web.replaceContext({ viewport: { width, height }, isMobile: width < 500, hasTouch: width < 500 });
      await comment(notatId, `En kommentar, der er lang nok til at skulle brydes pænt på en skærm på ${width} pixel i bredden.`);
      const page = await openSignedIn(web.context, svc.url, "carl@skole.dk", "/notifikationer");
      await page.getByTestId("notification-list").locator("li").first().waitFor();
      expect(await page.getByTestId("unread-badge").isVisible()).to.equal(true);
      expect(await noSidewaysScroll(page)).to.equal(true);
      expect(await axeViolations(page)).to.deep.equal([]);
      await screenshot(page, `web-notifications-${name === "phone" ? 6 : 7}-${name}`);
    });
  }
});
