import { expect } from "chai";
import type { Page } from "playwright-core";
import request from "supertest";
import type { CaseSummary, TaskDetails } from "../../shared/api/types.ts";
import { screenshot } from "../support/browser.ts";
import type { TestService } from "../support/service.ts";
import { AxeBuilder } from "@axe-core/playwright";
import { axeViolations, browserPerTest, noSidewaysScroll, openSignedIn, startWebWorld } from "../support/web.ts";
import type { World } from "../support/world.ts";

// OPGAVER: a task made on a case page for a colleague reaches their dashboard and their list, overdue said in
// words; completed in one click; its page changes status, takes comments, and refuses a stale edit (412).
describe("the tasks in Chromium: case and document pages, the dashboard, OPGAVER and a task's page", function () {
  this.timeout(240_000);
  let svc: TestService;
  let w: World;
  let elev: CaseSummary;
  let documentId: string;

  const bearer = { type: "bearer" } as const;
  const api = () => request(svc.url);
  async function newTask(token: string, body: Record<string, unknown>): Promise<TaskDetails> {
    const res = await api().post("/api/tasks").auth(token, bearer).send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }
  const forCarl = (title: string, extra: Record<string, unknown> = {}) =>
    newTask(w.tokens.alice, { title, caseId: elev.id, assignee: { type: "user", id: w.users.carl }, ...extra });
  const web = browserPerTest();

  before(async () => {
    ({ svc, w } = await startWebWorld("alice", "carl"));
    elev = (
      await api()
        .post("/api/cases")
        .auth(w.tokens.alice, bearer)
        .send({ templateId: w.templates.pupil, title: "Elev 1", metadata: { elevnummer: "E-1" } })
        .expect(201)
    ).body;
    const d = await api()
      .post("/api/documents")
      .auth(w.tokens.alice, bearer)
      .field("metadata", JSON.stringify({ documentTypeId: w.types.pupil, caseId: elev.id, title: "Optagelsesdokument" }))
      .attach("file", Buffer.from("indhold"), { filename: "Optagelsesdokument.txt", contentType: "text/plain" })
      .expect(201);
    documentId = d.body.id;
  });
  after(() => svc?.dispose());

  const open = (url: string, email = "alice@skole.dk") => openSignedIn(web.context, svc.url, email, url);
  /** The dialog's fade-in done, so axe judges it as painted. */
  const settled = (page: Page) => page.waitForFunction(() => getComputedStyle(document.querySelector(".fui-DialogSurface")!).opacity === "1");
  /**
   * axe on an open modal dialog. The page behind it is aria-hidden while it is open and focus cannot leave the
   * dialog (Fluent's focus trap), which axe cannot see and reports as hidden focusable content and a page
   * without main or h1; the page itself is checked before the dialog opens and after it closes.
   */
  /** The dialog's exit transition done: only then does the page behind it stop being aria-hidden. */
  const dialogGone = (page: Page) => page.waitForFunction(() => !document.getElementById("root")?.hasAttribute("aria-hidden"));
  const dialogViolations = async (page: Page): Promise<string[]> => {
    await settled(page);
    const found = await new AxeBuilder({ page }).include(".fui-DialogSurface").exclude("[data-tabster-dummy]").analyze();
    return found.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  };

  it("a task made on the case page for a colleague shows on their dashboard and on OPGAVER, overdue marked in words", async () => {
    const page = await open(`/sager/${elev.number}`);
    const section = page.getByTestId("tasks-section");
    await section.getByText("Der er ingen opgaver på sagen.").waitFor();
    expect(await axeViolations(page)).to.deep.equal([]);
    await section.getByRole("button", { name: "Ny opgave" }).click();
    const dialog = page.getByRole("dialog", { name: "Ny opgave" });
    await dialog.waitFor();
    // Nothing typed: the title is asked for, and nothing is sent.
    await dialog.getByRole("button", { name: "Opret opgave" }).click();
    await dialog.getByText("Skriv en titel.").waitFor();
    await dialog.getByLabel("Titel").fill("Husk optagelse");
    await dialog.getByLabel("Beskrivelse").fill("Tjek dokumenter fra Optagelse.dk");
    await dialog.getByLabel("Tildel til").selectOption({ label: "Carl Kollega" });
    await dialog.getByLabel("Startdato").fill("2019-09-10");
    await dialog.getByLabel("Deadline").fill("2019-09-09");
    await dialog.getByRole("button", { name: "Opret opgave" }).click();
    await dialog.getByText("Deadline kan ikke ligge før startdatoen.").waitFor();
    await dialog.getByLabel("Startdato").fill("2019-09-01");
    expect(await dialogViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-tasks-1-new-task");
    await dialog.getByRole("button", { name: "Opret opgave" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("tasks-done").getByText("Opgaven «Husk optagelse» er oprettet.").waitFor();
    await dialogGone(page);
    const row = section.locator("tbody tr", { hasText: "Husk optagelse" });
    await row.waitFor();
    expect(await row.getAttribute("data-overdue")).to.equal("true");
    expect(await row.getByTestId("deadline").innerText()).to.match(/^09\. sep\. 2019\s*Overskredet$/);
    expect(await row.locator("td").nth(3).innerText()).to.equal("Carl Kollega");
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-tasks-2-case-section");
    const taskId = await row.getAttribute("data-task-id");

    // Carl, in his own browser: on his dashboard and on OPGAVER.
    const carlsBrowser = await web.newContext();
    try {
      const carl = await openSignedIn(carlsBrowser, svc.url, "carl@skole.dk");
      const panel = carl.getByTestId("my-tasks");
      const mine = panel.locator(`[data-task-id="${taskId}"]`);
      await mine.waitFor();
      expect(await panel.getByRole("heading").innerText()).to.equal("Mine opgaver (1)");
      const cells = await mine.locator("td").allInnerTexts();
      expect(cells.slice(0, 3)).to.deep.equal(["Husk optagelse", "Tjek dokumenter fra Optagelse.dk", "Elev 1"]);
      expect(cells[3]).to.match(/^09\. sep\. 2019\s*Overskredet$/);
      expect(await mine.getAttribute("data-overdue")).to.equal("true");
      expect(await axeViolations(carl)).to.deep.equal([]);
      await screenshot(carl, "web-tasks-3-dashboard");
      await panel.getByRole("link", { name: "Vis alle: Mine opgaver" }).click();
      await carl.waitForURL(`${svc.url}/opgaver`);
      const listed = carl.getByTestId("my-task-list").locator(`[data-task-id="${taskId}"]`);
      await listed.waitFor();
      expect(await listed.getByTestId("overdue").innerText()).to.equal("Overskredet");
      expect(await carl.getByRole("link", { name: "OPGAVER" }).getAttribute("aria-current")).to.equal("page");
      expect(await axeViolations(carl)).to.deep.equal([]);
      await screenshot(carl, "web-tasks-4-my-tasks");
      await listed.getByRole("link", { name: "Husk optagelse" }).click();
      await carl.waitForURL(`${svc.url}/opgaver/${taskId}`);
      await carl.getByTestId("task-heading").getByText("Husk optagelse").waitFor();
    } finally {
      await carlsBrowser.close();
    }
    // Alice is not the assignee: none of it is hers.
    const alices = await api().get("/api/tasks?mine=true").auth(w.tokens.alice, bearer).expect(200);
    expect(alices.body.items.map((t: TaskDetails) => t.id)).to.not.include(taskId);
  });

  it("MARKÉR SOM UDFØRT on the case page completes a task in one click; it leaves the open tasks and shows among the done", async () => {
    const task = await forCarl("Kontrol af budgetplan", { deadline: "2099-12-31" });
    const page = await open(`/sager/${elev.number}`, "carl@skole.dk");
    const row = page.getByTestId("tasks-section").locator(`[data-task-id="${task.id}"]`);
    await row.waitFor();
    expect(await row.getAttribute("data-overdue")).to.equal(null);
    await row.getByRole("button", { name: "Markér «Kontrol af budgetplan» som udført" }).click();
    await page.getByTestId("tasks-done").getByText("«Kontrol af budgetplan» er markeret som udført.").waitFor();
    await row.locator('[data-testid="task-status"]', { hasText: "Udført" }).waitFor();
    expect(await row.getByRole("button").count()).to.equal(0);
    expect(await axeViolations(page)).to.deep.equal([]);
    const now = await api().get(`/api/tasks/${task.id}`).auth(w.tokens.carl, bearer).expect(200);
    expect(now.body.status).to.equal("done");

    await page.goto(`${svc.url}/opgaver`);
    await page.getByTestId("tasks-page").locator("tbody tr").first().waitFor();
    expect(await page.locator(`[data-task-id="${task.id}"]`).count()).to.equal(0);
    await page.getByLabel("Status").selectOption("done");
    await page.waitForURL(`${svc.url}/opgaver?status=done`);
    await page.locator(`[data-task-id="${task.id}"]`).waitFor();
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-tasks-5-done-filter");
  });

  it("a task's page changes its status, takes a comment, and refuses an edit made on a stale task (412) without overwriting it", async () => {
    const task = await forCarl("Udarbejdelse af indstillingsnotat", { description: "Til udvalget", deadline: "2099-06-30" });
    const page = await open(`/opgaver/${task.id}`, "carl@skole.dk");
    const view = page.getByTestId("task-page");
    await view.waitFor();
    expect(await page.getByTestId("task-page-status").innerText()).to.equal("Åben");
    expect(await view.locator('[data-field="case"] dd').innerText()).to.equal(`Elev 1 (${elev.number})`);
    expect(await view.locator('[data-field="assignee"] dd').innerText()).to.equal("Carl Kollega");
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.getByRole("button", { name: "Sæt i gang" }).click();
    await page.getByTestId("task-done-message").getByText("Opgaven er sat i gang.").waitFor();
    expect(await page.getByTestId("task-page-status").innerText()).to.equal("I gang");

    await page.getByLabel("Ny kommentar").fill("Første udkast er sendt til Alice.");
    await page.getByRole("button", { name: "Tilføj kommentar" }).click();
    const comments = page.getByTestId("task-comments");
    await comments.getByText("Første udkast er sendt til Alice.").waitFor();
    expect(await comments.locator("li").first().innerText()).to.match(/^Carl Kollega, \d{2}\. \p{L}{3}\.? \d{4} \d{2}:\d{2}/u);
    expect(await page.getByLabel("Ny kommentar").inputValue()).to.equal("");
    await screenshot(page, "web-tasks-6-task-page");

    // Carl opens the editor; meanwhile Alice changes the task.
    await page.getByRole("button", { name: "Redigér" }).click();
    const dialog = page.getByRole("dialog", { name: "Redigér opgave" });
    await dialog.waitFor();
    await dialog.getByLabel("Titel").fill("Udarbejdelse af indstillingsnotat til udvalget");
    await api().patch(`/api/tasks/${task.id}`).auth(w.tokens.alice, bearer).send({ deadline: "2099-07-31" }).expect(200);
    await dialog.getByRole("button", { name: "Gem" }).click();
    const stale = dialog.getByTestId("task-stale");
    await stale.waitFor();
    expect(await stale.innerText()).to.contain("Opgaven er ændret, siden du hentede den");
    expect(await stale.innerText()).to.contain("Intet er overskrevet");
    expect(await dialogViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-tasks-7-stale");
    let now = (await api().get(`/api/tasks/${task.id}`).auth(w.tokens.carl, bearer).expect(200)).body as TaskDetails;
    expect([now.title, now.deadline]).to.deep.equal(["Udarbejdelse af indstillingsnotat", "2099-07-31"]);
    // Fetched again, the form keeps what Carl typed; saving now changes only the title.
    await stale.getByRole("button", { name: "Hent opgaven igen" }).click();
    await stale.waitFor({ state: "detached" });
    expect(await dialog.getByLabel("Titel").inputValue()).to.equal("Udarbejdelse af indstillingsnotat til udvalget");
    await dialog.getByRole("button", { name: "Gem" }).click();
    await dialog.waitFor({ state: "detached" });
    await dialogGone(page);
    await page.getByTestId("task-done-message").getByText("Opgaven er gemt.").waitFor();
    now = (await api().get(`/api/tasks/${task.id}`).auth(w.tokens.carl, bearer).expect(200)).body;
    expect([now.title, now.deadline, now.comments.length]).to.deep.equal(["Udarbejdelse af indstillingsnotat til udvalget", "2099-07-31", 1]);

    // A status change on a stale page is refused the same way.
    await api().patch(`/api/tasks/${task.id}`).auth(w.tokens.alice, bearer).send({ description: "Til udvalget, senest juli" }).expect(200);
    await page.getByRole("button", { name: "Markér som udført" }).click();
    await page.getByTestId("task-stale").waitFor();
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.getByRole("button", { name: "Hent opgaven igen" }).click();
    await view.locator('[data-field="description"] dd', { hasText: "Til udvalget, senest juli" }).waitFor();
    await page.getByRole("button", { name: "Markér som udført" }).click();
    await page.getByTestId("task-done-message").getByText("Opgaven er markeret som udført.").waitFor();
    expect(await page.getByTestId("task-page-status").innerText()).to.equal("Udført");
    await page.getByRole("button", { name: "Genåbn" }).waitFor();
  });

  it("creating a task on the document page by keyboard alone (Tab, typing, arrow keys, Enter)", async () => {
    const page = await open(`/dokumenter/${documentId}`);
    const section = page.getByTestId("tasks-section");
    await section.getByText("Der er ingen opgaver på dokumentet.").waitFor();
    expect(await axeViolations(page)).to.deep.equal([]);
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("data-testid"));
    await section.getByRole("button", { name: "Ny opgave" }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Ny opgave" });
    await dialog.waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute("data-testid") === "task-title");
    await page.keyboard.type("Evaluering af projektafslutning");
    await page.keyboard.press("Tab");
    expect(await focused()).to.equal("task-description");
    await page.keyboard.type("Se Projektafslutningsnotat.docx");
    await page.keyboard.press("Tab");
    expect(await focused()).to.equal("task-assignee");
    // Down the list of people (by name) to Alice herself.
    const chosen = () => dialog.getByLabel("Tildel til").evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.text);
    for (let presses = 0; presses < 5 && (await chosen()) !== "Alice Sagsbehandler"; presses++) await page.keyboard.press("ArrowDown");
    expect(await chosen()).to.equal("Alice Sagsbehandler");
    await page.keyboard.press("Tab");
    expect(await focused()).to.equal("task-start");
    // Chromium's date field takes Tab from day to month to year before it lets go.
    for (let presses = 0; presses < 4 && (await focused()) !== "task-deadline"; presses++) await page.keyboard.press("Tab");
    expect(await focused()).to.equal("task-deadline");
    // The date fields' order follows the browser's own language, so the journey leaves them empty and sends.
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "detached" });
    await dialogGone(page);
    const row = section.locator("tbody tr", { hasText: "Evaluering af projektafslutning" });
    await row.waitFor();
    // Focus went back to the button that opened the dialog.
    // Focus moves once the section has re-rendered (a frame later): wait for it, then say where it is.
    await page.waitForFunction((id) => document.activeElement?.getAttribute("data-testid") === id, "task-new", { timeout: 10_000 }).catch(() => undefined);
    expect(await focused()).to.equal("task-new");
    expect(await row.locator("td").nth(2).innerText()).to.equal("Alice Sagsbehandler");
    await screenshot(page, "web-tasks-8-document-section");
    const taskId = await row.getAttribute("data-task-id");
    const saved = (await api().get(`/api/tasks/${taskId}`).auth(w.tokens.alice, bearer).expect(200)).body as TaskDetails;
    expect([saved.document?.id, saved.case?.id, saved.deadline, saved.description]).to.deep.equal([
      documentId,
      elev.id,
      null,
      "Se Projektafslutningsnotat.docx",
    ]);
    // It is Alice's own task now: on her dashboard, concerning the document and its case.
    await page.goto(`${svc.url}/`);
    const mine = page.getByTestId("my-tasks").locator(`[data-task-id="${taskId}"]`);
    await mine.waitFor();
    expect(await mine.locator("td").nth(2).innerText()).to.equal("Optagelsesdokument\nElev 1");
  });

  it("OPGAVER shows 25 at a time and VIS FLERE the next ones (keyset)", async () => {
    for (let i = 1; i <= 27; i++)
      await forCarl(`Ansøgning ${String(i).padStart(2, "0")} / 1. vurdering`, { deadline: `2098-01-${String(i).padStart(2, "0")}` });
    const page = await open("/opgaver", "carl@skole.dk");
    const rows = page.getByTestId("my-task-list").locator("tbody tr");
    await rows.first().waitFor();
    const before = await rows.count();
    expect(before).to.equal(25);
    await page.getByRole("button", { name: "Vis flere" }).click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="my-task-list"] tbody tr').length > n, before);
    const titles = await page.getByTestId("my-task-list").locator("tbody tr td:first-child").allInnerTexts();
    expect(new Set(titles).size).to.equal(titles.length);
    expect(titles.filter((x) => x.startsWith("Ansøgning"))).to.have.length(27);
    expect(await page.getByRole("button", { name: "Vis flere" }).count()).to.equal(0);
  });

  it("in English: OPGAVER and a task's page, axe-clean", async () => {
    const task = await forCarl("Godkendelse af afrapportering / milepælsplan", { deadline: "2019-01-15" });
    const page = await open("/opgaver", "carl@skole.dk");
    await page.evaluate(() => localStorage.setItem("imsCase.language", "en"));
    await page.reload();
    await page.getByRole("heading", { name: "My tasks", level: 1 }).waitFor();
    const row = page.locator(`[data-task-id="${task.id}"]`);
    await row.waitFor();
    expect(await row.getByTestId("deadline").innerText()).to.match(/^15 Jan 2019\s*Overdue$/);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-tasks-9-english");
    await row.getByRole("link", { name: task.title }).click();
    await page.getByRole("button", { name: "Mark as done" }).waitFor();
    expect(await page.getByTestId("task-page-status").innerText()).to.equal("Open");
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  for (const [width, height, name] of [
    [375, 812, "phone"],
    [768, 1024, "tablet"],
  ] as const) {
    it(`works on a ${name} (${width} px): OPGAVER, a task's page and the case's tasks scroll nothing sideways`, async () => {
      await web.replaceContext({ viewport: { width, height }, isMobile: width < 500, hasTouch: width < 500 });
      const task = await forCarl(`Opgave til ${name}`, {
        deadline: "2019-02-01",
        description: "En længere beskrivelse, der ikke må skubbe siden ud til siden.",
      });
      const page = await open("/opgaver", "carl@skole.dk");
      await page.locator(`[data-task-id="${task.id}"]`).waitFor();
      expect(await noSidewaysScroll(page)).to.equal(true);
      expect(await axeViolations(page)).to.deep.equal([]);
      await screenshot(page, `web-tasks-${name === "phone" ? 10 : 11}-${name}`);
      await page.goto(`${svc.url}/opgaver/${task.id}`);
      await page.getByTestId("task-page").waitFor();
      expect(await noSidewaysScroll(page)).to.equal(true);
      await page.goto(`${svc.url}/sager/${elev.number}`);
      await page.getByTestId("tasks-section").locator(`[data-task-id="${task.id}"]`).waitFor();
      expect(await noSidewaysScroll(page)).to.equal(true);
    });
  }
});
