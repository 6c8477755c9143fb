import SqliteDatabase from "better-sqlite3";
import { expect } from "chai";
import { Kysely, sql, SqliteDialect, type CompiledQuery } from "kysely";
import request from "supertest";
import type { CaseHistoryEntry, CaseSummary, Colleague, DocumentSummary } from "../../shared/api/types.ts";
import type { Database } from "../../service/db/database.ts";
import { loadActor } from "../../service/features/auth/load-actor.ts";
import { listCases, type CaseListFilter, type CaseOrder } from "../../service/features/cases/case-list.repository.ts";
import { createJournalEntry } from "../../service/features/journal-plan/journal-plan.service.ts";
import { insertManyCases } from "../bench/many-cases.ts";
import { bearer } from "../support/http.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

type Query = Record<string, string | number>;

describe("the case list, a case by its number, and its history", () => {
  let svc: TestService;
  let w: World;
  const api = () => request(svc.url);

  async function newCase(token: string, body: Record<string, unknown>): Promise<CaseSummary> {
    const res = await api().post("/api/cases").auth(token, bearer).send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body;
  }
  const pupilCase = (title: string, extra: Record<string, unknown> = {}) =>
    newCase(w.tokens.alice, { templateId: w.templates.pupil, title, metadata: { elevnummer: "E-1" }, ...extra });
  const boardCase = (title: string, extra: Record<string, unknown> = {}) => newCase(w.tokens.bob, { templateId: w.templates.board, title, ...extra });

  async function list(token: string, query: Query): Promise<{ items: CaseSummary[]; nextCursor: string | null }> {
    const res = await api().get("/api/cases").auth(token, bearer).query(query);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  }

  /** Every page of a listing, in the order the pages gave them. */
  async function walk(token: string, query: Query): Promise<CaseSummary[]> {
    const all: CaseSummary[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const page = await list(token, { ...query, ...(cursor ? { cursor } : {}) });
      all.push(...page.items);
      cursor = page.nextCursor;
      if (!cursor) return all;
    }
    throw new Error("more than 100 pages");
  }
  const titles = (cases: CaseSummary[]) => cases.map((c) => c.title);

  let mine: CaseSummary[];
  let board: CaseSummary[];

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    // KLE groups need not share their subjects' prefix: 17.00.00 is a subject of 17, and 17.00.05 one of it.
    await createJournalEntry(svc.ctx.db, null, { code: "17.00.00", title: "Folkeskolen i almindelighed", parentCode: "17" });
    await createJournalEntry(svc.ctx.db, null, { code: "17.00.05", title: "Skolernes hjemmesider", parentCode: "17.00.00" });
    await createJournalEntry(svc.ctx.db, null, { code: "170", title: "Ikke under 17", parentCode: null });
    mine = [
      await pupilCase("bibliotekerne", { critical: true }),
      await pupilCase("Dansk historiske samling"),
      await pupilCase("Designmuseum Nordjylland", { journalCode: "17.00.05" }),
      await pupilCase("Elev 3", { journalCode: "17.01" }),
      await pupilCase("Ansøgning", { journalCode: "170", critical: true }),
      await pupilCase("Bibliotekerne"),
      await pupilCase("Timelærer", { ownerId: w.users.carl, responsibleId: w.users.alice }),
      await pupilCase("Kollegas sag", { ownerId: w.users.carl }),
    ];
    board = [await boardCase("Bestyrelsesmøde januar", { critical: true }), await boardCase("Budget 2026")];
    await api().post(`/api/cases/${mine[1].id}/close`).auth(w.tokens.alice, bearer).send({}).expect(200);
  });
  after(() => svc.dispose());

  describe("filters", () => {
    it("a journal plan code lists the cases under it and every code below it in the plan, not those that only share its digits", async () => {
      const under17 = titles(await walk(w.tokens.alice, { journalCode: "17" }));
      expect(under17).to.have.members(titles(mine.filter((c) => c.journalCode !== "170")));
      expect(titles(await walk(w.tokens.alice, { journalCode: "17.00.00" }))).to.deep.equal(["Designmuseum Nordjylland"]);
      expect(titles(await walk(w.tokens.alice, { journalCode: "17.01" })).sort()).to.deep.equal(
        titles(mine.filter((c) => c.journalCode.startsWith("17.01"))).sort(),
      );
      expect(titles(await walk(w.tokens.alice, { journalCode: "170" }))).to.deep.equal(["Ansøgning"]);
      expect(await walk(w.tokens.alice, { journalCode: "99.99" })).to.deep.equal([]);
    });

    it("a journal plan code still lists only the cases the person may see", async () => {
      expect(await walk(w.tokens.alice, { journalCode: "00.01.10" })).to.deep.equal([]);
      expect(titles(await walk(w.tokens.bob, { journalCode: "00.01.10" }))).to.have.members(titles(board));
    });

    it("a template lists the cases made from it", async () => {
      expect(titles(await walk(w.tokens.admin, { templateId: w.templates.board }))).to.have.members(titles(board));
      expect(await walk(w.tokens.admin, { templateId: w.templates.pupil })).to.have.length(mine.length);
      expect(await walk(w.tokens.alice, { templateId: w.templates.board })).to.deep.equal([]);
    });

    it("status, critical, mine and the others combine", async () => {
      expect(titles(await walk(w.tokens.alice, { status: "closed" }))).to.deep.equal(["Dansk historiske samling"]);
      expect(titles(await walk(w.tokens.alice, { critical: "true" }))).to.have.members(["bibliotekerne", "Ansøgning"]);
      expect(titles(await walk(w.tokens.alice, { critical: "true", journalCode: "17" }))).to.deep.equal(["bibliotekerne"]);
      expect(titles(await walk(w.tokens.admin, { critical: "true", templateId: w.templates.board }))).to.deep.equal(["Bestyrelsesmøde januar"]);
      const mineOnly = titles(await walk(w.tokens.alice, { filter: "mine", status: "active" }));
      expect(mineOnly).to.include("Timelærer").and.not.include("Kollegas sag").and.not.include("Dansk historiske samling");
      expect(titles(await walk(w.tokens.carl, { filter: "mine" }))).to.have.members(["Timelærer", "Kollegas sag"]);
    });

    it("recent takes the filters too, last used first", async () => {
      await api().get(`/api/cases/${mine[4].id}`).auth(w.tokens.alice, bearer).expect(200);
      await api().get(`/api/cases/${mine[0].id}`).auth(w.tokens.alice, bearer).expect(200);
      const recentCritical = titles(await walk(w.tokens.alice, { filter: "recent", critical: "true" }));
      expect(recentCritical.slice(0, 2)).to.deep.equal(["bibliotekerne", "Ansøgning"]);
      expect(titles(await walk(w.tokens.alice, { filter: "recent", journalCode: "170" }))).to.deep.equal(["Ansøgning"]);
    });

    it("an unknown sort or status is refused", async () => {
      for (const query of [{ sort: "created" }, { status: "open" }, { critical: "yes" }]) {
        const res = await api().get("/api/cases").auth(w.tokens.alice, bearer).query(query).expect(400);
        expect(res.body.code).to.equal("invalid_request");
      }
    });
  });

  describe("sorting and paging", () => {
    it("changed is the default: last changed first, page by page with nothing repeated or left out", async () => {
      const onePage = (await list(w.tokens.alice, { limit: 200 })).items;
      const changed = onePage.map((c) => c.changedAt);
      expect(changed).to.deep.equal([...changed].sort().reverse());
      expect((await walk(w.tokens.alice, { limit: 3 })).map((c) => c.id)).to.deep.equal(onePage.map((c) => c.id));
      expect((await walk(w.tokens.alice, { sort: "changed", limit: 2 })).map((c) => c.id)).to.deep.equal(onePage.map((c) => c.id));
    });

    it("number: newest case number first, page by page", async () => {
      const all = await walk(w.tokens.alice, { sort: "number", limit: 3 });
      const numbers = all.map((c) => c.number);
      expect(numbers).to.deep.equal([...numbers].sort().reverse());
      expect(all).to.have.length(mine.length);
    });

    it("title: A to Z without regard to case, equal titles kept apart by id, page by page", async () => {
      const onePage = (await list(w.tokens.alice, { sort: "title", limit: 200 })).items;
      const lower = onePage.map((c) => c.title.toLowerCase());
      expect(lower).to.deep.equal([...lower].sort());
      const same = onePage.filter((c) => c.title.toLowerCase() === "bibliotekerne").map((c) => c.id);
      expect(same).to.have.length(2);
      expect(same).to.deep.equal([...same].sort());
      for (const limit of [1, 2, 3]) expect((await walk(w.tokens.alice, { sort: "title", limit })).map((c) => c.id)).to.deep.equal(onePage.map((c) => c.id));
    });

    it("a page of a filtered, sorted list continues with the same filters and sort", async () => {
      const query = { sort: "title", journalCode: "17", status: "active", limit: 2 };
      const walked = await walk(w.tokens.alice, query);
      expect(titles(walked)).to.deep.equal(titles((await list(w.tokens.alice, { ...query, limit: 200 })).items));
      expect(walked.every((c) => c.status === "active" && c.journalCode !== "170")).to.equal(true);
    });

    it("a cursor from another sort is refused with a problem that says so", async () => {
      const byTitle = await list(w.tokens.alice, { sort: "title", limit: 1 });
      const res = await api().get("/api/cases").auth(w.tokens.alice, bearer).query({ sort: "number", cursor: byTitle.nextCursor! }).expect(400);
      expect(res.type).to.equal("application/problem+json");
      expect(res.body).to.include({ code: "cursor_sort_mismatch", cursorSort: "title", sort: "number" });
      expect(res.body.detail).to.contain("sorted by title");
      const byChanged = await list(w.tokens.alice, { limit: 1 });
      const again = await api().get("/api/cases").auth(w.tokens.alice, bearer).query({ sort: "title", cursor: byChanged.nextCursor! }).expect(400);
      expect(again.body.code).to.equal("cursor_sort_mismatch");
    });

    it("a cursor of the recent list is not a cursor of the whole list, and made-up cursors are refused", async () => {
      const recent = await list(w.tokens.alice, { filter: "recent", limit: 1 });
      const res = await api().get("/api/cases").auth(w.tokens.alice, bearer).query({ cursor: recent.nextCursor! }).expect(400);
      expect(res.body.code).to.equal("cursor_sort_mismatch");
      const forged = Buffer.from(JSON.stringify(["changed", 5, 6])).toString("base64url");
      for (const cursor of ["nonsense", forged, Buffer.from(JSON.stringify(["x", "y"])).toString("base64url")]) {
        const bad = await api().get("/api/cases").auth(w.tokens.alice, bearer).query({ cursor }).expect(400);
        expect(bad.body.code).to.equal("invalid_cursor");
      }
    });
  });

  describe("a case by its number (GET /api/cases/{number})", () => {
    it("answers the case with its ETag, and counts as a view", async () => {
      const c = mine[3];
      const res = await api().get(`/api/cases/${c.number}`).auth(w.tokens.alice, bearer).expect(200);
      expect(res.body).to.include({ id: c.id, number: c.number, title: c.title });
      expect(res.headers.etag).to.equal(res.body.etag);
      const views = await svc.ctx.db.selectFrom("audit_events").select("seq").where("action", "=", "case.view").where("object_id", "=", c.id).execute();
      expect(views.length).to.be.at.least(1);
    });

    it("another group's case and a number that does not exist are both 404, and the refusal is audited", async () => {
      const hidden = await api().get(`/api/cases/${board[0].number}`).auth(w.tokens.alice, bearer).expect(404);
      const missing = await api().get("/api/cases/20200108-1459092").auth(w.tokens.alice, bearer).expect(404);
      expect(hidden.body.code).to.equal("not_found");
      expect(hidden.body.detail).to.equal(missing.body.detail);
      const refused = await svc.ctx.db
        .selectFrom("audit_events")
        .select("actor_id")
        .where("action", "=", "access.refused")
        .where("object_id", "=", board[0].id)
        .execute();
      expect(refused.map((r) => r.actor_id)).to.include(w.users.alice);
    });
  });

  describe("history", () => {
    let c: CaseSummary;

    before(async () => {
      c = await pupilCase("Historik", { metadata: { elevnummer: "E-7" } });
      const patch = (body: object) => api().patch(`/api/cases/${c.id}`).auth(w.tokens.alice, bearer).send(body).expect(200);
      await patch({ title: "Historik ændret", ownerId: w.users.carl });
      await api().get(`/api/cases/${c.id}`).auth(w.tokens.alice, bearer).expect(200);
      await patch({ critical: true, metadata: { elevnummer: "E-8", klasse: "1.a" } });
      await api().post(`/api/cases/${c.id}/close`).auth(w.tokens.alice, bearer).send({}).expect(200);
      await api().post(`/api/cases/${c.id}/reopen`).auth(w.tokens.carl, bearer).expect(200);
    });

    const history = async (token: string, query: Query = {}) => {
      const res = await api().get(`/api/cases/${c.id}/history`).auth(token, bearer).query(query);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body as { items: CaseHistoryEntry[]; nextCursor: string | null };
    };

    it("lists each change newest first: what changed, who by name, when; views are not changes", async () => {
      const { items, nextCursor } = await history(w.tokens.alice);
      expect(nextCursor).to.equal(null);
      expect(items.map((e) => e.action)).to.deep.equal(["reopen", "close", "update", "update", "create"]);
      expect(items.map((e) => e.actor?.name)).to.deep.equal([
        "Carl Kollega",
        "Alice Sagsbehandler",
        "Alice Sagsbehandler",
        "Alice Sagsbehandler",
        "Alice Sagsbehandler",
      ]);
      const at = items.map((e) => e.at);
      expect(at).to.deep.equal([...at].sort().reverse());
      expect(items[4].changes).to.deep.equal([
        { field: "title", from: null, to: "Historik" },
        { field: "template", from: null, to: "Elevsag" },
      ]);
      expect(items[3].changes).to.have.deep.members([
        { field: "title", from: "Historik", to: "Historik ændret" },
        { field: "ownerId", from: "Alice Sagsbehandler", to: "Carl Kollega" },
      ]);
      expect(items[2].changes).to.have.deep.members([
        { field: "critical", from: "false", to: "true" },
        { field: "metadata.elevnummer", from: "E-7", to: "E-8" },
        { field: "metadata.klasse", from: null, to: "1.a" },
      ]);
      expect(items[1].changes).to.deep.equal([
        { field: "status", from: "active", to: "closed" },
        { field: "endDate", from: null, to: new Date().toISOString().slice(0, 10) },
      ]);
      expect(items[0].changes).to.deep.equal([{ field: "status", from: "closed", to: "active" }]);
    });

    it("comes a page at a time, past any number of views", async () => {
      for (let i = 0; i < 30; i++) await api().get(`/api/cases/${c.id}`).auth(w.tokens.alice, bearer).expect(200);
      const all = (await history(w.tokens.alice)).items;
      const paged: CaseHistoryEntry[] = [];
      let cursor: string | null = null;
      do {
        const page = await history(w.tokens.alice, { limit: 2, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).to.be.at.most(2);
        paged.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(paged).to.deep.equal(all);
    });

    it("is 404 for someone who may not see the case, as for a case that does not exist", async () => {
      const hidden = await api().get(`/api/cases/${c.id}/history`).auth(w.tokens.bob, bearer).expect(404);
      expect(hidden.body.code).to.equal("not_found");
      await api().get("/api/cases/no-such-case/history").auth(w.tokens.alice, bearer).expect(404);
      await api().get(`/api/cases/${board[0].id}/history`).auth(w.tokens.alice, bearer).expect(404);
      const made = await api().get(`/api/cases/${board[0].id}/history`).auth(w.tokens.bob, bearer).expect(200);
      expect(made.body.items.map((e: CaseHistoryEntry) => e.action)).to.deep.equal(["create"]);
    });

    it("a made-up cursor is refused", async () => {
      const res = await api().get(`/api/cases/${c.id}/history`).auth(w.tokens.alice, bearer).query({ cursor: "abc" }).expect(400);
      expect(res.body.code).to.equal("invalid_cursor");
    });
  });

  describe("changing a case and its documents", () => {
    it("a stale If-Match is refused with who changed the case and when, by name", async () => {
      const c = await pupilCase("Konflikt");
      const changed = await api().patch(`/api/cases/${c.id}`).auth(w.tokens.carl, bearer).send({ title: "Konflikt (Carl)" }).expect(200);
      const res = await api().patch(`/api/cases/${c.id}`).auth(w.tokens.alice, bearer).set("If-Match", c.etag).send({ title: "Konflikt (Alice)" }).expect(412);
      expect(res.body).to.include({ code: "precondition_failed", currentEtag: changed.body.etag, changedBy: w.users.carl, changedByName: "Carl Kollega" });
      expect(res.body.changedAt).to.equal(changed.body.changedAt);
    });

    it("document listings say each document's current version", async () => {
      const saved = await api()
        .post("/api/documents")
        .auth(w.tokens.alice, bearer)
        .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, caseId: mine[0].id, title: "Indstillingsnotat.docx" }))
        .attach("file", Buffer.from("indhold"), { filename: "Indstillingsnotat.txt", contentType: "text/plain" })
        .expect(201);
      expect(saved.body.version).to.equal("1.0");
      await api().patch(`/api/documents/${saved.body.id}`).auth(w.tokens.alice, bearer).send({ status: "final" }).expect(200);
      const res = await api().get("/api/documents").auth(w.tokens.alice, bearer).query({ caseId: mine[0].id }).expect(200);
      const listed = (res.body.items as DocumentSummary[]).find((d) => d.id === saved.body.id)!;
      expect(listed.version).to.equal("2.0");
    });
  });

  describe("colleagues (GET /api/users)", () => {
    it("lists active staff by name for any caseworker, external partners left out", async () => {
      const res = await api().get("/api/users").auth(w.tokens.alice, bearer).expect(200);
      const names = (res.body.items as Colleague[]).map((u) => u.name);
      expect(names).to.include.members(["Alice Sagsbehandler", "Bob Bestyrelse", "Carl Kollega"]);
      expect(names).to.not.include("Erik Ekstern");
      expect(names).to.deep.equal([...names].sort());
      expect(res.body.items[0]).to.have.keys(["id", "name", "email"]);
    });

    it("q finds by a part of the name or the address, in any case, æøå included", async () => {
      await api().post("/api/admin/users").auth(ADMIN_TOKEN, bearer).send({ email: "soeren@skole.dk", name: "Søren Ærø", role: "caseworker" }).expect(201);
      const find = async (q: string) =>
        ((await api().get("/api/users").auth(w.tokens.alice, bearer).query({ q }).expect(200)).body.items as Colleague[]).map((u) => u.name);
      expect(await find("BOB")).to.deep.equal(["Bob Bestyrelse"]);
      expect(await find("carl@")).to.deep.equal(["Carl Kollega"]);
      expect(await find("ærø")).to.deep.equal(["Søren Ærø"]);
      expect(await find("ekstern")).to.deep.equal([]);
      expect(await find("%")).to.deep.equal([]);
    });

    it("a deactivated user is not listed, and external partners may not list anyone", async () => {
      const made = await api()
        .post("/api/admin/users")
        .auth(ADMIN_TOKEN, bearer)
        .send({ email: "gone@skole.dk", name: "Gone Away", role: "caseworker" })
        .expect(201);
      await api().patch(`/api/admin/users/${made.body.id}`).auth(ADMIN_TOKEN, bearer).send({ active: false }).expect(200);
      const res = await api().get("/api/users").auth(w.tokens.alice, bearer).query({ q: "gone" }).expect(200);
      expect(res.body.items).to.deep.equal([]);
      const refused = await api().get("/api/users").auth(w.tokens.erik, bearer).expect(403);
      expect(refused.body.code).to.equal("forbidden");
      await api().get("/api/users").expect(401);
    });
  });
});

