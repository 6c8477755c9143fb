import { expect } from "chai";
import { buildAddon } from "../../gmail-addon/build.ts";
import type { DocumentDetails } from "../../shared/index.ts";
import { corpus } from "../support/fixtures.ts";
import type { FakeMessage, Json } from "./support/apps-script.ts";
import { buttonAction, buttonLabels, field, findAll, itemsOf, textOf } from "./support/cards.ts";
import { desk, startHarness, type Desk, type Harness, type Screen } from "./support/harness.ts";
import { gmailMessageFrom } from "./support/messages.ts";

// "Parter" on the Gmail add-on's result card: the saved mail's sender and recipients matched to contacts and
// added as parties of the document (and of the case), addresses without a contact made into contacts.

interface PartyJson {
  contact: { id: string; name: string };
  role: { id: string };
}

const SAVE = "Gem i IMS Case";

describe("Gem i IMS Case in Gmail proposes the saved mail's sender and recipients as parties", function () {
  this.timeout(60_000);
  let h: Harness;
  let code: string;
  let caseId: string;
  let mail: FakeMessage;
  let kreata: { id: string };
  let reinman: { id: string };

  before(async function () {
    this.timeout(120_000);
    const [built, harness] = await Promise.all([buildAddon(), startHarness({})]);
    code = built.code;
    h = harness;
    const w = h.backend.world;
    caseId = (await h.api<{ id: string }>("POST", "/api/cases", { templateId: w.templates.pupil, title: "Elev 3", metadata: { elevnummer: "E-3" } })).id;
    // A real mail from the corpus: from Andris Kreata, to Andris Reinman at two addresses.
    mail = await gmailMessageFrom(corpus("gmail-received-unicode-filenames-watch-html.eml"), "18c2a1f0c0ffee51");
    kreata = await h.api("POST", "/api/contacts", { kind: "person", name: "Andris Kreata", emails: ["andris@kreata.ee"] });
    reinman = await h.api("POST", "/api/contacts", { kind: "person", name: "Andris Reinman", emails: ["andris.reinman@gmail.com"] });
    await h.api("POST", `/api/cases/${caseId}/parties`, { contactId: reinman.id, roleId: "role-part" });
  });
  after(() => h?.stop());

  const open = (): Desk => desk({ code, harness: h, messages: [mail], properties: { IMS_API_TOKEN: h.backend.world.tokens.alice } });
  const partiesOf = async (on: "documents" | "cases", id: string) => (await h.api<{ items: PartyJson[] }>("GET", `/api/${on}/${id}/parties`)).items;
  async function savedDocument(d: Desk): Promise<DocumentDetails> {
    const call = d.gas.urlFetch.calls.filter((c) => c.method === "post" && /\/api\/documents$/.test(c.url) && c.status === 201).pop();
    return h.api<DocumentDetails>("GET", `/api/documents/${(JSON.parse(call!.json!) as { id: string }).id}`);
  }
  const saveInCase = (d: Desk, s: Screen) => d.click(d.change(d.chooseCase(s, caseId), "documentTypeId", h.backend.world.types.letter), SAVE);
  /** The card's checkbox for a row: its title (header, notes) and its one item. */
  const checkbox = (card: Json, key: string) => {
    const input = field(card, `party.${key}`);
    return { title: String(input.title), ...itemsOf(input)[0] };
  };

  it("the result card ticks the sender and the contact on the case, offers the unknown address as a contact, and adds them all", async () => {
    const d = open();
    let s = saveInCase(d, d.openMail(mail));
    expect(s.card.name).to.equal("done");
    const doc = await savedDocument(d);
    expect(textOf(s.card)).to.contain("Parter").and.contain("Afsender og modtagere, der er kontakter i IMS Case");
    expect(checkbox(s.card, "r0")).to.deep.equal({ title: "Fra", text: "Andris Kreata (andris@kreata.ee)", value: "true", selected: true });
    expect(itemsOf(field(s.card, "role.r0")).find((i) => i.selected)?.value).to.equal("role-afsender");
    expect(checkbox(s.card, "r2")).to.deep.include({
      title: "Til · Allerede part på sagen",
      text: "Andris Reinman (andris.reinman@gmail.com)",
      selected: true,
    });
    // The unknown address, named as the mail names it.
    expect(field(s.card, "name.r1")).to.deep.include({ title: "Navn for andris+123@kreata.ee", value: "Andris Reinman" });
    expect(buttonLabels(s.card)).to.include.members(["Tilføj parter", "Spring over", "Opret kontakt", "Gem en til"]);

    s = d.click(s, "Opret kontakt", { "name.r1": "Andris Reinman (arbejde)" });
    const created = (await h.api<{ items: Array<{ id: string; name: string }> }>("GET", `/api/contacts?email=${encodeURIComponent("andris+123@kreata.ee")}`))
      .items;
    expect(created.map((c) => c.name)).to.deep.equal(["Andris Reinman (arbejde)"]);
    expect(checkbox(s.card, "r1")).to.deep.include({ title: "Til · Ny kontakt", text: "Andris Reinman (arbejde) (andris+123@kreata.ee)", selected: true });
    expect(findAll(s.card, "TextInput").filter((i) => String(i.fieldName).startsWith("name."))).to.deep.equal([]);
    expect(await partiesOf("documents", doc.id), "nothing is added before Tilføj parter").to.deep.equal([]);

    s = d.click(s, "Tilføj parter", { "role.r2": "role-kopimodtager", alsoOnCase: "true" });
    expect(textOf(s.card)).to.contain("Tilføjet som parter: Andris Kreata, Andris Reinman (arbejde), Andris Reinman");
    expect(buttonLabels(s.card)).to.not.include("Tilføj parter");
    expect((await partiesOf("documents", doc.id)).map((p) => [p.contact.name, p.role.id]).sort()).to.deep.equal([
      ["Andris Kreata", "role-afsender"],
      ["Andris Reinman (arbejde)", "role-modtager"],
      ["Andris Reinman", "role-kopimodtager"],
    ]);
    // Reinman was a party to the case already: only the other two are added to it.
    expect((await partiesOf("cases", caseId)).map((p) => p.contact.name).sort()).to.deep.equal(["Andris Kreata", "Andris Reinman", "Andris Reinman (arbejde)"]);
  });

  it("a refused addition keeps its reason on the card, the others are added, and trying again adds only the one left", async () => {
    const d = open();
    let s = saveInCase(d, d.openMail(mail));
    const doc = await savedDocument(d);
    let refuse = true;
    const sent = (payload: unknown) => (Array.isArray(payload) ? Buffer.from(payload.map((b: number) => b & 0xff)).toString("utf8") : String(payload));
    d.gas.urlFetch.fetch.callsFake((url: string, params: { method?: string; payload?: unknown }) => {
      if (refuse && params?.method === "post" && url.endsWith(`/api/documents/${doc.id}/parties`) && sent(params.payload).includes(kreata.id))
        throw new Error(`Address unavailable: ${url}`);
      return d.gas.urlFetch.realFetch(url, params);
    });
    s = d.click(s, "Tilføj parter");
    expect(s.card.name).to.equal("done");
    expect(textOf(s.card)).to.contain("Ikke alle blev tilføjet");
    expect(checkbox(s.card, "r0").selected, "the refused one stays ticked").to.equal(true);
    // All three are parties to the case since the first save, so all three were ticked.
    expect((await partiesOf("documents", doc.id)).map((p) => p.contact.name).sort()).to.deep.equal(["Andris Reinman", "Andris Reinman (arbejde)"]);

    refuse = false;
    const posts = () => d.gas.urlFetch.calls.filter((c) => c.method === "post" && c.url.endsWith("/parties")).length;
    const before = posts();
    s = d.click(s, "Tilføj parter");
    expect(posts() - before, "only the refused one is sent again").to.equal(1);
    expect(textOf(s.card)).to.contain("Tilføjet som parter: Andris Kreata, Andris Reinman (arbejde), Andris Reinman");
    expect((await partiesOf("documents", doc.id)).map((p) => p.contact.name).sort()).to.deep.equal([
      "Andris Kreata",
      "Andris Reinman",
      "Andris Reinman (arbejde)",
    ]);
  });

  it("when the contacts cannot be looked up the mail stays saved and the card offers to try again; Spring over adds nothing", async () => {
    const d = open();
    let lookups = 0;
    d.gas.urlFetch.fetch.callsFake((url: string, params: { method?: string }) => {
      if (url.endsWith("/api/contacts/match") && ++lookups === 1) throw new Error(`Address unavailable: ${url}`);
      return d.gas.urlFetch.realFetch(url, params);
    });
    let s = saveInCase(d, d.openMail(mail));
    expect(s.card.name).to.equal("done");
    expect(textOf(s.card)).to.contain("Gemt i").and.contain("kunne ikke slås op blandt kontakterne. Mailen er gemt.");
    const doc = await savedDocument(d);
    expect(doc.caseId).to.equal(caseId);
    expect(buttonAction(s.card, "Prøv igen").functionName).to.equal("onShowParties");
    s = d.click(s, "Prøv igen");
    expect(checkbox(s.card, "r0").selected).to.equal(true);
    s = d.click(s, "Spring over");
    expect(textOf(s.card)).to.contain("Ingen parter tilføjet.");
    expect(await partiesOf("documents", doc.id)).to.deep.equal([]);
  });
});
