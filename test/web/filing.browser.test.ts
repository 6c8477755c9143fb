import { AxeBuilder } from "@axe-core/playwright";
import { expect } from "chai";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import request from "supertest";
import { launchChromium, REPO, screenshot } from "../support/browser.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { axeViolations, ensureWebBuilt, givePassword, openSignedIn, tabTo, watchCsp } from "../support/web.ts";
import { buildWorld, type World } from "../support/world.ts";

// Filing in the browser: files dropped (or chosen) onto the floating inbox, a case or a document go through
// the shared save flow and the resumable upload, and land on the service byte for byte.

const MiB = 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const fixture = (name: string) => fs.readFileSync(path.join(REPO, "test/fixtures/corpus", name));

interface DroppedFile {
  name: string;
  type: string;
  bytes: Buffer;
}

/** Bytes that differ from file to file (a repeated pattern would hide a slice sent twice or out of order). */
function content(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Drops files onto the element as the desktop does: a DataTransfer built in the page, dragenter → dragover → drop. */
async function dropFiles(page: Page, target: string, files: DroppedFile[]): Promise<void> {
  const transfer = await page.evaluateHandle(
    (list) => {
      const dt = new DataTransfer();
      for (const f of list) {
        const raw = atob(f.base64);
        const bytes = new Uint8Array(raw.length);
        for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
        dt.items.add(new File([bytes], f.name, { type: f.type }));
      }
      return dt;
    },
    files.map((f) => ({ name: f.name, type: f.type, base64: f.bytes.toString("base64") })),
  );
  for (const type of ["dragenter", "dragover", "drop"]) await page.dispatchEvent(target, type, { dataTransfer: transfer });
}

/**
 * axe on what the drop added to a page built by someone else (the document page): the page's own state is its
 * own test's to check; this checks that the explanation, the progress and the refusal add nothing.
 */
async function axeWithin(page: Page, selector: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).include(selector).analyze();
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

describe("filing in the browser: drops onto the floating inbox, a case and a document (Chromium)", function () {
  this.timeout(240_000);
  let svc: TestService;
  let w: World;
  let browser: Browser;
  let context: BrowserContext;
  let csp: string[];
  let caseId: string;
  let caseNumber: string;
  let otherCase: { id: string; number: string };

  const api = () => request(svc.url);
  const asAlice = <T extends request.Test>(r: T) => r.auth(w.tokens.alice, { type: "bearer" });
  const documentOf = async (id: string) => (await asAlice(api().get(`/api/documents/${id}`)).expect(200)).body;
  const floatingIds = async (): Promise<string[]> =>
    (await asAlice(api().get("/api/documents?floating=true&limit=100")).expect(200)).body.items.map((d: { id: string }) => d.id);

  before(async () => {
    ensureWebBuilt();
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    await givePassword(svc.ctx.db, w.users.alice);
    const c = await asAlice(api().post("/api/cases"))
      .send({ templateId: w.templates.pupil, title: "Kurt Jensen", metadata: { elevnummer: "E-7" } })
      .expect(201);
    caseId = c.body.id;
    caseNumber = c.body.number;
    const o = await asAlice(api().post("/api/cases"))
      .send({ templateId: w.templates.pupil, title: "Foreningen Glade Børn", metadata: { elevnummer: "E-9" } })
      .expect(201);
    otherCase = { id: o.body.id, number: o.body.number };
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await svc?.dispose();
  });

  beforeEach(async () => {
    csp = [];
    context = await browser.newContext({ locale: "da-DK", viewport: { width: 1200, height: 900 } });
  });
  afterEach(async () => {
    await context.close();
    expect(csp).to.deep.equal([]);
  });

  const open = async (url: string, options: { width?: number } = {}) => {
    if (options.width) {
      await context.close();
      context = await browser.newContext({ locale: "da-DK", viewport: { width: options.width, height: 900 }, isMobile: options.width < 600 });
    }
    return watchCsp(await openSignedIn(context, svc.url, "alice@skole.dk", url), csp);
  };
  const rows = (page: Page) => page.getByTestId("filing-row");
  const rowFor = (page: Page, name: string) => page.locator(`[data-testid="filing-row"][data-file="${name}"]`);
  const waitForPhase = (page: Page, name: string, phase: string) =>
    rowFor(page, name)
      .and(page.locator(`[data-phase="${phase}"]`))
      .waitFor();
  const documentIdOf = async (page: Page, name: string) => (await rowFor(page, name).getAttribute("data-document-id"))!;

  it("three files dropped at once onto the floating inbox become three floating documents, byte for byte", async () => {
    const page = await open("/flydende");
    await page.getByTestId("inbox-empty").waitFor();
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-filing-1-inbox-empty");

    const files: DroppedFile[] = [
      { name: "Indstillingsnotat.docx", type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", bytes: content(40_000, 1) },
      { name: "Budgetark.xls", type: "application/vnd.ms-excel", bytes: content(1_300_000, 2) },
      { name: "Forside - Styrelsen for It og Læring.pdf", type: "application/pdf", bytes: content(2_500, 3) },
    ];
    await dropFiles(page, '[data-testid="drop-to-case"]', files);
    await page.getByTestId("filing-batch").waitFor();
    expect(await rows(page).count()).to.equal(3);
    // Titles come from the file names through the shared naming; nothing is sent before the person says so.
    expect(await rowFor(page, "Budgetark.xls").getByRole("textbox").inputValue()).to.equal("Budgetark");
    expect(await floatingIds()).to.deep.equal([]);
    await page.getByTestId("filing-type").selectOption({ label: "Notat (Notat)" });
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-filing-2-three-files-ready");

    await page.getByTestId("filing-save").click();
    for (const f of files) await waitForPhase(page, f.name, "done");
    expect(await page.getByTestId("filing-summary").innerText()).to.equal("3 af 3 filer gemt");
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-filing-3-three-files-filed");

    for (const f of files) {
      const doc = await documentOf(await documentIdOf(page, f.name));
      expect(doc.caseId).to.equal(null);
      expect(doc.documentTypeId).to.equal(w.types.note);
      expect(doc.title).to.equal(f.name.replace(/\.[^.]+$/, ""));
      expect(doc.currentVersion.filename).to.equal(f.name);
      expect(doc.currentVersion.size).to.equal(f.bytes.length);
      expect(doc.currentVersion.sha256).to.equal(sha256(f.bytes));
      const download = await asAlice(api().get(`/api/documents/${doc.id}/content`))
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(sha256(download.body as Buffer)).to.equal(sha256(f.bytes));
    }
    // The inbox lists them now, and only them.
    for (const f of files)
      await page
        .getByTestId("inbox-list")
        .getByRole("link", { name: f.name.replace(/\.[^.]+$/, "") })
        .waitFor();
  });

  it("an .eml and a .msg chosen with the file input are filed as mail", async () => {
    const page = await open("/flydende");
    const eml = fixture("outlook2000-three-png-attachments.eml");
    const msg = fixture("outlook-sent.msg");
    await page.getByTestId("drop-to-case-input").setInputFiles([
      { name: "Ansøgning modtaget.eml", mimeType: "message/rfc822", buffer: eml },
      { name: "Sendt fra Outlook.msg", mimeType: "", buffer: msg },
    ]);
    await page.getByTestId("filing-batch").waitFor();
    expect(await rowFor(page, "Ansøgning modtaget.eml").getByText("Mail", { exact: true }).count()).to.equal(1);
    await page.getByTestId("filing-type").selectOption({ label: "Brev (Korrespondance)" });
    await page.getByTestId("filing-save").click();
    await waitForPhase(page, "Ansøgning modtaget.eml", "done");
    await waitForPhase(page, "Sendt fra Outlook.msg", "done");
    const mail = await documentOf(await documentIdOf(page, "Ansøgning modtaget.eml"));
    expect(mail.mail, "the .eml is a mail").to.not.equal(null);
    expect(mail.mail.messageId).to.match(/^<.+>$/);
    expect(mail.currentVersion.sha256).to.equal(sha256(eml));
    const outlook = await documentOf(await documentIdOf(page, "Sendt fra Outlook.msg"));
    expect(outlook.mail, "the .msg is a mail").to.not.equal(null);
    expect(outlook.currentVersion.sha256).to.equal(sha256(msg));
  });

  it("an upload cut off mid-way resumes from the offset the service confirms, not from zero", async () => {
    const page = await open("/flydende");
    const bytes = content(3 * MiB + 512 * 1024, 7);
    const patches: number[] = [];
    let heads = 0;
    let cut = false;
    // The slice at 2 MiB waits until the page has been looked at mid-upload.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route("**/api/uploads/*", async (route) => {
      const req = route.request();
      if (req.method() === "HEAD") heads++;
      if (req.method() === "PATCH") {
        const offset = Number(req.headers()["upload-offset"]);
        // The second slice never arrives: the connection drops under it.
        if (!cut && patches.length === 1) {
          cut = true;
          patches.push(-offset);
          return route.abort("connectionreset");
        }
        patches.push(offset);
        if (offset === 2 * MiB) await held;
      }
      return route.continue();
    });
    await page.getByTestId("drop-to-case-input").setInputFiles([{ name: "Projektafslutningsnotat.pdf", mimeType: "application/pdf", buffer: bytes }]);
    await page.getByTestId("filing-type").selectOption({ label: "Notat (Notat)" });
    await page.getByTestId("filing-save").click();
    const row = rowFor(page, "Projektafslutningsnotat.pdf");
    await row.getByText("Sender … 57 %").waitFor();
    expect(await row.getByRole("progressbar").getAttribute("aria-valuetext")).to.equal("57 %");
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-filing-14-uploading");
    release();
    await waitForPhase(page, "Projektafslutningsnotat.pdf", "done");

    // Slices of 1 MiB: 0, the cut one at 1 MiB, then 1 MiB again (after asking with HEAD), 2 MiB, 3 MiB.
    expect(patches).to.deep.equal([0, -MiB, MiB, 2 * MiB, 3 * MiB]);
    expect(heads).to.be.greaterThan(0);
    const sent = patches.filter((p) => p >= 0).reduce((n, offset) => n + Math.min(MiB, bytes.length - offset), 0);
    expect(sent, "bytes the service received").to.equal(bytes.length);
    expect(sent).to.be.lessThan(2 * bytes.length);
    const doc = await documentOf(await documentIdOf(page, "Projektafslutningsnotat.pdf"));
    expect(doc.currentVersion.sha256).to.equal(sha256(bytes));
  });

  it("a save the service refuses files nothing, and keeps the row with the problem and a retry that files it", async () => {
    const page = await open("/flydende");
    const before = await floatingIds();
    let refused = 0;
    await page.route("**/api/documents", async (route) => {
      if (route.request().method() !== "POST" || refused > 0) return route.continue();
      refused++;
      return route.fulfill({
        status: 422,
        contentType: "application/problem+json",
        body: JSON.stringify({ status: 422, code: "invalid_request", detail: "Refused for the test." }),
      });
    });
    const bytes = content(5_000, 11);
    await page.getByTestId("drop-to-case-input").setInputFiles([{ name: "Kontrol af budgetplan.txt", mimeType: "text/plain", buffer: bytes }]);
    await page.getByTestId("filing-type").selectOption({ label: "Notat (Notat)" });
    await page.getByTestId("filing-save").click();
    await waitForPhase(page, "Kontrol af budgetplan.txt", "failed");
    const row = rowFor(page, "Kontrol af budgetplan.txt");
    expect(await row.getByTestId("problem").innerText()).to.not.equal("");
    expect(await row.getByTestId("filing-status").innerText()).to.equal("Ikke gemt");
    expect(await floatingIds()).to.deep.equal(before);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-filing-4-save-refused");

    await row.getByRole("button", { name: "Prøv igen" }).click();
    await waitForPhase(page, "Kontrol af budgetplan.txt", "done");
    const doc = await documentOf(await documentIdOf(page, "Kontrol af budgetplan.txt"));
    expect(doc.currentVersion.sha256).to.equal(sha256(bytes));
    expect((await floatingIds()).filter((id) => !before.includes(id))).to.deep.equal([doc.id]);
  });

  it("a floating document is added in the inbox, then filed into a case from there, and leaves the inbox", async () => {
    const page = await open("/flydende");
    await page.getByTestId("drop-to-case-input").setInputFiles([{ name: "Optagelsesdokument.pdf", mimeType: "application/pdf", buffer: content(9_000, 5) }]);
    await page.getByTestId("filing-type").selectOption({ label: "Elevdokument (Elevdokument)" });
    await page.getByTestId("filing-save").click();
    await waitForPhase(page, "Optagelsesdokument.pdf", "done");
    const id = await documentIdOf(page, "Optagelsesdokument.pdf");
    const listed = page.locator(`[data-testid="inbox-list"] [data-document-id="${id}"]`);
    await listed.waitFor();

    await listed.getByRole("button", { name: "Journalisér Optagelsesdokument" }).click();
    const dialog = page.getByTestId("file-into-case");
    await dialog.waitFor();
    await page.getByTestId("file-into-case-search").pressSequentially("Glade");
    await page.getByRole("option", { name: `${otherCase.number} Foreningen Glade Børn` }).click();
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-filing-5-journalise-panel");
    await page.getByTestId("file-into-case-submit").click();
    await page.getByTestId("inbox-filed").waitFor();
    expect(await page.getByTestId("inbox-filed").innerText()).to.contain(`»Optagelsesdokument« er journaliseret i ${otherCase.number} Foreningen Glade Børn.`);
    await listed.waitFor({ state: "detached" });
    expect((await documentOf(id)).caseId).to.equal(otherCase.id);
    expect(await floatingIds()).to.not.include(id);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-filing-6-journalised");
  });

  it("journalising into a case whose template does not allow the document's type asks for one of the case's types", async () => {
    const d = await asAlice(api().post("/api/documents"))
      .field("metadata", JSON.stringify({ documentTypeId: w.types.minutes, title: "Referat fra bestyrelsesmøde" }))
      .attach("file", Buffer.from("referat"), { filename: "referat.txt", contentType: "text/plain" })
      .expect(201);
    const page = await open("/flydende");
    await page.locator(`[data-document-id="${d.body.id}"]`).getByRole("button", { name: "Journalisér Referat fra bestyrelsesmøde" }).click();
    await page.getByTestId("file-into-case-search").pressSequentially("Kurt");
    await page.getByRole("option", { name: `${caseNumber} Kurt Jensen` }).click();
    await page.getByTestId("file-into-case-type").selectOption({ label: "Notat" });
    expect(await page.getByTestId("file-into-case").innerText()).to.contain("Sagens skabelon tillader ikke dokumenttypen »Bestyrelsesreferat«");
    await page.getByTestId("file-into-case-submit").click();
    await page.getByTestId("inbox-filed").waitFor();
    const filed = await documentOf(d.body.id);
    expect([filed.caseId, filed.documentTypeId]).to.deep.equal([caseId, w.types.note]);
  });

  it("the keyboard journey: choose a file (Enter on Vælg filer), choose a type, save, and journalise it — no mouse", async () => {
    const page = await open("/flydende");
    // Listening from the start: Playwright intercepts the chooser only once it is told to, which takes a round trip.
    const chooser = page.waitForEvent("filechooser");
    await page.getByTestId("inbox").waitFor();
    await page.locator("body").focus();
    const choose = page.getByTestId("drop-to-case-choose");
    await tabTo(page, choose);
    await page.keyboard.press("Enter");
    await (await chooser).setFiles([{ name: "Evaluering af projektafslutning.txt", mimeType: "text/plain", buffer: content(3_000, 13) }]);
    await page.getByTestId("filing-batch").waitFor();
    await screenshot(page, "web-filing-7-keyboard-focus");

    const type = page.getByTestId("filing-type");
    await tabTo(page, type);
    // The native select moves through its options with the arrow keys: first the placeholder, then the types.
    while ((await type.inputValue()) !== w.types.note) await page.keyboard.press("ArrowDown");
    await tabTo(page, page.getByTestId("filing-save"));
    await page.keyboard.press("Space");
    await waitForPhase(page, "Evaluering af projektafslutning.txt", "done");
    const id = await documentIdOf(page, "Evaluering af projektafslutning.txt");

    const journalise = page.locator(`[data-testid="inbox-list"] [data-document-id="${id}"]`).getByRole("button");
    await journalise.waitFor();
    await tabTo(page, journalise, 80);
    await page.keyboard.press("Enter");
    const search = page.getByTestId("file-into-case-search");
    await search.waitFor();
    expect(await search.evaluate((el) => el === document.activeElement), "the case search has the focus").to.equal(true);
    await page.keyboard.type("Kurt");
    await page.getByRole("option", { name: `${caseNumber} Kurt Jensen` }).waitFor();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    expect(await search.inputValue()).to.equal(`${caseNumber} Kurt Jensen`);
    await tabTo(page, page.getByTestId("file-into-case-submit"));
    await page.keyboard.press("Enter");
    await page.getByTestId("inbox-filed").waitFor();
    expect((await documentOf(id)).caseId).to.equal(caseId);
  });

  it("on a phone (375 px) the inbox, a batch and the journalise panel fit without scrolling sideways", async () => {
    const page = await open("/flydende", { width: 375 });
    await page.getByTestId("inbox").waitFor();
    await page.getByTestId("drop-to-case-input").setInputFiles([
      {
        name: "Godkendelse af afrapportering - milepælsplan med et meget langt filnavn.docx",
        mimeType: "application/octet-stream",
        buffer: content(2_000, 17),
      },
    ]);
    await page.getByTestId("filing-batch").waitFor();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(await overflow()).to.be.at.most(0);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-filing-8-phone-batch");
    await page.getByTestId("filing-type").selectOption({ label: "Notat (Notat)" });
    await page.getByTestId("filing-save").click();
    await page.locator('[data-testid="filing-row"][data-phase="done"]').waitFor();
    await page.getByTestId("inbox-list").waitFor();
    expect(await overflow()).to.be.at.most(0);
    await page.getByTestId("inbox-list").getByRole("button").first().click();
    await page.getByTestId("file-into-case").waitFor();
    expect(await overflow()).to.be.at.most(0);
    await screenshot(page, "web-filing-9-phone-journalise");
  });

  it("on a tablet (768 px) a batch fits without scrolling sideways; in English the inbox speaks English", async () => {
    const page = await open("/flydende", { width: 768 });
    await page.getByTestId("inbox").waitFor();
    await page.getByTestId("drop-to-case-input").setInputFiles([
      { name: "Husk optagelse - Tjek dokumenter fra Optagelse.dk.pdf", mimeType: "application/pdf", buffer: content(2_000, 19) },
      { name: "Elev 3.eml", mimeType: "message/rfc822", buffer: fixture("raw-8bit-latin1-subject.eml") },
    ]);
    await page.getByTestId("filing-batch").waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).to.be.at.most(0);
    expect(await axeViolations(page)).to.deep.equal([]);
    await screenshot(page, "web-filing-15-tablet-batch");

    await page.evaluate(() => localStorage.setItem("imsCase.language", "en"));
    await page.reload();
    await page.getByRole("heading", { name: "Floating documents" }).waitFor();
    await page.getByRole("button", { name: "Choose files" }).waitFor();
    expect(await page.getByTestId("drop-to-case").innerText()).to.contain("… or drag files here to save them as floating documents.");
    expect(await axeViolations(page)).to.deep.equal([]);
  });

  describe("onto a case page", () => {
    it("three files dropped onto the case are filed in it, with the case template's document types only", async () => {
      const page = await open(`/sager/${caseNumber}`);
      await page.getByTestId("drop-to-case").waitFor();
      const files: DroppedFile[] = [
        { name: "Budget kontrol - juni 2019.docx", type: "application/octet-stream", bytes: content(20_000, 21) },
        { name: "Indstillingsnotat.docx", type: "application/octet-stream", bytes: content(30_000, 22) },
        { name: "Udarbejdelse af indstillingsnotat.txt", type: "text/plain", bytes: content(400, 23) },
      ];
      await dropFiles(page, '[data-testid="drop-to-case"]', files);
      await page.getByTestId("filing-batch").waitFor();
      const offered = await page.getByTestId("filing-type").locator("option").allInnerTexts();
      expect(offered).to.have.members(["Vælg en dokumenttype", "Elevdokument (Elevdokument)", "Brev (Korrespondance)", "Notat (Notat)"]);
      await page.getByTestId("filing-type").selectOption({ label: "Elevdokument (Elevdokument)" });
      await page.getByTestId("filing-save").click();
      for (const f of files) await waitForPhase(page, f.name, "done");
      for (const f of files) {
        const doc = await documentOf(await documentIdOf(page, f.name));
        expect([doc.caseId, doc.documentTypeId, doc.currentVersion.sha256]).to.deep.equal([caseId, w.types.pupil, sha256(f.bytes)]);
      }
      expect(await axeViolations(page)).to.deep.equal([]);
      await screenshot(page, "web-filing-10-case-three-files");
    });

    it("a mail filed in the case already is explained, and filed again only when the person chooses to", async () => {
      const eml = fixture("outlook2000-mixed-related-alternative-inline-images.eml");
      await asAlice(api().post("/api/documents"))
        .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, caseId, title: "Mailen" }))
        .attach("file", eml, { filename: "mailen.eml", contentType: "message/rfc822" })
        .expect(201);
      const page = await open(`/sager/${caseNumber}`);
      await dropFiles(page, '[data-testid="drop-to-case"]', [{ name: "Mailen igen.eml", type: "message/rfc822", bytes: eml }]);
      await page.getByTestId("filing-type").selectOption({ label: "Brev (Korrespondance)" });
      await page.getByTestId("filing-save").click();
      await waitForPhase(page, "Mailen igen.eml", "duplicate");
      const row = rowFor(page, "Mailen igen.eml");
      expect(await row.getByTestId("filing-duplicate").innerText()).to.contain("Mailen er allerede gemt i denne sag som »Mailen«");
      expect(await row.getByRole("link", { name: "Åbn den gemte mail" }).count()).to.equal(1);
      expect(await axeViolations(page)).to.deep.equal([]);
      await screenshot(page, "web-filing-11-mail-already-filed");
      const inCase = async () => (await asAlice(api().get(`/api/documents?caseId=${caseId}&limit=100`)).expect(200)).body.items.length;
      const count = await inCase();
      await row.getByRole("button", { name: "Gem alligevel" }).click();
      await waitForPhase(page, "Mailen igen.eml", "done");
      expect(await inCase()).to.equal(count + 1);
    });
  });

  describe("onto a document page", () => {
    let documentId: string;
    const original = content(6_000, 31);

    beforeEach(async () => {
      const d = await asAlice(api().post("/api/documents"))
        .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, caseId, title: "Indstillingsnotat" }))
        .attach("file", original, { filename: "Indstillingsnotat.docx", contentType: "application/octet-stream" })
        .expect(201);
      documentId = d.body.id;
    });

    it("a file dropped onto the document becomes its new version", async () => {
      const page = await open(`/dokumenter/${documentId}`);
      await page.getByTestId("drop-new-version").waitFor();
      const next = content(1_500_000, 32);
      await dropFiles(page, '[data-testid="drop-new-version"]', [{ name: "Indstillingsnotat v2.docx", type: "application/octet-stream", bytes: next }]);
      await page.locator('[data-testid="new-version-status"][data-outcome="done"]').waitFor();
      expect(await page.getByTestId("new-version-status").innerText()).to.contain("er gemt som version 1.1");
      const doc = await documentOf(documentId);
      expect(doc.versions.map((v: { version: string }) => v.version)).to.deep.equal(["1.0", "1.1"]);
      expect(doc.currentVersion.sha256).to.equal(sha256(next));
      expect(await axeWithin(page, '[data-testid="new-version-status"]')).to.deep.equal([]);
      await screenshot(page, "web-filing-12-new-version");
    });

    it("a new version onto a document someone changed meanwhile says who and when, and saves nothing", async () => {
      const page = await open(`/dokumenter/${documentId}`);
      await page.getByTestId("drop-new-version").waitFor();
      // A colleague in the same access group adds a version after the page loaded.
      const etag = (await asAlice(api().get(`/api/documents/${documentId}`)).expect(200)).headers.etag;
      await api()
        .post(`/api/documents/${documentId}/versions`)
        .auth(w.tokens.carl, { type: "bearer" })
        .set("If-Match", etag)
        .attach("file", Buffer.from("fra et andet program"), { filename: "Indstillingsnotat.docx", contentType: "application/octet-stream" })
        .expect(201);
      const changed = await documentOf(documentId);
      await dropFiles(page, '[data-testid="drop-new-version"]', [
        { name: "Indstillingsnotat.docx", type: "application/octet-stream", bytes: content(800, 33) },
      ]);
      await page.getByTestId("new-version-stale").waitFor();
      const at = new Date(changed.changedAt);
      const time = `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
      expect(await page.getByTestId("new-version-stale").innerText()).to.contain(`Dokumentet er ændret af Carl Kollega kl. ${time} — genindlæs`);
      expect((await documentOf(documentId)).versions.length).to.equal(2);
      expect(await axeWithin(page, '[data-testid="new-version-status"]')).to.deep.equal([]);
      await screenshot(page, "web-filing-13-new-version-stale");
    });

    it("several files dropped onto a document are refused with the reason: only one can be a new version", async () => {
      const page = await open(`/dokumenter/${documentId}`);
      await page.getByTestId("drop-new-version").waitFor();
      await dropFiles(page, '[data-testid="drop-new-version"]', [
        { name: "a.docx", type: "application/octet-stream", bytes: content(100, 41) },
        { name: "b.docx", type: "application/octet-stream", bytes: content(100, 42) },
      ]);
      await page.locator('[data-testid="new-version-status"][data-outcome="tooMany"]').waitFor();
      expect(await page.getByTestId("new-version-status").innerText()).to.contain("Kun én fil kan blive en ny version af dokumentet, og du valgte 2.");
      expect((await documentOf(documentId)).versions.length).to.equal(1);
      expect(await axeWithin(page, '[data-testid="new-version-status"]')).to.deep.equal([]);
    });
  });
});
