import { expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import { documentAdapter, fileCapabilities } from "../../addins/src/hosts/document.ts";
import { HostError } from "../../addins/src/hosts/adapter.ts";
import { FILED_CATEGORY, outlookAdapter } from "../../addins/src/hosts/outlook.ts";
import { adapterFor } from "../../addins/src/hosts/select.ts";
import { localSettingsStore } from "../../addins/src/hosts/settings.ts";
import { officeWebView } from "../../addins/src/hosts/web-view.ts";
import { pkcePair, webViewLink } from "../../addins/src/taskpane/sign-in.ts";
import { installFakeOffice, type FakeDialogControl, type FakeMail } from "../support/fake-office.ts";
import { corpus } from "../support/fixtures.ts";
import { isServiceImport, type ContentSource, type PartSource } from "../../shared/api/resumable.ts";

/** The bytes the host hands over itself (not a fetch the service makes from Graph). */
function bytes(source: PartSource): ContentSource {
  if (isServiceImport(source)) expect.fail(`expected the host's own bytes, got a fetch by the service of ${source.filename}`);
  return source;
}

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const g = globalThis as unknown as Record<string, unknown>;

async function readAll(source: { size: number; read(o: number, l: number): Promise<Uint8Array> }, chunk: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for (let o = 0; o < source.size; o += chunk) parts.push(await source.read(o, Math.min(chunk, source.size - o)));
  return Buffer.concat(parts);
}

const eml = corpus("outlook2000-three-png-attachments.eml");
const mail = (): FakeMail => ({
  itemId: "AAMkAD-item-1",
  subject: "Budget kontrol / juni 2019?",
  from: { displayName: "Doug", emailAddress: "doug@example.com" },
  to: [{ displayName: "Skolen", emailAddress: "skole@example.dk" }],
  cc: [],
  dateTimeCreated: "2019-06-30T10:00:00Z",
  internetMessageId: "<NDBBIAKOPKHFGPLCODIGGEKECHAA.doug@example.com>",
  conversationId: "AAQkAD-conv",
  emlBase64: eml.toString("base64"),
  headers: "Message-ID: <x@y>\r\nIn-Reply-To: <parent@y>\r\nReferences: <root@y>\r\n <parent@y>\r\nSubject: x\r\n",
  attachments: [
    { id: "a1", name: "image001.png", contentType: "image/png", isInline: true, attachmentType: "file", content: randomBytes(300).toString("base64") },
    {
      id: "a2",
      name: "Budgetark.xlsx",
      contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      isInline: false,
      attachmentType: "file",
      content: corpus("spreadsheet-basic.xlsx").toString("base64"),
    },
    { id: "a3", name: "Videresendt", contentType: "message/rfc822", isInline: false, attachmentType: "item", content: "Subject: inner\r\n\r\nhej\r\n" },
    { id: "a4", name: "Stor fil i skyen", contentType: "application/pdf", isInline: false, attachmentType: "cloud", content: "https://example.invalid/x" },
  ],
});

describe("the Outlook adapter", () => {
  afterEach(() => delete g.Office);

  it("captures subject, parties, Message-ID, thread headers and attachments (cloud ones left out)", async () => {
    installFakeOffice(g, { host: "Outlook", requirementSets: { Mailbox: "1.14" }, mail: mail() });
    const c = await outlookAdapter().capture();
    expect(c.kind).to.equal("mail");
    expect(c.title).to.equal("Budget kontrol / juni 2019?");
    expect(c.filename).to.equal("Budget kontrol _ juni 2019_.eml");
    expect(c.mail).to.deep.include({
      from: "doug@example.com",
      messageId: "<NDBBIAKOPKHFGPLCODIGGEKECHAA.doug@example.com>",
      inReplyTo: "<parent@y>",
      conversationId: "AAQkAD-conv",
    });
    expect(c.mail!.references).to.deep.equal(["<root@y>", "<parent@y>"]);
    expect(c.attachments.map((a) => [a.filename, a.inline])).to.deep.equal([
      ["image001.png", true],
      ["Budgetark.xlsx", false],
      ["Videresendt.eml", false],
    ]);
  });

  it("hands over the message as .eml and attachments byte for byte", async () => {
    const m = mail();
    installFakeOffice(g, { host: "Outlook", requirementSets: { Mailbox: "1.14" }, mail: m });
    const adapter = outlookAdapter();
    const c = await adapter.capture();
    const sources = adapter.sources(c);
    const main = bytes(await sources.main());
    expect(sha(await readAll(main, 1000))).to.equal(sha(eml));
    const xlsx = bytes(await sources.attachment("a2"));
    expect(sha(await readAll(xlsx, 4096))).to.equal(sha(Buffer.from(m.attachments[1].content, "base64")));
    const item = bytes(await sources.attachment("a3"));
    expect(item.mediaType).to.equal("message/rfc822");
    expect(Buffer.from(await item.read(0, item.size)).toString()).to.equal("Subject: inner\r\n\r\nhej\r\n");
  });

  it("says so when Mailbox 1.14 is missing, instead of failing silently", async () => {
    installFakeOffice(g, { host: "Outlook", requirementSets: { Mailbox: "1.8" }, mail: mail() });
    const adapter = outlookAdapter();
    expect(adapter.notices()).to.deep.equal([{ key: "error.requirementMailbox" }]);
    const c = await adapter.capture();
    try {
      await adapter.sources(c).main();
      expect.fail("expected a HostError");
    } catch (err) {
      expect(err).to.be.instanceOf(HostError);
      expect((err as HostError).userMessage.key).to.equal("error.requirementMailbox");
    }
  });

  it("without Mailbox 1.14 but signed in with Microsoft, the service fetches the message from Graph by its REST id, and no limit is shown", async () => {
    const m = { ...mail(), itemId: "AAMkAD/item+1=" };
    const microsoft = { serviceUrl: "https://imscase.skole.dk", token: "eyJ.entra.token", method: "microsoft" };
    const log = installFakeOffice(g, {
      host: "Outlook",
      requirementSets: { Mailbox: "1.8" },
      mail: m,
      stored: { roaming: { "imsCase.connection": microsoft } },
    });
    const adapter = outlookAdapter();
    expect(adapter.notices("microsoft")).to.deep.equal([]);
    expect(adapter.notices("token")).to.deep.equal([{ key: "error.requirementMailbox" }]);
    const c = await adapter.capture();
    const main = await adapter.sources(c).main();
    if (!isServiceImport(main)) return expect.fail("expected a fetch by the service");
    expect(main).to.include({ filename: c.filename, mediaType: "message/rfc822" });
    expect(log.calls.find((x) => x.name === "convertToRestId")?.args).to.deep.equal(["AAMkAD/item+1=", "v2.0"]);
    expect(log.calls.some((x) => x.name === "getAsFileAsync")).to.equal(false);
    // What the pane then asks the service for, with the save's key.
    const asked: unknown[] = [];
    const client = { importFromGraph: async (input: unknown, key?: string) => (asked.push([input, key]), { uploadId: "u-1", size: 7, filename: c.filename }) };
    expect(await main.importInto(client as never, "save-1/import/0")).to.include({ uploadId: "u-1" });
    expect(asked).to.deep.equal([
      [{ source: { kind: "message", id: "AAMkAD-item_1=" }, filename: c.filename, mediaType: "message/rfc822" }, "save-1/import/0"],
    ]);
  });

  it("marks a saved mail with the category and the document id, and recognises it when opened again", async () => {
    const log = installFakeOffice(g, { host: "Outlook", requirementSets: { Mailbox: "1.14" }, mail: mail() });
    const adapter = outlookAdapter();
    expect(await adapter.filedMark()).to.equal(null);
    await adapter.markFiled({ document: { id: "doc-1", etag: '"v1"' } as never, separate: [], caseLabel: "20200108-1459092 Kurt Jensen" });
    expect(log.categories).to.deep.equal([FILED_CATEGORY]);
    expect(log.masterCategories.map((c) => c.displayName)).to.deep.equal([FILED_CATEGORY]);
    expect(await adapter.filedMark()).to.deep.equal({ documentId: "doc-1", etag: '"v1"', caseLabel: "20200108-1459092 Kurt Jensen" });
  });

  it("turns an Office error into a readable message", async () => {
    installFakeOffice(g, {
      host: "Outlook",
      requirementSets: { Mailbox: "1.14" },
      mail: mail(),
      fail: { getAsFileAsync: { code: 9020, message: "Der opstod en intern fejl." } },
    });
    const adapter = outlookAdapter();
    const err = await adapter
      .sources(await adapter.capture())
      .main()
      .catch((e) => e);
    expect(err).to.be.instanceOf(HostError);
    expect(err.userMessage).to.deep.equal({ key: "error.office", params: { detail: "Der opstod en intern fejl. (9020)" } });
  });
});

describe("the Word, Excel and PowerPoint adapter", () => {
  afterEach(() => delete g.Office);
  const tenMb = randomBytes(10 * 1024 * 1024);

  it("a 10 MB file arrives in three slices and is reassembled byte-identical; the file is closed", async () => {
    const log = installFakeOffice(g, {
      host: "Word",
      document: { url: "C:\\Users\\anne\\Documents\\Indstillingsnotat.docx", fileBase64: tenMb.toString("base64") },
    });
    const adapter = documentAdapter("word");
    const c = await adapter.capture();
    expect(c.filename).to.equal("Indstillingsnotat.docx");
    expect(c.title).to.equal("Indstillingsnotat");
    const source = bytes(await adapter.sources(c).main());
    expect(source.size).to.equal(tenMb.length);
    // Read as the resumable upload does, in pieces that do not line up with Office's slices.
    const got = await readAll(source, 3 * 1024 * 1024 + 17);
    await source.close!();
    expect(sha(got)).to.equal(sha(tenMb));
    const slices = log.calls.filter((x) => x.name === "getSliceAsync").map((x) => x.args[0]);
    expect(new Set(slices)).to.deep.equal(new Set([0, 1, 2]));
    expect(log.calls.filter((x) => x.name === "closeAsync")).to.have.length(1);
    expect(log.openFiles).to.equal(0);
  });

  it("reads an earlier slice again when an upload resumes from an earlier offset", async () => {
    installFakeOffice(g, { host: "PowerPoint", document: { url: "https://x/Præsentation.pptx", fileBase64: tenMb.toString("base64") } });
    const adapter = documentAdapter("powerpoint");
    const source = bytes(await adapter.sources(await adapter.capture()).main());
    const late = await source.read(9 * 1024 * 1024, 1024);
    const early = await source.read(100, 1024);
    await source.close!();
    expect(Buffer.from(late).equals(tenMb.subarray(9 * 1024 * 1024, 9 * 1024 * 1024 + 1024))).to.equal(true);
    expect(Buffer.from(early).equals(tenMb.subarray(100, 1124))).to.equal(true);
  });

  it("closes the file also when a slice fails, and says what Office reported", async () => {
    const log = installFakeOffice(g, {
      host: "Word",
      document: { url: "a.docx", fileBase64: tenMb.toString("base64") },
      fail: { getSliceAsync: { code: 5001, message: "Internal error" } },
    });
    const adapter = documentAdapter("word");
    const c = await adapter.capture();
    const source = bytes(await adapter.sources(c).main());
    const err = await source.read(0, 1024).catch((e) => e);
    await source.close!();
    expect(err).to.be.instanceOf(HostError);
    expect(err.userMessage.params.detail).to.contain("Internal error");
    expect(log.openFiles).to.equal(0);
  });

  it("Excel on the web offers the PDF copy and says why", async () => {
    const pdf = Buffer.from("%PDF-1.4\n%fake\n");
    installFakeOffice(g, {
      host: "Excel",
      platform: "OfficeOnline",
      document: { url: "https://x/Budgetark.xlsx", fileBase64: "", pdfBase64: pdf.toString("base64") },
    });
    expect(fileCapabilities("excel", "OfficeOnline" as never)).to.deep.equal({ file: false, pdf: true });
    const adapter = documentAdapter("excel");
    expect(adapter.notices()).to.deep.equal([{ key: "error.excelWebPdfOnly" }]);
    const c = await adapter.capture();
    expect(c.filename).to.equal("Budgetark.pdf");
    expect(c.mediaType).to.equal("application/pdf");
    const source = bytes(await adapter.sources(c).main());
    expect(Buffer.from(await source.read(0, source.size)).equals(pdf)).to.equal(true);
    await source.close!();
  });

  it("Excel on the web signed in with Microsoft saves the workbook itself: the service fetches it from Graph by its address, the PDF still on offer", async () => {
    const url = "https://skole.sharepoint.com/sites/kontor/Delte dokumenter/Budgetark.xlsx";
    installFakeOffice(g, {
      host: "Excel",
      platform: "OfficeOnline",
      document: { url, fileBase64: "", pdfBase64: Buffer.from("%PDF-1.4\n").toString("base64") },
    });
    const store = new Map([["imsCase.connection", JSON.stringify({ serviceUrl: "https://imscase.skole.dk", token: "eyJ.entra", method: "microsoft" })]]);
    g.localStorage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    try {
      const adapter = documentAdapter("excel");
      expect(adapter.notices("microsoft")).to.deep.equal([]);
      expect(adapter.notices("device")).to.deep.equal([{ key: "error.excelWebPdfOnly" }]);
      const c = await adapter.capture();
      expect(c).to.include({ filename: "Budgetark.xlsx", mediaType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", pdfAvailable: true });
      const sources = adapter.sources(c);
      const main = await sources.main();
      if (!isServiceImport(main)) return expect.fail("expected a fetch by the service");
      const asked: unknown[] = [];
      await main.importInto({ importFromGraph: async (input: unknown) => (asked.push(input), { uploadId: "u", size: 1, filename: "" }) } as never, "k");
      expect(asked).to.deep.equal([{ source: { kind: "share", url }, filename: "Budgetark.xlsx", mediaType: c.mediaType }]);
      expect(sources.pdf).to.be.a("function");

      // Signed in otherwise, the PDF is what can be saved.
      store.set("imsCase.connection", JSON.stringify({ serviceUrl: "https://imscase.skole.dk", token: "ims_x", method: "token" }));
      expect(await adapter.capture()).to.include({ filename: "Budgetark.pdf", mediaType: "application/pdf" });
    } finally {
      delete g.localStorage;
    }
  });

  it("remembers the document id and ETag in the file and offers a new version next time", async () => {
    const log = installFakeOffice(g, { host: "Word", document: { url: "Budget.docx", fileBase64: Buffer.from("x").toString("base64") } });
    const adapter = documentAdapter("word");
    expect((await adapter.capture()).existingDocumentId).to.equal(undefined);
    await adapter.markFiled({ document: { id: "doc-9", etag: '"v9"' } as never, separate: [], caseLabel: null });
    expect(log.calls.some((x) => x.name === "settings.saveAsync")).to.equal(true);
    const again = await adapter.capture();
    expect(again).to.deep.include({ existingDocumentId: "doc-9", existingEtag: '"v9"' });
  });

  it("picks the adapter from Office's host and none outside Office", () => {
    installFakeOffice(g, { host: "Excel", document: { url: "a.xlsx", fileBase64: "" } });
    expect(adapterFor({ host: "Excel" as never })?.host).to.equal("excel");
    expect(adapterFor({ host: null })).to.equal(null);
  });

  it("keeps the connection settings where the host lets it", async () => {
    const store = new Map<string, string>();
    const settings = localSettingsStore(() => ({ getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) }));
    expect(await settings.load()).to.equal(null);
    await settings.save({ serviceUrl: "https://imscase.kommune.dk", token: "ims_x" });
    expect(await settings.load()).to.deep.equal({ serviceUrl: "https://imscase.kommune.dk", token: "ims_x" });
    expect([...store.keys()]).to.deep.equal(["imsCase.connection"]);
  });

  it("keeps them under Office's partition key where Office on the web partitions storage", async () => {
    installFakeOffice(g, { host: "Word", partitionKey: "https://contoso.sharepoint.com/", document: { url: "a.docx", fileBase64: "" } });
    const store = new Map<string, string>();
    const settings = localSettingsStore(() => ({ getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) }));
    await settings.save({ serviceUrl: "https://imscase.kommune.dk", token: "ims_y" });
    expect([...store.keys()]).to.deep.equal(["https://contoso.sharepoint.com/imsCase.connection"]);
    expect(await settings.load()).to.deep.equal({ serviceUrl: "https://imscase.kommune.dk", token: "ims_y" });
  });

  it("keeps the web view's sign-in with the token: which session it is and whose", async () => {
    const store = new Map<string, string>();
    const settings = localSettingsStore(() => ({ getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) }));
    const signedIn = { serviceUrl: "https://imscase.kommune.dk", token: "imsd_x", deviceId: "d-1", signedInAs: "Alice Sagsbehandler" };
    await settings.save(signedIn);
    expect(await settings.load()).to.deep.equal(signedIn);
  });
});

