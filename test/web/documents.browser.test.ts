import { AxeBuilder } from "@axe-core/playwright";
import { expect } from "chai";
import type { Browser, BrowserContext, Page } from "playwright-core";
import request from "supertest";
import type { DocumentDetails } from "../../shared/index.ts";
import { createUser } from "../../service/features/users/users.service.ts";
import { formatMoment } from "../../web/src/format.ts";
import { launchChromium, screenshot } from "../support/browser.ts";
import { corpus } from "../support/fixtures.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { DANISH_MOMENT, ensureWebBuilt, givePassword, openSignedIn, PASSWORD, watchCsp } from "../support/web.ts";
import { buildWorld, type World } from "../support/world.ts";

// The document page of the web view in Chromium against the real service: every section for each kind of
// file, the writes it offers (with a colleague's change in between), and hostile content kept inert.

const GMAIL = "da-gmail-inline-image-and-attached-odt.eml";
const GMAIL_ID = "<CAP6xULFuEzdY+Mj5WY5nt=9TfRuaWroy6-4LWmhpp9G2+vfzLw@mail.gmail.com>";
const RLO = "\u202e";
const DAY = /^\d{2}\. \p{L}{3}\.? \d{4}$/u;

/** A reply to the Gmail sample, as a mail client would write it: the thread's second mail. */
const REPLY = Buffer.from(
  [
    "MIME-Version: 1.0",
    "Date: Tue, 12 Oct 2021 08:00:00 +0200",
    "Message-ID: <reply-1@skole.example>",
    `In-Reply-To: ${GMAIL_ID}`,
    `References: ${GMAIL_ID}`,
    "Subject: =?UTF-8?Q?SV:_Mail_med_inline_billede_og_vedh=C3=A6ftet_fil?=",
    "From: Skolekontoret <kontor@skole.example>",
    "To: =?UTF-8?Q?Paw_M=C3=B8ller?= <pawsen@gmail.com>",
    "Content-Type: text/plain; charset=UTF-8",
    "",
    "Tak, vi har modtaget det.",
    "",
  ].join("\r\n"),
);

/** Everything a hostile sender can put in a mail's body; each would set a flag or call a remote host if it ran or loaded. */
const HOSTILE_HTML = [
  "<html><head><style>body{background:url(https://tracker.example/style-bg.png)}</style>",
  '<link rel="stylesheet" href="https://tracker.example/style.css"><meta http-equiv="refresh" content="0;url=https://evil.example/"></head><body>',
  "<script>window.__pwned = 1; parent.__pwned = 1; new Image().src = 'https://tracker.example/script';</script>",
  "<p>Kære kunde, <b>betal</b> venligst fakturaen.</p>",
  '<img src="https://tracker.example/pixel.gif" alt="pixel">',
  '<img src="x" onerror="window.__pwned = 2; new Image().src = \'https://tracker.example/onerror\'">',
  '<a href="javascript:parent.__pwned = 3" id="js-link">Klik her</a> ',
  '<a href="https://evil.example/phish" id="remote-link">Log ind</a>',
  '<div style="background-image:url(https://tracker.example/div-bg.png)">Baggrund</div>',
  '<form action="https://evil.example/collect"><input name="q" value="x"><button>Send</button></form>',
  '<iframe src="https://evil.example/frame"></iframe>',
  '<svg onload="parent.__pwned = 4"><image href="https://tracker.example/svg.png"/></svg>',
  '<video poster="https://tracker.example/poster.png"></video>',
  "</body></html>",
].join("\r\n");

const HOSTILE_MAIL = Buffer.from(
  [
    "MIME-Version: 1.0",
    "Date: Wed, 13 Oct 2021 09:00:00 +0200",
    "Message-ID: <hostile-1@evil.example>",
    `Subject: =?UTF-8?B?${Buffer.from(`Faktura <script>window.__pwned=5</script> ${RLO}fdp.exe`).toString("base64")}?=`,
    "From: =?UTF-8?Q?Svindler_=3Cimg_src=3Dx_onerror=3Dalert=3E?= <evil@evil.example>",
    "To: alice@skole.dk",
    'Content-Type: multipart/mixed; boundary="hostile-boundary"',
    "",
    "--hostile-boundary",
    "Content-Type: text/html; charset=UTF-8",
    "",
    HOSTILE_HTML,
    "--hostile-boundary",
    "Content-Type: application/octet-stream",
    "Content-Disposition: attachment; filename*=UTF-8''faktura%E2%80%AEfdp.exe",
    "Content-Transfer-Encoding: base64",
    "",
    Buffer.from("ikke et program").toString("base64"),
    "--hostile-boundary--",
    "",
  ].join("\r\n"),
);

const HOSTILE_TITLE = `Faktura ${RLO}fdp.exe <script>window.__pwned = 6</script><img src=x onerror="window.__pwned = 7">`;

/** An HTML file someone saved as a document: served inline, it must not run its script in the archive's origin. */
const HTML_FILE = Buffer.from(
  "<!doctype html><html><body><h1>Side</h1><script>fetch('/api/inline-script-ran'); document.title = 'ran';</script>" +
    "<img src=x onerror=\"fetch('/api/inline-handler-ran')\"></body></html>",
);

