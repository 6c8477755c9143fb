import SqliteDatabase from "better-sqlite3";
import { expect } from "chai";
import { Kysely, sql, SqliteDialect, type CompiledQuery } from "kysely";
import request from "supertest";
import type { Database } from "../../service/db/database.ts";
import { requireVisibleDocument } from "../../service/features/access/access.ts";
import { loadActor } from "../../service/features/auth/load-actor.ts";
import { referencesOf } from "../../service/features/documents/documents.repository.ts";
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

  it("?floating=true&mine=true is one's own inbox: a colleague's floating document shared with the group is left out, and it pages", async () => {
    const float = (token: string, title: string) =>
      request(svc.url)
        .post("/api/documents")
        .auth(token, { type: "bearer" })
        .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, title, accessGroupId: w.accessGroups.school }))
        .attach("file", Buffer.from(title), { filename: `${title}.txt`, contentType: "text/plain" })
        .expect(201);
    const mine = [(await float(w.tokens.carl, "Carls første")).body.id, (await float(w.tokens.carl, "Carls anden")).body.id];
    const alices = (await float(w.tokens.alice, "Alices løse")).body.id;
    const list = (q: string) => request(svc.url).get(`/api/documents?${q}`).auth(w.tokens.carl, { type: "bearer" }).expect(200);
    expect((await list("floating=true")).body.items.map((d: { id: string }) => d.id)).to.include(alices);
    const first = (await list("floating=true&mine=true&limit=1")).body;
    const second = (await list(`floating=true&mine=true&limit=1&cursor=${first.nextCursor}`)).body;
    expect([...first.items, ...second.items].map((d: { id: string }) => d.id)).to.deep.equal([...mine].reverse());
    expect(second.nextCursor).to.equal(null);
  });

  it("the inbox is read off its own index, in order, without sorting (SQLite)", async () => {
    const plan = await sql<{ detail: string }>`explain query plan
      select id from documents where case_id is null and owner_id = ${w.users.carl} order by changed_at desc, id desc limit 26`.execute(svc.ctx.db);
    const details = plan.rows.map((r) => r.detail).join("\n");
    expect(details).to.contain("documents_floating_owner");
    expect(details).to.not.contain("TEMP B-TREE");
  });

  it("a document's references check the document at the other end on its own row, not against every document one may see (SQLite)", async () => {
    const c = await request(svc.url)
      .post("/api/cases")
      .auth(w.tokens.alice, { type: "bearer" })
      .send({ templateId: w.templates.pupil, title: "Henvisninger", metadata: { elevnummer: "H-1" } })
      .expect(201);
    const save = async (title: string) =>
      (
        await request(svc.url)
          .post("/api/documents")
          .auth(w.tokens.alice, { type: "bearer" })
          .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, caseId: c.body.id, title }))
          .attach("file", Buffer.from(title), { filename: `${title}.txt`, contentType: "text/plain" })
          .expect(201)
      ).body.id as string;
    const [a, b] = [await save("Spørgsmål"), await save("Svar")];
    await request(svc.url)
      .post(`/api/documents/${b}/references`)
      .auth(w.tokens.alice, { type: "bearer" })
      .send({ toDocumentId: a, kind: "reply_to" })
      .expect(201);
    // A second connection to the same file that records what it runs, so SQLite can be asked for each plan.
    const ran: CompiledQuery[] = [];
    const native = new SqliteDatabase(svc.config.databaseFile, { readonly: true });
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: native }), log: (e) => void ran.push(e.query) });
    try {
      const actor = (await loadActor(db, w.users.alice))!;
      const doc = await requireVisibleDocument(db, actor, b);
      ran.length = 0;
      const refs = await referencesOf(db, actor, doc);
      expect(refs.outgoing.map((r) => r.document_id)).to.deep.equal([a]);
      expect(ran).to.have.length(2);
      for (const q of ran) {
        const plan = (native.prepare(`explain query plan ${q.sql}`).all(...(q.parameters as unknown[])) as Array<{ detail: string }>).map((r) => r.detail);
        expect(plan.join(" | ")).to.not.match(/LIST SUBQUERY|SCAN documents/);
      }
    } finally {
      await db.destroy();
    }
  });
});
