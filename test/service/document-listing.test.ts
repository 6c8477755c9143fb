import { expect } from "chai";
import request from "supertest";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

describe("document listings name who changed each document", () => {
  let svc: TestService;
  let w: World;
  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
  });
  after(() => svc.dispose());

  it("the list and the document carry the name of whoever changed it last, also for a colleague's change", async () => {
    const c = await request(svc.url)
      .post("/api/cases")
      .auth(w.tokens.alice, { type: "bearer" })
      .send({ templateId: w.templates.pupil, title: "Fælles sag", metadata: { elevnummer: "F-1" } })
      .expect(201);
    const saved = await request(svc.url)
      .post("/api/documents")
      .auth(w.tokens.alice, { type: "bearer" })
      .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, caseId: c.body.id, title: "Referat" }))
      .attach("file", Buffer.from("referat"), { filename: "referat.txt", contentType: "text/plain" })
      .expect(201);
    const alice = (await request(svc.url).get("/api/me").auth(w.tokens.alice, { type: "bearer" }).expect(200)).body;
    expect(saved.body.changedByName).to.equal(alice.name);
    const admin = (await request(svc.url).get("/api/me").auth(ADMIN_TOKEN, { type: "bearer" }).expect(200)).body;
    await request(svc.url).patch(`/api/documents/${saved.body.id}`).auth(ADMIN_TOKEN, { type: "bearer" }).send({ title: "Referat, rettet" }).expect(200);
    const page = (await request(svc.url).get(`/api/documents?caseId=${c.body.id}`).auth(w.tokens.alice, { type: "bearer" }).expect(200)).body;
    expect(page.items.find((d: { id: string }) => d.id === saved.body.id)).to.deep.include({ changedBy: admin.id, changedByName: admin.name });
  });
});
