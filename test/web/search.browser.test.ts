import { expect } from "chai";
import type { Page } from "playwright-core";
import request from "supertest";
import { type AdvancedSearch } from "../../shared/api/schemas/advanced-search.ts";
import { advancedSearchQueryString } from "../../shared/api/search-query.ts";
import type { CaseSummary } from "../../shared/api/types.ts";
import { screenshot } from "../support/browser.ts";
import type { TestService } from "../support/service.ts";
import { axeViolations, browserPerTest, openSignedIn, startWebWorld } from "../support/web.ts";
import type { World } from "../support/world.ts";

// Søgning: the top bar's free text finds tasks, cases, documents and contacts in groups with their counts; VIS ALLE
// shows one group in full with its CSV. The advanced search holds its search in the address (links and the back
// button run it again), sorts by a column's header, and is saved — shared with a group — to run from the dashboard.
describe("search in Chromium: free text in groups, advanced search, saved searches on the dashboard", function () {
  this.timeout(240_000);
  let svc: TestService;
  let w: World;
  let dyrehaven: CaseSummary;
  const pupils: Record<string, CaseSummary> = {};
  let taskId: string;
  let contactId: string;

  const bearer = { type: "bearer" } as const;
  const api = () => request(svc.url);
  const newCase = async (title: string, metadata: Record<string, string>): Promise<CaseSummary> =>
    (await api().post("/api/cases").auth(w.tokens.alice, bearer).send({ templateId: w.templates.pupil, title, metadata }).expect(201)).body;
  const web = browserPerTest();

  before(async () => {
    ({ svc, w } = await startWebWorld("alice", "carl"));
    dyrehaven = await newCase("Skovtur til Dyrehaven", { elevnummer: "S-1" });
    await newCase("Skovtur til Rold Skov", { elevnummer: "S-2" });
    // Seven documents with the word: more than the five a group shows, so VIS ALLE has more to show.
    for (let i = 1; i <= 7; i++) {
      await api()
        .post("/api/documents")
        .auth(w.tokens.alice, bearer)
        .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, caseId: dyrehaven.id, title: `Skovtur program ${i}` }))
        .attach("file", Buffer.from(`Program for skovtur nummer ${i}: madpakke og regntøj.`), { filename: `program-${i}.txt`, contentType: "text/plain" })
        .expect(201);
    }
    taskId = (
      await api()
        .post("/api/tasks")
        .auth(w.tokens.alice, bearer)
        .send({ title: "Bestil bus til skovtur", caseId: dyrehaven.id, assignee: { type: "user", id: w.users.alice } })
        .expect(201)
    ).body.id;
    contactId = (
      await api()
        .post("/api/contacts")
        .auth(w.tokens.alice, bearer)
        .send({ kind: "organisation", name: "Skovtur Busser ApS", emails: ["bus@skovturbusser.dk"] })
        .expect(201)
    ).body.id;

    // Four pupils for the advanced search: two active in 1.a, one closed in 1.a, one active in 2.b.
    pupils.anna = await newCase("Elev Anna", { elevnummer: "E-1", klasse: "1.a" });
    pupils.bo = await newCase("Elev Bo", { elevnummer: "E-2", klasse: "1.a" });
    pupils.carla = await newCase("Elev Carla", { elevnummer: "E-3", klasse: "2.b" });
    pupils.dennis = await newCase("Elev Dennis", { elevnummer: "E-4", klasse: "1.a" });
    await api().post(`/api/cases/${pupils.bo.id}/close`).auth(w.tokens.alice, bearer).send({}).expect(200);
  });
  after(() => svc?.dispose());

  const open = (url: string, email = "alice@skole.dk") => openSignedIn(web.context, svc.url, email, url);
  const groupOrder = (page: Page) =>
    page.locator('[data-testid="search-results"] section[data-testid^="hits-"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-testid")));
  const rowTitles = (page: Page) => page.getByTestId("results-table").locator("tbody tr td:nth-child(2)").allInnerTexts();

  it("free text shows tasks, cases, documents and contacts in that order, each with its count, linking to its page", async () => {
    const page = await open("/");
    await page.getByRole("search").getByRole("searchbox").fill("skovtur");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${svc.url}/soeg?q=skovtur`);
    const results = page.getByTestId("search-results");
    await results.getByTestId("hits-contacts").waitFor();
    expect(await groupOrder(page)).to.deep.equal(["hits-tasks", "hits-cases", "hits-documents", "hits-contacts"]);
    const headings = await results.getByRole("heading", { level: 2 }).allInnerTexts();
    expect(headings).to.deep.equal(["Opgaver (1)", "Sager (2)", "Dokumenter (7)", "Parter (1)"]);
    // Five documents shown of seven: VIS ALLE for that group only.
    expect(await results.getByTestId("hits-documents").locator("li[data-document-id]").count()).to.equal(5);
    expect(await results.getByRole("link", { name: "Vis alle: Dokumenter (7)" }).count()).to.equal(1);
    expect(await results.getByRole("link", { name: /^Vis alle: Sager/ }).count()).to.equal(0);
    expect(await results.getByTestId("hits-documents").locator("mark").first().innerText()).to.match(/^skovtur/i);
    expect(await results.locator(`[data-task-id="${taskId}"] a`).getAttribute("href")).to.equal(`/opgaver/${taskId}`);
    expect(await results.locator(`[data-contact-id="${contactId}"] a`).getAttribute("href")).to.equal(`/parter/${contactId}`);
    expect(await results.locator(`[data-case-id="${dyrehaven.id}"] a`).getAttribute("href")).to.equal(`/sager/${dyrehaven.number}`);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-search-1-groups");

    // A word only cases hold: the other groups are left out, not shown empty.
    await page.getByRole("search").getByRole("searchbox").fill("Carla");
    await page.keyboard.press("Enter");
    await results.locator(`[data-case-id="${pupils.carla.id}"]`).waitFor();
    expect(await groupOrder(page)).to.deep.equal(["hits-cases"]);
  });

  it("VIS ALLE shows the documents group in full, with its CSV and the way back", async () => {
    const page = await open("/soeg?q=skovtur");
    await page.getByRole("link", { name: "Vis alle: Dokumenter (7)" }).click();
    await page.waitForURL(`${svc.url}/soeg?q=skovtur&kind=documents`);
    const results = page.getByTestId("search-results");
    await results.locator("li[data-document-id]").nth(6).waitFor();
    expect(await results.locator("li[data-document-id]").count()).to.equal(7);
    expect(await groupOrder(page)).to.deep.equal(["hits-documents"]);
    const csv = page.getByTestId("search-csv");
    expect(await csv.innerText()).to.equal("Eksportér CSV");
    expect(await csv.getAttribute("href")).to.equal(`${svc.url}/api/search.csv?q=skovtur&kind=documents`);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-search-2-all-documents");
    await page.getByRole("link", { name: "Tilbage til alle grupper" }).click();
    await page.waitForURL(`${svc.url}/soeg?q=skovtur`);
    await page.getByRole("link", { name: "Avanceret søgning" }).click();
    await page.getByTestId("advanced-search-form").waitFor();
    expect(new URL(page.url()).searchParams.getAll("where")).to.deep.equal(["text:contains:skovtur"]);
  });

  it("an advanced search with two conditions shows the right rows and columns, sorts by a header, and the address keeps it", async () => {
    const page = await open("/soeg/avanceret");
    await page.getByTestId("advanced-search-form").waitFor();
    await page.getByTestId("add-condition").click();
    await page.getByTestId("condition-1-field").selectOption("status");
    expect(await page.getByTestId("condition-1-value").inputValue()).to.equal("active");
    await page.getByTestId("add-condition").click();
    await page.getByTestId("condition-2-field").selectOption({ label: "Klasse" });
    await page.getByTestId("condition-2-value").selectOption("1.a");
    await page.getByTestId("columns-toggle").click();
    await page.getByTestId("columns").getByRole("checkbox", { name: "Klasse" }).check();
    await page.getByTestId("columns").getByRole("checkbox", { name: "Sagsejer" }).uncheck();
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.getByTestId("run-search").click();

    const asked: AdvancedSearch = {
      target: "cases",
      where: [
        { field: "status", op: "eq", value: "active" },
        { field: "meta.klasse", op: "eq", value: "1.a" },
      ],
      columns: ["number", "title", "status", "changedAt", "meta.klasse"],
    };
    await page.waitForURL(`${svc.url}/soeg/avanceret?${advancedSearchQueryString(asked)}`);
    const table = page.getByTestId("results-table");
    await table.locator(`tr[data-row-id="${pupils.anna.id}"]`).waitFor();
    expect(await table.locator("thead th").allInnerTexts()).to.deep.equal(["Sagsnummer", "Titel", "Status", "Ændret", "Klasse"]);
    expect((await rowTitles(page)).sort()).to.deep.equal(["Elev Anna", "Elev Dennis"]);
    expect(await page.getByTestId("results-heading").innerText()).to.equal("Resultat (2)");
    const anna = table.locator(`tr[data-row-id="${pupils.anna.id}"]`);
    expect(await anna.locator("td").allInnerTexts()).to.deep.include.members([pupils.anna.number, "Elev Anna", "Aktiv", "1.a"]);
    expect(await anna.getByRole("link").getAttribute("href")).to.equal(`/sager/${pupils.anna.number}`);
    expect(await page.getByTestId("advanced-csv").getAttribute("href")).to.equal(`${svc.url}/api/search/advanced.csv?${advancedSearchQueryString(asked)}`);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-search-3-advanced");

    // The title's header sorts A–Å, then Å–A; back goes to A–Å again, and a fresh page from the address shows the same.
    await table.getByRole("columnheader", { name: "Titel" }).click();
    await page.waitForURL((url) => url.searchParams.get("sort") === "title" && url.searchParams.get("dir") === "asc");
    await page.waitForFunction(() => document.querySelector('[data-testid="results-table"] tbody tr td:nth-child(2)')?.textContent === "Elev Anna");
    expect(await rowTitles(page)).to.deep.equal(["Elev Anna", "Elev Dennis"]);
    expect(await table.getByRole("columnheader", { name: "Titel" }).getAttribute("aria-sort")).to.equal("ascending");
    await table.getByRole("columnheader", { name: "Titel" }).click();
    await page.waitForURL((url) => url.searchParams.get("dir") === "desc");
    await page.waitForFunction(() => document.querySelector('[data-testid="results-table"] tbody tr td:nth-child(2)')?.textContent === "Elev Dennis");
    expect(await rowTitles(page)).to.deep.equal(["Elev Dennis", "Elev Anna"]);
    await page.goBack();
    await page.waitForURL((url) => url.searchParams.get("dir") === "asc");
    await page.waitForFunction(() => document.querySelector('[data-testid="results-table"] tbody tr td:nth-child(2)')?.textContent === "Elev Anna");
    const link = page.url();
    const again = await web.context.newPage();
    await again.goto(link);
    await again.getByTestId("results-table").locator(`tr[data-row-id="${pupils.dennis.id}"]`).waitFor();
    expect(await rowTitles(again)).to.deep.equal(["Elev Anna", "Elev Dennis"]);
    // The form reads the address too: the conditions are there to change.
    expect(await again.getByTestId("condition-2-value").inputValue()).to.equal("1.a");
  });

  it("documents found by type and owner with the pickers, the case column linking to the case; contacts and tasks are targets too", async () => {
    const page = await open("/soeg/avanceret");
    await page.getByRole("radio", { name: "Dokumenter" }).check();
    await page.getByTestId("add-condition").click();
    await page.getByTestId("condition-1-field").selectOption("documentType");
    await page.getByTestId("condition-1-value").selectOption({ label: "Brev" });
    await page.getByTestId("add-condition").click();
    await page.getByTestId("condition-2-field").selectOption("owner");
    await page.getByTestId("condition-2-value").pressSequentially("alice");
    await page.getByRole("option", { name: /Alice Sagsbehandler/ }).click();
    await page.getByTestId("add-condition").click();
    await page.getByTestId("condition-3-field").selectOption("case");
    await page.getByTestId("condition-3-value").pressSequentially("Dyrehaven");
    await page.getByRole("option", { name: new RegExp(dyrehaven.number) }).click();
    expect(await axeViolations(page)).to.deep.equal([]);
    await page.getByTestId("run-search").click();
    await page.waitForURL((url) => url.searchParams.getAll("where").includes(`owner:eq:${w.users.alice}`));
    expect(new URL(page.url()).searchParams.getAll("where")).to.deep.equal([
      `documentType:eq:${w.types.letter}`,
      `owner:eq:${w.users.alice}`,
      `case:eq:${dyrehaven.id}`,
    ]);
    const table = page.getByTestId("results-table");
    await table.locator("tbody tr").nth(6).waitFor();
    expect(await table.locator("tbody tr").count()).to.equal(7);
    expect(await table.locator("thead th").allInnerTexts()).to.deep.equal(["Titel", "Sagsnummer", "Dokumenttype", "Status", "Ændret"]);
    const first = table.locator("tbody tr").first();
    expect(await first.locator("td").nth(1).getByRole("link").getAttribute("href")).to.equal(`/sager/${dyrehaven.number}`);
    expect(await first.locator("td").nth(3).innerText()).to.equal("Kladde");
    // Opened from its address, the pickers show names, not ids.
    await page.reload();
    await table.locator("tbody tr").first().waitFor();
    await page.waitForFunction(() => (document.querySelector('[data-testid="condition-2-value"]') as HTMLInputElement | null)?.value === "Alice Sagsbehandler");
    expect(await page.getByTestId("condition-3-value").inputValue()).to.contain(dyrehaven.number);

    await page.goto(`${svc.url}/soeg/avanceret?target=contacts&where=${encodeURIComponent("name:startsWith:Skovtur")}`);
    await page.getByTestId("results-table").locator(`tr[data-row-id="${contactId}"]`).waitFor();
    expect(await page.getByTestId("results-table").locator("thead th").allInnerTexts()).to.deep.equal(["Navn", "Type", "E-mailadresse", "By"]);
    expect(await page.getByTestId("results-table").locator(`tr[data-row-id="${contactId}"] td`).nth(1).innerText()).to.equal("Organisation");
    await page.goto(`${svc.url}/soeg/avanceret?target=tasks&where=${encodeURIComponent("status:eq:open")}`);
    await page.getByTestId("results-table").locator(`tr[data-row-id="${taskId}"]`).waitFor();
    expect(await page.getByTestId("results-table").locator(`tr[data-row-id="${taskId}"] a`).first().getAttribute("href")).to.equal(`/opgaver/${taskId}`);
  });

  it("a search saved and shared with the group runs again from the dashboard panel; only its owner renames or deletes it", async () => {
    const search: AdvancedSearch = {
      target: "cases",
      where: [
        { field: "status", op: "eq", value: "active" },
        { field: "meta.klasse", op: "eq", value: "1.a" },
      ],
      columns: ["title", "number"],
      sort: "title",
      dir: "desc",
    };
    const page = await open(`/soeg/avanceret?${advancedSearchQueryString(search)}`);
    await page.getByTestId("results-table").locator(`tr[data-row-id="${pupils.anna.id}"]`).waitFor();
    await page.getByTestId("save-search").click();
    const dialog = page.getByTestId("save-search-dialog");
    await dialog.waitFor();
    await dialog.getByTestId("save-search-name").fill("Aktive i 1.a");
    await dialog.getByRole("radio", { name: "Min gruppe" }).check();
    expect(await dialog.getByTestId("save-search-group").locator("option:checked").innerText()).to.equal("Skolekontoret");
    await screenshot(page, "web-search-4-save");
    await dialog.getByTestId("save-search-submit").click();
    await page.getByTestId("search-saved").waitFor();
    const saved = page.getByTestId("saved-searches").locator("li", { hasText: "Aktive i 1.a" });
    await saved.waitFor();
    expect(await saved.innerText()).to.contain("Delt med Skolekontoret");

    // From the dashboard: the panel at the end (a panel newer than the layout), its link runs the search as saved.
    await page.goto(`${svc.url}/`);
    const panel = page.getByTestId("saved-searches");
    await panel.getByRole("link", { name: "Aktive i 1.a" }).waitFor();
    expect(await panel.getByRole("heading").innerText()).to.equal("Gemte søgninger (1)");
    expect(await page.locator('[data-testid="panels"] > section').last().getAttribute("data-testid")).to.equal("saved-searches");
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-search-5-dashboard");
    await panel.getByRole("link", { name: "Aktive i 1.a" }).click();
    await page.waitForURL(`${svc.url}/soeg/avanceret?${advancedSearchQueryString(search)}`);
    await page.getByTestId("results-table").locator(`tr[data-row-id="${pupils.anna.id}"]`).waitFor();
    expect(await page.getByTestId("results-table").locator("tbody tr td:nth-child(1)").allInnerTexts()).to.deep.equal(["Elev Dennis", "Elev Anna"]);

    // Carl is in the group: he runs it, sees whose it is, and cannot change it.
    const carlsBrowser = await web.newContext();
    const carl = await openSignedIn(carlsBrowser, svc.url, "carl@skole.dk", "/soeg/avanceret");
    const shared = carl.getByTestId("saved-searches").locator("li", { hasText: "Aktive i 1.a" });
    await shared.waitFor();
    expect(await shared.innerText()).to.contain("Delt af Alice Sagsbehandler med Skolekontoret");
    expect(await shared.getByRole("button").count()).to.equal(0);

    // Alice renames it, then deletes it; it is gone for Carl too.
    await page.getByRole("button", { name: "Omdøb Aktive i 1.a" }).click();
    await page.getByTestId("saved-search-name").fill("Aktive elever i 1.a");
    await page.getByTestId("saved-search-keep").click();
    await page.getByTestId("saved-searches").getByRole("link", { name: "Aktive elever i 1.a" }).waitFor();
    await page.getByRole("button", { name: "Slet Aktive elever i 1.a" }).click();
    await page.getByTestId("saved-search-confirm-delete").click();
    await page.getByText("Du har ingen gemte søgninger endnu, og ingen er delt med dine grupper.").waitFor();
    await carl.reload();
    await carl.getByText("Du har ingen gemte søgninger endnu, og ingen er delt med dine grupper.").waitFor();
  });
});