describe("the case list on 100,000 cases reads a page from an index (SQLite)", function () {
  this.timeout(300_000);
  let svc: TestService;
  let w: World;
  let readOnly: SqliteDatabase.Database;
  let db: Kysely<Database>;
  const ran: CompiledQuery[] = [];

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    await insertManyCases(svc.ctx.db, w, 100_000);
    // A second connection to the same file that records what it runs, so the test can ask SQLite for each plan.
    // The planner's statistics, as the service's periodic upkeep (PRAGMA optimize) gathers them for a grown table.
    await sql`analyze`.execute(svc.ctx.db);
    readOnly = new SqliteDatabase(svc.config.databaseFile, { readonly: true });
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: readOnly }), log: (e) => void ran.push(e.query) });
  });
  after(async () => {
    await db?.destroy();
    await svc?.dispose();
  });

  /** SQLite's plan for each query a listing ran. */
  async function plans(who: "alice" | "bob" | "admin", filter: CaseListFilter, order: Exclude<CaseOrder, "recent">, resume = false) {
    const actor = who === "admin" ? { ...(await loadActor(db, w.users.alice))!, role: "admin" as const } : (await loadActor(db, w.users[who]))!;
    const first = await listCases(db, actor, filter, order, undefined, 25);
    const last = first[24];
    ran.length = 0;
    const rows = await listCases(db, actor, filter, order, resume ? [last.sort_key, last.id] : undefined, 25);
    return {
      rows,
      plans: ran.map((q) =>
        (readOnly.prepare(`explain query plan ${q.sql}`).all(...(q.parameters as unknown[])) as Array<{ detail: string }>).map((r) => r.detail).join(" | "),
      ),
    };
  }

  const ORDER_INDEX = { changed: "cases_changed", number: "sqlite_autoindex_cases_2", title: "cases_title" } as const;

  for (const order of ["changed", "number", "title"] as const) {
    for (const [label, filter] of [
      ["everything", {}],
      ["mine", { mine: true }],
      ["active", { status: "active" }],
      ["a journal plan subtree", { journalCodes: ["17", "17.01", "17.01.00"] }],
    ] as Array<[string, CaseListFilter]>) {
      it(`sorted by ${order}, ${label}: walks the order's index from the cursor on, no sorting`, async () => {
        for (const who of ["alice", "bob", "admin"] as const) {
          const {
            rows,
            plans: [count, page],
          } = await plans(who, filter, order, true);
          expect(rows).to.have.length(26);
          // Counting stops at a thousand matches; with nothing to filter on it may as well read the table from the start.
          if (who !== "admin" || Object.keys(filter).length) expect(count, `${who}: ${count}`).to.match(/USING (COVERING )?INDEX/);
          expect(page, `${who}: ${page}`).to.contain(`USING INDEX ${ORDER_INDEX[order]}`);
          expect(page, `${who}: ${page}`).to.not.contain("TEMP B-TREE");
        }
      });
    }
  }

  it("a selective filter (critical, a code with few cases) reads its own index and sorts only what matched", async () => {
    await svc.ctx.db.updateTable("cases").set({ critical: 1 }).where("id", "in", ["bench-case-000010", "bench-case-000020", "bench-case-000030"]).execute();
    for (const order of ["changed", "number", "title"] as const) {
      const {
        rows,
        plans: [count, page],
      } = await plans("admin", { critical: true }, order);
      expect(rows.map((r) => r.id)).to.have.members(["bench-case-000010", "bench-case-000020", "bench-case-000030"]);
      expect(count).to.match(/USING (COVERING )?INDEX cases_critical_changed/);
      expect(page).to.contain("USING INDEX cases_critical_changed");
      const none = await plans("alice", { journalCodes: ["00.01.99"] }, order);
      expect(none.rows).to.deep.equal([]);
      expect(none.plans[0]).to.match(/USING (COVERING )?INDEX cases_journal_changed/);
    }
  });
});
