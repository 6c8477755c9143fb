import { expect } from "chai";
import type { Page } from "playwright-core";
import request from "supertest";
import { screenshot } from "../support/browser.ts";
import { corpus } from "../support/fixtures.ts";
import type { TestService } from "../support/service.ts";
import { axeViolations, browserPerTest, noSidewaysScroll, openSignedIn, startWebWorld, tabTo } from "../support/web.ts";
import type { World } from "../support/world.ts";

// "Parter" after a mail is filed in the browser: once the service has read the dropped .eml, its sender and
// recipients who are contacts are proposed as parties of the document; an unknown address can become a contact.

interface PartyJson {
  contact: { id: string; name: string };
  role: { id: string };
}

describe("the web view proposes a filed mail's sender and recipients as parties (Chromium)", function () {
  this.timeout(240_000);
  let svc: TestService;
  let w: World;
  let caseNumber: string;
  let caseId: string;
  let doug: { id: string };
  let joe: { id: string };

  const api = () => request(svc.url);
  const asAlice = <T extends request.Test>(r: T) => r.auth(w.tokens.alice, { type: "bearer" });
  const partiesOf = async (on: "documents" | "cases", id: string): Promise<PartyJson[]> =>
    (await asAlice(api().get(`/api/${on}/${id}/parties`)).expect(200)).body.items;

  before(async () => {
    ({ svc, w } = await startWebWorld("alice"));
    const c = await asAlice(api().post("/api/cases"))
      .send({ templateId: w.templates.pupil, title: "Elev 1", metadata: { elevnummer: "E-1" } })
      .expect(201);
    caseNumber = c.body.number;
    caseId = c.body.id;
    // The corpus mail is from Doug Sauder to Joe Blow and Heinz Müller: Doug and Joe are contacts, Joe a party to the case.
    doug = (
      await asAlice(api().post("/api/contacts"))
        .send({ kind: "person", name: "Doug Sauder", emails: ["doug@penguin.example.com"] })
        .expect(201)
    ).body;
    joe = (
      await asAlice(api().post("/api/contacts"))
        .send({ kind: "person", name: "Joe Blow", emails: ["blow@example.com"] })
        .expect(201)
    ).body;
    await asAlice(api().post(`/api/cases/${caseId}/parties`))
      .send({ contactId: joe.id, roleId: "role-part" })
      .expect(201);
  });
  after(() => svc?.dispose());
  const web = browserPerTest();

  const open = async (url: string, width = 1200) =>
    openSignedIn(await web.replaceContext({ viewport: { width, height: 900 }, isMobile: width < 600 }), svc.url, "alice@skole.dk", url);
  const fileMail = async (page: Page, name: string, bytes: Buffer) => {
    await page.getByTestId("drop-to-case-input").setInputFiles([{ name, mimeType: "message/rfc822", buffer: bytes }]);
    await page.getByTestId("filing-type").selectOption({ label: "Brev (Korrespondance)" });
    await page.getByTestId("filing-save").click();
    const row = page.locator(`[data-testid="filing-row"][data-file="${name}"]`);
    await row.and(page.locator('[data-phase="done"]')).waitFor();
    return { row, documentId: (await row.getAttribute("data-document-id"))! };
  };

  it("proposes the contacts ticked, makes a contact of the unknown address, keeps a refused one's reason and adds it on the second try, once", async () => {
    const page = await open(`/sager/${caseNumber}`);
    const { row, documentId } = await fileMail(page, "Die Hasen und die Frösche.eml", corpus("pine-rfc2231-latin1-filename.eml"));
    const proposals = row.getByTestId("party-proposals");
    await proposals.waitFor();
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-filing-parties-1-proposed");

    const dougRow = proposals.locator(`[data-testid="party-row"][data-contact-id="${doug.id}"]`);
    const joeRow = proposals.locator(`[data-testid="party-row"][data-contact-id="${joe.id}"]`);
    expect(await dougRow.getByRole("checkbox", { name: "Doug Sauder (doug@penguin.example.com)" }).isChecked()).to.equal(true);
    expect(await dougRow.getByRole("combobox", { name: "Rolle for Doug Sauder" }).inputValue()).to.equal("role-afsender");
    expect(await joeRow.getByRole("checkbox", { name: "Joe Blow (blow@example.com)" }).isChecked(), "a party to the case already").to.equal(true);
    expect(await joeRow.innerText()).to.contain("Allerede part på sagen");
    const heinz = proposals.locator('[data-testid="unknown-address"][data-address="mueller@example.com"]');
    // The name as the service read it from the mail's header (RFC 2047, Latin-1).
    expect(await heinz.getByRole("textbox", { name: "Navn for mueller@example.com" }).inputValue()).to.equal("Heinz Müller");
    await heinz.getByRole("button", { name: "Opret kontakt for mueller@example.com" }).click();
    const heinzRow = proposals.locator('[data-testid="party-row"][data-address="mueller@example.com"]');
    await heinzRow.waitFor();
    expect(await heinzRow.getByRole("checkbox").isChecked()).to.equal(true);
    expect(await heinzRow.innerText()).to.contain("Ny kontakt");

    // The service refuses Joe once; the others go in.
    let refused = 0;
    await page.route(`**/api/documents/${documentId}/parties`, async (route) => {
      if (route.request().method() === "POST" && route.request().postData()?.includes(joe.id) && refused++ === 0) {
        return route.fulfill({
          status: 503,
          contentType: "application/problem+json",
          body: JSON.stringify({ type: "about:blank", title: "Service Unavailable", status: 503, code: "service_unavailable", detail: "busy" }),
        });
      }
      return route.continue();
    });
    // By keyboard: Tab to Tilføj parter, Enter.
    const add = proposals.getByRole("button", { name: "Tilføj parter" });
    await tabTo(page, add);
    await page.keyboard.press("Enter");
    await joeRow.getByTestId("party-failure").waitFor();
    expect(await proposals.getByTestId("parties-some-failed").innerText()).to.contain("Ikke alle blev tilføjet");
    expect(await dougRow.getByTestId("party-added").innerText()).to.equal("Tilføjet som Afsender");
    expect(await heinzRow.getByTestId("party-added").innerText()).to.equal("Tilføjet som Modtager");
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-filing-parties-2-one-refused");
    expect((await partiesOf("documents", documentId)).map((p) => p.contact.name).sort()).to.deep.equal(["Doug Sauder", "Heinz Müller"]);

    await add.click();
    await proposals.getByTestId("parties-finished").waitFor();
    expect(await proposals.getByTestId("parties-finished").innerText()).to.equal("Tilføjet som parter: Doug Sauder, Joe Blow, Heinz Müller");
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-filing-parties-3-added");
    expect((await partiesOf("documents", documentId)).map((p) => [p.contact.name, p.role.id]).sort()).to.deep.equal([
      ["Doug Sauder", "role-afsender"],
      ["Heinz Müller", "role-modtager"],
      ["Joe Blow", "role-modtager"],
    ]);
    // Not asked to: the case's parties are as they were.
    expect((await partiesOf("cases", caseId)).map((p) => p.contact.name)).to.deep.equal(["Joe Blow"]);
  });

  it("on a phone, a mail from unknown senders offers them as contacts without sideways scrolling; Spring over adds nothing", async () => {
    const page = await open(`/sager/${caseNumber}`, 375);
    const { row, documentId } = await fileMail(page, "Invitation.eml", corpus("exchange-calendar-invite-finnish.eml"));
    const proposals = row.getByTestId("party-proposals");
    await proposals.waitFor();
    expect(await proposals.getByTestId("party-row").count()).to.equal(0);
    expect(await proposals.getByTestId("unknown-address").count()).to.equal(2);
    expect(await noSidewaysScroll(page)).to.equal(true);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-filing-parties-4-phone-unknown");
    await proposals.getByRole("button", { name: "Spring over" }).click();
    await row.getByTestId("parties-skipped").waitFor();
    expect(await partiesOf("documents", documentId)).to.deep.equal([]);
  });
});
