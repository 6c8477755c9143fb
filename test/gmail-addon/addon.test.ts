import { expect } from "chai";
import crypto from "node:crypto";
import fs from "node:fs";
import vm from "node:vm";
import ts from "typescript";
import { buildAddon } from "../../gmail-addon/build.ts";
import type { DocumentDetails, DocumentType } from "../../shared/index.ts";
import { corpus, corpusFile } from "../support/fixtures.ts";
import { CACHE_VALUE_LIMIT, type FakeMessage, type Json } from "./support/apps-script.ts";
import { buttonAction, buttonLabels, cardOf, field, findAll, itemsOf, textOf } from "./support/cards.ts";
import { desk, eventFor, startHarness, type Desk, type DeskOptions, type Harness, type Screen } from "./support/harness.ts";
import { gmailMessageFrom, largeMessage, replyTo } from "./support/messages.ts";

const FILES = { docx: corpusFile("Flere sider.docx"), xlsx: corpusFile("spreadsheet-basic.xlsx"), pdf: corpusFile("forside-styrelsen-for-it-og-laering.pdf") };
const MIME = {
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pdf: "application/pdf",
};
const DOC = { id: "1Doc-skolebestyrelse-2024", title: "Referat af skolebestyrelsesmøde" };
const SHEET = { id: "1Sheet-budget-2024", title: "Budget 2024" };
const MB = 1024 * 1024;
const sha = (bytes: Uint8Array) => crypto.createHash("sha256").update(bytes).digest("hex");
const SAVE = "Gem i IMS Case";
const RETRY = "Prøv igen";

