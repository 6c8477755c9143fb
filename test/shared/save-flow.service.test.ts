import { expect } from "chai";
import { createHash } from "node:crypto";
import {
  bytesSource,
  chooseAttachment,
  chooseCase,
  chooseFloating,
  chooseType,
  createDraftedCase,
  editMetadata,
  editNewCase,
  fetchTransport,
  ImsClient,
  initialState,
  loadStart,
  NetworkError,
  save,
  searchCases,
  startNewCase,
  type Capture,
  type HttpRequest,
  type RetryPolicy,
  type SaveSources,
  type Transport,
} from "../../shared/index.ts";
import { corpus } from "../support/fixtures.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const noWait: RetryPolicy = { attempts: 5, delayMs: () => 0, sleep: async () => undefined };

/** A transport that loses what the test tells it to: the request before it arrives, or the answer after. */
function flaky(inner: Transport) {
  const rules: Array<{ match: (r: HttpRequest) => boolean; when: "before" | "after"; times: number }> = [];
  const seen: HttpRequest[] = [];
  const transport: Transport = async (req) => {
    seen.push(req);
    const rule = rules.find((r) => r.times > 0 && r.match(req));
    if (rule?.when === "before") {
      rule.times--;
      throw new NetworkError("connection reset before the request arrived");
    }
    const res = await inner(req);
    if (rule?.when === "after") {
      rule.times--;
      throw new NetworkError("connection reset before the answer arrived");
    }
    return res;
  };
  return { transport, seen, lose: (match: (r: HttpRequest) => boolean, when: "before" | "after", times = 1) => rules.push({ match, when, times }) };
}