describe("the web view seen from the pane (Office's dialog and browser window)", () => {
  afterEach(() => {
    delete g.Office;
    delete g.__officeDialog;
  });
  const dialog = () => g.__officeDialog as FakeDialogControl;
  // The fake answers displayDialogAsync on a zero timer; one set after it runs after it.
  const dialogOpened = () => new Promise((resolve) => setTimeout(resolve, 0));

  it("Office's dialog answers with the first message from the service's own origin; a message from elsewhere is ignored", async () => {
    const log = installFakeOffice(g, { host: "Word", document: { url: "a.docx", fileBase64: "" } });
    const answer = officeWebView().ask("https://imscase.kommune.dk/forbind/word?challenge=c", "https://imscase.kommune.dk");
    await dialogOpened();
    expect(log.dialogs.map((d) => d.url)).to.deep.equal(["https://imscase.kommune.dk/forbind/word?challenge=c"]);
    dialog().message('{"type":"ims-case-device-code","code":"evil"}', "https://evil.example");
    dialog().message('{"type":"ims-case-device-code","code":"good"}', "https://imscase.kommune.dk");
    expect(await answer).to.equal('{"type":"ims-case-device-code","code":"good"}');
    expect(log.dialogs[0].closed).to.equal(true);
  });

  it("closed by the person, the dialog answers nothing; one Office refuses to open is a readable failure", async () => {
    installFakeOffice(g, { host: "Outlook", mail: mail() });
    const answer = officeWebView().ask("https://imscase.kommune.dk/forbind/outlook?challenge=c", "https://imscase.kommune.dk");
    await dialogOpened();
    dialog().closeByUser();
    expect(await answer).to.equal(null);

    installFakeOffice(g, { host: "Outlook", mail: mail(), fail: { displayDialogAsync: { code: 12007, message: "Der er allerede åbnet en dialogboks." } } });
    const refused = await officeWebView()
      .ask("https://imscase.kommune.dk/forbind/outlook", "https://imscase.kommune.dk")
      .catch((err: unknown) => err);
    expect(refused).to.be.instanceOf(HostError);
    expect((refused as HostError).userMessage.params?.detail).to.equal("Der er allerede åbnet en dialogboks. (12007)");
  });

  it("pages of the web view open in Office's browser window where it has one", () => {
    const log = installFakeOffice(g, { host: "Outlook", mail: mail(), requirementSets: { OpenBrowserWindowApi: "1.1" } });
    officeWebView().openInBrowser("https://imscase.kommune.dk/sager/20200108-1459092");
    expect(log.browserWindows).to.deep.equal(["https://imscase.kommune.dk/sager/20200108-1459092"]);
  });

  it("links the case by its number, and the document where there is no case; the PKCE challenge is the verifier's S256", async () => {
    expect(webViewLink("https://imscase.kommune.dk/", { caseNumber: "20200108-1459092", documentId: "d" }).href).to.equal(
      "https://imscase.kommune.dk/sager/20200108-1459092",
    );
    expect(webViewLink("https://imscase.kommune.dk", { caseNumber: null, documentId: "d 1" })).to.deep.equal({
      href: "https://imscase.kommune.dk/dokumenter/d%201",
      kind: "document",
    });
    const { verifier, challenge } = await pkcePair();
    expect(verifier).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).to.equal(createHash("sha256").update(verifier).digest("base64url"));
  });
});
