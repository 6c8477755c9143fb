import { expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import { simpleParser } from "mailparser";
import type { Browser, Page } from "playwright-core";
import request from "supertest";
import type { FakeMail, FakeOfficeLog, FakeOfficeOptions } from "../support/fake-office.ts";
import { ensureAddinsBuilt, launchChromium, openTaskpane, screenshot, takeCspViolations } from "../support/browser.ts";
import { corpus } from "../support/fixtures.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";
import { ensureWebBuilt, givePassword, signIn } from "../support/web.ts";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const officeLog = (page: Page) => page.evaluate(() => (window as unknown as { __office: FakeOfficeLog }).__office);

describe("the task pane in Chromium, served by the real service", function () {
  this.timeout(120_000);
  let svc: TestService;
  let w: World;
  let browser: Browser;
  let caseId: string;
  let caseNumber: string;

  before(async () => {
    // The sign-in dialog is the web view's page: both are built (one webpack run builds both).
    ensureWebBuilt();
    ensureAddinsBuilt();
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    await givePassword(svc.ctx.db, w.users.alice);
    const c = await request(svc.url)
      .post("/api/cases")
      .auth(w.tokens.alice, { type: "bearer" })
      .send({ templateId: w.templates.pupil, title: "Foreningen Glade Børn", metadata: { elevnummer: "E-12" } })
      .expect(201);
    caseId = c.body.id;
    caseNumber = c.body.number;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await svc?.dispose();
  });

  // The pane runs under the CSP the service sends with it; anything it refused would break Office somewhere.
  afterEach(() => expect(takeCspViolations()).to.deep.equal([]));

  const api = (p: string) => request(svc.url).get(p).auth(w.tokens.alice, { type: "bearer" });

  it("Outlook: finds the case by part of its name, picks a type, edits the title, ticks attachments and saves the real mail", async () => {
    const raw = corpus("da-gmail-inline-image-and-attached-odt.eml");
    const parsed = await simpleParser(raw);
    const mail: FakeMail = {
      itemId: "AAMkAGI2-1",
      subject: parsed.subject ?? "",
      from: { displayName: parsed.from!.value[0].name, emailAddress: parsed.from!.value[0].address! },
      to: (Array.isArray(parsed.to) ? parsed.to : [parsed.to!]).flatMap((a) => a.value).map((a) => ({ displayName: a.name, emailAddress: a.address! })),
      cc: [],
      dateTimeCreated: parsed.date!.toISOString(),
      internetMessageId: parsed.messageId!,
      conversationId: "AAQkAGI2-conversation",
      emlBase64: raw.toString("base64"),
      headers: raw.toString("latin1").split(/\r?\n\r?\n/)[0],
      attachments: parsed.attachments.map((a, i) => ({
        id: `att-${i}`,
        name: a.filename ?? `bilag-${i}`,
        contentType: a.contentType,
        isInline: a.contentDisposition === "inline" || Boolean(a.related),
        attachmentType: "file" as const,
        content: a.content.toString("base64"),
      })),
    };
    expect(mail.attachments.map((a) => a.isInline)).to.deep.equal([true, false]);
    const options: FakeOfficeOptions = { host: "Outlook", displayLanguage: "da-DK", requirementSets: { Mailbox: "1.14", OpenBrowserWindowApi: "1.1" }, mail };
    const page = await openTaskpane(browser, `${svc.url}/addins/taskpane.html?host=outlook`, options);

    // First use: the settings screen offers Log ind, and for developers a token to paste; the service URL defaults to where the pane came from.
    await page.getByTestId("sign-in").waitFor();
    await page.getByTestId("developer").click();
    await page.getByTestId("token").fill(w.tokens.alice);
    await expect(await page.getByTestId("service-url").inputValue()).to.equal(svc.url);
    await screenshot(page, "outlook-1-settings");
    await page.getByTestId("save-settings").click();

    await page.getByTestId("case-search").fill("glade b");
    await page.locator(`[data-case-id="${caseId}"]`).first().waitFor();
    await screenshot(page, "outlook-2-case-search");
    await page.locator(`[data-case-id="${caseId}"]`).first().click();

    await page.getByRole("radio", { name: /^Brev/ }).waitFor();
    await screenshot(page, "outlook-3-document-type");
    await page.getByRole("radio", { name: /^Brev/ }).click();
    await page.getByTestId("title").fill("Mail fra Paw Møller om optagelse");
    // The attached .odt is ticked already; the inline picture is ticked too.
    await page.getByRole("checkbox", { name: /cpr\.jpg/ }).check();
    await screenshot(page, "outlook-4-details");
    await page.getByTestId("save").click();
    await page.getByTestId("done").waitFor();
    await screenshot(page, "outlook-5-saved");
    expect(await page.getByTestId("done").innerText()).to.contain(caseNumber);
    const documentId = await page.getByTestId("saved-document").getAttribute("data-document-id");
    // The result links to the case in the web view, opened in the browser.
    const caseLink = page.getByTestId("done").getByTestId("open-in-web");
    expect(await caseLink.innerText()).to.equal("Åbn sagen i IMS Case");
    expect(await caseLink.getAttribute("href")).to.equal(`${svc.url}/sager/${caseNumber}`);
    await caseLink.click();
    expect((await officeLog(page)).browserWindows).to.deep.equal([`${svc.url}/sager/${caseNumber}`]);

    const doc = (await api(`/api/documents/${documentId}`).expect(200)).body;
    expect(doc.caseId).to.equal(caseId);
    expect(doc.title).to.equal("Mail fra Paw Møller om optagelse");
    expect(doc.documentType.name).to.equal("Brev");
    expect(doc.currentVersion.sha256).to.equal(sha(raw));
    expect(doc.attachments.map((a: { title: string }) => a.title).sort()).to.deep.equal(parsed.attachments.map((a) => a.filename).sort());
    expect(doc.attachments.map((a: { versions: Array<{ sha256: string }> }) => a.versions[0].sha256).sort()).to.deep.equal(
      parsed.attachments.map((a) => sha(a.content)).sort(),
    );
    const audit = (await api(`/api/audit?objectType=document&objectId=${documentId}`).expect(200)).body.items.map((e: { action: string }) => e.action);
    expect(audit).to.include("document.create");

    const log = await officeLog(page);
    expect(log.categories).to.deep.equal(["Gemt i IMS Case"]);
    expect(log.calls.map((c) => c.name)).to.include("getAsFileAsync");

    // Opened again: the pane says where the mail is.
    const again = await openTaskpane(browser, `${svc.url}/addins/taskpane.html?host=outlook`, {
      ...options,
      stored: { roaming: log.roaming, customProperties: log.customProperties },
    });
    await again.getByTestId("already-saved").waitFor();
    expect(await again.getByTestId("already-saved").innerText()).to.contain(caseNumber);
    expect(await again.getByTestId("already-saved").getByTestId("open-in-web").getAttribute("href")).to.equal(`${svc.url}/sager/${caseNumber}`);
    await screenshot(again, "outlook-6-already-saved");
    await page.close();
    await again.close();
  });

  it("Outlook: when the mail cannot be marked as saved, the save stands and the pane says why", async () => {
    const raw = corpus("unquoted-filename-with-spaces.eml");
    const mail: FakeMail = {
      itemId: "AAMkAGI2-2",
      subject: "Kontrol af budgetplan",
      from: { displayName: "Bo", emailAddress: "bo@example.dk" },
      to: [],
      cc: [],
      dateTimeCreated: "2019-06-30T10:00:00Z",
      internetMessageId: "<budget-kontrol@example.dk>",
      conversationId: "AAQkAGI2-2",
      emlBase64: raw.toString("base64"),
      headers: "Subject: Kontrol af budgetplan\r\n",
      attachments: [],
    };
    const page = await openTaskpane(browser, `${svc.url}/addins/taskpane.html?host=outlook`, {
      host: "Outlook",
      requirementSets: { Mailbox: "1.14" },
      mail,
      stored: { roaming: { "imsCase.connection": { serviceUrl: svc.url, token: w.tokens.alice } } },
      fail: { "categories.addAsync": { code: 9002, message: "Adgang nægtet til postkassen." } },
    } satisfies FakeOfficeOptions);
    await page.getByTestId("floating").click();
    await page.getByRole("radio", { name: /^Brev/ }).click();
    await page.getByTestId("save").click();
    await page.getByTestId("done").waitFor();
    expect(await page.getByTestId("mark-failed").innerText()).to.contain("Adgang nægtet til postkassen.");
    const documentId = await page.getByTestId("saved-document").getAttribute("data-document-id");
    const doc = (await api(`/api/documents/${documentId}`).expect(200)).body;
    expect(doc.currentVersion.sha256).to.equal(sha(raw));
    await page.close();
  });

  it("Outlook: a save into a case closed meanwhile says to reopen it, with the service's own sentence as details", async () => {
    const closing = (
      await request(svc.url)
        .post("/api/cases")
        .auth(w.tokens.alice, { type: "bearer" })
        .send({ templateId: w.templates.pupil, title: "Elevsag der lukkes", metadata: { elevnummer: "E-13" } })
        .expect(201)
    ).body;
    const mail: FakeMail = {
      itemId: "AAMkAGI2-3",
      subject: "Afslutning af elevsag",
      from: { displayName: "Bo", emailAddress: "bo@example.dk" },
      to: [],
      cc: [],
      dateTimeCreated: "2019-06-30T10:00:00Z",
      internetMessageId: "<afslutning@example.dk>",
      conversationId: "AAQkAGI2-3",
      emlBase64: corpus("unquoted-filename-with-spaces.eml").toString("base64"),
      headers: "Subject: Afslutning af elevsag\r\n",
      attachments: [],
    };
    const page = await openTaskpane(browser, `${svc.url}/addins/taskpane.html?host=outlook`, {
      host: "Outlook",
      requirementSets: { Mailbox: "1.14" },
      mail,
      stored: { roaming: { "imsCase.connection": { serviceUrl: svc.url, token: w.tokens.alice } } },
    } satisfies FakeOfficeOptions);
    await page.getByTestId("case-search").fill("lukkes");
    await page.locator(`[data-case-id="${closing.id}"]`).first().click();
    await page.getByRole("radio", { name: /^Brev/ }).click();
    await request(svc.url).post(`/api/cases/${closing.id}/close`).auth(w.tokens.alice, { type: "bearer" }).send({}).expect(200);
    await page.getByTestId("save").click();
    await page.getByTestId("failure").waitFor();
    await screenshot(page, "outlook-7-case-closed");
    expect(await page.getByTestId("problem-text").innerText()).to.equal("Sagen er lukket. Genåbn den, før du gemmer i den eller ændrer den.");
    expect(await page.getByTestId("problem-detail").innerText()).to.equal(
      `Detaljer: Case ${closing.number} is closed; reopen it before filing documents in it.`,
    );
    await page.close();
  });

  it("Word: saves the real .docx into the case, then saves it again as a new version", async () => {
    const docx = corpus("complex-word-with-images-850kb.docx");
    const options: FakeOfficeOptions = {
      host: "Word",
      displayLanguage: "en-US",
      document: { url: "https://contoso.sharepoint.com/Shared%20Documents/Indstillingsnotat.docx", fileBase64: docx.toString("base64"), sliceSize: 256 * 1024 },
    };
    const connection = { "imsCase.connection": JSON.stringify({ serviceUrl: svc.url, token: w.tokens.alice }) };
    const page = await openTaskpane(browser, `${svc.url}/addins/taskpane.html?host=word`, options, connection);
    await page.getByTestId("case-search").fill(caseNumber.slice(0, 12));
    await page.locator(`[data-case-id="${caseId}"]`).first().click();
    await page.getByRole("radio", { name: /^Elevdokument/ }).click();
    expect(await page.getByTestId("title").inputValue()).to.equal("Indstillingsnotat");
    await screenshot(page, "word-1-details");
    await page.getByTestId("save").click();
    await page.getByTestId("done").waitFor();
    await screenshot(page, "word-2-saved");
    const documentId = await page.getByTestId("saved-document").getAttribute("data-document-id");
    const log = await officeLog(page);
    expect(log.openFiles).to.equal(0);
    expect(log.calls.filter((c) => c.name === "getSliceAsync").length).to.be.at.least(Math.ceil(docx.length / (256 * 1024)));

    // The file now carries its document id: the pane offers a new version.
    const again = await openTaskpane(
      browser,
      `${svc.url}/addins/taskpane.html?host=word`,
      { ...options, stored: { documentSettings: log.documentSettings } },
      connection,
    );
    await again.getByTestId("as-new-version").click();
    const versionOf = await again.getByTestId("new-version-of").innerText();
    expect(versionOf).to.contain("Indstillingsnotat").and.contain("1.0").and.contain(caseNumber);
    await screenshot(again, "word-3-new-version");
    await again.getByTestId("save").click();
    await again.getByTestId("done").waitFor();
    await screenshot(again, "word-4-version-saved");

    const doc = (await api(`/api/documents/${documentId}`).expect(200)).body;
    expect(doc.versions.map((v: { version: string }) => v.version)).to.deep.equal(["1.0", "1.1"]);
    expect(doc.versions.every((v: { sha256: string }) => v.sha256 === sha(docx))).to.equal(true);
    expect(doc.currentVersion.filename).to.equal("Indstillingsnotat.docx");
    await page.close();
    await again.close();
  });

  describe("signing in through the web view (Office's dialog)", () => {
    const mail: FakeMail = {
      itemId: "AAMkAGI2-sign-in",
      subject: "Ansøgning modtaget",
      from: { displayName: "Bo", emailAddress: "bo@example.dk" },
      to: [],
      cc: [],
      dateTimeCreated: "2019-11-21T10:00:00Z",
      internetMessageId: "<ansoegning@example.dk>",
      conversationId: "AAQkAGI2-sign-in",
      emlBase64: Buffer.from("Subject: Ansøgning modtaget\r\n\r\nHej\r\n").toString("base64"),
      headers: "Subject: Ansøgning modtaget\r\n",
      attachments: [],
    };
    const outlook = (stored?: Record<string, unknown>): FakeOfficeOptions => ({
      host: "Outlook",
      requirementSets: { Mailbox: "1.14" },
      mail,
      ...(stored ? { stored: { roaming: { "imsCase.connection": stored } } } : {}),
    });
    /** The dialog the pane opened last, once it has opened one more than `seen`. */
    const dialogOf = async (pane: Page, seen = 0) => {
      await pane.waitForFunction((n) => (window as unknown as { __office: FakeOfficeLog }).__office.dialogs.length > n, seen);
      const log = await officeLog(pane);
      return log.dialogs[log.dialogs.length - 1];
    };
    /** The page in Office's dialog: the web view, with office.js as it is there (messageParent records what goes to the pane). */
    async function dialogPage(url: string): Promise<Page> {
      const context = await browser.newContext({ locale: "da-DK", viewport: { width: 600, height: 700 } });
      await context.route("https://appsforoffice.microsoft.com/**", (route) =>
        route.fulfill({
          contentType: "text/javascript",
          body: "window.__toAddIn = []; window.Office = { onReady: () => Promise.resolve({}), context: { ui: { messageParent: (m) => window.__toAddIn.push(m) } } };",
        }),
      );
      const page = await context.newPage();
      await page.goto(url);
      return page;
    }
    const sentToPane = (page: Page) => page.evaluate(() => (window as unknown as { __toAddIn?: string[] }).__toAddIn ?? []);
    const stored = async (pane: Page) => (await officeLog(pane)).roaming["imsCase.connection"] as Record<string, string>;

    it("Log ind opens /forbind/outlook in Office's dialog; the code the page sends back becomes the pane's own credential; Log ud revokes it", async () => {
      const pane = await openTaskpane(browser, `${svc.url}/addins/taskpane.html?host=outlook`, outlook());
      await pane.getByTestId("sign-in").waitFor();
      await screenshot(pane, "outlook-8-sign-in");

      // Closed without signing in: nothing is kept, and the pane says so.
      await pane.getByTestId("sign-in").click();
      await dialogOf(pane);
      await pane.evaluate(() => (window as unknown as { __officeDialog: { closeByUser(): void } }).__officeDialog.closeByUser());
      await pane.getByTestId("settings-notice").waitFor();
      expect(await pane.getByTestId("settings-notice").innerText()).to.contain("Du blev ikke logget ind");

      await pane.getByTestId("sign-in").click();
      const dialog = await dialogOf(pane, 1);
      expect(dialog.url).to.match(new RegExp(`^${svc.url.replace(/[.:/]/g, "\\$&")}/forbind/outlook\\?challenge=[A-Za-z0-9_-]{43}$`));
      await pane.getByText("Log ind i vinduet, der er åbnet").waitFor();
      await screenshot(pane, "outlook-9-sign-in-waiting");

      const page = await dialogPage(dialog.url);
      await signIn(page, "alice@skole.dk");
      await page.getByRole("button", { name: "Log Outlook ind" }).click();
      await page.getByTestId("device-done").waitFor();
      const [message] = await sentToPane(page);
      await pane.evaluate(
        ([m, origin]) => (window as unknown as { __officeDialog: { message(m: string, o: string): void } }).__officeDialog.message(m, origin),
        [message, svc.url] as const,
      );

      // Signed in: the save flow shows, the credential is kept where a pasted token was, and the dialog is closed.
      await pane.getByTestId("case-search").waitFor();
      const kept = await stored(pane);
      expect(kept).to.include({ serviceUrl: svc.url, signedInAs: "Alice Sagsbehandler" });
      expect(kept.token).to.match(/^imsd_/);
      expect(kept.deviceId).to.be.a("string");
      expect((await officeLog(pane)).dialogs.every((d) => d.closed)).to.equal(true);
      expect((await request(svc.url).get("/api/me").auth(kept.token, { type: "bearer" }).expect(200)).body.email).to.equal("alice@skole.dk");
      const devices = (await request(svc.url).get("/api/auth/sessions").auth(w.tokens.alice, { type: "bearer" }).expect(200)).body.devices;
      expect(devices.map((d: { id: string; client: string }) => [d.id, d.client])).to.deep.include([kept.deviceId, "outlook"]);

      await pane.getByTestId("open-settings").click();
      expect(await pane.getByTestId("signed-in-as").innerText()).to.equal("Logget ind som Alice Sagsbehandler");
      await screenshot(pane, "outlook-10-signed-in");
      await pane.getByTestId("sign-out").click();
      await pane.getByTestId("sign-in").waitFor();
      expect((await stored(pane)).token).to.equal("");
      await request(svc.url).get("/api/me").auth(kept.token, { type: "bearer" }).expect(401);
      await page.context().close();
      await pane.close();
    });

    it("signed out in the web view, the pane gets 401 and asks to Log ind again", async () => {
      const cookie = String(
        (await request(svc.url).post("/api/auth/sign-in").send({ email: "alice@skole.dk", password: "Skolekontoret-2026!" }).expect(200)).headers[
          "set-cookie"
        ][0],
      ).split(";")[0];
      const verifier = randomBytes(32).toString("base64url");
      const challenge = createHash("sha256").update(verifier).digest("base64url");
      const code = (
        await request(svc.url)
          .post("/api/auth/devices/codes")
          .set("Cookie", cookie)
          .set("Sec-Fetch-Site", "same-origin")
          .send({ client: "outlook", challenge })
          .expect(201)
      ).body.code;
      const device = (await request(svc.url).post("/api/auth/devices/redeem").send({ code, verifier }).expect(201)).body;
      const connection = { serviceUrl: svc.url, token: device.token, deviceId: device.id, signedInAs: device.name };
      const before = await openTaskpane(browser, `${svc.url}/addins/taskpane.html?host=outlook`, outlook(connection));
      await before.getByTestId("case-search").waitFor();
      await before.close();

      await request(svc.url).delete(`/api/auth/sessions/${device.id}`).set("Cookie", cookie).set("Sec-Fetch-Site", "same-origin").expect(204);
      const pane = await openTaskpane(browser, `${svc.url}/addins/taskpane.html?host=outlook`, outlook(connection));
      await pane.getByTestId("settings-notice").waitFor();
      expect(await pane.getByTestId("settings-notice").innerText()).to.contain("Log ind igen");
      await pane.getByTestId("sign-in").waitFor();
      expect((await stored(pane)).token).to.equal("");
      await screenshot(pane, "outlook-11-signed-out");
      await pane.close();
    });
  });
});
