import { expect } from "chai";
import { AuditPage, CasePage, DocumentDetails, DocumentPage, JournalPlanEntry, RetentionRule } from "../../shared/api/schemas/index.ts";
import { bytesSource, fetchTransport, ImsClient, uploadResumable } from "../../shared/index.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

const text = (s: string) => new TextEncoder().encode(s);

describe("the shared client against the real service", () => {
  let svc: TestService;
  let w: World;
  let alice: ImsClient;
  let caseId: string;

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    alice = new ImsClient({ baseUrl: svc.url, credential: async () => w.tokens.alice, transport: fetchTransport() });
    caseId = (await alice.createCase({ templateId: w.templates.pupil, title: "Elevsag til klienten", metadata: { elevnummer: "E-9" } })).id;
  });
  after(() => svc.dispose());

  const saveNote = async (title: string) => {
    const upload = await uploadResumable(alice, bytesSource(text(`${title}\n`), `${title}.txt`, "text/plain"));
    return alice.saveDocument({ upload, documentTypeId: w.types.pupil, caseId, title }, `client-test-${title}`);
  };

  it("lists a case's documents and the cases page by page, each answer as its schema says", async () => {
    const saved = await saveNote("Referat");
    expect(DocumentDetails.parse(saved).comments).to.deep.equal([]);
    const documents = DocumentPage.parse(await alice.listDocuments({ caseId, limit: 10 }));
    expect(documents.items.map((d) => d.id)).to.deep.equal([saved.id]);
    const cases = CasePage.parse(await alice.listCases({ filter: "mine", limit: 1 }));
    expect(cases.items).to.have.length(1);
  });

  it("comments on a document and refers it to another, and the document page shows both", async () => {
    const letter = await saveNote("Brev");
    const answer = await saveNote("Svar");
    const comment = await alice.addComment(letter.id, "Sendt til forældrene");
    const reference = await alice.addReference(answer.id, letter.id, "reply_to");
    expect(reference).to.include({ documentId: letter.id, kind: "reply_to" });
    const page = await alice.getDocument(letter.id);
    expect(page.comments.map((c) => c.id)).to.deep.equal([comment.id]);
    expect(page.references.incoming.map((r) => r.id)).to.deep.equal([reference.id]);
    await alice.removeReference(answer.id, reference.id);
    expect((await alice.getDocument(letter.id)).references.incoming).to.deep.equal([]);
  });

  it("reads the retention rules, the journal plan and a document's audit trail", async () => {
    const rules = await alice.retentionRules();
    expect(rules.length).to.be.greaterThan(0);
    rules.forEach((r) => RetentionRule.parse(r));
    (await alice.journalPlan(true)).forEach((e) => JournalPlanEntry.parse(e));
    const saved = await saveNote("Notat");
    const trail = AuditPage.parse(await alice.auditTrail("document", saved.id));
    expect(trail.items.map((e) => e.action)).to.include("document.create");
  });
});
