import { expect } from "chai";
import request from "supertest";
import type { SearchResults } from "../../../shared/api/types.ts";
import { openSqlite } from "../../../service/db/dialect.ts";
import { migrateToLatest } from "../../../service/db/migrate.ts";
import { accessGroupsOf } from "../../../service/features/access/access.ts";
import { indexStale } from "../../../service/features/search/indexer.ts";
import { search } from "../../../service/features/search/search.service.ts";
import { bearer } from "../../support/http.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../../support/service.ts";
import { buildWorld, type World } from "../../support/world.ts";
import { insertCases } from "./search-scene.ts";
import { up as numberOldestFirst } from "../../../service/db/migrations/2026_12_03_180_search_rows_in_creation_order.ts";
import * as accessCopies from "../../../service/db/migrations/2026_12_03_190_search_rows_access.ts";

describe("free-text search (GET /api/search)", () => {
  let svc: TestService;
  let w: World;
  const ids: Record<string, string> = {};

  async function find(token: string, q: string, query: Record<string, string | number> = {}): Promise<SearchResults> {
    const res = await request(svc.url)
      .get("/api/search")
      .auth(token, bearer)
      .query({ q, ...query });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  }
  const caseTitles = (r: SearchResults) => r.cases.items.map((h) => h.case.title);
  const documentTitles = (r: SearchResults) => r.documents.items.map((h) => h.document.title);

  async function newCase(token: string, title: string, template = w.templates.pupil): Promise<string> {
    const metadata = template === w.templates.pupil ? { elevnummer: "E-4711" } : {};
    const res = await request(svc.url).post("/api/cases").auth(token, bearer).send({ templateId: template, title, metadata });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.id;
  }
  async function saveDocument(token: string, caseId: string, title: string, typeId: string): Promise<string> {
    const res = await request(svc.url)
      .post("/api/documents")
      .auth(token, bearer)
      .field("metadata", JSON.stringify({ documentTypeId: typeId, caseId, title }))
      .attach("file", Buffer.from("indhold\n"), { filename: "notat.txt", contentType: "text/plain" });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.id;
  }

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    ids.pupilCase = await newCase(w.tokens.alice, "Kvælstofudledning fra Aarhus Havn");
    ids.boardCase = await newCase(w.tokens.bob, "Skovrejsning ved Østergård", w.templates.board);
    ids.pupilDoc = await saveDocument(w.tokens.alice, ids.pupilCase, "Målinger af kvælstofudledningerne", w.types.note);
    ids.boardDoc = await saveDocument(w.tokens.bob, ids.boardCase, "Referat om skovrejsningen og kvælstof", w.types.minutes);
  });
  after(() => svc.dispose());

  it("finds a word in any Danish form: the query and the index are both stemmed", async () => {
    const r = await find(w.tokens.alice, "kvælstofudledningen");
    expect(caseTitles(r)).to.deep.equal(["Kvælstofudledning fra Aarhus Havn"]);
    expect(documentTitles(r)).to.deep.equal(["Målinger af kvælstofudledningerne"]);
    expect(r.cases.count).to.equal(1);
    expect(r.documents.count).to.equal(1);
  });

  it('finds "aa" and "å" both ways, keeps æ, ø and å apart from a, o and e', async () => {
    expect(caseTitles(await find(w.tokens.alice, "Århus"))).to.deep.equal(["Kvælstofudledning fra Aarhus Havn"]);
    expect(caseTitles(await find(w.tokens.bob, "Østergaard"))).to.deep.equal(["Skovrejsning ved Østergård"]);
    expect(caseTitles(await find(w.tokens.bob, "ostergard"))).to.deep.equal([]);
  });

  it("finds prefixes and phrases, and marks the hits in the snippet", async () => {
    const r = await find(w.tokens.bob, "skovrejs*");
    expect(caseTitles(r)).to.deep.equal(["Skovrejsning ved Østergård"]);
    expect(documentTitles(r)).to.deep.equal(["Referat om skovrejsningen og kvælstof"]);
    expect(r.documents.items[0].snippet.filter((p) => p.hit).map((p) => p.text)).to.deep.equal(["skovrejsningen"]);
    expect(documentTitles(await find(w.tokens.bob, '"skovrejsningen og kvælstof"'))).to.have.length(1);
    expect(documentTitles(await find(w.tokens.bob, '"kvælstof og skovrejsningen"'))).to.have.length(0);
  });

  it("needs every word: two words find only what holds both", async () => {
    expect(documentTitles(await find(w.tokens.admin, "kvælstof referat"))).to.deep.equal(["Referat om skovrejsningen og kvælstof"]);
  });

  it("finds case numbers, custom field values and journal codes", async () => {
    const number = (await request(svc.url).get(`/api/cases/${ids.pupilCase}`).auth(w.tokens.alice, bearer).expect(200)).body.number;
    expect(caseTitles(await find(w.tokens.alice, number))).to.deep.equal(["Kvælstofudledning fra Aarhus Havn"]);
    expect(caseTitles(await find(w.tokens.alice, "E-4711"))).to.include("Kvælstofudledning fra Aarhus Havn");
  });

  it("ranks, counts and shows only what the caller may see", async () => {
    // Alice sees the pupils' case, Bob the board's; Erik (external) neither.
    const alice = await find(w.tokens.alice, "kvælstof*");
    expect(caseTitles(alice)).to.deep.equal(["Kvælstofudledning fra Aarhus Havn"]);
    expect(documentTitles(alice)).to.deep.equal(["Målinger af kvælstofudledningerne"]);
    const bob = await find(w.tokens.bob, "kvælstof*");
    expect(bob.cases.count).to.equal(0);
    expect(documentTitles(bob)).to.deep.equal(["Referat om skovrejsningen og kvælstof"]);
    const erik = await find(w.tokens.erik, "kvælstof*");
    expect([erik.cases.count, erik.documents.count]).to.deep.equal([0, 0]);
    const admin = await find(w.tokens.admin, "kvælstof*");
    expect([admin.cases.count, admin.documents.count]).to.deep.equal([1, 2]);
  });

  it("answers every hostile query with 200 and no FTS5 error", async () => {
    const hostile = [
      '"',
      '"""',
      "AND",
      "OR NOT",
      "NEAR(kvælstof skov, 2)",
      "kvælstof AND OR NOT",
      "*",
      "**kvælstof",
      "^kvælstof",
      "title:kvælstof",
      "meta : x",
      "((kvælstof",
      "kvælstof))",
      "{title meta}: x",
      "'; DROP TABLE cases; --",
      "x".repeat(10_000),
      "kvælstof ".repeat(1000).slice(0, 10_000),
      "\u0000\u0001",
      "😀 emoji",
      "-kvælstof",
      "+",
    ];
    for (const q of hostile) {
      const r = await find(w.tokens.alice, q);
      expect(r.q).to.equal(q);
    }
    expect(caseTitles(await find(w.tokens.alice, "title:kvælstof*"))).to.deep.equal([]);
    expect(caseTitles(await find(w.tokens.alice, "((kvælstof*"))).to.deep.equal(["Kvælstofudledning fra Aarhus Havn"]);
  });

  it("refuses a query over 10,000 characters with a problem that says so", async () => {
    const res = await request(svc.url)
      .get("/api/search")
      .auth(w.tokens.alice, bearer)
      .query({ q: "x".repeat(10_001) });
    expect(res.status).to.equal(400);
    expect(res.type).to.equal("application/problem+json");
  });

  it("reflects a change at once: a renamed case, a moved access group, a deleted document", async () => {
    await request(svc.url).patch(`/api/cases/${ids.pupilCase}`).auth(w.tokens.alice, bearer).send({ title: "Nitratmålinger ved Aarhus Havn" }).expect(200);
    expect(caseTitles(await find(w.tokens.alice, "nitratmåling"))).to.deep.equal(["Nitratmålinger ved Aarhus Havn"]);
    expect(caseTitles(await find(w.tokens.alice, "kvælstofudledning"))).to.deep.equal([]);

    // An access change is read from the live tables: no re-indexing stands between it and the next search.
    await svc.ctx.db.updateTable("cases").set({ access_group_id: w.accessGroups.board }).where("id", "=", ids.pupilCase).execute();
    await svc.ctx.db.deleteFrom("search_dirty").execute();
    expect((await find(w.tokens.carl, "nitratmåling")).cases.count).to.equal(0);
    expect((await find(w.tokens.bob, "nitratmåling")).cases.count).to.equal(1);
    await svc.ctx.db.updateTable("cases").set({ access_group_id: w.accessGroups.school }).where("id", "=", ids.pupilCase).execute();

    await request(svc.url).delete(`/api/documents/${ids.pupilDoc}`).auth(w.tokens.admin, bearer).expect(204);
    expect((await find(w.tokens.admin, "kvælstofudledningerne")).documents.count).to.equal(0);
    const rows = await svc.ctx.db.selectFrom("search_rows").select("object_id").where("object_id", "=", ids.pupilDoc).execute();
    expect(rows).to.deep.equal([]);
  });

  it("takes an access change into account at the next search, with nothing re-indexed: a case's responsible, a document's own group, a document filed", async () => {
    // The index rows' copy of the access fields is kept by triggers in the changing transaction; search_dirty
    // is emptied after each change, so no re-indexing could be what the searches see.
    const patch = async (path: string, token: string, body: object) => {
      const res = await request(svc.url).patch(path).auth(token, bearer).send(body);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      await svc.ctx.db.deleteFrom("search_dirty").execute();
    };
    const seen = async (token: string) => {
      const r = await find(token, "vandløbsregulering");
      return { cases: r.cases.count, documents: documentTitles(r).sort() };
    };
    const caseId = await newCase(w.tokens.alice, "Vandløbsregulering i Egå Engsø");
    const filed = await saveDocument(w.tokens.alice, caseId, "Vandløbsregulering, notat", w.types.note);
    const res = await request(svc.url)
      .post("/api/documents")
      .auth(w.tokens.alice, bearer)
      .field("metadata", JSON.stringify({ documentTypeId: w.types.note, title: "Vandløbsregulering, kladde" }))
      .attach("file", Buffer.from("kladde\n"), { filename: "kladde.txt", contentType: "text/plain" });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const unfiled = res.body.id;
    await indexStale(svc.ctx.db);

    expect(await seen(w.tokens.alice)).to.deep.equal({ cases: 1, documents: ["Vandløbsregulering, kladde", "Vandløbsregulering, notat"] });
    expect(await seen(w.tokens.carl)).to.deep.equal({ cases: 1, documents: ["Vandløbsregulering, notat"] });
    expect(await seen(w.tokens.bob)).to.deep.equal({ cases: 0, documents: [] });

    // Bob made responsible: he sees the case and what is filed on it.
    await patch(`/api/cases/${caseId}`, w.tokens.alice, { responsibleId: w.users.bob });
    expect(await seen(w.tokens.bob)).to.deep.equal({ cases: 1, documents: ["Vandløbsregulering, notat"] });

    // The document narrowed to the board's group: only who sees the case and is in that group.
    await patch(`/api/documents/${filed}`, w.tokens.admin, { accessGroupId: w.accessGroups.board });
    expect(await seen(w.tokens.alice)).to.deep.equal({ cases: 1, documents: ["Vandløbsregulering, kladde"] });
    expect(await seen(w.tokens.carl)).to.deep.equal({ cases: 1, documents: [] });
    expect(await seen(w.tokens.bob)).to.deep.equal({ cases: 1, documents: ["Vandløbsregulering, notat"] });
    await patch(`/api/documents/${filed}`, w.tokens.admin, { accessGroupId: null });
    expect(await seen(w.tokens.carl)).to.deep.equal({ cases: 1, documents: ["Vandløbsregulering, notat"] });

    // Alice's unfiled draft filed on the board's case: it follows that case now, not its owner.
    const filedOn = await request(svc.url).post(`/api/documents/${unfiled}/file`).auth(w.tokens.admin, bearer).send({ caseId: ids.boardCase });
    expect(filedOn.status, JSON.stringify(filedOn.body)).to.be.oneOf([200, 204]);
    await svc.ctx.db.deleteFrom("search_dirty").execute();
    expect(await seen(w.tokens.alice)).to.deep.equal({ cases: 1, documents: ["Vandløbsregulering, notat"] });
    expect(await seen(w.tokens.bob)).to.deep.equal({ cases: 1, documents: ["Vandløbsregulering, kladde", "Vandløbsregulering, notat"] });

    // Bob no longer responsible: the case and its document are gone from his search, the board's case's stays.
    await patch(`/api/cases/${caseId}`, w.tokens.alice, { responsibleId: null });
    expect(await seen(w.tokens.bob)).to.deep.equal({ cases: 0, documents: ["Vandløbsregulering, kladde"] });
  });

  it("an archive indexed before the index rows carried access gets them copied by the upgrade, as the triggers keep them", async () => {
    const db = svc.ctx.db;
    await indexStale(db);
    const copies = () =>
      db
        .selectFrom("search_rows")
        .select(["kind", "object_id", "access_group_id", "own_group_id", "owner_id", "responsible_id"])
        .where("kind", "in", ["case", "document"])
        .orderBy("rowid")
        .execute();
    const kept = await copies();
    expect(kept.length).to.be.greaterThan(4);
    expect(kept.every((r) => r.access_group_id !== null || r.owner_id !== null)).to.equal(true);
    const before = await Promise.all([w.tokens.alice, w.tokens.bob, w.tokens.carl].map((t) => find(t, "vandløbsregulering")));
    await accessCopies.down(db);
    await accessCopies.up(db);
    expect(await copies()).to.deep.equal(kept);
    expect(await Promise.all([w.tokens.alice, w.tokens.bob, w.tokens.carl].map((t) => find(t, "vandløbsregulering")))).to.deep.equal(before);
  });

  it("limits a group with kind, and counts up to 1,000", async () => {
    const r = await find(w.tokens.admin, "skovrejsning", { kind: "documents", limit: 1 });
    expect(r.cases.items).to.deep.equal([]);
    expect(r.documents.items).to.have.length(1);
    expect(r.documents.capped).to.equal(false);
  });

  it("finds tasks and contacts too, each group counted, with only what the caller may see", async () => {
    const task = await request(svc.url)
      .post("/api/tasks")
      .auth(w.tokens.alice, bearer)
      .send({ title: "Indhent kvælstofmålinger", description: "Ring til laboratoriet om prøverne", caseId: ids.pupilCase })
      .expect(201);
    const contact = await request(svc.url)
      .post("/api/contacts")
      .auth(w.tokens.alice, bearer)
      .send({ kind: "organisation", name: "Kvælstoflaboratoriet ApS", emails: ["lab@kvaelstof.dk"], cvr: "12345674", phone: "+45 33 12 34 56" })
      .expect(201);
    const alice = await find(w.tokens.alice, "kvælstof*");
    expect(alice.tasks.items.map((h) => h.task.id)).to.deep.equal([task.body.id]);
    expect(alice.tasks.items[0].case?.id).to.equal(ids.pupilCase);
    expect(alice.contacts.items.map((h) => h.contact.id)).to.deep.equal([contact.body.id]);
    expect(alice.contacts.items[0]).to.deep.include({ email: "lab@kvaelstof.dk" });
    // A task's description is searched, and its snippet shows the hit.
    const byDescription = await find(w.tokens.alice, "laboratoriet");
    expect(byDescription.tasks.items[0].snippet.some((p) => p.hit && p.text === "laboratoriet")).to.equal(true);
    // Bob cannot see the pupils' case, so not its task; an external partner sees no contact not party to what they see.
    expect((await find(w.tokens.bob, "kvælstof*")).tasks.count).to.equal(0);
    expect((await find(w.tokens.erik, "kvælstoflaboratoriet")).contacts.count).to.equal(0);
    expect((await find(w.tokens.bob, "kvælstoflaboratoriet")).contacts.count).to.equal(1);
  });

  it("finds numbers and codes by any part of them, three characters or more (trigram)", async () => {
    const number: string = (await request(svc.url).get(`/api/cases/${ids.boardCase}`).auth(w.tokens.bob, bearer).expect(200)).body.number;
    const tail = number.slice(-4);
    expect(caseTitles(await find(w.tokens.bob, tail))).to.include("Skovrejsning ved Østergård");
    // Part of a number with other words: both must hold.
    expect(caseTitles(await find(w.tokens.bob, `${tail} skovrejsning`))).to.include("Skovrejsning ved Østergård");
    expect(caseTitles(await find(w.tokens.bob, `${tail} kvælstof`))).to.not.include("Skovrejsning ved Østergård");
    // Alice may not see the board's case, however its number is typed.
    expect(caseTitles(await find(w.tokens.alice, tail))).to.not.include("Skovrejsning ved Østergård");
    // A CVR number and part of a phone number find the contact.
    expect((await find(w.tokens.alice, "345674")).contacts.items.map((h) => h.contact.name)).to.include("Kvælstoflaboratoriet ApS");
    expect((await find(w.tokens.alice, "331234")).contacts.items.map((h) => h.contact.name)).to.include("Kvælstoflaboratoriet ApS");
    // Journal codes by part: "01.10" is in 00.01.10.
    expect(caseTitles(await find(w.tokens.bob, "01.10"))).to.include("Skovrejsning ved Østergård");
  });

  it("re-indexes what shows a contact's name when the contact is renamed", async () => {
    const contact = await request(svc.url).post("/api/contacts").auth(w.tokens.bob, bearer).send({ kind: "person", name: "Gertrud Skovfoged" }).expect(201);
    const roles = (await request(svc.url).get("/api/party-roles").auth(w.tokens.bob, bearer).expect(200)).body.items;
    await request(svc.url)
      .post(`/api/cases/${ids.boardCase}/parties`)
      .auth(w.tokens.bob, bearer)
      .send({ contactId: contact.body.id, roleId: roles[0].id })
      .expect(201);
    expect(caseTitles(await find(w.tokens.bob, "skovfoged"))).to.include("Skovrejsning ved Østergård");
    const etag = (await request(svc.url).get(`/api/contacts/${contact.body.id}`).auth(w.tokens.bob, bearer).expect(200)).headers.etag;
    await request(svc.url)
      .patch(`/api/contacts/${contact.body.id}`)
      .auth(w.tokens.bob, bearer)
      .set("If-Match", etag)
      .send({ name: "Gertrud Lundgaard" })
      .expect(200);
    expect(caseTitles(await find(w.tokens.bob, "lundgaard"))).to.include("Skovrejsning ved Østergård");
    expect(caseTitles(await find(w.tokens.bob, "skovfoged"))).to.not.include("Skovrejsning ved Østergård");
  });

  it("ranks a broad word within the newest 1,001 matches the caller may see, best first, and counts them up to 1,000", async () => {
    const db = svc.ctx.db;
    // Index rows are numbered as objects are first indexed: each step is indexed before the next is made.
    const step = async (n: number, c: Parameters<typeof insertCases>[2]) => {
      const made = await insertCases(db, n, c);
      await indexStale(db);
      return made;
    };
    const alices = { ownerId: w.users.alice, templateId: w.templates.pupil, accessGroupId: w.accessGroups.school };
    const [oldBest] = await step(1, { ...alices, prefix: "Tidlig", titleOf: () => "Havnebad havnebad ved lystbådehavnen" });
    const older = await step(1200, { ...alices, prefix: "Aeldre", titleOf: (i) => `Havnebad, notat ${i}` });
    // The board's cases fit the word best of all, and Alice may not see them.
    const boards = { ownerId: w.users.bob, templateId: w.templates.board, accessGroupId: w.accessGroups.board };
    const bobs = await step(1200, { ...boards, prefix: "Bestyrelse", titleOf: () => "Havnebad havnebad" });
    const newest = await step(300, { ...alices, prefix: "Nyere", titleOf: (i) => (i % 100 === 50 ? "Havnebad havnebad" : `Havnebad, notat ${i}`) });

    const alice = await find(w.tokens.alice, "havnebad", { kind: "cases", limit: 10 });
    expect([alice.cases.count, alice.cases.capped]).to.deep.equal([1000, true]);
    const shown = alice.cases.items.map((h) => h.case.id);
    expect(shown).to.have.length(10);
    expect(shown.every((id) => older.includes(id) || newest.includes(id))).to.equal(true);
    // Among her newest matches, the ones that fit best come first.
    expect(shown.slice(0, 3)).to.have.members([newest[50], newest[150], newest[250]]);
    // An old best hit lies beyond the window: another of its words brings it up.
    expect(shown).to.not.include(oldBest);
    expect((await find(w.tokens.alice, "havnebad lystbådehavnen", { kind: "cases" })).cases.items.map((h) => h.case.id)).to.deep.equal([oldBest]);

    const bob = await find(w.tokens.bob, "havnebad", { kind: "cases", limit: 10 });
    expect([bob.cases.count, bob.cases.capped]).to.deep.equal([1000, true]);
    expect(bob.cases.items.every((h) => bobs.includes(h.case.id))).to.equal(true);
    expect((await find(w.tokens.erik, "havnebad")).cases).to.deep.include({ count: 0, capped: false });
  });
  it("an archive indexed for the first time is numbered oldest first, whatever order its ids come in, so the window holds the newest", async () => {
    const db = svc.ctx.db;
    const alices = { ownerId: w.users.alice, templateId: w.templates.pupil, accessGroupId: w.accessGroups.school };
    // As before the upgrade: cases noted for indexing, none indexed yet; made in one order, dated in the other.
    const ids = await insertCases(db, 40, { ...alices, prefix: "Opgradering", titleOf: (i) => `Vandløbsrestaurering ${i}` });
    // In one transaction, so the service's background indexer (another connection on PostgreSQL) cannot index some of them
    // in between: each change notes its case for indexing again, and the upgrade numbers every case noted.
    await db.transaction().execute(async (trx) => {
      for (const [i, id] of ids.entries()) {
        const at = new Date(Date.UTC(2015, 0, 1) + (ids.length - i) * 86_400_000).toISOString();
        await trx.updateTable("cases").set({ created_at: at }).where("id", "=", id).execute();
      }
      await trx.deleteFrom("search_rows").where("object_id", "in", ids).execute();
      await numberOldestFirst(trx);
    });
    await indexStale(db);
    const rows = await db
      .selectFrom("search_rows")
      .innerJoin("cases", "cases.id", "search_rows.object_id")
      .select(["search_rows.rowid", "cases.id"])
      .where("cases.id", "in", ids)
      .orderBy("search_rows.rowid")
      .execute();
    expect(rows.map((r) => r.id)).to.deep.equal([...ids].reverse());
    expect((await find(w.tokens.alice, "vandløbsrestaurering", { kind: "cases" })).cases.count).to.equal(40);
  });
  it("a backlog indexed in short, paced batches lets other work run between them, and is indexed in full", async () => {
    // On an archive of its own, where the service's background indexer cannot take a share of the backlog.
    const opened = openSqlite(":memory:");
    try {
      const db = opened.db;
      await migrateToLatest(db);
      const own = await buildWorld(db, ADMIN_TOKEN);
      const alices = { ownerId: own.users.alice, templateId: own.templates.pupil, accessGroupId: own.accessGroups.school };
      await indexStale(db);
      const ids = await insertCases(db, 60, { ...alices, prefix: "Efterslæb", titleOf: (i) => `Skolehavebestyrelse ${i}` });
      const progress: number[] = [];
      const seenBetween: number[] = [];
      const other = setInterval(() => seenBetween.push(progress.at(-1) ?? 0), 0);
      const done = await indexStale(db, { batch: 10, pace: 0.5, onProgress: (n) => progress.push(n) });
      clearInterval(other);
      expect(done).to.equal(60);
      expect(progress).to.deep.equal([10, 20, 30, 40, 50, 60]);
      // Other work ran while the backlog was only partly indexed.
      expect(seenBetween.some((n) => n > 0 && n < 60)).to.equal(true);
      const alice = {
        userId: own.users.alice,
        name: "Alice",
        email: "alice@skole.dk",
        role: "caseworker" as const,
        accessGroupIds: await accessGroupsOf(db, own.users.alice),
      };
      expect((await search(db, alice, { q: "skolehavebestyrelse", kind: "cases", limit: 10 })).cases.count).to.equal(ids.length);
    } finally {
      await opened.close();
    }
  });
});
