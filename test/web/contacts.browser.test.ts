import { expect } from "chai";
import type { Locator, Page } from "playwright-core";
import request from "supertest";
import type { CaseSummary, Contact, DocumentDetails } from "../../shared/api/types.ts";
import { createUser } from "../../service/features/users/users.service.ts";
import { screenshot } from "../support/browser.ts";
import type { TestService } from "../support/service.ts";
import { axeViolations, browserPerTest, DANISH_MOMENT, givePassword, openSignedIn, startWebWorld } from "../support/web.ts";
import type { World } from "../support/world.ts";

// PARTER and a contact's page: creating persons (with a CPR number) and organisations (with a CVR number),
// searching, the CPR number masked until an allowed person reveals it, editing with If-Match, merging
// duplicates; and the parties sections of the case and document pages.
describe("contacts and parties in Chromium: PARTER, a contact's page, parties on cases and documents", function () {
  this.timeout(300_000);
  let svc: TestService;
  let w: World;
  let kurtsCase: CaseSummary;
  let letter: DocumentDetails;
  let karen: Contact;
  let biblioteket: Contact;

  const bearer = { type: "bearer" } as const;
  const api = () => request(svc.url);
  async function contact(body: Record<string, unknown>, token = w.tokens.alice): Promise<Contact> {
    const res = await api().post("/api/contacts").auth(token, bearer).send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }
  async function newCase(token: string, body: Record<string, unknown>): Promise<CaseSummary> {
    const res = await api().post("/api/cases").auth(token, bearer).send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }
  const contactNow = async (id: string): Promise<Contact> => (await api().get(`/api/contacts/${id}`).auth(w.tokens.alice, bearer).expect(200)).body;
  const partiesOf = async (on: "cases" | "documents", id: string) =>
    (await api().get(`/api/${on}/${id}/parties`).auth(w.tokens.alice, bearer).expect(200)).body.items as Array<{ id: string; contact: { id: string } }>;

  before(async () => {
    ({ svc, w } = await startWebWorld("alice", "bob", "carl"));
    const anna = await createUser(svc.ctx.db, null, { email: "anna@skole.dk", name: "Anna Administrator", role: "admin" });
    await givePassword(svc.ctx.db, anna.id);
    kurtsCase = await newCase(w.tokens.alice, { templateId: w.templates.pupil, title: "Elev 3", metadata: { elevnummer: "E-3" } });
    const d = await api()
      .post("/api/documents")
      .auth(w.tokens.alice, bearer)
      .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, caseId: kurtsCase.id, title: "Optagelsesbrev.txt" }))
      .attach("file", Buffer.from("Velkommen på skolen"), { filename: "Optagelsesbrev.txt", contentType: "text/plain" })
      .expect(201);
    letter = d.body;
    karen = await contact({ kind: "person", name: "Karen Hansen", emails: ["karen.hansen@example.dk"], phone: "20 30 40 50", cpr: "020304-5678" });
    biblioteket = await contact({ kind: "organisation", name: "Bibliotekerne", emails: ["post@bibliotekerne.dk"], cvr: "12345674" });
    // More than one page (25) of contacts.
    for (let i = 1; i <= 26; i++) await contact({ kind: "organisation", name: `Leverandør ${String(i).padStart(2, "0")}` });
  });
  after(() => svc?.dispose());
  const web = browserPerTest();

  const open = (url: string, email = "alice@skole.dk") => openSignedIn(web.context, svc.url, email, url);
  /** Another person's browser, beside the test's own. */
  const openAs = async (email: string, url: string) => openSignedIn(await web.newContext(), svc.url, email, url);
  const contactRows = (page: Page) => page.getByTestId("contact-list").locator("tbody tr");
  const names = (page: Page) => page.getByTestId("contact-list").locator("tbody tr td:first-child").allInnerTexts();
  const detail = (page: Page, field: string) => page.getByTestId("contact-details").locator(`[data-field="${field}"] dd`).innerText();
  const caseUrl = (c: Pick<CaseSummary, "number">) => `/sager/${c.number}`;
  const search = async (page: Page, text: string, expected: string[]) => {
    await page.getByTestId("contact-search-text").fill(text);
    await page.getByTestId("contact-search-submit").click();
    await page.waitForFunction(
      (want) => JSON.stringify([...document.querySelectorAll('[data-testid="contact-list"] tbody tr td:first-child')].map((td) => td.textContent)) === want,
      JSON.stringify(expected),
    );
  };
  /** Picks a contact in a contact picker by typing part of its name and choosing its option. */
  const pick = async (page: Page, picker: Locator, typed: string, name: string) => {
    await picker.fill("");
    // Typing opens the list of what the service finds.
    await picker.pressSequentially(typed);
    await page.getByRole("option", { name: new RegExp(`^${name}`) }).click();
    expect(await picker.inputValue()).to.equal(name);
  };
  /** A dialog's opening has finished (axe measures colours as they are on the screen, half faded in or not). */
  const settled = (page: Page) =>
    page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running" || a.effect?.getTiming().iterations === Infinity));
  /** What axe finds once the page has settled. */
  const axe = async (page: Page) => {
    await settled(page);
    return axeViolations(page);
  };
  const sideways = (page: Page) =>
    page.evaluate(() =>
      document.documentElement.scrollWidth <= window.innerWidth
        ? []
        : [...document.querySelectorAll("*")]
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest("[data-scrolls]"))
            .map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`),
    );

  it("PARTER lists the contacts a page at a time; Ny kontakt checks CPR, CVR and e-mail before sending, then creates a person and an organisation", async () => {
    const page = await open("/parter");
    await contactRows(page).first().waitFor();
    expect(await contactRows(page).count()).to.equal(25);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).to.equal("Parter");
    expect(await axe(page)).to.deep.equal([]);
    await screenshot(page, "web-contacts-1-list");
    await page.getByTestId("more-contacts").click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact-list"] tbody tr').length === 28);
    expect(await page.getByTestId("more-contacts").count()).to.equal(0);

    const before = (await svc.ctx.db.selectFrom("contacts").select("id").execute()).length;
    await page.getByTestId("new-contact").click();
    const dialog = page.getByTestId("new-contact-dialog");
    await dialog.getByLabel("Navn").fill("Kurt Jensen");
    await dialog.getByLabel("E-mailadresse 1", { exact: true }).fill("kurt@");
    // 31 February is no date of birth.
    await dialog.getByLabel("CPR-nummer").fill("310290-1234");
    await dialog.getByTestId("new-contact-submit").click();
    await dialog.getByTestId("new-contact-invalid").waitFor();
    expect(await dialog.innerText())
      .to.contain("Det er ikke en gyldig e-mailadresse.")
      .and.contain("De første seks cifre i et CPR-nummer er en fødselsdato");
    expect(await axe(page)).to.deep.equal([]);
    await screenshot(page, "web-contacts-2-new-refused");
    await dialog.getByLabel("CPR-nummer").fill("12345");
    await dialog.getByTestId("new-contact-submit").click();
    await dialog.getByText("Et CPR-nummer er ti cifre: DDMMÅÅ-XXXX.").waitFor();
    expect((await svc.ctx.db.selectFrom("contacts").select("id").execute()).length).to.equal(before);

    await dialog.getByLabel("E-mailadresse 1", { exact: true }).fill("Kurt.Jensen@Example.dk");
    await dialog.getByTestId("new-contact-add-email").click();
    await dialog.getByLabel("E-mailadresse 2", { exact: true }).fill("kurt@privat.dk");
    await dialog.getByLabel("Telefon").fill("+45 98 76 54 32");
    await dialog.getByLabel("Vej og husnummer").fill("Skolevej 1");
    await dialog.getByLabel("Postnummer").fill("9000");
    await dialog.getByLabel("By").fill("Aalborg");
    await dialog.getByLabel("CPR-nummer").fill("010190-1234");
    // The draft kept in the tab has what was typed, but never the CPR number.
    const draft = await page.evaluate(() => sessionStorage.getItem("imsCase.draft.contact-new"));
    expect(draft).to.contain("Skolevej 1").and.not.contain("010190");
    await dialog.getByTestId("new-contact-submit").click();
    await page.waitForURL(/\/parter\/[^/]+$/);
    await page.getByTestId("contact-page").waitFor();
    expect(await page.getByTestId("contact-name").innerText()).to.equal("Kurt Jensen");
    expect(await page.getByTestId("contact-cpr").innerText()).to.equal("010190-xxxx");
    expect(await detail(page, "emails")).to.equal("kurt.jensen@example.dk\nkurt@privat.dk");
    expect(await detail(page, "address")).to.equal("Skolevej 1\n9000 Aalborg");
    expect(await detail(page, "phone")).to.equal("+45 98 76 54 32");
    expect(await page.evaluate(() => sessionStorage.getItem("imsCase.draft.contact-new"))).to.equal(null);
    const html = await page.content();
    expect(html).to.not.contain("010190-1234").and.not.contain("0101901234");

    await page.goto(`${svc.url}/parter`);
    await page.getByTestId("new-contact").click();
    await dialog.getByLabel("Organisation", { exact: true }).check();
    await dialog.getByLabel("Organisationens navn").fill("Designmuseum Nordjylland");
    expect(await dialog.getByLabel("CPR-nummer").count()).to.equal(0);
    await dialog.getByLabel("CVR-nummer").fill("1234");
    await dialog.getByTestId("new-contact-submit").click();
    await dialog.getByText("Et CVR-nummer er otte cifre.").waitFor();
    await dialog.getByLabel("CVR-nummer").fill("12345678");
    await dialog.getByTestId("new-contact-submit").click();
    await dialog.getByText("Det er ikke et gyldigt CVR-nummer (kontrolcifferet passer ikke).").waitFor();
    expect(await axe(page)).to.deep.equal([]);
    await dialog.getByLabel("CVR-nummer").fill("29876541");
    await dialog.getByLabel("E-mailadresse 1", { exact: true }).fill("info@designmuseum.dk");
    await dialog.getByTestId("new-contact-submit").click();
    await page.waitForURL(/\/parter\/[^/]+$/);
    expect(await page.getByTestId("contact-name").innerText()).to.equal("Designmuseum Nordjylland");
    expect(await detail(page, "cvr")).to.equal("29876541");
    expect(await detail(page, "kind")).to.equal("Organisation");
    expect(await axe(page)).to.deep.equal([]);
    await screenshot(page, "web-contacts-3-created");
  });

  it("a refusal by the service is shown as its problem, what was typed stays, and sending again creates the contact", async () => {
    const page = await open("/parter");
    // The service has a bad moment once: the answer is its problem, as it would send it.
    await page.route("**/api/contacts", (route) =>
      route.request().method() === "POST"
        ? route.fulfill({
            status: 500,
            contentType: "application/problem+json",
            body: JSON.stringify({ status: 500, code: "internal_error", detail: "The database is busy." }),
          })
        : route.fallback(),
    );
    await page.getByTestId("new-contact").click();
    const dialog = page.getByTestId("new-contact-dialog");
    await dialog.getByLabel("Organisation", { exact: true }).check();
    await dialog.getByLabel("Organisationens navn").fill("Naturgenopretning");
    await dialog.getByLabel("CVR-nummer").fill("31415926");
    await dialog.getByTestId("new-contact-submit").click();
    const problem = dialog.getByTestId("problem");
    await problem.waitFor();
    expect(await problem.innerText()).to.contain("Der opstod en fejl i IMS Case, og intet blev gemt.");
    expect(await dialog.getByLabel("Organisationens navn").inputValue()).to.equal("Naturgenopretning");
    expect(await axe(page)).to.deep.equal([]);
    await screenshot(page, "web-contacts-4-refused-by-service");
    await page.unroute("**/api/contacts");
    await dialog.getByTestId("new-contact-submit").click();
    await page.waitForURL(/\/parter\/[^/]+$/);
    expect(await detail(page, "cvr")).to.equal("31415926");
  });

  it("the search finds contacts by name, e-mail address, CVR and CPR number, and by kind; the address keeps the search but never a CPR number", async () => {
    const page = await open("/parter");
    await contactRows(page).first().waitFor();
    await search(page, "karen", ["Karen Hansen"]);
    expect(new URL(page.url()).searchParams.get("q")).to.equal("karen");
    await search(page, "post@bibliotekerne.dk", ["Bibliotekerne"]);
    await search(page, "12345674", ["Bibliotekerne"]);
    // Looking a CPR number up is for those who may reveal one (it would confirm a guess of the masked digits).
    await page.getByTestId("contact-search-text").fill("020304-5678");
    await page.getByTestId("contact-search-submit").click();
    await page.getByText("Du har ikke adgang til at se CPR-numre.", { exact: false }).waitFor();
    expect(page.url()).to.not.contain("5678");
    const annas = await openAs("anna@skole.dk", "/parter");
    await contactRows(annas).first().waitFor();
    await search(annas, "020304-5678", ["Karen Hansen"]);
    expect(annas.url()).to.not.contain("5678");
    expect(await contactRows(annas).first().locator("td").nth(4).innerText()).to.equal("CPR 020304-xxxx");
    await annas.close();
    await page.getByTestId("contact-search-text").fill("");
    await page.getByTestId("contact-search-submit").click();
    await page.waitForURL((url) => !url.searchParams.has("q"));
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact-list"] tbody tr').length === 25);
    await page.getByLabel("Type", { exact: true }).selectOption("person");
    await page.waitForURL(/type=person/);
    // Some rows, all persons: an empty list while the next page loads would pass "every" vacuously.
    await page.waitForFunction(() => {
      const kinds = [...document.querySelectorAll('[data-testid="contact-list"] tbody tr td:nth-child(2)')];
      return kinds.length > 0 && kinds.every((td) => td.textContent === "Person");
    });
    expect(await names(page)).to.include("Karen Hansen");
    expect(await names(page)).to.not.include("Bibliotekerne");
    await search(page, "ingen-saadan-kontakt", []);
    await page.getByTestId("contact-list-empty").waitFor();
    expect(await page.getByTestId("contact-list-empty").innerText()).to.equal("Ingen kontakter passer til søgningen.");
    expect(await axe(page)).to.deep.equal([]);
    await screenshot(page, "web-contacts-5-search");
  });

  it("the CPR number is masked until an administrator reveals it with a reason, which is audited; a caseworker without the right is refused", async () => {
    const annas = await open(`/parter/${karen.id}`, "anna@skole.dk");
    await annas.getByTestId("contact-page").waitFor();
    expect(await annas.getByTestId("contact-cpr").innerText()).to.equal("020304-xxxx");
    expect(await annas.content())
      .to.not.contain("020304-5678")
      .and.not.contain("0203045678");
    await annas.getByTestId("cpr-reveal").click();
    const dialog = annas.getByTestId("cpr-dialog");
    await dialog.getByTestId("cpr-reveal-submit").click();
    await dialog.getByText("Skriv, hvorfor du har brug for CPR-nummeret.").waitFor();
    expect(await axe(annas)).to.deep.equal([]);
    await screenshot(annas, "web-contacts-6-cpr-reason");
    await dialog.getByLabel("Begrundelse").fill("Aktindsigt, j.nr. 2026-17");
    await dialog.getByTestId("cpr-reveal-submit").click();
    await annas.getByTestId("contact-cpr").getByText("020304-5678").waitFor();
    expect(await annas.evaluate(() => document.activeElement?.getAttribute("data-testid"))).to.equal("cpr-hide");
    const audited = await svc.ctx.db.selectFrom("audit_events").selectAll().where("object_id", "=", karen.id).execute();
    expect(audited.map((e) => JSON.stringify(e)).join("\n")).to.contain("Aktindsigt, j.nr. 2026-17");
    // The reason is not kept once the number was shown.
    expect(await annas.evaluate((id) => sessionStorage.getItem(`imsCase.draft.cpr-reason:${id}`), karen.id)).to.equal(null);
    expect(await axe(annas)).to.deep.equal([]);
    await screenshot(annas, "web-contacts-7-cpr-revealed");
    await annas.getByTestId("cpr-hide").click();
    expect(await annas.getByTestId("contact-cpr").innerText()).to.equal("020304-xxxx");
    expect(await annas.evaluate(() => document.activeElement?.getAttribute("data-testid"))).to.equal("cpr-reveal");

    // Alice may not reveal CPR numbers: offered or not, she never sees it, and a refusal is explained.
    const alices = await openAs("alice@skole.dk", `/parter/${karen.id}`);
    await alices.getByTestId("contact-page").waitFor();
    // /api/me may say whether she may; when it does not, staff are offered the reveal and the refusal is explained.
    const alicesMe = (await api().get("/api/me").auth(w.tokens.alice, bearer).expect(200)).body as { cprAccess?: boolean };
    expect(await alices.getByTestId("cpr-reveal").count()).to.equal(alicesMe.cprAccess === false ? 0 : 1);
    if (alicesMe.cprAccess !== false) {
      await alices.getByTestId("cpr-reveal").click();
      await alices.getByTestId("cpr-dialog").getByLabel("Begrundelse").fill("Nysgerrig");
      await alices.getByTestId("cpr-reveal-submit").click();
      await alices.getByTestId("cpr-dialog").getByTestId("problem").waitFor();
      expect(await alices.getByTestId("contact-cpr").innerText()).to.equal("020304-xxxx");
      expect(await axe(alices)).to.deep.equal([]);
      await screenshot(alices, "web-contacts-8-cpr-refused");
    }
    expect(await alices.content()).to.not.contain("020304-5678");

    // A caseworker an administrator allowed to reveals it too.
    await svc.ctx.db.updateTable("users").set({ cpr_access: 1 }).where("id", "=", w.users.carl).execute();
    const carls = await openAs("carl@skole.dk", `/parter/${karen.id}`);
    await carls.getByTestId("cpr-reveal").click();
    await carls.getByTestId("cpr-dialog").getByLabel("Begrundelse").fill("Indskrivning");
    await carls.getByTestId("cpr-reveal-submit").click();
    await carls.getByTestId("contact-cpr").getByText("020304-5678").waitFor();
  });

  it("an edit based on a contact someone changed meanwhile is explained, not saved; after reloading, what I typed is saved", async () => {
    const glade = await contact({ kind: "organisation", name: "Foreningen Glade Børn" });
    const page = await open(`/parter/${glade.id}`);
    await page.getByTestId("contact-edit").click();
    const form = page.getByTestId("edit-contact");
    await form.getByLabel("Telefon").fill("98 12 34 56");
    await form.getByLabel("CVR-nummer").fill("1234");
    await form.getByTestId("edit-contact-save").click();
    await form.getByTestId("edit-contact-invalid").waitFor();
    expect(await form.innerText()).to.contain("Et CVR-nummer er otte cifre.");
    await form.getByLabel("CVR-nummer").fill("");
    // Meanwhile Carl renames it, through the API.
    await api()
      .patch(`/api/contacts/${glade.id}`)
      .auth(w.tokens.carl, bearer)
      .set("If-Match", glade.etag)
      .send({ name: "Foreningen Glade Børn (ny)" })
      .expect(200);
    await form.getByTestId("edit-contact-save").click();
    const stale = page.getByTestId("contact-stale");
    await stale.waitFor();
    expect(await stale.innerText())
      .to.contain("Kontakten er ændret af en anden")
      .and.contain("Dine ændringer er ikke gemt");
    expect((await contactNow(glade.id)).phone).to.equal(null);
    expect(await axe(page)).to.deep.equal([]);
    await screenshot(page, "web-contacts-9-stale-edit");

    await page.getByTestId("contact-stale-reload").click();
    await stale.waitFor({ state: "detached" });
    expect(await form.getByLabel("Telefon").inputValue()).to.equal("98 12 34 56");
    expect(await form.getByLabel("Organisationens navn").inputValue()).to.equal("Foreningen Glade Børn (ny)");
    await form.getByTestId("edit-contact-save").click();
    await page.getByTestId("contact-done").getByText("Ændringerne er gemt.").waitFor();
    expect(await contactNow(glade.id)).to.include({ name: "Foreningen Glade Børn (ny)", phone: "98 12 34 56" });
    expect(await detail(page, "phone")).to.equal("98 12 34 56");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).to.equal("contact-edit");
  });

  it("adding a party to a case with the keyboard alone; the contact page lists the case; removing it takes it off both", async () => {
    const page = await open(caseUrl(kurtsCase));
    const parties = page.getByTestId("parties");
    await parties.getByTestId("parties-none").waitFor();
    expect(await parties.getByTestId("party-role").locator("option").allInnerTexts())
      .to.include.members(["Elev", "Forælder", "Ansøger"])
      .and.not.include("Modtager");
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? "");
    const tabTo = async (testId: string) => {
      for (let presses = 0; presses < 80 && (await focused()) !== testId; presses++) await page.keyboard.press("Tab");
      expect(await focused()).to.equal(testId);
    };
    await tabTo("party-contact");
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!.parentElement!, "::after").borderBottomWidth)).to.not.equal("0px");
    await page.keyboard.type("Karen");
    // The list for "Karen" itself, not the one for an earlier keystroke still shown while it loads (Kurt Jensen first).
    await page
      .getByRole("listbox")
      .getByRole("option")
      .first()
      .getByText(/^Karen Hansen/)
      .waitFor();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    expect(await parties.getByTestId("party-contact").inputValue()).to.equal("Karen Hansen");
    await tabTo("party-role");
    await page.keyboard.type("Elev");
    expect(await parties.getByTestId("party-role").locator("option:checked").innerText()).to.equal("Elev");
    await tabTo("party-add");
    await page.keyboard.press("Enter");
    const row = parties.locator(`[data-contact-id="${karen.id}"]`);
    await row.waitFor();
    expect(await row.locator('[data-field="role"]').innerText()).to.equal("Elev");
    expect(await parties.getByTestId("parties-done").innerText()).to.equal("Karen Hansen er tilføjet som elev.");
    // Focus moves once the section has re-rendered (a frame later): wait for it, then say where it is.
    await page.waitForFunction((id) => document.activeElement?.getAttribute("data-testid") === id, "party-contact", { timeout: 10_000 }).catch(() => undefined);
    expect(await focused()).to.equal("party-contact");
    expect(await parties.getByTestId("party-contact").inputValue()).to.equal("");
    expect((await partiesOf("cases", kurtsCase.id)).map((p) => p.contact.id)).to.deep.equal([karen.id]);
    expect(await axe(page)).to.deep.equal([]);
    await screenshot(page, "web-contacts-10-case-parties");

    await row.getByRole("link", { name: "Karen Hansen" }).click();
    await page.waitForURL(`${svc.url}/parter/${karen.id}`);
    const cases = page.getByTestId("contact-cases");
    const linked = cases.locator(`[data-case-id="${kurtsCase.id}"]`);
    await linked.waitFor();
    const cells = await linked.locator("td").allInnerTexts();
    expect(cells.slice(0, 4)).to.deep.equal(["Elev 3", kurtsCase.number, "Elev", "Aktiv"]);
    expect(cells[4]).to.match(DANISH_MOMENT);
    expect(await page.getByTestId("contact-help").innerText()).to.contain("aktindsigt");
    expect(await axe(page)).to.deep.equal([]);
    await screenshot(page, "web-contacts-11-contact-cases");

    // Bob cannot see the pupil's case: Karen's page shows him no case at all.
    const bobs = await openAs("bob@skole.dk", `/parter/${karen.id}`);
    await bobs.getByTestId("contact-cases-none").waitFor();
    expect(await bobs.content()).to.not.contain("Elev 3");

    await linked.getByRole("link", { name: "Elev 3" }).click();
    await page.waitForURL(`${svc.url}${caseUrl(kurtsCase)}`);
    await page.getByRole("button", { name: "Fjern Karen Hansen som elev" }).click();
    await parties.getByTestId("parties-none").waitFor();
    expect(await parties.getByTestId("parties-done").innerText()).to.equal("Karen Hansen er ikke længere elev.");
    expect(await partiesOf("cases", kurtsCase.id)).to.deep.equal([]);
    await page.goto(`${svc.url}/parter/${karen.id}`);
    await page.getByTestId("contact-cases-none").waitFor();
  });

  it("a new contact made from the parties section is picked at once; roles show in English when the page is in English", async () => {
    const page = await open(caseUrl(kurtsCase));
    const parties = page.getByTestId("parties");
    await parties.getByTestId("parties-none").waitFor();
    await parties.getByTestId("party-add").click();
    expect(await parties.innerText())
      .to.contain("Vælg en kontakt.")
      .and.contain("Vælg en rolle.");
    await parties.getByTestId("party-new-contact").click();
    const dialog = page.getByTestId("new-contact-dialog");
    await dialog.getByLabel("Navn").fill("Mette Jensen");
    await dialog.getByLabel("E-mailadresse 1", { exact: true }).fill("mette.jensen@example.dk");
    await dialog.getByTestId("new-contact-submit").click();
    await dialog.waitFor({ state: "detached" });
    expect(await parties.getByTestId("party-contact").inputValue()).to.equal("Mette Jensen");
    await parties.getByTestId("party-role").selectOption({ label: "Forælder" });
    await parties.getByTestId("party-add").click();
    await parties.getByText("Mette Jensen er tilføjet som forælder.").waitFor();

    await page.evaluate(() => localStorage.setItem("imsCase.language", "en"));
    await page.reload();
    await page.getByRole("heading", { name: "Parties" }).waitFor();
    const row = page.getByTestId("parties-table").locator("tbody tr").first();
    await row.waitFor();
    expect(await row.locator('[data-field="role"]').innerText()).to.equal("Parent");
    expect(await page.getByTestId("party-role").locator("option").allInnerTexts()).to.include.members(["Pupil", "Applicant"]);
    await pick(page, page.getByTestId("party-contact"), "Bibli", "Bibliotekerne");
    await page.getByTestId("party-role").selectOption({ label: "Supplier" });
    await page.getByTestId("party-add").click();
    await page.getByText("Bibliotekerne has been added as supplier.").waitFor();
    expect(await page.getByTestId("parties-table").locator(`[data-contact-id="${biblioteket.id}"] [data-field="role"]`).innerText()).to.equal("Supplier");
    expect(await axe(page)).to.deep.equal([]);
    await screenshot(page, "web-contacts-12-case-parties-english");
    await page.evaluate(() => localStorage.removeItem("imsCase.language"));
  });

  it("the document page lists and adds parties with the roles meant for documents, and the contact page lists the document", async () => {
    const page = await open(`/dokumenter/${letter.id}`);
    const parties = page.getByTestId("parties");
    await parties.getByTestId("parties-none").waitFor();
    const roles = await parties.getByTestId("party-role").locator("option").allInnerTexts();
    expect(roles).to.include.members(["Afsender", "Modtager", "Kopimodtager"]).and.not.include("Elev");
    await pick(page, parties.getByTestId("party-contact"), "karen", "Karen Hansen");
    await parties.getByTestId("party-role").selectOption({ label: "Modtager" });
    await parties.getByTestId("party-add").click();
    const row = parties.locator(`[data-contact-id="${karen.id}"]`);
    await row.waitFor();
    expect(await row.locator('[data-field="role"]').innerText()).to.equal("Modtager");
    expect((await partiesOf("documents", letter.id)).map((p) => p.contact.id)).to.deep.equal([karen.id]);
    expect(await axe(page)).to.deep.equal([]);
    await screenshot(page, "web-contacts-13-document-parties");

    await page.goto(`${svc.url}/parter/${karen.id}`);
    const doc = page.getByTestId("contact-documents").locator(`[data-document-id="${letter.id}"]`);
    await doc.waitFor();
    const cells = await doc.locator("td").allInnerTexts();
    expect(cells.slice(0, 3)).to.deep.equal(["Optagelsesbrev.txt", `${kurtsCase.number} Elev 3`, "Modtager"]);
    expect(await doc.getByRole("link", { name: "Optagelsesbrev.txt" }).getAttribute("href")).to.equal(`/dokumenter/${letter.id}`);
    expect(await axe(page)).to.deep.equal([]);
  });

  it("Flet dubletter: pick the duplicate, confirm, and land on the survivor with the duplicate's parties", async () => {
    const jens = await contact({ kind: "person", name: "Jens Hansen", emails: ["jens@hansen.dk"] });
    const duplicate = await contact({ kind: "person", name: "Jens Hansen", emails: ["jens.hansen@example.dk"] });
    await api().post(`/api/cases/${kurtsCase.id}/parties`).auth(w.tokens.alice, bearer).send({ contactId: duplicate.id, roleId: "role-foraelder" }).expect(201);
    const page = await open(`/parter/${jens.id}`);
    await page.getByTestId("contact-cases-none").waitFor();
    await page.getByTestId("contact-merge").click();
    const dialog = page.getByTestId("merge-dialog");
    await dialog.getByTestId("merge-next").click();
    await dialog.getByText("Vælg den kontakt, der er en dublet.").waitFor();
    await dialog.getByTestId("merge-duplicate").pressSequentially("Jens");
    // The contact itself is not offered as its own duplicate.
    await page.getByRole("option", { name: /jens\.hansen@example\.dk/ }).waitFor();
    expect(await page.getByRole("option", { name: /jens@hansen\.dk/ }).count()).to.equal(0);
    await page.getByRole("option", { name: /jens\.hansen@example\.dk/ }).click();
    expect(await axe(page)).to.deep.equal([]);
    await dialog.getByTestId("merge-next").click();
    await dialog.getByTestId("merge-confirm").waitFor();
    expect(await dialog.getByTestId("merge-confirm").innerText()).to.contain("Det kan ikke fortrydes.");
    expect(await axe(page)).to.deep.equal([]);
    await screenshot(page, "web-contacts-14-merge-confirm");
    await dialog.getByTestId("merge-submit").click();
    await page.getByTestId("contact-done").getByText("Jens Hansen er flettet ind i denne kontakt.").waitFor();
    expect(page.url()).to.equal(`${svc.url}/parter/${jens.id}`);
    const linked = page.getByTestId("contact-cases").locator(`[data-case-id="${kurtsCase.id}"]`);
    await linked.waitFor();
    expect(await linked.locator('[data-field="role"]').innerText()).to.equal("Forælder");
    expect((await contactNow(jens.id)).emails).to.include.members(["jens@hansen.dk"]);
    await settled(page);
    expect(await axe(page)).to.deep.equal([]);
    await screenshot(page, "web-contacts-15-merged");

    // Keeping the other one of the two lands on its page.
    const ungoe = await contact({ kind: "organisation", name: "Ungø til søs" });
    const ungoeAps = await contact({ kind: "organisation", name: "Ungø til søs ApS", phone: "70 10 20 30" });
    await page.goto(`${svc.url}/parter/${ungoe.id}`);
    await page.getByTestId("contact-merge").click();
    await pick(page, dialog.getByTestId("merge-duplicate"), "Ungø", "Ungø til søs ApS");
    await dialog.getByLabel("Ungø til søs ApS", { exact: true }).check();
    await dialog.getByTestId("merge-next").click();
    expect(await dialog.getByTestId("merge-confirm").innerText()).to.contain("Ungø til søs flettes ind i Ungø til søs ApS");
    await dialog.getByTestId("merge-submit").click();
    await page.waitForURL(`${svc.url}/parter/${ungoeAps.id}`);
    await page.getByTestId("contact-done").getByText("Ungø til søs er flettet ind i denne kontakt.").waitFor();
    expect(await page.getByTestId("contact-name").innerText()).to.equal("Ungø til søs ApS");
    expect(await axe(page)).to.deep.equal([]);

    // The duplicate's address now shows the survivor.
    await page.goto(`${svc.url}/parter/${duplicate.id}`);
    await page.waitForURL(`${svc.url}/parter/${jens.id}`);
    await page.getByTestId("contact-page").waitFor();
  });

  it("PARTER, a contact's page and the parties section work on a phone (375 px) and a tablet (768 px) without the page scrolling sideways", async () => {
    const page = await open(`/parter/${karen.id}`);
    await page.getByTestId("contact-page").waitFor();
    for (const width of [375, 768]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await sideways(page), `${width} px`).to.deep.equal([]);
      expect(await axe(page)).to.deep.equal([]);
    }
    await page.setViewportSize({ width: 375, height: 900 });
    await screenshot(page, "web-contacts-16-contact-phone");
    await page.getByTestId("contact-edit").click();
    await page.getByTestId("edit-contact").waitFor();
    expect(await sideways(page)).to.deep.equal([]);
    await page.getByTestId("edit-contact-cancel").click();

    await page.goto(`${svc.url}/parter`);
    await contactRows(page).first().waitFor();
    expect(await sideways(page)).to.deep.equal([]);
    await page.getByTestId("new-contact").click();
    await page.getByTestId("new-contact-dialog").waitFor();
    expect(await sideways(page)).to.deep.equal([]);
    expect(await axe(page)).to.deep.equal([]);
    await screenshot(page, "web-contacts-17-new-contact-phone");
    await page.getByTestId("new-contact-cancel").click();
    await page.setViewportSize({ width: 768, height: 900 });
    expect(await sideways(page)).to.deep.equal([]);

    await page.goto(`${svc.url}${caseUrl(kurtsCase)}`);
    await page.getByTestId("parties-table").waitFor();
    for (const width of [768, 375]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await sideways(page), `${width} px`).to.deep.equal([]);
    }
    await screenshot(page, "web-contacts-18-case-parties-phone");
  });

  it("a contact that is not there shows the not-found page", async () => {
    const page = await open("/parter/ingen-saadan-kontakt");
    await page.getByTestId("not-found").waitFor();
    expect(await page.getByRole("heading", { level: 1 }).innerText()).to.equal("Kontakten findes ikke");
    expect(await axe(page)).to.deep.equal([]);
    await screenshot(page, "web-contacts-19-not-found");
  });
});
