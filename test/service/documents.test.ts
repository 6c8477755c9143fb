import { expect } from "chai";
import { createHash } from "node:crypto";
import request from "supertest";
import { createDocumentType } from "../../service/features/retention/retention.service.ts";
import { binary } from "../support/http.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("documents", () => {
  let svc: TestService;
  let w: World;
  let caseId: string;
  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    const res = await request(svc.url)
      .post("/api/cases")
      .auth(w.tokens.alice, { type: "bearer" })
      .send({ templateId: w.templates.pupil, title: "Elev 3", metadata: { elevnummer: "E-3" } })
      .expect(201);
    caseId = res.body.id;
    expect(res.body.number).to.match(/^\d{8}-\d{7}$/);
  });
  after(() => svc.dispose());

  it("a caseworker saves a file into a case and downloads the same bytes", async () => {
    const bytes = Buffer.from("Optagelsesdokument — æøå\n");
    const res = await request(svc.url)
      .post("/api/documents")
      .auth(w.tokens.alice, { type: "bearer" })
      .field("metadata", JSON.stringify({ documentTypeId: w.types.pupil, caseId }))
      .attach("file", bytes, { filename: 'Optagelsesdokument æøå "1".txt', contentType: "text/plain" })
      .expect(201);
    expect(res.body.title).to.equal('Optagelsesdokument æøå "1"');
    expect(res.body.currentVersion.version).to.equal("1.0");
    expect(res.body.currentVersion.sha256).to.equal(sha(bytes));
    const dl = await request(svc.url)
      .get(`/api/documents/${res.body.id}/content`)
      .auth(w.tokens.alice, { type: "bearer" })
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(sha(dl.body)).to.equal(sha(bytes));
    expect(dl.headers["content-disposition"]).to.contain("filename*=UTF-8''Optagelsesdokument%20%C3%A6%C3%B8%C3%A5%20%221%22.txt");
    expect(dl.headers["x-content-type-options"]).to.equal("nosniff");
  });

  it("a document type restricted to an access group its author is not in is refused before anything is stored", async () => {
    // Filed, it would have been invisible to the one who filed it (the fuzz suite found it stored, then answered 404).
    const restricted = await createDocumentType(svc.ctx.db, null, {
      name: "Elevjournal (fortrolig)",
      category: "Elevdokument",
      retentionRuleId: w.rules.permanent,
      accessGroupId: w.accessGroups.school,
    });
    const board = await request(svc.url)
      .post("/api/cases")
      .auth(w.tokens.bob, { type: "bearer" })
      .send({ templateId: w.templates.board, title: "Bestyrelsesmøde" })
      .expect(201);
    const count = async () => (await svc.ctx.db.selectFrom("versions").select("id").execute()).length;
    const before = await count();
    const res = await request(svc.url)
      .post("/api/documents")
      .auth(w.tokens.bob, { type: "bearer" })
      .field("metadata", JSON.stringify({ documentTypeId: restricted.id, caseId: board.body.id }))
      .attach("file", Buffer.from("fortroligt"), { filename: "Notat.txt", contentType: "text/plain" });
    expect(res.status, JSON.stringify(res.body)).to.equal(422);
    expect(res.body.code).to.equal("not_in_access_group");
    expect(res.body.detail).to.contain("Elevjournal (fortrolig)").and.contain("Elevsager");
    expect(await count()).to.equal(before);
  });
});
