import { expect } from "chai";
import type { CaseSummary } from "../../shared/api/types.ts";
import request from "supertest";
import { bearer } from "../support/http.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { insertManyCases } from "../bench/many-cases.ts";
import { buildWorld, type World } from "../support/world.ts";

type CaseView = CaseSummary;

describe("cases", () => {
  let svc: TestService;
  let w: World;
  const api = () => request(svc.url);

  async function newCase(token: string, body: Record<string, unknown>): Promise<CaseView> {
    const res = await api().post("/api/cases").auth(token, bearer).send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }
  const pupilCase = (title: string, extra: Record<string, unknown> = {}, token = w.tokens.alice) =>
    newCase(token, { templateId: w.templates.pupil, title, metadata: { elevnummer: "E-1" }, ...extra });

  async function countCases(): Promise<number> {
    const { n } = await svc.ctx.db
      .selectFrom("cases")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  /** Walks a listing page by page and returns every item in the order the pages gave them. */
  async function walk(token: string, query: Record<string, string | number>): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await api()
        .get("/api/cases")
        .auth(token, bearer)
        .query({ ...query, ...(cursor ? { cursor } : {}) })
        .expect(200);
      ids.push(...res.body.items.map((c: CaseView) => c.id));
      cursor = res.body.nextCursor;
      pages++;
      expect(pages).to.be.below(100);
    } while (cursor);
    return { ids, pages };
  }

  async function suggest(token: string, q: string, limit = 10): Promise<CaseView[]> {
    const res = await api().get("/api/cases/suggest").auth(token, bearer).query({ q, limit }).expect(200);
    return res.body.items;
  }

  function saveDocument(token: string, caseId: string | null, documentTypeId: string, name: string) {
    return api()
      .post("/api/documents")
      .auth(token, bearer)
      .field("metadata", JSON.stringify({ documentTypeId, caseId }))
      .attach("file", Buffer.from(`indhold af ${name}\n`), { filename: name, contentType: "text/plain" });
  }

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
  });
  after(() => svc.dispose());

  describe("creating a case from a template", () => {
    it("a caseworker creates a case that takes the template's access group and journal code and keeps the custom metadata", async () => {
      const c = await pupilCase("Elev 3", { metadata: { elevnummer: "E-3", klasse: "1.a", optaget: "2019-08-12" } });
      expect(c.number).to.match(/^\d{8}-\d{7}$/);
      expect(c.number.slice(0, 8)).to.equal(c.createdAt.slice(0, 10).replaceAll("-", ""));
      expect(c).to.include({
        title: "Elev 3",
        status: "active",
        startDate: c.createdAt.slice(0, 10),
        endDate: null,
        ownerId: w.users.alice,
        responsibleId: null,
        templateId: w.templates.pupil,
        journalCode: "17.01.00",
        accessGroupId: w.accessGroups.school,
        critical: false,
      });
      expect(c.metadata).to.deep.equal({ elevnummer: "E-3", klasse: "1.a", optaget: "2019-08-12" });
    });

    it("a case without the template's required field is refused and not created", async () => {
      const before = await countCases();
      const res = await api()
        .post("/api/cases")
        .auth(w.tokens.alice, bearer)
        .send({ templateId: w.templates.pupil, title: "Uden elevnummer", metadata: { klasse: "1.a" } })
        .expect(400);
      expect(res.type).to.equal("application/problem+json");
      expect(res.body.code).to.equal("invalid_request");
      expect(res.body.errors.map((e: { path: string }) => e.path)).to.include("metadata.elevnummer");
      expect(await countCases()).to.equal(before);
    });

    it("a choice field only takes one of the template's options", async () => {
      const before = await countCases();
      const res = await api()
        .post("/api/cases")
        .auth(w.tokens.alice, bearer)
        .send({ templateId: w.templates.pupil, title: "Forkert klasse", metadata: { elevnummer: "E-9", klasse: "9.z" } })
        .expect(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).to.include("metadata.klasse");
      expect(await countCases()).to.equal(before);
      await pupilCase("Rigtig klasse", { metadata: { elevnummer: "E-9", klasse: "2.b" } });
    });

    it("a field the template does not define is refused", async () => {
      const before = await countCases();
      const res = await api()
        .post("/api/cases")
        .auth(w.tokens.alice, bearer)
        .send({ templateId: w.templates.pupil, title: "Ukendt felt", metadata: { elevnummer: "E-4", hobby: "fodbold" } })
        .expect(400);
      expect(res.body.code).to.equal("invalid_request");
      expect(JSON.stringify(res.body.errors)).to.contain("hobby");
      expect(await countCases()).to.equal(before);
    });

    it("case numbers are unique and increase, also when cases are created at the same time", async () => {
      const sequential: string[] = [];
      for (let i = 0; i < 5; i++) sequential.push((await pupilCase(`Løbenummer ${i}`)).number);
      const serial = (n: string) => Number(n.slice(9));
      for (let i = 1; i < sequential.length; i++) {
        expect(serial(sequential[i])).to.be.greaterThan(serial(sequential[i - 1]));
        expect(sequential[i] > sequential[i - 1], `${sequential[i]} after ${sequential[i - 1]}`).to.equal(true);
      }
      const parallel = await Promise.all(Array.from({ length: 12 }, (_, i) => pupilCase(`Samtidig ${i}`)));
      const all = [...sequential, ...parallel.map((c) => c.number)];
      expect(new Set(all).size).to.equal(all.length);
      const rows = await svc.ctx.db.selectFrom("cases").select("number").execute();
      expect(new Set(rows.map((r) => r.number)).size).to.equal(rows.length);
    });

    it("a retired journal plan code cannot be used for a new case", async () => {
      const before = await countCases();
      const res = await api()
        .post("/api/cases")
        .auth(w.tokens.alice, bearer)
        .send({ templateId: w.templates.pupil, title: "Gammelt emne", journalCode: "00.01.99", metadata: { elevnummer: "E-5" } })
        .expect(422);
      expect(res.body.code).to.equal("retired_journal_code");
      expect(res.body.detail).to.contain("00.01.99");
      expect(await countCases()).to.equal(before);
    });

    it("an external partner cannot create a case", async () => {
      const before = await countCases();
      const res = await api()
        .post("/api/cases")
        .auth(w.tokens.erik, bearer)
        .send({ templateId: w.templates.pupil, title: "Fra partner", metadata: { elevnummer: "E-6" } })
        .expect(403);
      expect(res.body.code).to.equal("forbidden");
      expect(await countCases()).to.equal(before);
    });
  });

  describe("reading and changing a case", () => {
    it("GET returns the case as it was created", async () => {
      const c = await pupilCase("Kurt Jensen", { metadata: { elevnummer: "E-10", klasse: "0.a" } });
      const res = await api().get(`/api/cases/${c.id}`).auth(w.tokens.carl, bearer).expect(200);
      expect(res.body).to.deep.equal(c);
    });

    it("a new title is found by suggest and the old one no longer is", async () => {
      const c = await pupilCase("Timelærer Vikarpulje");
      expect((await suggest(w.tokens.alice, "vikarpulje")).map((x) => x.id)).to.include(c.id);
      const res = await api().patch(`/api/cases/${c.id}`).auth(w.tokens.alice, bearer).send({ title: "Ansøgning Naturgenopretning" }).expect(200);
      expect(res.body.title).to.equal("Ansøgning Naturgenopretning");
      expect(res.body.changedAt >= c.changedAt).to.equal(true);
      expect((await api().get(`/api/cases/${c.id}`).auth(w.tokens.alice, bearer).expect(200)).body.title).to.equal("Ansøgning Naturgenopretning");
      expect((await suggest(w.tokens.alice, "vikarpulje")).map((x) => x.id)).to.not.include(c.id);
      expect((await suggest(w.tokens.alice, "naturgen")).map((x) => x.id)).to.include(c.id);
      expect((await suggest(w.tokens.alice, "ansøgning natur")).map((x) => x.id)).to.include(c.id);
    });

    it("custom metadata is changed under the template's rules", async () => {
      const c = await pupilCase("Elev med klasse", { metadata: { elevnummer: "E-11", klasse: "0.a" } });
      const res = await api()
        .patch(`/api/cases/${c.id}`)
        .auth(w.tokens.alice, bearer)
        .send({ metadata: { elevnummer: "E-11", klasse: "1.a" } })
        .expect(200);
      expect(res.body.metadata).to.deep.equal({ elevnummer: "E-11", klasse: "1.a" });
      await api()
        .patch(`/api/cases/${c.id}`)
        .auth(w.tokens.alice, bearer)
        .send({ metadata: { klasse: "1.a" } })
        .expect(400);
    });

    it("the critical flag filters the listing", async () => {
      const flagged = await pupilCase("Eventyrets dag", { critical: true });
      const later = await pupilCase("Ungø til søs");
      const plain = await pupilCase("Almindelig sag");
      await api().patch(`/api/cases/${later.id}`).auth(w.tokens.alice, bearer).send({ critical: true }).expect(200);
      const critical = await walk(w.tokens.alice, { critical: "true", limit: 2 });
      expect(critical.ids).to.include.members([flagged.id, later.id]);
      expect(critical.ids).to.not.include(plain.id);
      const rows = await svc.ctx.db.selectFrom("cases").select("id").where("critical", "=", 1).execute();
      expect(critical.ids).to.have.members(rows.map((r) => r.id));
      const notCritical = await walk(w.tokens.alice, { critical: "false", limit: 50 });
      expect(notCritical.ids).to.include(plain.id);
      expect(notCritical.ids).to.not.include.members([flagged.id, later.id]);
      await api().patch(`/api/cases/${later.id}`).auth(w.tokens.alice, bearer).send({ critical: false }).expect(200);
      expect((await walk(w.tokens.alice, { critical: "true" })).ids).to.not.include(later.id);
    });
  });

  describe("listing cases", () => {
    before(async () => {
      for (let i = 0; i < 14; i++) await pupilCase(`Elev liste ${i}`);
    });

    it("all visible cases come page by page with no duplicates, no gaps and the same order as one long page", async () => {
      const full = await api().get("/api/cases").auth(w.tokens.alice, bearer).query({ limit: 200 }).expect(200);
      expect(full.body.nextCursor).to.equal(null);
      const expected = full.body.items.map((c: CaseView) => c.id);
      expect(expected.length).to.be.greaterThan(20);
      const changed = full.body.items.map((c: CaseView) => c.changedAt);
      expect([...changed].sort().reverse()).to.deep.equal(changed);
      const paged = await walk(w.tokens.alice, { filter: "all", limit: 3 });
      expect(paged.pages).to.equal(Math.ceil(expected.length / 3));
      expect(new Set(paged.ids).size).to.equal(paged.ids.length);
      expect(paged.ids).to.deep.equal(expected);
      const again = await walk(w.tokens.alice, { filter: "all", limit: 7 });
      expect(again.ids).to.deep.equal(expected);
    });

    it("filters by status", async () => {
      const c = await pupilCase("Lukket til liste", { startDate: "2020-01-01" });
      await api().post(`/api/cases/${c.id}/close`).auth(w.tokens.alice, bearer).send({ endDate: "2021-06-30" }).expect(200);
      const closed = await walk(w.tokens.alice, { status: "closed", limit: 2 });
      expect(closed.ids).to.include(c.id);
      const active = await walk(w.tokens.alice, { status: "active", limit: 50 });
      expect(active.ids).to.not.include(c.id);
      const statuses = await svc.ctx.db.selectFrom("cases").select(["id", "status"]).execute();
      expect(closed.ids).to.have.members(statuses.filter((s) => s.status === "closed").map((s) => s.id));
    });

    it("mine is the cases I own or am responsible for", async () => {
      const ownedByCarl = await pupilCase("Carls elev", { ownerId: w.users.carl });
      const aliceResponsible = await newCase(w.tokens.carl, {
        templateId: w.templates.pupil,
        title: "Alice er ansvarlig",
        responsibleId: w.users.alice,
        metadata: { elevnummer: "E-20" },
      });
      const aliceMine = await walk(w.tokens.alice, { filter: "mine", limit: 4 });
      expect(new Set(aliceMine.ids).size).to.equal(aliceMine.ids.length);
      expect(aliceMine.ids).to.include(aliceResponsible.id);
      expect(aliceMine.ids).to.not.include(ownedByCarl.id);
      const rows = await svc.ctx.db
        .selectFrom("cases")
        .select("id")
        .where((eb) => eb.or([eb("owner_id", "=", w.users.alice), eb("responsible_id", "=", w.users.alice)]))
        .execute();
      expect(aliceMine.ids).to.have.members(rows.map((r) => r.id));
      const carlMine = await walk(w.tokens.carl, { filter: "mine", limit: 4 });
      expect(carlMine.ids).to.have.members([ownedByCarl.id, aliceResponsible.id]);
    });

    it("recent lists the cases I used lately, last used first, page by page", async () => {
      const first = await pupilCase("Brugt først", {}, ADMIN_TOKEN);
      const second = await pupilCase("Brugt bagefter", {}, ADMIN_TOKEN);
      const recentBefore = await walk(w.tokens.carl, { filter: "recent", limit: 50 });
      expect(recentBefore.ids).to.not.include.members([first.id, second.id]);
      await api().get(`/api/cases/${first.id}`).auth(w.tokens.carl, bearer).expect(200);
      await api().get(`/api/cases/${second.id}`).auth(w.tokens.carl, bearer).expect(200);
      let recent = await walk(w.tokens.carl, { filter: "recent", limit: 1 });
      expect(recent.ids.slice(0, 2)).to.deep.equal([second.id, first.id]);
      await api().get(`/api/cases/${first.id}`).auth(w.tokens.carl, bearer).expect(200);
      recent = await walk(w.tokens.carl, { filter: "recent", limit: 1 });
      expect(recent.ids.slice(0, 2)).to.deep.equal([first.id, second.id]);
      expect(new Set(recent.ids).size).to.equal(recent.ids.length);
      const full = await api().get("/api/cases").auth(w.tokens.carl, bearer).query({ filter: "recent", limit: 200 }).expect(200);
      expect(recent.ids).to.deep.equal(full.body.items.map((c: CaseView) => c.id));
      const used = await svc.ctx.db.selectFrom("recent_cases").select("case_id").where("user_id", "=", w.users.carl).execute();
      expect(recent.ids).to.have.members(used.map((r) => r.case_id));
    });
  });

  describe("suggest", () => {
    let glade: CaseView;
    let gladeDage: CaseView;
    before(async () => {
      glade = await pupilCase("Foreningen Glade Børn");
      gladeDage = await pupilCase("Glade dage i skolen");
    });

    it("finds a case by a prefix of its number", async () => {
      const c = await pupilCase("Dansk historiske samling");
      expect((await suggest(w.tokens.alice, c.number)).map((x) => x.id)).to.deep.equal([c.id]);
      const prefix = c.number.slice(0, 13);
      const found = await suggest(w.tokens.alice, prefix, 50);
      expect(found.map((x) => x.id)).to.include(c.id);
      for (const x of found) expect(x.number.startsWith(prefix), x.number).to.equal(true);
      const byDate = await suggest(w.tokens.alice, c.number.slice(0, 8), 50);
      expect(byDate.map((x) => x.id)).to.include(c.id);
    });

    it("finds a title by the beginning of a word, æøå included", async () => {
      expect((await suggest(w.tokens.alice, "bør")).map((x) => x.id)).to.include(glade.id);
      expect((await suggest(w.tokens.alice, "BØR")).map((x) => x.id)).to.include(glade.id);
      expect((await suggest(w.tokens.alice, "børn")).map((x) => x.id)).to.include(glade.id);
      expect((await suggest(w.tokens.alice, "ørn")).map((x) => x.id)).to.not.include(glade.id);
      expect((await suggest(w.tokens.alice, "børnehave")).map((x) => x.id)).to.not.include(glade.id);
    });

    it("digits find case numbers first, then titles with that number", async () => {
      const meeting = await pupilCase("Bestyrelsesmøder 1999");
      const found = (await suggest(w.tokens.alice, "1999", 50)).map((x) => x.id);
      expect(found).to.include(meeting.id);
      const year = meeting.number.slice(0, 4);
      const byNumber = await suggest(w.tokens.alice, year, 50);
      expect(byNumber[0].number.startsWith(year)).to.equal(true);
    });

    it("finds the newest matching cases whether a word is rare or common", async () => {
      // 3,000 more cases: "elevsag" is then common enough that suggest walks the cases in number order.
      await insertManyCases(svc.ctx.db, w, 3000);
      for (const q of ["elevsag", "elevsag anna", "fravær mads"]) {
        const found = await suggest(ADMIN_TOKEN, q, 10);
        const words = q.split(" ");
        const expected = (await svc.ctx.db.selectFrom("cases").select(["number", "title"]).orderBy("number", "desc").execute())
          .filter((c) =>
            words.every((word) =>
              c.title
                .toLocaleLowerCase("da")
                .split(/[^\p{L}\p{N}]+/u)
                .some((t) => t.startsWith(word)),
            ),
          )
          .slice(0, 10)
          .map((c) => c.number);
        expect(
          found.map((c) => c.number),
          q,
        ).to.deep.equal(expected);
      }
    });

    it("with two words, every word must match", async () => {
      const both = (await suggest(w.tokens.alice, "glade")).map((x) => x.id);
      expect(both).to.include.members([glade.id, gladeDage.id]);
      const one = (await suggest(w.tokens.alice, "glade bør")).map((x) => x.id);
      expect(one).to.include(glade.id);
      expect(one).to.not.include(gladeDage.id);
      const other = (await suggest(w.tokens.alice, "skol glad")).map((x) => x.id);
      expect(other).to.deep.equal([gladeDage.id]);
    });

    it("puts the cases I used lately first, then the newest", async () => {
      const a = await pupilCase("Skoletur Bornholm", {}, ADMIN_TOKEN);
      const b = await pupilCase("Skoletur Skagen", {}, ADMIN_TOKEN);
      const c = await pupilCase("Skoletur Ribe", {}, ADMIN_TOKEN);
      expect((await suggest(w.tokens.carl, "skoletur")).map((x) => x.id)).to.deep.equal([c.id, b.id, a.id]);
      await api().get(`/api/cases/${a.id}`).auth(w.tokens.carl, bearer).expect(200);
      expect((await suggest(w.tokens.carl, "skoletur")).map((x) => x.id)).to.deep.equal([a.id, c.id, b.id]);
      await api().get(`/api/cases/${b.id}`).auth(w.tokens.carl, bearer).expect(200);
      expect((await suggest(w.tokens.carl, "skoletur")).map((x) => x.id)).to.deep.equal([b.id, a.id, c.id]);
      expect((await suggest(w.tokens.carl, "skoletur", 2)).map((x) => x.id)).to.deep.equal([b.id, a.id]);
      // Another user's use does not reorder mine.
      expect((await suggest(w.tokens.alice, "skoletur")).map((x) => x.id)).to.deep.equal([c.id, b.id, a.id]);
      // An empty query gives my recent cases.
      expect((await suggest(w.tokens.carl, "", 2)).map((x) => x.id)).to.deep.equal([b.id, a.id]);
    });
  });

  describe("closing and reopening", () => {
    let board: CaseView;
    const docs: Record<"pupil" | "minutes" | "letter" | "note", { id: string; createdAt: string }> = {} as never;
    const disposalOf = async (id: string) =>
      (await api().get(`/api/documents/${id}`).auth(w.tokens.bob, bearer).expect(200)).body.disposalDate as string | null;
    const plusYears = (iso: string, n: number) => {
      const [y, m, d] = iso.slice(0, 10).split("-");
      const year = Number(y) + n;
      const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
      return `${year}-${m}-${m === "02" && d === "29" && !leap ? "28" : d}`;
    };

    before(async () => {
      board = await newCase(w.tokens.bob, { templateId: w.templates.board, title: "Bestyrelsesmøde 2024", startDate: "2023-01-01" });
      for (const kind of ["pupil", "minutes", "letter", "note"] as const) {
        const res = await saveDocument(w.tokens.bob, board.id, w.types[kind], `${kind}.txt`).expect(201);
        docs[kind] = { id: res.body.id, createdAt: res.body.createdAt };
      }
    });

    it("an open case's documents only have a disposal date when it runs from their creation", async () => {
      expect(await disposalOf(docs.pupil.id)).to.equal(null);
      expect(await disposalOf(docs.minutes.id)).to.equal(null);
      expect(await disposalOf(docs.letter.id)).to.equal(plusYears(docs.letter.createdAt, 10));
      expect(await disposalOf(docs.note.id)).to.equal(null);
    });

    it("an end date before the start date is refused", async () => {
      const res = await api().post(`/api/cases/${board.id}/close`).auth(w.tokens.bob, bearer).send({ endDate: "2022-12-31" }).expect(422);
      expect(res.body.code).to.equal("end_before_start");
      expect((await api().get(`/api/cases/${board.id}`).auth(w.tokens.bob, bearer).expect(200)).body.status).to.equal("active");
    });

    it("closing sets the end date and each document's disposal date by its rule", async () => {
      const res = await api().post(`/api/cases/${board.id}/close`).auth(w.tokens.bob, bearer).send({ endDate: "2024-02-29" }).expect(200);
      expect(res.body).to.include({ status: "closed", endDate: "2024-02-29" });
      expect((await api().get(`/api/cases/${board.id}`).auth(w.tokens.bob, bearer).expect(200)).body).to.include({ status: "closed", endDate: "2024-02-29" });
      expect(await disposalOf(docs.pupil.id)).to.equal("2029-02-28");
      expect(await disposalOf(docs.minutes.id)).to.equal(null);
      expect(await disposalOf(docs.letter.id)).to.equal(plusYears(docs.letter.createdAt, 10));
      expect(await disposalOf(docs.note.id)).to.equal("2027-02-28");
      const doc = (await api().get(`/api/documents/${docs.pupil.id}`).auth(w.tokens.bob, bearer).expect(200)).body;
      const entry = doc.history.find((h: { field: string }) => h.field === "disposalDate");
      expect(entry).to.include({ from: null, to: "2029-02-28", actorId: w.users.bob });
    });

    it("a closed case cannot be closed again", async () => {
      const res = await api().post(`/api/cases/${board.id}/close`).auth(w.tokens.bob, bearer).send({}).expect(409);
      expect(res.body.code).to.equal("case_closed");
    });

    it("a closed case refuses new documents and changes from a caseworker", async () => {
      const before = await svc.ctx.db.selectFrom("documents").select("id").where("case_id", "=", board.id).execute();
      const res = await saveDocument(w.tokens.bob, board.id, w.types.minutes, "for-sent.txt").expect(409);
      expect(res.body.code).to.equal("case_closed");
      const after = await svc.ctx.db.selectFrom("documents").select("id").where("case_id", "=", board.id).execute();
      expect(after).to.have.length(before.length);
      const patch = await api().patch(`/api/cases/${board.id}`).auth(w.tokens.bob, bearer).send({ title: "Nyt navn" }).expect(409);
      expect(patch.body.code).to.equal("case_closed");
      const doc = (await api().get(`/api/documents/${docs.minutes.id}`).auth(w.tokens.bob, bearer).expect(200)).body;
      const version = await api()
        .post(`/api/documents/${doc.id}/versions`)
        .auth(w.tokens.bob, bearer)
        .set("If-Match", doc.etag)
        .field("metadata", "{}")
        .attach("file", Buffer.from("rettet referat\n"), { filename: "minutes.txt", contentType: "text/plain" })
        .expect(409);
      expect(version.body.code).to.equal("case_closed");
      const edit = await api().patch(`/api/documents/${doc.id}`).auth(w.tokens.bob, bearer).send({ title: "Rettet referat" }).expect(409);
      expect(edit.body.code).to.equal("case_closed");
    });

    it("reopening clears the dates that depended on the closing and keeps the others", async () => {
      const res = await api().post(`/api/cases/${board.id}/reopen`).auth(w.tokens.bob, bearer).expect(200);
      expect(res.body).to.include({ status: "active", endDate: null });
      expect(await disposalOf(docs.pupil.id)).to.equal(null);
      expect(await disposalOf(docs.minutes.id)).to.equal(null);
      expect(await disposalOf(docs.letter.id)).to.equal(plusYears(docs.letter.createdAt, 10));
      expect(await disposalOf(docs.note.id)).to.equal(null);
      const again = await api().post(`/api/cases/${board.id}/reopen`).auth(w.tokens.bob, bearer).expect(409);
      expect(again.body.code).to.equal("case_active");
      await saveDocument(w.tokens.bob, board.id, w.types.minutes, "efter-genåbning.txt").expect(201);
    });

    it("closing without an end date ends the case today", async () => {
      const res = await api().post(`/api/cases/${board.id}/close`).auth(w.tokens.bob, bearer).send({}).expect(200);
      expect(res.body.status).to.equal("closed");
      expect(res.body.endDate).to.equal(res.body.changedAt.slice(0, 10));
      expect(await disposalOf(docs.pupil.id)).to.equal(plusYears(res.body.endDate, 5));
      expect(await disposalOf(docs.note.id)).to.equal(plusYears(res.body.endDate, 3));
    });
  });
});
