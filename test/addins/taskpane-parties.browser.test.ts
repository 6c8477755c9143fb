import { expect } from "chai";
import { simpleParser } from "mailparser";
import type { Browser, Page } from "playwright-core";
import request from "supertest";
import type { FakeMail, FakeOfficeOptions } from "../support/fake-office.ts";
import { ensureAddinsBuilt, launchChromium, openTaskpane, screenshot, takeCspViolations } from "../support/browser.ts";
import { corpus } from "../support/fixtures.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";
import { ensureWebBuilt } from "../support/web.ts";

// "Parter" after a mail is saved from Outlook: the sender and recipients matched to contacts by address and
// added as parties of the new document (and of its case), unknown addresses made into contacts.

interface PartyJson {
  contact: { id: string; name: string; emails: string[] };
  role: { id: string };
}

describe("the task pane proposes a saved mail's sender and recipients as parties (Chromium, real service)", function () {
  this.timeout(120_000);
  let svc: TestService;
  let w: World;
  let browser: Browser;
  let caseId: string;
  let sender: { id: string; name: string };
  let mail: FakeMail;

  const api = () => request(svc.url);
  const asAlice = <T extends request.Test>(r: T) => r.auth(w.tokens.alice, { type: "bearer" });
  const partiesOf = async (on: "documents" | "cases", id: string): Promise<PartyJson[]> =>
    (await asAlice(api().get(`/api/${on}/${id}/parties`)).expect(200)).body.items;

  before(async () => {
    ensureWebBuilt();
    ensureAddinsBuilt();
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    const c = await asAlice(api().post("/api/cases"))
      .send({ templateId: w.templates.pupil, title: "Ansøgning", metadata: { elevnummer: "E-21" } })
      .expect(201);
    caseId = c.body.id;
    // A real mail from the corpus: from Doug Sauder (a contact already), to Heinz Müller (no contact yet).
    const raw = corpus("outlook2000-three-png-attachments.eml");
    const parsed = await simpleParser(raw);
    const person = (a: { name: string; address?: string }) => ({ displayName: a.name, emailAddress: a.address! });
    mail = {
      itemId: "AAMkAGI2-parties-1",
      subject: parsed.subject ?? "",
      from: person(parsed.from!.value[0]),
      to: (Array.isArray(parsed.to) ? parsed.to : [parsed.to!]).flatMap((a) => a.value).map(person),
      cc: [],
      dateTimeCreated: parsed.date!.toISOString(),
      internetMessageId: parsed.messageId!,
      conversationId: "AAQkAGI2-parties-1",
      emlBase64: raw.toString("base64"),
      headers: raw.toString("latin1").split(/\r?\n\r?\n/)[0],
      attachments: [],
    };
    sender = (
      await asAlice(api().post("/api/contacts"))
        .send({ kind: "person", name: "Doug Sauder", emails: [parsed.from!.value[0].address] })
        .expect(201)
    ).body;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await svc?.dispose();
  });
  afterEach(() => expect(takeCspViolations()).to.deep.equal([]));

  /** Saves the mail into the case; `again`: it is in the case already, and the person saves it anyway. */
  const saveTheMail = async (again = false): Promise<{ page: Page; documentId: string }> => {
    const options: FakeOfficeOptions = {
      host: "Outlook",
      displayLanguage: "da-DK",
      requirementSets: { Mailbox: "1.14" },
      mail,
      stored: { roaming: { "imsCase.connection": { serviceUrl: svc.url, token: w.tokens.alice } } },
    };
    const page = await openTaskpane(browser, `${svc.url}/addins/taskpane.html?host=outlook`, options);
    if (again) await page.getByTestId("already-saved").getByRole("button", { name: "Gem alligevel" }).click();
    await page.getByTestId("case-search").fill("Ansøgning");
    await page.locator(`[data-case-id="${caseId}"]`).first().click();
    await page.getByRole("radio", { name: /^Brev/ }).click();
    await page.getByTestId("save").click();
    await page.getByTestId("done").waitFor();
    return { page, documentId: (await page.getByTestId("saved-document").getAttribute("data-document-id"))! };
  };

  it("the sender, a contact already, is proposed ticked as Afsender; the recipient becomes a contact; both are added to the document and the case", async () => {
    const { page, documentId } = await saveTheMail();
    const proposals = page.getByTestId("party-proposals");
    await proposals.waitFor();
    await screenshot(page, "outlook-parties-1-proposed");

    const doug = proposals.locator(`[data-testid="party-row"][data-contact-id="${sender.id}"]`);
    expect(await doug.getByRole("checkbox", { name: "Doug Sauder (doug@example.com)" }).isChecked()).to.equal(true);
    expect(await doug.getByRole("combobox", { name: "Rolle for Doug Sauder" }).inputValue()).to.equal("role-afsender");
    // Heinz Müller has no contact: offered as one, named as the mail names him.
    const heinz = proposals.locator('[data-testid="unknown-address"][data-address="mueller@example.com"]');
    expect(await heinz.getByRole("textbox", { name: "Navn for mueller@example.com" }).inputValue()).to.equal("Heinz Müller");
    await heinz.getByRole("button", { name: "Opret kontakt for mueller@example.com" }).click();

    const created = proposals.locator('[data-testid="party-row"][data-address="mueller@example.com"]');
    await created.waitFor();
    expect(await created.getByRole("checkbox", { name: "Heinz Müller (mueller@example.com)" }).isChecked()).to.equal(true);
    expect(await created.getByRole("combobox", { name: "Rolle for Heinz Müller" }).inputValue()).to.equal("role-modtager");
    const contacts = (await asAlice(api().get("/api/contacts?email=mueller@example.com")).expect(200)).body.items;
    expect(contacts.map((c: { name: string }) => c.name)).to.deep.equal(["Heinz Müller"]);

    await proposals.getByRole("checkbox", { name: "Tilføj også de valgte som parter på sagen (Part)" }).check();
    await screenshot(page, "outlook-parties-2-chosen");
    // Nothing is added before the person asks.
    expect(await partiesOf("documents", documentId)).to.deep.equal([]);
    await proposals.getByRole("button", { name: "Tilføj parter" }).click();
    await page.getByTestId("parties-finished").waitFor();
    expect(await page.getByTestId("parties-finished").innerText()).to.equal("Tilføjet som parter: Doug Sauder, Heinz Müller");
    await screenshot(page, "outlook-parties-3-added");

    const onDocument = await partiesOf("documents", documentId);
    expect(onDocument.map((p) => [p.contact.name, p.role.id]).sort()).to.deep.equal([
      ["Doug Sauder", "role-afsender"],
      ["Heinz Müller", "role-modtager"],
    ]);
    const onCase = await partiesOf("cases", caseId);
    expect(onCase.map((p) => [p.contact.name, p.role.id]).sort()).to.deep.equal([
      ["Doug Sauder", "role-part"],
      ["Heinz Müller", "role-part"],
    ]);
    // The save itself is as it was: one document, in the case.
    expect((await asAlice(api().get(`/api/documents/${documentId}`)).expect(200)).body.caseId).to.equal(caseId);
    await page.close();
  });

  it("saved again, the contacts on the case are ticked already; Spring over adds nothing", async () => {
    const { page, documentId } = await saveTheMail(true);
    const proposals = page.getByTestId("party-proposals");
    await proposals.waitFor();
    const rows = proposals.getByTestId("party-row");
    expect(await rows.count()).to.equal(2);
    for (const row of await rows.all()) {
      expect(await row.getByRole("checkbox").isChecked()).to.equal(true);
      expect(await row.innerText()).to.contain("Allerede part på sagen");
    }
    expect(await proposals.getByTestId("unknown-address").count()).to.equal(0);
    await proposals.getByRole("button", { name: "Spring over" }).click();
    await page.getByTestId("parties-skipped").waitFor();
    expect(await partiesOf("documents", documentId)).to.deep.equal([]);
    await page.close();
  });
});