describe("the shared save flow against the real service", () => {
  let svc: TestService;
  let w: World;
  let caseId: string;
  const mailBytes = corpus("da-gmail-inline-image-and-attached-odt.eml");
  const odt = corpus("da-brev-med-billede.odt");
  const capture: Capture = {
    kind: "mail",
    title: "Mail med inline billede og vedhæftet fil",
    filename: "Mail med inline billede og vedhæftet fil.eml",
    mediaType: "message/rfc822",
    size: mailBytes.length,
    mail: {
      messageId: "<CAP6xULFuEzdY+Mj5WY5nt=9TfRuaWroy6-4LWmhpp9G2+vfzLw@mail.gmail.com>",
      from: "pawsen@gmail.com",
      to: ["pawsen@gmail.com"],
      cc: [],
      references: [],
      subject: "Mail med inline billede og vedhæftet fil",
    },
    attachments: [{ id: "att-1", filename: "da-brev-med-billede.odt", mediaType: "application/vnd.oasis.opendocument.text", size: odt.length, inline: false }],
    pdfAvailable: false,
  };
  const sources: SaveSources = {
    main: async () => bytesSource(mailBytes, capture.filename, capture.mediaType),
    attachment: async () => bytesSource(odt, "da-brev-med-billede.odt", "application/vnd.oasis.opendocument.text"),
  };
  const client = (token: string, transport: Transport = fetchTransport()) => new ImsClient({ baseUrl: svc.url, credential: async () => token, transport });

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    const c = await client(w.tokens.alice).createCase({ templateId: w.templates.pupil, title: "Foreningen Glade Børn", metadata: { elevnummer: "E-7" } });
    caseId = c.id;
  });
  after(() => svc.dispose());

  it("finds the case by a word, saves the mail with its attachment in slices, byte for byte", async () => {
    const api = client(w.tokens.alice);
    let s = await loadStart(api, initialState(capture, "save-1-0123456789"));
    s = await searchCases(api, { ...s, query: "glade bør" }, "glade bør");
    expect(s.suggestions.map((c) => c.id)).to.include(caseId);
    s = chooseType(
      chooseCase(
        s,
        s.suggestions.find((c) => c.id === caseId)!,
      ),
      w.types.letter,
    );
    s = editMetadata(s, { title: "Mail fra Paw" });
    const seenProgress: number[] = [];
    const done = await save(api, s, sources, {
      language: "da",
      chunkSize: 16 * 1024,
      retry: noWait,
      onState: (x) => x.progress && seenProgress.push(x.progress.sent),
    });
    expect(done.step, JSON.stringify(done.failure ?? done.errors)).to.equal("done");
    const doc = done.result!.document;
    expect(doc.title).to.equal("Mail fra Paw");
    expect(doc.currentVersion.sha256).to.equal(sha(mailBytes));
    expect(doc.attachments.map((a) => a.versions[0].sha256)).to.deep.equal([sha(odt)]);
    expect(done.result!.caseLabel).to.contain("Foreningen Glade Børn");
    expect(seenProgress.at(-1)).to.equal(mailBytes.length + odt.length);
    expect(new Set(seenProgress).size).to.be.greaterThan(3);
  });

  it("a new case is created from a template in the pane, its fields checked first, and then chosen", async () => {
    const api = client(w.tokens.alice);
    let s = await loadStart(api, initialState({ ...capture, mail: { ...capture.mail!, messageId: "<new-case@x>" } }, "new-case-0123456789"));
    s = editNewCase(startNewCase(s, w.templates.pupil), { title: "Elev 4", fields: { klasse: "9.z", optaget: "31-12-2019" } });
    const refused = await createDraftedCase(api, s, "da");
    expect(Object.keys(refused.errors).sort()).to.deep.equal(["elevnummer", "klasse", "optaget"]);
    expect(refused.target).to.equal(null);
    s = editNewCase(refused, { fields: { elevnummer: "E-4", klasse: "1.a", optaget: "2019-12-31" } });
    const created = await createDraftedCase(api, s, "da");
    expect(created.step).to.equal("type");
    expect(created.target?.kind).to.equal("case");
    const c = created.target?.kind === "case" ? created.target.case : null;
    expect(c).to.include({ title: "Elev 4", templateId: w.templates.pupil });
    expect(c!.metadata).to.deep.equal({ elevnummer: "E-4", klasse: "1.a", optaget: "2019-12-31" });
    expect(created.recent[0].id).to.equal(c!.id);
  });

  it("the same mail is then reported as already saved, with its case", async () => {
    const s = await loadStart(client(w.tokens.alice), initialState(capture, "look-0123456789"));
    expect(s.alreadyFiled?.case?.id).to.equal(caseId);
  });

  it("an answer lost after the save arrived is retried with the same key and stores one document", async () => {
    const net = flaky(fetchTransport());
    net.lose((r) => r.method === "POST" && r.url.endsWith("/api/documents"), "after", 2);
    const api = client(w.tokens.alice, net.transport);
    const before = await svc.ctx.db
      .selectFrom("documents")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    let s = chooseType(
      chooseFloating(await loadStart(api, initialState({ ...capture, mail: undefined, attachments: [] }, "retry-key-1-0123456789"))),
      w.types.letter,
    );
    s = await save(api, s, sources, { language: "da", retry: noWait });
    expect(s.step).to.equal("done");
    const after = await svc.ctx.db
      .selectFrom("documents")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).to.equal(1);
    expect(net.seen.filter((r) => r.method === "POST" && r.url.endsWith("/api/documents"))).to.have.length(3);
  });

  it("a slice lost on the way resumes from the offset the service confirms", async () => {
    const net = flaky(fetchTransport());
    let patches = 0;
    net.lose((r) => r.method === "PATCH" && ++patches === 3, "before");
    net.lose((r) => r.method === "PATCH" && patches === 5, "after");
    const api = client(w.tokens.alice, net.transport);
    let s = chooseType(
      chooseFloating(await loadStart(api, initialState({ ...capture, mail: undefined, attachments: [] }, "resume-key-0123456789"))),
      w.types.letter,
    );
    s = await save(api, s, sources, { language: "da", chunkSize: 8 * 1024, retry: noWait });
    expect(s.step, JSON.stringify(s.failure)).to.equal("done");
    expect(s.result!.document.currentVersion.sha256).to.equal(sha(mailBytes));
    expect(net.seen.some((r) => r.method === "HEAD")).to.equal(true);
  });

  it("attachments chosen as documents of their own become separate documents in the case", async () => {
    const api = client(w.tokens.alice);
    // A case of its own: the same mail is filed in the first case already, and a second filing there is refused.
    const other = await api.createCase({ templateId: w.templates.pupil, title: "Særskilte bilag", metadata: { elevnummer: "E-8" } });
    let s = await loadStart(api, initialState({ ...capture, mail: { ...capture.mail!, messageId: "<other@x>" } }, "separate-key-0123456789"));
    s = chooseAttachment(chooseType(chooseCase(s, (await api.getCase(other.id)) as never), w.types.letter), "att-1", "document");
    s = await save(api, s, sources, { language: "da", retry: noWait });
    expect(s.result!.document.attachments).to.have.length(0);
    expect(s.result!.separate).to.have.length(1);
    expect(s.result!.separate[0].caseId).to.equal(other.id);
    expect(s.result!.separate[0].currentVersion.sha256).to.equal(sha(odt));
  });

  it("a document saved with its PDF copy keeps the PDF as an attachment", async () => {
    const api = client(w.tokens.alice);
    const docx = corpus("Flere sider.docx");
    const pdf = Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");
    const word: Capture = {
      kind: "document",
      title: "Flere sider",
      filename: "Flere sider.docx",
      mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      attachments: [],
      pdfAvailable: true,
    };
    let s = editMetadata(chooseType(chooseFloating(await loadStart(api, initialState(word, "pdf-key-0123456789"))), w.types.letter), { savePdf: true });
    const closed: string[] = [];
    s = await save(
      api,
      s,
      {
        main: async () => ({ ...bytesSource(docx, word.filename, word.mediaType), close: async () => void closed.push("docx") }),
        attachment: async () => {
          throw new Error("no attachments");
        },
        pdf: async () => ({ ...bytesSource(pdf, "Flere sider.pdf", "application/pdf"), close: async () => void closed.push("pdf") }),
      },
      { language: "da", retry: noWait },
    );
    expect(s.result!.document.currentVersion.sha256).to.equal(sha(docx));
    expect(s.result!.document.attachments.map((a) => [a.title, a.versions[0].sha256])).to.deep.equal([["Flere sider.pdf", sha(pdf)]]);
    expect(closed).to.deep.equal(["docx", "pdf"]);
  });

  it("a rejected token and an unreachable service are shown as readable messages, and nothing is saved", async () => {
    const s = {
      ...initialState({ ...capture, attachments: [] }, "k-0123456789"),
      target: { kind: "floating" as const },
      documentTypeId: w.types.letter,
      step: "metadata" as const,
    };
    const refused = await save(client("not-a-token"), s, sources, { language: "da", retry: noWait });
    expect(refused.step).to.equal("metadata");
    expect(refused.failure).to.deep.equal({
      key: "error.unauthorized",
      detail: "The API token is not valid: it is unknown, revoked, or its user is deactivated.",
    });
    const down = new ImsClient({ baseUrl: "http://127.0.0.1:9", credential: async () => w.tokens.alice, transport: fetchTransport() });
    const unreachable = await save(down, s, sources, { language: "da", retry: noWait });
    expect(unreachable.failure?.key).to.equal("error.network");
  });

  it("a new version sent with a stale ETag is refused as stale", async () => {
    const api = client(w.tokens.alice);
    let s = chooseType(
      chooseFloating(await loadStart(api, initialState({ ...capture, mail: undefined, attachments: [] }, "v-key-0123456789"))),
      w.types.letter,
    );
    s = await save(api, s, sources, { language: "da", retry: noWait });
    const doc = s.result!.document;
    const docCapture: Capture = { ...capture, kind: "document", mail: undefined, attachments: [], existingDocumentId: doc.id, existingEtag: doc.etag };
    const v2 = await save(api, initialState(docCapture, "v2-0123456789"), sources, { language: "da", retry: noWait });
    expect(v2.result!.document.currentVersion.version).to.equal("1.1");
    const stale = await save(api, initialState(docCapture, "v3-0123456789"), sources, { language: "da", retry: noWait });
    expect(stale.failure?.key).to.equal("error.stale");
    expect(stale.failure?.detail).to.match(/^The document has changed since you fetched it/);
  });

  it("a save into a closed case, or of a type its template does not allow, says what to do, the service's sentence kept as the detail", async () => {
    const api = client(w.tokens.alice);
    const closed = await api.createCase({ templateId: w.templates.pupil, title: "Afsluttet elevsag", metadata: { elevnummer: "E-9" } });
    await api.closeCase(closed.id);
    const start = await loadStart(api, initialState({ ...capture, mail: undefined, attachments: [] }, "closed-0123456789"));
    const ready = (c: typeof closed, typeId: string) => chooseType(chooseCase(start, c), typeId);
    // The pane chose the case while it was still open.
    const intoClosed = await save(api, ready({ ...closed, status: "active" }, w.types.letter), sources, { language: "da", retry: noWait });
    expect(intoClosed.step).to.equal("metadata");
    expect(intoClosed.failure).to.deep.equal({
      key: "problem.case_closed",
      detail: `Case ${closed.number} is closed; reopen it before filing documents in it.`,
    });
    const open = await api.getCase(caseId);
    const wrongType = await save(api, { ...ready(open, w.types.letter), documentTypeId: w.types.minutes }, sources, { language: "da", retry: noWait });
    expect(wrongType.failure?.key).to.equal("problem.document_type_not_allowed");
    expect(wrongType.failure?.detail).to.contain(`is not allowed in case ${open.number}`);
  });
});