/**
 * axe's WCAG violations, as test/support/web.ts reports them, leaving out two things: Fluent's focus
 * sentinels, the invisible <i tabindex="0" aria-hidden="true" data-tabster-dummy> that Tabster (under
 * Dialog, Combobox) puts at the edges of the page and hands focus on from at once, which aria-hidden-focus
 * flags every one of; and the inside of a mail's sandboxed frame, where nothing may run, axe included (it
 * would wait for ever), and whose markup is the sender's. The frame's own title is asserted by the tests.
 */
const axe = async (page: Page): Promise<string[]> =>
  (await new AxeBuilder({ page }).exclude("[data-tabster-dummy]").exclude('[data-testid="mail-body"]').analyze()).violations.map(
    (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
  );

describe("the document page in Chromium, served by the real service", function () {
  this.timeout(240_000);
  let svc: TestService;
  let w: World;
  let browser: Browser;
  let context: BrowserContext;
  let cspViolations: string[];
  let blockedScripts: string[];
  let remoteRequests: string[];
  let kase: { id: string; number: string; title: string };
  let png: Buffer;
  const docs: Record<string, DocumentDetails> = {};

  const as = (token: string) => ({
    get: async (id: string) => (await request(svc.url).get(`/api/documents/${id}`).auth(token, { type: "bearer" }).expect(200)).body as DocumentDetails,
    save: async (input: { title?: string; caseId?: string | null; type?: string; bytes: Buffer; filename: string; contentType: string }) =>
      (
        await request(svc.url)
          .post("/api/documents")
          .auth(token, { type: "bearer" })
          .field(
            "metadata",
            JSON.stringify({ documentTypeId: input.type ?? w.types.letter, caseId: input.caseId ?? kase.id, ...(input.title ? { title: input.title } : {}) }),
          )
          .attach("file", input.bytes, { filename: input.filename, contentType: input.contentType })
          .expect(201)
      ).body as DocumentDetails,
  });
  const alice = () => as(w.tokens.alice);

  before(async () => {
    ensureWebBuilt();
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    const admin = await createUser(svc.ctx.db, null, { email: "anna@skole.dk", name: "Anna Administrator", role: "admin" });
    for (const id of [w.users.alice, w.users.bob, w.users.carl, admin.id]) await givePassword(svc.ctx.db, id);
    kase = (
      await request(svc.url)
        .post("/api/cases")
        .auth(w.tokens.alice, { type: "bearer" })
        .send({ templateId: w.templates.pupil, title: "Kurt Jensen", metadata: { elevnummer: "E-1" } })
        .expect(201)
    ).body;

    browser = await launchChromium();
    const painter = await browser.newPage({ viewport: { width: 160, height: 90 } });
    await painter.setContent('<body style="margin:0;background:#0f6cbd;color:#fff;font:bold 40px sans-serif;padding:16px">IMS</body>');
    png = await painter.screenshot();
    await painter.close();

    docs.word = await alice().save({
      title: "Indstillingsnotat.docx",
      bytes: corpus("Flere sider.docx"),
      filename: "Indstillingsnotat.docx",
      contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    });
    docs.pdf = await alice().save({
      title: "Forside - Styrelsen for It og Læring.pdf",
      bytes: corpus("forside-styrelsen-for-it-og-laering.pdf"),
      filename: "Forside - Styrelsen for It og Læring.pdf",
      contentType: "application/pdf",
    });
    docs.image = await alice().save({ title: "Skolens logo.png", bytes: png, filename: "logo.png", contentType: "image/png" });
    docs.text = await alice().save({
      title: "Referat fra forældremødet.txt",
      bytes: Buffer.from("Referat fra forældremødet\n\n1. Velkomst ved skoleinspektøren\n2. Æbler, øl og ål i madpakken\n"),
      filename: "Referat.txt",
      contentType: "text/plain; charset=utf-8",
    });
    docs.bigText = await alice().save({
      title: "Elevliste.csv",
      bytes: Buffer.from(Array.from({ length: 5000 }, (_, i) => `${i + 1};Elev ${i + 1};0.a;Optaget\n`).join("")),
      filename: "elevliste.csv",
      contentType: "text/csv",
    });
    docs.mail = await alice().save({ bytes: corpus(GMAIL), filename: GMAIL, contentType: "message/rfc822" });
    docs.reply = await alice().save({ bytes: REPLY, filename: "svar.eml", contentType: "message/rfc822" });
    docs.hostile = await alice().save({ title: HOSTILE_TITLE, bytes: HOSTILE_MAIL, filename: "faktura.eml", contentType: "message/rfc822" });
    await request(svc.url)
      .post(`/api/documents/${docs.hostile.id}/comments`)
      .auth(w.tokens.alice, { type: "bearer" })
      .send({ body: `Se den vedhæftede faktura${RLO}fdp.exe` })
      .expect(201);
    docs.html = await alice().save({ title: "Hjemmeside.html", bytes: HTML_FILE, filename: "side.html", contentType: "text/html" });
    await svc.jobsIdle();

    // The Word document has something in every section: a second version, an attachment, a comment, a
    // reference each way and a change in its history.
    const w1 = docs.word;
    const v2 = await request(svc.url)
      .post(`/api/documents/${w1.id}/versions`)
      .auth(w.tokens.alice, { type: "bearer" })
      .set("If-Match", w1.etag)
      .attach("file", corpus("minimal-empty.docx"), { filename: "Indstillingsnotat.docx" })
      .expect(201);
    await request(svc.url)
      .post(`/api/documents/${w1.id}/attachments`)
      .auth(w.tokens.alice, { type: "bearer" })
      .set("If-Match", v2.body.etag)
      .field("metadata", JSON.stringify({ title: "Forside - Styrelsen for It og Læring.pdf" }))
      .attach("file", corpus("forside-styrelsen-for-it-og-laering.pdf"), { filename: "forside.pdf", contentType: "application/pdf" })
      .expect(201);
    await request(svc.url)
      .post(`/api/documents/${w1.id}/comments`)
      .auth(w.tokens.carl, { type: "bearer" })
      .send({ body: "Husk at tjekke budgettet." })
      .expect(201);
    await request(svc.url)
      .post(`/api/documents/${w1.id}/references`)
      .auth(w.tokens.alice, { type: "bearer" })
      .send({ toDocumentId: docs.text.id, kind: "relates_to" })
      .expect(201);
    await request(svc.url)
      .post(`/api/documents/${docs.image.id}/references`)
      .auth(w.tokens.alice, { type: "bearer" })
      .send({ toDocumentId: w1.id, kind: "appendix_to" })
      .expect(201);
    const now = await alice().get(w1.id);
    await request(svc.url)
      .patch(`/api/documents/${w1.id}`)
      .auth(w.tokens.alice, { type: "bearer" })
      .set("If-Match", now.etag)
      .send({ documentDate: "2019-06-30" })
      .expect(200);

    // Bob's board case, in an access group Alice is not in.
    const board = await request(svc.url)
      .post("/api/cases")
      .auth(w.tokens.bob, { type: "bearer" })
      .send({ templateId: w.templates.board, title: "Bestyrelsesmøde juni", metadata: {} })
      .expect(201);
    docs.board = await as(w.tokens.bob).save({
      title: "Referat af bestyrelsesmødet.txt",
      caseId: board.body.id,
      type: w.types.minutes,
      bytes: Buffer.from("Fortroligt"),
      filename: "referat.txt",
      contentType: "text/plain",
    });
  });
  after(async () => {
    await browser?.close();
    await svc?.dispose();
  });

  beforeEach(async () => {
    cspViolations = [];
    blockedScripts = [];
    remoteRequests = [];
    // Without motion, no control is caught halfway through a colour transition when axe measures its contrast.
    context = await browser.newContext({ locale: "da-DK", viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
    // Nothing on the page may reach another host: any such request is noted and refused. (The browser's
    // own PDF viewer loads from chrome-extension: and chrome: URLs, which never leave the machine.)
    await context.route(/^(https?|wss?|ftp):/, (route) => {
      const url = new URL(route.request().url());
      if (url.hostname !== "127.0.0.1") {
        remoteRequests.push(url.href);
        return route.abort();
      }
      return route.continue();
    });
  });
  afterEach(async () => {
    await context.close();
    expect(cspViolations, "nothing refused under the page's CSP").to.deep.equal([]);
    expect(remoteRequests, "no request to another host").to.deep.equal([]);
  });

  async function openDocument(id: string, email = "alice@skole.dk"): Promise<Page> {
    const page = watchCsp(await openSignedIn(context, svc.url, email, `/dokumenter/${id}`), cspViolations);
    page.on("console", (m) => {
      if (/Blocked script execution/i.test(m.text())) blockedScripts.push(m.text());
    });
    await page.getByTestId("document-page").or(page.getByTestId("not-found")).waitFor();
    return page;
  }
  const field = (page: Page, name: string) => page.getByTestId("metadata").locator(`[data-field="${name}"] dd`).innerText();
  const noPageScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

  it("a Word document shows its information, the offer to download it, versions, attachments, comments, references both ways and history", async () => {
    const page = await openDocument(docs.word.id);
    const d = await alice().get(docs.word.id);
    expect(await page.getByTestId("document-title").innerText()).to.equal("Indstillingsnotat.docx");
    expect(await field(page, "status")).to.equal("Kladde");
    expect(await field(page, "type")).to.equal("Brev");
    expect(await field(page, "category")).to.equal("Korrespondance");
    expect(await field(page, "owner")).to.equal("Alice Sagsbehandler");
    expect(await field(page, "created")).to.match(DANISH_MOMENT);
    expect(await field(page, "version")).to.equal(d.currentVersion.version);
    expect(await field(page, "version-added")).to.match(DANISH_MOMENT);
    expect(await field(page, "disposal-date")).to.match(DAY);
    expect(await field(page, "document-date")).to.equal("30. jun. 2019");
    expect(await field(page, "case")).to.equal(`Kurt Jensen (${kase.number})`);
    expect(await page.getByTestId("document-page").getByRole("button", { name: "REDIGÉR INFORMATION" }).count()).to.equal(1);
    expect(await page.getByRole("button", { name: "UPLOAD NY VERSION" }).count()).to.equal(1);
    expect(await page.getByRole("link", { name: "DOWNLOAD" }).getAttribute("href")).to.equal(`/api/documents/${d.id}/content`);
    expect(await page.getByRole("button", { name: "SLET" }).count(), "SLET is for administrators").to.equal(0);

    // No safe preview of a Word file: said, with the download offered.
    expect(await page.getByTestId("preview").getAttribute("data-preview")).to.equal("none");
    expect(await page.getByTestId("preview-none").innerText()).to.contain("Der findes ingen sikker forhåndsvisning");
    expect(
      await page
        .getByTestId("preview")
        .getByRole("link", { name: /Hent filen/ })
        .getAttribute("href"),
    ).to.equal(`/api/documents/${d.id}/content?version=${d.currentVersion.version}`);

    const versions = page.getByTestId("versions").locator("tbody tr");
    expect(await versions.count()).to.equal(2);
    expect(await versions.first().locator("td").first().innerText()).to.equal(`${d.currentVersion.version} (aktuel)`);
    for (const v of d.versions) {
      expect(await page.getByTestId("versions").locator(`[data-version="${v.version}"] a`).getAttribute("href")).to.equal(
        `/api/documents/${d.id}/content?version=${v.version}`,
      );
    }
    const download = await page.evaluate(async (url) => (await fetch(url)).status, `/api/documents/${d.id}/content?version=${d.versions[0].version}`);
    expect(download).to.equal(200);

    const attachment = page.getByTestId("attachments").locator("tbody tr");
    const cells = await attachment.first().locator("td").allInnerTexts();
    expect(cells[0]).to.equal("Forside - Styrelsen for It og Læring.pdf");
    expect(cells[1]).to.match(DANISH_MOMENT);
    expect(cells.slice(2, 4)).to.deep.equal(["Alice Sagsbehandler", "1.0"]);

    expect(await page.getByTestId("comments").innerText())
      .to.contain("Carl Kollega")
      .and.contain("Husk at tjekke budgettet.");
    expect(await page.getByTestId("references-outgoing").innerText())
      .to.contain("Vedrører")
      .and.contain("Referat fra forældremødet.txt");
    expect(await page.getByTestId("references-incoming").innerText())
      .to.contain("Har bilaget")
      .and.contain("Skolens logo.png");
    const history = await page.getByTestId("history").locator('tbody tr[data-field="documentDate"] td').allInnerTexts();
    expect(history.slice(1)).to.deep.equal(["Alice Sagsbehandler", "Dokumentdato", "–", "30. jun. 2019"]);

    expect((await axe(page)).join("\n")).to.equal("");
    await screenshot(page, "web-documents-1-word");

    await page.setViewportSize({ width: 375, height: 800 });
    expect(await noPageScroll(page), "no horizontal scrolling at 375 px").to.equal(true);
    expect((await axe(page)).join("\n")).to.equal("");
    await screenshot(page, "web-documents-2-word-phone");
    await page.setViewportSize({ width: 768, height: 1000 });
    expect(await noPageScroll(page), "no horizontal scrolling at 768 px").to.equal(true);
    await screenshot(page, "web-documents-3-word-tablet");

    await page
      .getByTestId("metadata")
      .getByRole("link", { name: `Kurt Jensen (${kase.number})` })
      .click();
    await page.waitForURL(`${svc.url}/sager/${kase.number}`);
  });

  it("the document list and the dashboard link each title to its document page", async () => {
    const page = watchCsp(await openSignedIn(context, svc.url, "alice@skole.dk", "/dokumenter"), cspViolations);
    await page.getByTestId("document-list").getByRole("link", { name: "Skolens logo.png" }).click();
    await page.waitForURL(`${svc.url}/dokumenter/${docs.image.id}`);
    await page.getByTestId("document-title").waitFor();
    expect(await page.getByTestId("document-title").innerText()).to.equal("Skolens logo.png");
  });

  it("a PDF is shown in the browser's viewer, served inline under a sandboxing CSP", async () => {
    const page = await context.newPage();
    watchCsp(page, cspViolations);
    await page.goto(`${svc.url}/log-ind`);
    await page.getByLabel("E-mailadresse").fill("alice@skole.dk");
    await page.getByLabel("Adgangskode").fill(PASSWORD);
    await page.getByRole("button", { name: "Log ind" }).click();
    await page.getByTestId("my-cases").waitFor();
    const inline = page.waitForResponse((r) => r.url().includes(`/api/documents/${docs.pdf.id}/content`) && r.url().includes("inline=1"));
    await page.goto(`${svc.url}/dokumenter/${docs.pdf.id}`);
    const response = await inline;
    expect(response.status()).to.equal(200);
    const headers = await response.allHeaders();
    expect(headers["content-type"]).to.equal("application/pdf");
    expect(headers["content-security-policy"].split(";").map((d) => d.trim())).to.include("sandbox");
    expect(headers["content-disposition"]).to.match(/^inline/);
    const frame = page.getByTestId("preview-pdf");
    expect(await frame.getAttribute("src")).to.equal(`/api/documents/${docs.pdf.id}/content?version=${docs.pdf.currentVersion.version}&inline=1`);
    expect(await frame.getAttribute("title")).to.equal("PDF: Forside - Styrelsen for It og Læring.pdf");
    await page.waitForFunction(() => document.querySelector("iframe")?.contentWindow !== null);
    expect((await axe(page)).join("\n")).to.equal("");
    await screenshot(page, "web-documents-4-pdf");
  });

  it("an image is shown as an image, a text file as the start of its text", async () => {
    const page = await openDocument(docs.image.id);
    const img = page.getByTestId("preview-image");
    await page.waitForFunction(() => (document.querySelector('[data-testid="preview-image"]') as HTMLImageElement | null)?.complete === true);
    expect(await img.evaluate((el: HTMLImageElement) => [el.naturalWidth, el.naturalHeight])).to.deep.equal([160, 90]);
    expect(await img.getAttribute("alt")).to.equal("Billede: Skolens logo.png");
    expect((await axe(page)).join("\n")).to.equal("");
    await screenshot(page, "web-documents-5-image");

    await page.goto(`${svc.url}/dokumenter/${docs.text.id}`);
    const text = page.getByTestId("preview-text");
    await text.waitFor();
    expect(await text.innerText()).to.contain("2. Æbler, øl og ål i madpakken");
    expect(await page.getByTestId("references-incoming").innerText())
      .to.contain("Nævnt i")
      .and.contain("Indstillingsnotat.docx");
    expect((await axe(page)).join("\n")).to.equal("");
    await screenshot(page, "web-documents-6-text");

    // A long text file: only its start is fetched (a Range request), and the page says so.
    const ranged = page.waitForRequest((r) => r.url().includes(`/api/documents/${docs.bigText.id}/content`));
    await page.goto(`${svc.url}/dokumenter/${docs.bigText.id}`);
    expect((await ranged).headers()["range"]).to.equal("bytes=0-65535");
    await page.getByTestId("preview-text").waitFor();
    const shown = await page.getByTestId("preview-text").innerText();
    expect(shown.startsWith("1;Elev 1;0.a;Optaget")).to.equal(true);
    expect(shown.length).to.be.within(60_000, 65_536);
    expect(await page.getByTestId("preview").innerText()).to.contain("Viser de første 66 kB af filen.");
  });

  it("a mail shows from, to, cc, date, its attachments to download, its body with its own image, and the thread with links", async () => {
    const page = await openDocument(docs.mail.id);
    const headers = await page.getByTestId("mail-headers").innerText();
    expect(headers).to.contain("Paw Møller <pawsen@gmail.com>");
    expect(headers).to.contain("11. okt. 2021");
    expect(headers).to.contain("Mail med inline billede og vedhæftet fil");
    const mail = (await alice().get(docs.mail.id)).mail!;
    const odt = mail.parts.find((p) => p.name.endsWith(".odt"))!;
    const part = page.getByTestId("mail-parts").locator(`[data-part-id="${odt.id}"]`);
    expect(await part.getByRole("link").innerText()).to.equal(odt.name);
    expect(await part.getByRole("link").getAttribute("href")).to.equal(odt.contentUrl);
    expect(await page.evaluate(async (url) => (await fetch(url)).status, odt.contentUrl)).to.equal(200);

    const body = page.getByTestId("mail-body");
    await body.waitFor();
    expect(await body.getAttribute("sandbox")).to.equal("");
    expect(await body.getAttribute("title")).to.equal("Mailens indhold");
    const srcdoc = (await body.getAttribute("srcdoc"))!;
    expect(srcdoc, "the mail's own image, written in as data").to.match(/<img[^>]+src="data:image\/(png|jpeg|gif);base64,/);
    expect(srcdoc).to.not.contain("/api/documents/");

    const thread = page.getByTestId("mail-thread");
    expect(await thread.innerText())
      .to.contain("SV: Mail med inline billede og vedhæftet fil")
      .and.contain(`Kurt Jensen (${kase.number})`);
    expect((await axe(page)).join("\n")).to.equal("");
    await screenshot(page, "web-documents-7-mail");
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await noPageScroll(page), "no horizontal scrolling at 375 px").to.equal(true);
    await screenshot(page, "web-documents-8-mail-phone");
    await page.setViewportSize({ width: 1280, height: 900 });

    await thread.getByRole("link", { name: "SV: Mail med inline billede og vedhæftet fil" }).click();
    await page.waitForURL(`${svc.url}/dokumenter/${docs.reply.id}`);
    await page.getByTestId("mail-text").waitFor();
    expect(await page.getByTestId("mail-text").innerText()).to.contain("Tak, vi har modtaget det.");
    const back = page.getByTestId("mail-thread").getByRole("link", { name: "Mail med inline billede og vedhæftet fil" });
    expect(await back.getAttribute("href")).to.equal(`/dokumenter/${docs.mail.id}`);
    expect((await axe(page)).join("\n")).to.equal("");
    await screenshot(page, "web-documents-9-mail-reply");
    await back.click();
    await page.waitForURL(`${svc.url}/dokumenter/${docs.mail.id}`);
  });

  it("a hostile mail runs nothing and loads nothing from outside; RTL overrides in its title and file names show as marks", async () => {
    const page = await openDocument(docs.hostile.id);
    const body = page.getByTestId("mail-body");
    await body.waitFor();
    const srcdoc = (await body.getAttribute("srcdoc"))!;
    expect(await body.getAttribute("sandbox")).to.equal("");
    for (const bad of [
      "<script",
      "onerror",
      "onload",
      "javascript:",
      "tracker.example",
      "<form",
      "<input",
      "<iframe",
      "<svg",
      "<video",
      "<link",
      'http-equiv="refresh"',
    ]) {
      expect(srcdoc.toLowerCase(), bad).to.not.contain(bad);
    }
    expect(srcdoc).to.contain("betal");
    // The phishing link keeps its text and shows its address, but goes nowhere.
    const frame = page.frameLocator('[data-testid="mail-body"]');
    const link = frame.getByText("Log ind");
    expect(await link.getAttribute("href")).to.equal(null);
    expect(await link.getAttribute("title")).to.equal("https://evil.example/phish");
    await link.click();
    await frame.getByText("Klik her").click();
    expect(page.url()).to.equal(`${svc.url}/dokumenter/${docs.hostile.id}`);
    expect(context.pages().length).to.equal(1);

    const d = await alice().get(docs.hostile.id);
    expect(await page.getByTestId("document-title").innerText()).to.equal(d.title.replaceAll(RLO, "⟨U+202E⟩"));
    expect(await page.getByTestId("document-title").innerText()).to.contain('<script>window.__pwned = 6</script><img src=x onerror="window.__pwned = 7">');
    expect(await page.getByTestId("comments").innerText()).to.contain("Se den vedhæftede faktura⟨U+202E⟩fdp.exe");
    expect(await page.locator("main script, main img:not([data-testid])").count()).to.equal(0);
    const headers = await page.getByTestId("mail-headers").innerText();
    expect(headers).to.contain("Svindler <img src=x onerror=alert> <evil@evil.example>");
    expect(headers).to.contain("Faktura <script>window.__pwned=5</script> ⟨U+202E⟩fdp.exe");
    const file = await page.getByTestId("mail-parts").locator("tbody tr a").first().innerText();
    expect(file).to.contain("fdp.exe");
    expect(file).to.not.contain(RLO);
    expect(await page.evaluate(() => document.body.innerText.includes("\u202e")), "no bidi override reaches the page").to.equal(false);
    expect(await page.getByTestId("remote-blocked").innerText()).to.match(/^\d+ eksterne billeder/);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).to.equal(undefined);
    expect(blockedScripts, "no script even reached the sandboxed frame").to.deep.equal([]);
    expect((await axe(page)).join("\n")).to.equal("");
    await screenshot(page, "web-documents-10-hostile-mail");
  });

  it("an HTML file has no preview, and served inline it cannot run script", async () => {
    const page = await openDocument(docs.html.id);
    expect(await page.getByTestId("preview").getAttribute("data-preview")).to.equal("none");
    await screenshot(page, "web-documents-11-html-no-preview");
    // The file itself, opened in a tab of its own (the sandboxing CSP refuses its image there, as it should).
    const raw = await context.newPage();
    const asked: string[] = [];
    raw.on("request", (r) => asked.push(new URL(r.url()).pathname));
    const response = await raw.goto(`${svc.url}/api/documents/${docs.html.id}/content?inline=1`);
    expect(
      response!
        .headers()
        ["content-security-policy"].split(";")
        .map((d) => d.trim()),
    ).to.include("sandbox");
    expect(await raw.locator("h1").innerText()).to.equal("Side");
    expect(await raw.title()).to.not.equal("ran");
    expect(asked.filter((p) => p.includes("-ran"))).to.deep.equal([]);
  });

  it("editing the information with a stale ETag is explained with who changed it and when, and nothing is overwritten", async () => {
    const page = await openDocument(docs.text.id);
    // Carl changes the title after Alice opened the page.
    const seen = await as(w.tokens.carl).get(docs.text.id);
    await request(svc.url)
      .patch(`/api/documents/${docs.text.id}`)
      .auth(w.tokens.carl, { type: "bearer" })
      .set("If-Match", seen.etag)
      .send({ title: "Referat (rettet af Carl).txt" })
      .expect(200);

    await page.getByTestId("edit-information").click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Titel").fill("Referat (Alices version).txt");
    expect((await axe(page)).join("\n")).to.equal("");
    await dialog.getByRole("button", { name: "Gem" }).click();
    const stale = dialog.getByTestId("stale");
    await stale.getByText(/Carl Kollega ændrede det/).waitFor();
    const carl = await alice().get(docs.text.id);
    expect(carl.title, "Carl's title stands").to.equal("Referat (rettet af Carl).txt");
    expect(await stale.innerText()).to.contain(`Carl Kollega ændrede det ${formatMoment(carl.changedAt, "da")}`);
    expect(await stale.innerText()).to.contain("Intet er overskrevet");
    expect(await page.getByTestId("document-title").innerText(), "the page still shows what Alice saw").to.equal("Referat fra forældremødet.txt");
    expect((await axe(page)).join("\n")).to.equal("");
    await screenshot(page, "web-documents-12-stale-edit");

    await stale.getByRole("button", { name: "Genindlæs" }).click();
    await page.getByTestId("document-title").getByText("Referat (rettet af Carl).txt").waitFor();
    expect(await dialog.getByLabel("Titel").inputValue(), "what Alice typed is kept").to.equal("Referat (Alices version).txt");
    await dialog.getByRole("button", { name: "Gem" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByTestId("document-title").getByText("Referat (Alices version).txt").waitFor();
    const titles = await page.getByTestId("history").locator('tbody tr[data-field="title"] td').allInnerTexts();
    expect(titles).to.include("Carl Kollega").and.include("Alice Sagsbehandler");
  });

  it("UPLOAD NY VERSION adds the chosen file as the next version; one added meanwhile is explained", async () => {
    const page = await openDocument(docs.pdf.id);
    const before = await alice().get(docs.pdf.id);
    const chooser = page.waitForEvent("filechooser");
    await page.getByTestId("upload-version").click();
    await (await chooser).setFiles({ name: "Forside v2.pdf", mimeType: "application/pdf", buffer: corpus("forside-styrelsen-for-it-og-laering.pdf") });
    await page.getByTestId("versions").locator("tbody tr").nth(1).waitFor();
    const after = await alice().get(docs.pdf.id);
    expect(after.versions.length).to.equal(before.versions.length + 1);
    expect(await field(page, "version")).to.equal(after.currentVersion.version);
    expect(await page.getByTestId("versions").locator("tbody tr").first().innerText()).to.contain("Forside v2.pdf");
    await screenshot(page, "web-documents-13-new-version");

    // Carl adds a version; Alice's page still names the one before it.
    await request(svc.url)
      .post(`/api/documents/${docs.pdf.id}/versions`)
      .auth(w.tokens.carl, { type: "bearer" })
      .set("If-Match", after.etag)
      // A PDF the viewer can open: a broken one makes it show an error dialog, which takes the focus from the page.
      .attach("file", corpus("forside-styrelsen-for-it-og-laering.pdf"), { filename: "carl.pdf", contentType: "application/pdf" })
      .expect(201);
    const again = page.waitForEvent("filechooser");
    await page.getByTestId("upload-version").click();
    await (await again).setFiles({ name: "Forside v3.pdf", mimeType: "application/pdf", buffer: corpus("forside-styrelsen-for-it-og-laering.pdf") });
    await page
      .getByTestId("stale")
      .getByText(/Carl Kollega ændrede det/)
      .waitFor();
    expect((await alice().get(docs.pdf.id)).currentVersion.filename).to.equal("carl.pdf");
    expect((await axe(page)).join("\n")).to.equal("");
    await page.getByTestId("stale-reload").click();
    await page.getByTestId("stale").waitFor({ state: "detached" });
    expect(await page.getByTestId("versions").locator("tbody tr").first().innerText()).to.contain("carl.pdf");
  });

  it("an attachment is uploaded with a title, and a comment is added", async () => {
    const page = await openDocument(docs.image.id);
    const chooser = page.waitForEvent("filechooser");
    await page.getByRole("button", { name: "Vælg fil …" }).click();
    await (await chooser).setFiles({ name: "bilag.txt", mimeType: "text/plain", buffer: Buffer.from("Et bilag") });
    await page.getByTestId("attachment-chosen").getByText("bilag.txt").waitFor();
    await page.getByLabel("Titel på vedhæftningen").fill("Bilag 1 - farvekoder");
    await page.getByRole("button", { name: "Tilføj vedhæftning" }).click();
    const row = page.getByTestId("attachments").locator("tbody tr").first();
    await row.waitFor();
    const cells = await row.locator("td").allInnerTexts();
    expect(cells[0]).to.equal("Bilag 1 - farvekoder");
    expect(cells.slice(2, 4)).to.deep.equal(["Alice Sagsbehandler", "1.0"]);
    const href = (await row.getByRole("link").getAttribute("href"))!;
    expect(await page.evaluate(async (url) => (await fetch(url)).text(), href)).to.equal("Et bilag");
    expect(await page.getByLabel("Titel på vedhæftningen").inputValue(), "the form is empty again").to.equal("");
    expect(await page.getByTestId("attachment-chosen").innerText()).to.equal("Ingen fil valgt");
    await screenshot(page, "web-documents-14-attachment");

    await page.getByLabel("Ny kommentar").fill("Logoet skal bruges på forsiden.");
    await page.getByRole("button", { name: "Tilføj kommentar" }).click();
    const comment = page.getByTestId("comments").locator("li").last();
    await comment.getByText("Logoet skal bruges på forsiden.").waitFor();
    expect(await comment.innerText()).to.match(/^Alice Sagsbehandler, \d{2}\. \p{L}{3}\.? \d{4} \d{2}:\d{2}/u);
    expect((await alice().get(docs.image.id)).comments.map((c) => c.body)).to.include("Logoet skal bruges på forsiden.");
    await page.waitForFunction(() => !(document.querySelector('[data-testid="comment-add"]') as HTMLButtonElement).disabled);
    expect((await axe(page)).join("\n")).to.equal("");
    await screenshot(page, "web-documents-15-comment");
  });

  it("a reference is added by finding the other document, shown on both, and removed from either side", async () => {
    const page = await openDocument(docs.reply.id);
    const form = page.getByTestId("add-reference");
    const pick = async (typed: string, option: string) => {
      const box = form.getByRole("combobox", { name: "Find dokumentet" });
      await box.fill("");
      await box.pressSequentially(typed);
      await page.getByRole("option", { name: option }).click();
    };
    await pick("forside", "Forside - Styrelsen for It og Læring.pdf");
    await form.getByLabel("Slags reference").selectOption({ label: "Svar på" });
    expect((await axe(page)).join("\n")).to.equal("");
    await form.getByRole("button", { name: "Tilføj reference" }).click();
    const outgoing = page.getByTestId("references-outgoing");
    await outgoing.getByRole("link", { name: "Forside - Styrelsen for It og Læring.pdf" }).waitFor();
    expect(await outgoing.innerText()).to.contain("Svar på");
    await screenshot(page, "web-documents-16-references");

    // The other way: the PDF's page lists it as incoming, and removes it there.
    await outgoing.getByRole("link", { name: "Forside - Styrelsen for It og Læring.pdf" }).click();
    await page.waitForURL(`${svc.url}/dokumenter/${docs.pdf.id}`);
    const incoming = page.getByTestId("references-incoming");
    await incoming.getByText("Besvaret af").waitFor();
    const replyTitle = (await alice().get(docs.reply.id)).title;
    await incoming.getByRole("button", { name: `Fjern referencen til ${replyTitle}` }).click();
    await incoming.waitFor({ state: "detached" });
    expect((await alice().get(docs.reply.id)).references.outgoing).to.deep.equal([]);

    // Added from the PDF's page as "the chosen one refers to this", and removed on the chosen one's page.
    await pick("SV:", replyTitle);
    await form.getByLabel("Det valgte dokument henviser til dette").check();
    await form.getByRole("button", { name: "Tilføj reference" }).click();
    await page.getByTestId("references-incoming").getByRole("link", { name: replyTitle }).waitFor();
    expect((await alice().get(docs.reply.id)).references.outgoing.map((r) => r.documentId)).to.deep.equal([docs.pdf.id]);
    await page.goto(`${svc.url}/dokumenter/${docs.reply.id}`);
    await page
      .getByTestId("references-outgoing")
      .getByRole("button", { name: /^Fjern referencen til Forside/ })
      .click();
    await page.getByTestId("references-outgoing").waitFor({ state: "detached" });
    expect((await alice().get(docs.pdf.id)).references.incoming).to.deep.equal([]);
  });

  it("an administrator deletes a document with a reason after confirming; a caseworker has no SLET", async () => {
    const doomed = await alice().save({
      title: "Kladde der skal slettes.txt",
      bytes: Buffer.from("slet mig"),
      filename: "slet.txt",
      contentType: "text/plain",
    });
    const worker = await openDocument(doomed.id);
    expect(await worker.getByRole("button", { name: "SLET" }).count()).to.equal(0);
    await worker.close();
    await context.clearCookies();

    const page = await openDocument(doomed.id, "anna@skole.dk");
    await page.getByRole("button", { name: "SLET" }).click();
    const dialog = page.getByRole("alertdialog");
    await dialog.getByLabel("Begrundelse").fill("Gemt i den forkerte sag");
    expect(await dialog.innerText()).to.contain("Kladde der skal slettes.txt");
    expect((await axe(page)).join("\n")).to.equal("");
    await screenshot(page, "web-documents-17-delete");
    await dialog.getByRole("button", { name: "Slet dokumentet" }).click();
    await page.waitForURL(`${svc.url}/sager/${kase.number}`);
    // The dialog let go of the case page it left for: nothing stays hidden from screen readers.
    await page.getByTestId("case-page").waitFor();
    await page.getByRole("heading", { level: 1 }).waitFor();
    expect(await page.locator("body > [aria-hidden='true']:not([data-tabster-dummy])").count()).to.equal(0);
    expect((await axe(page)).join("\n")).to.equal("");
    await request(svc.url).get(`/api/documents/${doomed.id}`).auth(ADMIN_TOKEN, { type: "bearer" }).expect(404);
    const trail = await svc.ctx.db
      .selectFrom("audit_events")
      .select("details")
      .where("action", "=", "document.delete")
      .where("object_id", "=", doomed.id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(String(trail.details)).reason).to.equal("Gemt i den forkerte sag");
  });

  it("a document in another access group shows 'not found'", async () => {
    const page = await openDocument(docs.board.id);
    expect(await page.getByTestId("not-found").innerText()).to.equal("Dokumentet findes ikke, eller du har ikke adgang til det.");
    expect(await page.getByRole("heading", { level: 1 }).innerText()).to.equal("Dokumentet findes ikke");
    expect(await page.locator("body").innerText()).to.not.contain("Referat af bestyrelsesmødet");
    expect((await axe(page)).join("\n")).to.equal("");
    await screenshot(page, "web-documents-18-not-found");
  });

  it("what was typed into REDIGÉR INFORMATION survives an expired session and the trip through the sign-in page", async () => {
    const page = await openDocument(docs.image.id);
    await page.getByTestId("edit-information").click();
    await page.getByRole("dialog").getByLabel("Titel").fill("Skolens logo (ny).png");
    await context.clearCookies();
    await page.reload();
    await page.waitForURL(/\/log-ind\?next=/);
    await page.getByLabel("E-mailadresse").fill("alice@skole.dk");
    await page.getByLabel("Adgangskode").fill(PASSWORD);
    await page.getByRole("button", { name: "Log ind" }).click();
    await page.waitForURL(`${svc.url}/dokumenter/${docs.image.id}`);
    const dialog = page.getByRole("dialog");
    expect(await dialog.getByLabel("Titel").inputValue()).to.equal("Skolens logo (ny).png");
    await dialog.getByRole("button", { name: "Fortryd" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.reload();
    await page.getByTestId("document-page").waitFor();
    expect(await page.getByRole("dialog").count(), "a cancelled form does not come back").to.equal(0);
    expect((await alice().get(docs.image.id)).title).to.equal("Skolens logo.png");
  });

  it("editing the information works by keyboard alone", async () => {
    const page = await openDocument(docs.word.id);
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.tagName);
    for (let presses = 0; presses < 40 && (await focused()) !== "edit-information"; presses++) await page.keyboard.press("Tab");
    expect(await focused()).to.equal("edit-information");
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor();
    expect(await focused()).to.equal("edit-title");
    await page.keyboard.press("Control+A");
    await page.keyboard.type("Indstillingsnotat (endelig).docx");
    await page.keyboard.press("Tab");
    expect(await focused()).to.equal("edit-status");
    await page.keyboard.type("E"); // "Endelig", by its first letter
    for (let presses = 0; presses < 10 && (await focused()) !== "edit-save"; presses++) await page.keyboard.press("Tab");
    expect(await focused()).to.equal("edit-save");
    await screenshot(page, "web-documents-19-keyboard-edit");
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    await page.getByTestId("document-title").getByText("Indstillingsnotat (endelig).docx").waitFor();
    expect(await page.getByTestId("document-status").innerText()).to.equal("Endelig");
    expect(await focused(), "focus returns to the button that opened the form").to.equal("edit-information");
    const saved = await alice().get(docs.word.id);
    expect([saved.title, saved.status]).to.deep.equal(["Indstillingsnotat (endelig).docx", "final"]);
  });
});