describe("Gem i IMS Case as a Google Workspace add-on: the built dist/Code.js run the way Apps Script runs it", function () {
  this.timeout(60_000);
  let h: Harness;
  let code: string;
  let caseId: string;
  let caseNumber: string;
  let types: DocumentType[];
  let danish: FakeMessage;
  let outlook: FakeMessage;
  let reply: FakeMessage;

  before(async function () {
    this.timeout(120_000);
    const [built, harness] = await Promise.all([
      buildAddon(),
      startHarness({ [DOC.id]: { [MIME.docx]: FILES.docx, [MIME.pdf]: FILES.pdf }, [SHEET.id]: { [MIME.xlsx]: FILES.xlsx, [MIME.pdf]: FILES.pdf } }),
    ]);
    code = built.code;
    h = harness;
    const w = h.backend.world;
    const created = await h.api<{ id: string; number: string }>("POST", "/api/cases", {
      templateId: w.templates.pupil,
      title: "Foreningen Glade Børn",
      metadata: { elevnummer: "E-7" },
    });
    caseId = created.id;
    caseNumber = created.number;
    types = (await h.api<{ items: DocumentType[] }>("GET", "/api/document-types")).items;
    danish = await gmailMessageFrom(corpus("da-gmail-inline-image-and-attached-odt.eml"), "18c2a1f0c0ffee01");
    outlook = await gmailMessageFrom(corpus("outlook2000-three-png-attachments.eml"), "18c2a1f0c0ffee02");
    reply = replyTo(outlook, "18c2a1f0c0ffee03");
  });
  after(() => h?.stop());

  const kinds = () => h.backend.world.types;
  /** A fresh Apps Script with Code.js loaded; signed in with alice's API token unless told otherwise. */
  const open = (options: Partial<DeskOptions> = {}): Desk =>
    desk({
      code,
      harness: h,
      messages: [danish, outlook, reply],
      ...options,
      properties: { IMS_API_TOKEN: h.backend.world.tokens.alice, ...options.properties },
    });
  /** The document the add-on saved last, as the archive's API shows it. */
  async function savedDocument(d: Desk): Promise<DocumentDetails> {
    const call = d.gas.urlFetch.calls.filter((c) => c.method === "post" && /\/api\/documents$/.test(c.url) && c.status === 201).pop();
    if (!call?.json) throw new Error("the add-on saved no document");
    return h.api<DocumentDetails>("GET", `/api/documents/${(JSON.parse(call.json) as { id: string }).id}`);
  }
  const toDetails = (d: Desk, s: Screen, typeId = kinds().letter) => d.change(d.chooseCase(s, caseId), "documentTypeId", typeId);
  /** Where a button that opens a link goes, and how. */
  const linkOf = (card: Json, label: string) => {
    const b = findAll(card, "TextButton").find((x) => x.text === label);
    if (!b) throw new Error(`no button "${label}" on the card; there are: ${buttonLabels(card).join(" | ")}`);
    return b.openLink as { url: string; openAs: string; onClose: string };
  };

  it("is one classic script whose async functions are lowered onto the synchronous Promise, with no timers to lean on", () => {
    const source = ts.createSourceFile("Code.js", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
    const native: string[] = [];
    const visit = (node: ts.Node) => {
      if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier))
        native.push(`await at ${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
      if (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword))
        native.push(`async at ${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
      ts.forEachChild(node, visit);
    };
    visit(source);
    expect(native, "native async/await in dist/Code.js").to.deep.equal([]);
    const d = open();
    const global = d.addon.context as Record<string, unknown>;
    expect(global.Promise).to.equal((global.ImsSyncPromise as { SyncPromise: unknown }).SyncPromise);
    expect(vm.runInContext("typeof Promise.resolve(1).inspect", d.addon.context)).to.equal("function");
    for (const missing of ["setTimeout", "setImmediate", "queueMicrotask", "TextEncoder", "btoa", "fetch", "crypto"])
      expect(global[missing], missing).to.equal(undefined);
    // A trigger returns its cards, not a promise of them: the whole flow ran inside the call.
    const cards = d.addon.call("onGmailMessageOpen", {
      commonEventObject: { hostApp: "GMAIL", userLocale: "da" },
      gmail: { messageId: danish.id, accessToken: danish.accessToken },
    });
    expect(cards).to.be.an("array").with.length(1);
    expect((cards as Json[])[0].kind).to.equal("Card");
  });

  it("opening a Danish Gmail message shows the case step: its subject, recent cases, a search box with suggestions, and no case", () => {
    const d = open();
    const s = d.openMail(danish);
    expect(d.gas.gmail.setCurrentMessageAccessToken.calledWith(danish.accessToken)).to.equal(true);
    expect((s.card.header as Json).subtitle).to.equal("Mail med inline billede og vedhæftet fil");
    const text = textOf(s.card);
    expect(text).to.contain("Seneste sager").and.contain("Foreningen Glade Børn");
    const query = field(s.card, "query");
    expect((query.suggestionsAction as Json).functionName).to.equal("onSuggestCases");
    expect(buttonLabels(s.card)).to.include("Gem uden sag (flydende dokument)").and.include("Søg");
    expect(d.gas.driveApp.getFileById.called).to.equal(false);
  });

  it("the homepage: in Gmail with no message open it says to open one; in Slides it asks for the open file first", () => {
    const d = open();
    expect(textOf(cardOf(d.addon.call("onHomepage", eventFor({ host: "GMAIL", locale: "da" }))))).to.contain("Åbn en mail");
    const slides = cardOf(d.addon.call("onHomepage", eventFor({ host: "SLIDES", locale: "da" })));
    expect(buttonLabels(slides)).to.deep.equal(["Giv adgang til filen"]);
  });

  it("the chosen case's document types come as a dropdown showing retention in words and category; attachments as checkboxes", () => {
    const d = open();
    let s = d.chooseCase(d.openMail(danish), caseId);
    const dropdown = field(s.card, "documentTypeId");
    expect(dropdown.type).to.equal("DROPDOWN");
    expect(itemsOf(dropdown).map((i) => i.text)).to.have.members(["(ingen valgt)", "Elevdokument", "Brev", "Notat"]);
    s = d.change(s, "documentTypeId", kinds().letter);
    const letter = types.find((t) => t.id === kinds().letter)!;
    expect(textOf(s.card)).to.contain("Opbevaring").and.contain(letter.retention.da).and.contain("Kategori").and.contain("Korrespondance");
    expect(itemsOf(field(s.card, "attachments"))).to.deep.equal([
      { text: "embedded-cpr.odt", value: "a0", selected: true },
      { text: "cpr.jpg (indlejret billede)", value: "i0", selected: false },
    ]);
    expect(field(s.card, "title").value).to.equal("Mail med inline billede og vedhæftet fil");
    expect(field(s.card, "documentDate").valueInMsSinceEpoch).to.equal(Date.UTC(2021, 9, 11));
    expect(textOf(s.card)).to.contain(`${caseNumber} Foreningen Glade Børn`).and.contain("pawsen@gmail.com");
  });

  it("saving stores the raw message and the ticked attachment byte for byte, then names the case and the document", async () => {
    const d = open();
    let s = toDetails(d, d.openMail(danish));
    s = d.click(s, SAVE, { title: "Mail fra Paw", status: "final" });
    expect(s.card.name).to.equal("done");
    const doc = await savedDocument(d);
    expect(textOf(s.card))
      .to.contain(`Gemt i ${caseNumber} Foreningen Glade Børn`)
      .and.contain(`Dokument: Mail fra Paw (version ${doc.currentVersion.version})`)
      .and.contain("Vedhæftet: embedded-cpr.odt");
    // The case in the web view, opened in a new tab.
    expect(linkOf(s.card, "Åbn i IMS Case")).to.deep.include({ url: `${h.backend.serviceUrl}/sager/${caseNumber}`, openAs: "FULL_SIZE" });
    expect(doc.caseId).to.equal(caseId);
    expect(doc.status).to.equal("final");
    expect(doc.currentVersion.sha256).to.equal(sha(danish.raw));
    expect(sha(await h.download(`/api/documents/${doc.id}/content`))).to.equal(sha(danish.raw));
    const odt = danish.attachments.find((a) => !a.inline)!;
    expect(doc.attachments.map((a) => [a.title, a.versions[0].sha256])).to.deep.equal([["embedded-cpr.odt", sha(odt.bytes)]]);
    s = d.click(s, "Gem en til");
    expect(s.card.name).to.equal("case");
  });

  it("a mail saved with two of its three attachments; a reply to it then proposes that case, and the mail shows as saved", async () => {
    const d = open();
    const s = d.click(toDetails(d, d.openMail(outlook)), SAVE, { attachments: ["a0", "a2"] });
    expect(s.card.name).to.equal("done");
    const doc = await savedDocument(d);
    expect(doc.currentVersion.sha256).to.equal(sha(outlook.raw));
    expect(doc.attachments.map((a) => a.versions[0].sha256)).to.deep.equal([sha(outlook.attachments[0].bytes), sha(outlook.attachments[2].bytes)]);
    const answer = d.openMail(reply);
    expect(textOf(answer.card)).to.contain("Foreslået sag").and.contain(`Samme samtale blev gemt i ${caseNumber} Foreningen Glade Børn`);
    const again = d.openMail(outlook).card;
    expect(textOf(again)).to.contain(`Allerede gemt i sag ${caseNumber} Foreningen Glade Børn`);
    expect(linkOf(again, "Åbn i IMS Case").url).to.equal(`${h.backend.serviceUrl}/sager/${caseNumber}`);
    expect(d.chooseCase(answer, caseId).card.name).to.equal("details");
  });

  it("typing in the search box suggests matching case titles, and a search lists them to choose from", () => {
    const d = open();
    const s = d.openMail(danish);
    const response = d.run(s, field(s.card, "query").suggestionsAction as Json, { query: "glade b" }) as Json;
    expect(response.kind).to.equal("SuggestionsResponse");
    expect((response.suggestions as Json).suggestions).to.deep.equal([`${caseNumber} Foreningen Glade Børn`]);
    const found = d.change(s, "query", "glade b");
    expect(textOf(found.card)).to.contain("Foreningen Glade Børn");
    expect(d.chooseCase(found, caseId).card.name).to.equal("details");
    expect(textOf(d.change(s, "query", "ingen-sag-hedder-sådan").card)).to.contain("Ingen sager fundet");
  });

  it("a save without a document type or title shows the messages at the fields and stores nothing", () => {
    const d = open();
    const s = d.click(d.click(d.openMail(danish), "Gem uden sag (flydende dokument)"), SAVE, { title: "" });
    expect(s.card.name).to.equal("details");
    const problems = findAll(s.card, "TextParagraph")
      .map((p) => String(p.text))
      .filter((t) => t.includes("#b3261e"));
    expect(problems.join("\n")).to.contain("Vælg en dokumenttype").and.contain("Titel skal udfyldes");
    expect(d.gas.urlFetch.calls.some((c) => c.url.includes("/api/uploads"))).to.equal(false);
  });

  it("in Google Docs the add-on asks for the file first, then saves the Doc as .docx exported by Drive", async () => {
    const d = open();
    const asking = d.openFile("DOCS", DOC, false);
    expect(textOf(asking.card)).to.contain("skal have adgang til denne fil");
    expect(d.run(asking, buttonAction(asking.card, "Giv adgang til filen"))).to.deep.equal({
      kind: "EditorFileScopeActionResponse",
      requestFileScopeForActiveDocument: true,
    });
    let s = d.openFile("DOCS", DOC, true);
    expect((s.card.header as Json).subtitle).to.equal(DOC.title);
    s = d.click(s, "Gem uden sag (flydende dokument)");
    expect(itemsOf(field(s.card, "format"))).to.deep.equal([
      { text: "Word-dokument (.docx)", value: "native", selected: true },
      { text: "PDF (.pdf)", value: "pdf", selected: false },
    ]);
    s = d.click(d.change(s, "documentTypeId", kinds().note), SAVE);
    expect(textOf(s.card)).to.contain("Gemt som flydende dokument");
    const doc = await savedDocument(d);
    expect(doc.currentVersion.filename).to.equal(`${DOC.title}.docx`);
    expect(doc.currentVersion.mediaType).to.equal(MIME.docx);
    expect(doc.currentVersion.sha256).to.equal(sha(fs.readFileSync(FILES.docx)));
    expect(await h.backend.driveRequests()).to.deep.equal([
      { fileId: DOC.id, mimeType: MIME.docx, authorization: `Bearer ${d.gas.scriptApp.getOAuthToken()}` },
    ]);
  });

  it("… or as PDF when PDF is chosen; a Sheet goes as .xlsx with a PDF copy attached", async () => {
    const d = open();
    let s = d.change(d.change(d.click(d.openFile("DOCS", DOC, true), "Gem uden sag (flydende dokument)"), "documentTypeId", kinds().note), "format", "pdf");
    expect(field(s.card, "format").items).to.deep.include({ text: "PDF (.pdf)", value: "pdf", selected: true });
    d.click(s, SAVE);
    let doc = await savedDocument(d);
    expect([doc.currentVersion.filename, doc.currentVersion.mediaType]).to.deep.equal([`${DOC.title}.pdf`, MIME.pdf]);
    expect(doc.currentVersion.sha256).to.equal(sha(fs.readFileSync(FILES.pdf)));

    s = d.click(d.openFile("SHEETS", SHEET, true), "Gem uden sag (flydende dokument)");
    d.click(d.change(s, "documentTypeId", kinds().note), SAVE, { savePdf: ["true"] });
    doc = await savedDocument(d);
    expect(doc.currentVersion.filename).to.equal("Budget 2024.xlsx");
    expect(doc.currentVersion.sha256).to.equal(sha(fs.readFileSync(FILES.xlsx)));
    expect(doc.attachments.map((a) => [a.title, a.versions[0].sha256])).to.deep.equal([["Budget 2024.pdf", sha(fs.readFileSync(FILES.pdf))]]);
    expect((await h.backend.driveRequests()).map((r) => r.mimeType)).to.deep.equal([MIME.pdf, MIME.xlsx, MIME.pdf]);
  });

  it("a 40 MB message goes in 8 MB slices through the resumable upload, no UrlFetch call over 50 MB, byte for byte", async function () {
    this.timeout(120_000);
    const big = largeMessage("18c2a1f0c0ffee40", 40 * MB);
    const d = open({ messages: [big] });
    let s = d.click(d.openMail(big), "Gem uden sag (flydende dokument)");
    s = d.click(d.change(s, "documentTypeId", kinds().letter), SAVE, { attachments: [] });
    expect(s.card.name, textOf(s.card)).to.equal("done");
    const patches = d.gas.urlFetch.calls.filter((c) => c.method === "patch");
    expect(patches).to.have.length(Math.ceil(big.raw.length / (8 * MB)));
    expect(Math.max(...d.gas.urlFetch.calls.map((c) => c.payloadBytes))).to.equal(8 * MB);
    const doc = await savedDocument(d);
    expect(doc.currentVersion.size).to.equal(big.raw.length);
    expect(doc.currentVersion.sha256).to.equal(sha(big.raw));
    expect(d.gas.cache.largestValue()).to.be.below(CACHE_VALUE_LIMIT);
  });

  it("a slice lost on the way resumes from the offset the service confirms (HEAD sent as GET with X-HTTP-Method-Override)", async function () {
    this.timeout(120_000);
    const big = largeMessage("18c2a1f0c0ffee41", 20 * MB);
    const d = open({ messages: [big] });
    let s = d.click(d.openMail(big), "Gem uden sag (flydende dokument)");
    let patches = 0;
    d.gas.urlFetch.fetch.callsFake((url: string, params: { method?: string }) => {
      if (params?.method === "patch" && ++patches === 2) throw new Error("Address unavailable: " + url);
      return d.gas.urlFetch.realFetch(url, params);
    });
    s = d.click(d.change(s, "documentTypeId", kinds().letter), SAVE, { attachments: [] });
    expect(s.card.name, textOf(s.card)).to.equal("done");
    const asked = d.gas.urlFetch.calls.filter((c) => c.method === "get" && c.headers["X-HTTP-Method-Override"] === "HEAD");
    expect(asked).to.have.length(1);
    const doc = await savedDocument(d);
    expect(doc.currentVersion.sha256).to.equal(sha(big.raw));
  });

  it("UrlFetchApp here refuses a payload over 50 MB, as Apps Script does", () => {
    const d = open();
    expect(() => d.gas.urlFetch.realFetch(`${h.backend.serviceUrl}/api/uploads`, { method: "post", payload: "x".repeat(50 * MB + 1) })).to.throw(
      /Limit Exceeded: URLFetch POST Size/,
    );
  });

  it("signs in with the user's Google ID token from ScriptApp.getIdentityToken() when no development token is set", () => {
    // An account of the school's Google Workspace (hd): its verified address finds the user the first time. A consumer account's would not.
    const d = open({ properties: { IMS_API_TOKEN: "" }, identityToken: () => h.idToken("Alice@skole.dk", { hd: "skole.dk" }) });
    const s = d.openMail(danish);
    expect(s.card.name, textOf(s.card)).to.equal("case");
    expect(d.gas.scriptApp.getIdentityToken.called).to.equal(true);
    expect(d.gas.urlFetch.calls.every((c) => /^Bearer eyJ/.test(c.headers.Authorization))).to.equal(true);
  });

  describe("when something fails, a card says what in Danish, with Retry where trying again can help", () => {
    it("the service is down: Retry opens the mail once it answers again", () => {
      const d = open({ properties: { IMS_SERVICE_URL: "http://127.0.0.1:9/" } });
      let s = d.openMail(danish);
      expect(textOf(s.card)).to.contain("IMS Case svarer ikke lige nu. Prøv igen om lidt.");
      expect(buttonLabels(s.card)).to.deep.equal([RETRY]);
      d.gas.properties.setProperty("IMS_SERVICE_URL", `${h.backend.serviceUrl}/`);
      s = d.click(s, RETRY);
      expect(s.card.name).to.equal("case");
    });

    it("the service goes down while saving: retried after Utilities.sleep, then Retry saves it once it is back, once", async () => {
      const d = open();
      let s = toDetails(d, d.openMail(danish));
      d.gas.properties.setProperty("IMS_SERVICE_URL", "http://127.0.0.1:9/");
      s = d.click(s, SAVE, { title: "Gemt efter nedbrud" });
      expect(textOf(s.card)).to.contain("IMS Case svarer ikke lige nu");
      expect(buttonLabels(s.card)).to.deep.equal([RETRY, "Tilbage"]);
      expect(d.gas.utilities.sleep.args).to.deep.equal([[500], [1000]]);
      d.gas.properties.setProperty("IMS_SERVICE_URL", `${h.backend.serviceUrl}/`);
      s = d.click(s, RETRY);
      expect(s.card.name).to.equal("done");
      const inCase = await h.api<{ items: Array<{ title: string }> }>("GET", `/api/documents?caseId=${caseId}&limit=100`);
      expect(inCase.items.filter((x) => x.title === "Gemt efter nedbrud")).to.have.length(1);
    });

    it("the token is rejected (an expired Google ID token): a sign-in card with Retry", () => {
      const now = Math.floor(Date.now() / 1000);
      const d = open({ properties: { IMS_API_TOKEN: "" }, identityToken: () => h.idToken("alice@skole.dk", { iat: now - 7200, exp: now - 3600 }) });
      const s = d.openMail(danish);
      expect(textOf(s.card)).to.contain("IMS Case kunne ikke godkende dit Google-login");
      expect(buttonLabels(s.card)).to.deep.equal([RETRY]);
      expect(d.gas.urlFetch.calls.map((c) => c.status)).to.include(401);
      expect(d.gas.urlFetch.calls.map((c) => c.json).join("")).to.contain('"code":"invalid_token"');
    });

    it("an e-mail address that is no IMS Case user: a refusal card naming it, without Retry, offering Log ind instead", () => {
      const d = open({ properties: { IMS_API_TOKEN: "" }, identityToken: () => h.idToken("vikar@skole.dk"), email: "vikar@skole.dk" });
      const s = d.openMail(danish);
      expect((s.card.header as Json).title).to.equal("Ingen adgang til IMS Case");
      expect(textOf(s.card)).to.contain("vikar@skole.dk er ikke bruger i IMS Case. Bed en administrator om at oprette dig med denne e-mailadresse.");
      expect(textOf(s.card)).to.contain("Har du en bruger i IMS Case med en anden e-mailadresse?");
      expect(buttonLabels(s.card)).to.deep.equal(["Log ind"]);
      expect(d.gas.urlFetch.calls.map((c) => c.json).join("")).to.contain('"code":"unknown_user"');
    });

    it("Log ind: the web view's link page opens over Gmail; confirmed there, the reloaded add-on signs in as that person", async () => {
      const idToken = h.idToken("paw.privat@gmail.com", { sub: "g-paw-privat" });
      const d = open({ properties: { IMS_API_TOKEN: "" }, identityToken: () => idToken, email: "paw.privat@gmail.com" });
      let s = d.openMail(danish);
      expect(s.card.name).to.equal("sign-in");
      const response = d.run(s, buttonAction(s.card, "Log ind")) as Json;
      const link = response.openLink as { url: string; openAs: string; onClose: string };
      expect(link).to.deep.include({ openAs: "OVERLAY", onClose: "RELOAD" });
      expect(link.url.startsWith(`${h.backend.serviceUrl}/forbind/gmail?request=`), link.url).to.equal(true);
      // The ID token went in the body, never as a bearer the service would refuse.
      const asked = d.gas.urlFetch.calls.filter((c) => c.url.endsWith("/api/auth/google-links"));
      expect(asked.map((c) => [c.method, c.status, c.headers.Authorization])).to.deep.equal([["post", 201, undefined]]);

      // In the web view, alice (signed in there) sees which Google account it is and confirms.
      const token = new URL(link.url).searchParams.get("request")!;
      expect((await h.web<{ account: string }>("POST", "/api/auth/google-links/lookup", { token })).account).to.equal("paw.privat@gmail.com");
      await h.web("POST", "/api/auth/google-links/confirm", { token });

      // Gmail reloads the add-on when the page closes: the same ID token now signs in as alice.
      s = d.openMail(danish);
      expect(s.card.name, textOf(s.card)).to.equal("case");
      expect(textOf(s.card)).to.contain("Foreningen Glade Børn");
      const devices = (await h.web<{ devices: Array<{ client: string; account: string | null }> }>("GET", "/api/auth/sessions")).devices;
      expect(devices.filter((x) => x.account === "paw.privat@gmail.com").map((x) => x.client)).to.deep.equal(["gmail"]);
    });

    it("Log ind when the link request cannot be made: the card says why, with Retry", () => {
      const d = open({ properties: { IMS_API_TOKEN: "" }, identityToken: () => h.idToken("vikar2@skole.dk"), email: "vikar2@skole.dk" });
      const s = d.openMail(danish);
      d.gas.properties.setProperty("IMS_SERVICE_URL", "http://127.0.0.1:9/");
      const failed = cardOf(d.run(s, buttonAction(s.card, "Log ind")));
      expect(textOf(failed)).to.contain("IMS Case svarer ikke lige nu");
      expect(buttonLabels(failed)).to.deep.equal([RETRY]);
    });

    it("UrlFetchApp's quota is used up: a quota card, and Retry works once it is back", () => {
      const d = open();
      d.gas.urlFetch.fetch.throws(new Error("Service invoked too many times for one day: urlfetch."));
      let s = d.openMail(danish);
      expect(textOf(s.card)).to.contain("Google har midlertidigt sat en grænse");
      expect(buttonLabels(s.card)).to.deep.equal([RETRY]);
      d.gas.urlFetch.fetch.callsFake(d.gas.urlFetch.realFetch);
      s = d.click(s, RETRY);
      expect(s.card.name).to.equal("case");
    });

    it("'Bandwidth quota exceeded' while uploading is not retried in a loop; the card's Retry saves it", async () => {
      const d = open();
      let s = toDetails(d, d.openMail(danish));
      d.gas.urlFetch.fetch.callsFake((url: string, params: { method?: string }) => {
        if (params?.method === "patch")
          throw new Error("Bandwidth quota exceeded: https://ims.example.dk/api/uploads. Try reducing the rate of data transfer.");
        return d.gas.urlFetch.realFetch(url, params);
      });
      s = d.click(s, SAVE, { title: "Gemt efter kvote" });
      expect(textOf(s.card)).to.contain("(kvote)");
      expect(d.gas.utilities.sleep.called).to.equal(false);
      d.gas.urlFetch.fetch.callsFake(d.gas.urlFetch.realFetch);
      s = d.click(s, RETRY);
      expect(s.card.name).to.equal("done");
      expect((await savedDocument(d)).title).to.equal("Gemt efter kvote");
    });

    it("the case was closed meanwhile: the card says to reopen it, with IMS Case's own sentence as details", async () => {
      const closing = await h.api<{ id: string; number: string }>("POST", "/api/cases", {
        templateId: h.backend.world.templates.pupil,
        title: "Elevsag der lukkes",
        metadata: { elevnummer: "E-8" },
      });
      const d = open();
      let s = d.change(d.chooseCase(d.openMail(danish), closing.id), "documentTypeId", kinds().letter);
      await h.api("POST", `/api/cases/${closing.id}/close`, {});
      s = d.click(s, SAVE, { title: "Gemt i lukket sag" });
      expect(s.card.name).to.equal("problem");
      const text = textOf(s.card);
      expect(text).to.contain("Sagen er lukket. Genåbn den, før du gemmer i den eller ændrer den.");
      expect(text).to.contain(`Detaljer: Case ${closing.number} is closed; reopen it before filing documents in it.`);
      expect(text).to.not.contain("svarede med en fejl");
      expect(buttonLabels(s.card)).to.deep.equal([RETRY, "Tilbage"]);
    });

    it("the flow has left the cache: the card says so and starts again", () => {
      const d = open();
      const s = d.openMail(danish);
      d.gas.cache.store.clear();
      const gone = d.chooseCase(s, caseId);
      expect(textOf(gone.card)).to.contain("Denne visning er udløbet");
      expect(d.click(gone, "Start forfra").card.name).to.equal("case");
    });
  });

  it("speaks English to a user whose Google account is in English", () => {
    const d = open({ properties: { IMS_SERVICE_URL: "http://127.0.0.1:9/" } });
    expect(textOf(d.openMail(danish, "en-GB").card)).to.contain("IMS Case is not answering right now.");
    d.gas.properties.setProperty("IMS_SERVICE_URL", `${h.backend.serviceUrl}/`);
    const s = d.openMail(danish, "en-GB");
    expect(textOf(s.card)).to.contain("Find a case").and.contain("Case number or title");
    expect(buttonLabels(s.card)).to.include("Save without a case (floating document)").and.include("Search");
  });
});
