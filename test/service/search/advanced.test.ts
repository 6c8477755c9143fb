import SqliteDatabase from "better-sqlite3";
import { expect } from "chai";
import { Kysely, SqliteDialect, type CompiledQuery } from "kysely";
import path from "node:path";
import { AdvancedSearch, type AdvancedSearch as AdvancedSearchInput, type SearchTarget } from "../../../shared/api/schemas/advanced-search.ts";
import type { AdvancedSearchResults, AdvancedSearchRow, Cell, SearchCondition } from "../../../shared/api/types.ts";
import type { Database } from "../../../service/db/database.ts";
import type { Actor } from "../../../service/features/access/actor.ts";
import { pageOrder, readRows } from "../../../service/features/search/advanced/advanced.repository.ts";
import { planSearch } from "../../../service/features/search/advanced/search-plan.ts";
import { buildSearchScene, insertCases, type SearchScene } from "./search-scene.ts";

type Person = "alice" | "carl" | "bob" | "erik" | "admin";
type Where = Array<[field: string, op: SearchCondition["op"], value?: string]>;

describe("advanced search (GET /api/search/advanced)", () => {
  let s: SearchScene;
  let paging: string[];

  before(async () => {
    s = await buildSearchScene();
    // 23 more of alice's cases, some with carl or herself responsible and some with no one, for the orders.
    paging = await insertCases(s.db, 23, {
      prefix: "Paging",
      ownerId: s.w.users.alice,
      templateId: s.w.templates.pupil,
      accessGroupId: s.w.accessGroups.school,
      responsibleIds: [null, s.w.users.carl, s.w.users.alice],
    });
  });
  after(() => s.svc.dispose());

  const where = (w: Where) => w.map(([field, op, value = ""]) => ({ field, op, value }));
  const run = (who: Person, target: SearchTarget, w: Where = [], more: Partial<AdvancedSearchInput> = {}) =>
    s.search(s.w.tokens[who], { target, where: where(w), ...more }, { limit: 200 });
  /** The ids found, as names of the scene's objects (an id it does not name stays an id). */
  const found = async (who: Person, target: SearchTarget, w: Where = [], more: Partial<AdvancedSearchInput> = {}) => {
    const names = new Map(Object.entries(s.ids).map(([name, id]) => [id, name]));
    return (await run(who, target, w, more)).items.map((r) => names.get(r.id) ?? r.id).sort();
  };
  /** Only the scene's own cases, not the paging ones from 2020. */
  const recent: Where = [["startDate", "gte", "2021-01-01"]];

  describe("cases", () => {
    it("finds them by status, title, critical and their dates, a timestamp compared by its day", async () => {
      expect(await found("alice", "cases", [["status", "eq", "active"], ...recent])).to.deep.equal(["aero", "alicesBoard", "discount", "oster"]);
      expect(await found("alice", "cases", [["title", "contains", "Øster"]])).to.deep.equal(["oster"]);
      expect(await found("alice", "cases", [["title", "startsWith", "elevsag"]])).to.deep.equal(["aero", "oster"]);
      expect(await found("alice", "cases", [["title", "eq", "Elevsag Østerby"]])).to.deep.equal(["oster"]);
      expect(await found("alice", "cases", [["title", "ne", "Elevsag Østerby"], ...recent])).to.deep.equal(["aero", "alicesBoard", "discount"]);
      expect(await found("alice", "cases", [["critical", "eq", "true"]])).to.deep.equal(["aero"]);
      expect(await found("alice", "cases", [["critical", "eq", "false"], ...recent])).to.deep.equal(["alicesBoard", "discount", "oster"]);
      expect(
        await found("alice", "cases", [
          ["startDate", "gte", "2024-01-10"],
          ["startDate", "lte", "2024-08-12"],
        ]),
      ).to.deep.equal(["aero", "alicesBoard"]);
      expect(await found("alice", "cases", [["startDate", "eq", "2023-02-01"]])).to.deep.equal(["oster"]);
      const today = new Date().toISOString().slice(0, 10);
      expect(await found("alice", "cases", [["createdAt", "eq", today]])).to.deep.equal(["aero", "alicesBoard", "discount", "oster"]);
      expect(await found("alice", "cases", [["changedAt", "lte", "2020-12-31"]])).to.have.length(23);
      expect(await found("alice", "cases", [["endDate", "notEmpty"]])).to.deep.equal([]);
    });

    it("finds a journal plan code and, with under, every code below it, but not codes that only share its digits", async () => {
      expect(await found("alice", "cases", [["journalCode", "under", "17"], ...recent])).to.deep.equal(["aero", "discount", "oster"]);
      expect(await found("alice", "cases", [["journalCode", "under", "17.01"], ...recent])).to.deep.equal(["aero", "discount", "oster"]);
      expect(await found("alice", "cases", [["journalCode", "under", "17.0"]])).to.deep.equal([]);
      expect(await found("alice", "cases", [["journalCode", "eq", "00.01.10"]])).to.deep.equal(["alicesBoard"]);
      expect(await found("alice", "cases", [["journalCode", "eq", "17"]])).to.deep.equal([]);
    });

    it("finds the custom fields of the templates, each compared as its type says", async () => {
      expect(await found("alice", "cases", [["meta.klasse", "eq", "1.a"], ...recent])).to.deep.equal(["aero"]);
      expect(
        await found("alice", "cases", [
          ["meta.elevnummer", "startsWith", "E-"],
          ["meta.klasse", "ne", "1.a"],
        ]),
      ).to.deep.equal(["discount", "oster"]);
      expect(await found("alice", "cases", [["meta.optaget", "gte", "2024-01-01"]])).to.deep.equal(["aero"]);
      expect(await found("alice", "cases", [["meta.optaget", "eq", "2024-08-12"]])).to.deep.equal(["aero"]);
      expect(await found("alice", "cases", [["meta.optaget", "empty"], ...recent])).to.deep.equal(["alicesBoard", "discount", "oster"]);
      expect(await found("alice", "cases", [["meta.elevnummer", "contains", "300"]])).to.deep.equal(["discount"]);
    });

    it("finds them by party, owner and responsible, with empty for none", async () => {
      expect(await found("alice", "cases", [["party", "eq", s.ids.karen]])).to.deep.equal(["aero"]);
      expect(await found("alice", "cases", [["party", "ne", s.ids.karen], ...recent])).to.deep.equal(["alicesBoard", "discount", "oster"]);
      expect(await found("bob", "cases", [["party", "eq", s.ids.hans]])).to.deep.equal(["board"]);
      expect(await found("alice", "cases", [["responsible", "eq", s.w.users.carl], ...recent])).to.deep.equal(["oster"]);
      expect(await found("alice", "cases", [["responsible", "empty"], ...recent])).to.deep.equal(["aero", "alicesBoard", "discount"]);
      expect(await found("alice", "cases", [["responsible", "ne", s.w.users.carl], ...recent])).to.deep.equal(["aero", "alicesBoard", "discount"]);
      expect(await found("bob", "cases", [["owner", "eq", s.w.users.bob]])).to.deep.equal(["board", "partners"]);
      expect(await found("alice", "cases", [["template", "eq", s.w.templates.board]])).to.deep.equal(["alicesBoard"]);
      expect(await found("alice", "cases", [["accessGroup", "ne", s.w.accessGroups.school]])).to.deep.equal(["alicesBoard"]);
    });

    it("takes %, _ and quotes in a value literally", async () => {
      expect(await found("alice", "cases", [["title", "contains", "50%"]])).to.deep.equal(["discount"]);
      expect(await found("alice", "cases", [["title", "contains", "%"]])).to.deep.equal(["discount"]);
      expect(await found("alice", "cases", [["title", "contains", "_"]])).to.deep.equal(["discount"]);
      expect(await found("alice", "cases", [["title", "startsWith", "%"]])).to.deep.equal([]);
      expect(await found("alice", "cases", [["title", "contains", "\\"]])).to.deep.equal([]);
      expect(await found("alice", "cases", [["title", "contains", `'"; DROP TABLE cases; --`]])).to.deep.equal([]);
    });

    it("matches free text like the free-text search, ranked by relevance, and with every other condition", async () => {
      expect(await found("alice", "cases", [["text", "contains", "elevsag"]])).to.deep.equal(["aero", "oster"]);
      expect(
        await found("alice", "cases", [
          ["text", "contains", "elevsag"],
          ["critical", "eq", "true"],
        ]),
      ).to.deep.equal(["aero"]);
      expect(
        await found("alice", "cases", [
          ["text", "contains", "ærøskøbing"],
          ["text", "contains", "østerby"],
        ]),
      ).to.deep.equal([]);
      // Custom field values and parties are in a case's index row.
      expect(await found("alice", "cases", [["text", "contains", "E-200"]])).to.deep.equal(["oster"]);
      expect(await found("alice", "cases", [["text", "contains", "Ærbødig"]])).to.deep.equal(["aero"]);
      expect(
        await found("alice", "cases", [
          ["text", "contains", 'NEAR(elevsag østerby) OR "title:x'],
          ["title", "contains", "Øster"],
        ]),
      ).to.deep.equal([]);
      // Every word must occur, in any form; quoted words in that order; FTS5's operators are only words.
      expect(await found("alice", "cases", [["text", "contains", '"elevsag østerby"']])).to.deep.equal(["oster"]);
      expect(await found("alice", "cases", [["text", "contains", '"østerby elevsag"']])).to.deep.equal([]);
      expect(await found("alice", "cases", [["text", "contains", "elevsag OR østerby"]])).to.deep.equal([]);
      expect(await found("alice", "cases", [["text", "contains", "elev* øster*"]])).to.deep.equal(["oster"]);
    });
  });

  describe("documents, contacts and tasks", () => {
    it("finds documents by type, case, journal plan code, party, date and free text", async () => {
      expect(await found("alice", "documents", [["documentType", "eq", s.w.types.note]])).to.deep.equal(["aeroNote"]);
      expect(await found("alice", "documents", [["documentType", "ne", s.w.types.note]])).to.deep.equal(["aeroLetter"]);
      expect(await found("alice", "documents", [["caseNumber", "eq", s.numbers.aero]])).to.deep.equal(["aeroLetter", "aeroNote"]);
      expect(await found("alice", "documents", [["case", "eq", s.ids.aero]])).to.deep.equal(["aeroLetter", "aeroNote"]);
      expect(await found("alice", "documents", [["case", "empty"]])).to.deep.equal([]);
      expect(await found("alice", "documents", [["journalCode", "under", "17"]])).to.deep.equal(["aeroLetter", "aeroNote"]);
      expect(await found("alice", "documents", [["party", "eq", s.ids.karen]])).to.deep.equal(["aeroNote"]);
      expect(await found("alice", "documents", [["documentDate", "eq", "2024-03-15"]])).to.deep.equal(["aeroLetter", "aeroNote"]);
      expect(
        await found("alice", "documents", [
          ["status", "eq", "draft"],
          ["category", "startsWith", "Korr"],
        ]),
      ).to.deep.equal(["aeroLetter"]);
      expect(await found("alice", "documents", [["text", "contains", "skolebus"]])).to.deep.equal(["aeroLetter"]);
      expect(await found("alice", "documents", [["title", "contains", "Ærø"]])).to.deep.equal(["aeroNote"]);
    });

    it("finds contacts by kind, any of their addresses, city, CVR and words of their names", async () => {
      expect(await found("alice", "contacts", [["kind", "eq", "organisation"]])).to.deep.equal(["partnerAps"]);
      expect(await found("alice", "contacts", [["email", "eq", "hb@example.dk"]])).to.deep.equal(["hans"]);
      expect(await found("alice", "contacts", [["email", "startsWith", "karen"]])).to.deep.equal(["karen"]);
      expect(await found("alice", "contacts", [["email", "empty"]])).to.deep.equal(["partnerAps"]);
      expect(await found("alice", "contacts", [["email", "ne", "karen@example.dk"]])).to.deep.equal(["hans", "partnerAps"]);
      expect(await found("alice", "contacts", [["city", "eq", "Århus"]])).to.deep.equal(["karen"]);
      expect(await found("alice", "contacts", [["cvr", "eq", "12345674"]])).to.deep.equal(["partnerAps"]);
      expect(await found("alice", "contacts", [["name", "contains", "Ærbø"]])).to.deep.equal(["karen"]);
      expect(await found("alice", "contacts", [["text", "contains", "ærbødig karen"]])).to.deep.equal(["karen"]);
      expect(await found("alice", "contacts", [["text", "contains", "50%_"]])).to.deep.equal([]);
    });

    it("finds tasks by assignee, deadline, the case they are about (a document's too) and free text", async () => {
      expect(await found("alice", "tasks", [["assignee", "eq", s.w.users.alice]])).to.deep.equal(["budgetTask"]);
      expect(await found("alice", "tasks", [["assignee", "empty"]])).to.deep.equal(["noteTask"]);
      expect(await found("alice", "tasks", [["deadline", "lte", "2024-09-30"]])).to.deep.equal(["budgetTask"]);
      expect(await found("alice", "tasks", [["caseNumber", "eq", s.numbers.aero]])).to.deep.equal(["budgetTask", "noteTask"]);
      expect(await found("alice", "tasks", [["case", "eq", s.ids.aero]])).to.deep.equal(["budgetTask", "noteTask"]);
      expect(
        await found("alice", "tasks", [
          ["status", "eq", "open"],
          ["createdBy", "eq", s.w.users.alice],
        ]),
      ).to.deep.equal(["budgetTask", "noteTask"]);
      expect(await found("alice", "tasks", [["text", "contains", "budgetplan"]])).to.deep.equal(["budgetTask"]);
      expect(await found("alice", "tasks", [["text", "contains", "ærøskøbing tallene"]])).to.deep.equal(["budgetTask"]);
      expect(await found("alice", "tasks", [["completedAt", "notEmpty"]])).to.deep.equal([]);
    });
  });

  describe("columns", () => {
    it("shows the chosen columns in order as a person reads them: names for ids, dates as days, timestamps in ISO", async () => {
      const r = await run("alice", "cases", [["critical", "eq", "true"]], {
        columns: [
          "number",
          "title",
          "owner",
          "responsible",
          "party",
          "template",
          "accessGroup",
          "critical",
          "startDate",
          "createdAt",
          "meta.klasse",
          "meta.optaget",
        ],
      });
      expect(r.columns.map((c) => `${c.id}:${c.type}`)).to.deep.equal([
        "number:string",
        "title:string",
        "owner:user",
        "responsible:user",
        "party:contact",
        "template:template",
        "accessGroup:group",
        "critical:boolean",
        "startDate:date",
        "createdAt:date",
        "meta.klasse:choice",
        "meta.optaget:date",
      ]);
      const [row] = r.items;
      expect(row.id).to.equal(s.ids.aero);
      expect(row.caseId).to.equal(null);
      expect(row.cells.slice(0, 9)).to.deep.equal([
        s.numbers.aero,
        "Elevsag Ærøskøbing",
        "Alice Sagsbehandler",
        null,
        "Karen Ærbødig",
        "Elevsag",
        "Elevsager",
        true,
        "2024-08-12",
      ]);
      expect(row.cells[9]).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(row.cells.slice(10)).to.deep.equal(["1.a", "2024-08-12"]);
    });

    it("shows the target's default columns when none are named, and documents and tasks link their case", async () => {
      const docs = await run("alice", "documents", [["party", "eq", s.ids.karen]]);
      expect(docs.columns.map((c) => c.id)).to.deep.equal(["title", "caseNumber", "documentType", "status", "changedAt"]);
      expect(docs.items[0].caseId).to.equal(s.ids.aero);
      expect(docs.items[0].cells.slice(0, 4)).to.deep.equal(["Indstillingsnotat Ærøskøbing", s.numbers.aero, "Notat", "draft"]);
      const tasks = await run("alice", "tasks", [["assignee", "empty"]], { columns: ["title", "assignee", "case", "caseTitle"] });
      expect(tasks.items[0].caseId).to.equal(s.ids.aero);
      expect(tasks.items[0].cells).to.deep.equal(["Læs indstillingsnotatet", null, s.numbers.aero, "Elevsag Ærøskøbing"]);
      const contacts = await run("alice", "contacts", [["name", "startsWith", "Hans"]], { columns: ["name", "email", "kind", "city"] });
      expect(contacts.items[0].cells).to.deep.equal(["Hans Bestyrer", "hans@example.dk", "person", null]);
    });
  });

  describe("sorting and paging", () => {
    /** Every page of a search, `limit` at a time. */
    async function allPages(who: Person, search: AdvancedSearchInput, limit: number): Promise<{ rows: AdvancedSearchRow[]; pages: number; totals: number[] }> {
      const rows: AdvancedSearchRow[] = [];
      const totals: number[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page: AdvancedSearchResults = await s.search(s.w.tokens[who], search, { cursor, limit });
        rows.push(...page.items);
        totals.push(page.total.count);
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor && pages < 100);
      return { rows, pages, totals };
    }

    /** How the service orders the sort column's cells: missing last, text without regard to case, ties by id. */
    function expectOrdered(rows: AdvancedSearchRow[], column: number, dir: "asc" | "desc") {
      const key = (c: Cell) => (typeof c === "string" ? c.toLowerCase() : c);
      const sorted = [...rows].sort((a, b) => {
        const x = key(a.cells[column]);
        const y = key(b.cells[column]);
        if (x === null || y === null) return x === y ? (a.id < b.id ? -1 : 1) * (dir === "asc" ? 1 : -1) : x === null ? 1 : -1;
        if (x !== y) return (x < y ? -1 : 1) * (dir === "asc" ? 1 : -1);
        return (a.id < b.id ? -1 : 1) * (dir === "asc" ? 1 : -1);
      });
      expect(rows.map((r) => r.id)).to.deep.equal(sorted.map((r) => r.id));
    }

    const orders: Array<[string, string, string[]]> = [
      ["title", "title", ["title"]],
      ["responsible (names, some missing)", "responsible", ["title", "responsible"]],
      ["a custom field", "meta.klasse", ["title", "meta.klasse"]],
      ["a custom text field", "meta.elevnummer", ["title", "meta.elevnummer"]],
      ["the last change", "changedAt", ["title", "changedAt"]],
      ["the number", "number", ["number"]],
      ["the status", "status", ["title", "status"]],
    ];
    for (const [what, sort, columns] of orders) {
      for (const dir of ["asc", "desc"] as const) {
        it(`pages through every row sorted by ${what}, ${dir}, none twice and none left out`, async () => {
          const search = { target: "cases" as const, where: where([["title", "startsWith", "Paging"]]), columns, sort, dir };
          const { rows, pages, totals } = await allPages("alice", search, 5);
          expect(pages).to.equal(5);
          expect(new Set(totals)).to.deep.equal(new Set([23]));
          expect(rows.map((r) => r.id).sort()).to.deep.equal([...paging].sort());
          expectOrdered(rows, columns.indexOf(sort), dir);
        });
      }
    }

    it("sorts by the last change, newest first, when no sort is named", async () => {
      const { rows } = await allPages("alice", { target: "cases", where: where([["title", "startsWith", "Paging"]]), columns: ["changedAt"] }, 10);
      expect(rows.map((r) => r.id)).to.deep.equal([...paging].reverse());
    });

    it("pages documents, tasks and contacts too, both ways", async () => {
      const searches: Array<[Person, AdvancedSearchInput]> = [
        ["bob", { target: "documents", columns: ["caseNumber", "title"], sort: "caseNumber" }],
        ["alice", { target: "tasks", columns: ["deadline"], sort: "deadline" }],
        ["admin", { target: "tasks", columns: ["assignee"], sort: "assignee" }],
        ["alice", { target: "contacts", columns: ["name"], sort: "name" }],
        ["alice", { target: "contacts", columns: ["email"], sort: "email" }],
      ];
      const column = 0;
      for (const [who, search] of searches) {
        for (const dir of ["asc", "desc"] as const) {
          const { rows } = await allPages(who, { ...search, dir }, 1);
          const all = (await s.search(s.w.tokens[who], { ...search, dir }, { limit: 200 })).items;
          expect(
            rows.map((r) => r.id),
            `${search.target} by ${search.sort} ${dir}`,
          ).to.deep.equal(all.map((r) => r.id));
          expect(new Set(rows.map((r) => r.id)).size).to.equal(rows.length);
          expectOrdered(rows, column, dir);
        }
      }
    });

    it("pages by relevance with free text and no sort, each hit once", async () => {
      const { rows, pages } = await allPages("alice", { target: "cases", where: where([["text", "contains", "elevsag"]]) }, 1);
      expect(pages).to.equal(2);
      expect(rows.map((r) => r.id).sort()).to.deep.equal([s.ids.aero, s.ids.oster].sort());
      const documents = await allPages("admin", { target: "documents", where: where([["text", "contains", "notat"]]) }, 1);
      expect(new Set(documents.rows.map((r) => r.id)).size)
        .to.equal(documents.rows.length)
        .and.to.be.greaterThan(0);
    });

    it("refuses a cursor from another order or from elsewhere", async () => {
      const first = await s.search(s.w.tokens.alice, { target: "cases", sort: "title" }, { limit: 2 });
      const other = await s.get(s.w.tokens.alice, `target=cases&sort=number&cursor=${first.nextCursor}`);
      expect([other.status, other.body.code]).to.deep.equal([400, "cursor_sort_mismatch"]);
      const desc = await s.get(s.w.tokens.alice, `target=cases&sort=title&dir=desc&cursor=${first.nextCursor}`);
      expect([desc.status, desc.body.code]).to.deep.equal([400, "cursor_sort_mismatch"]);
      for (const cursor of [
        "nonsense",
        Buffer.from('["title:asc",7,"x",1]').toString("base64url"),
        Buffer.from('["relevance","x",1,"id"]').toString("base64url"),
      ]) {
        const res = await s.get(s.w.tokens.alice, `target=cases&sort=title&cursor=${cursor}`);
        expect(res.status, cursor).to.equal(400);
        expect(res.body.code).to.be.oneOf(["invalid_cursor", "cursor_sort_mismatch"]);
      }
    });
  });

  describe("who sees what", () => {
    // Alice and carl are in the pupils' access group; alice also owns a case under the board's template, which
    // carl does not see. Bob is in the board's group and the partners'; erik, external, only in the partners'.
    const matrix: Array<[SearchTarget, Person, string[]]> = [
      ["cases", "alice", ["aero", "alicesBoard", "discount", "oster"]],
      ["cases", "carl", ["aero", "discount", "oster"]],
      ["cases", "bob", ["alicesBoard", "board", "partners"]],
      ["cases", "erik", ["partners"]],
      ["documents", "alice", ["aeroLetter", "aeroNote"]],
      ["documents", "bob", ["boardMinutes", "partnersNote"]],
      ["documents", "erik", ["partnersNote"]],
      ["tasks", "alice", ["budgetTask", "noteTask"]],
      ["tasks", "carl", ["budgetTask", "noteTask"]],
      ["tasks", "bob", ["boardTask"]],
      ["tasks", "erik", []],
      ["contacts", "alice", ["hans", "karen", "partnerAps"]],
      ["contacts", "erik", ["partnerAps"]],
    ];
    for (const [target, who, sees] of matrix) {
      it(`${who} finds and counts only the ${target} ${who} may see: ${sees.join(", ") || "none"}`, async () => {
        const r = await run(who, target, target === "cases" ? recent : []);
        expect(await found(who, target, target === "cases" ? recent : [])).to.deep.equal(sees);
        expect(r.total).to.deep.equal({ count: sees.length, capped: false });
      });
    }

    it("finds nothing of what the caller may not see, whatever the conditions name", async () => {
      expect(await found("alice", "cases", [["text", "contains", "vesterhavet"]])).to.deep.equal([]);
      expect(await found("alice", "documents", [["text", "contains", "vesterhavet"]])).to.deep.equal([]);
      expect(await found("alice", "cases", [["party", "eq", s.ids.hans]])).to.deep.equal([]);
      expect(await found("carl", "cases", [["template", "eq", s.w.templates.board]])).to.deep.equal([]);
      expect(await found("erik", "contacts", [["name", "contains", "Karen"]])).to.deep.equal([]);
      expect((await run("erik", "cases", [["title", "contains", "Elevsag"]])).total.count).to.equal(0);
    });
  });

  describe("refusals", () => {
    const refusals: Array<[string, string, string]> = [
      ["an unknown target", "target=letters", "invalid_request"],
      ["no target", "where=title:contains:x", "invalid_request"],
      ["an unknown field", "target=cases&where=colour:eq:red", "unknown_search_field"],
      ["a custom field no template has", "target=cases&where=meta.shoeSize:eq:42", "unknown_search_field"],
      ["a custom field on documents", "target=documents&where=meta.klasse:eq:1.a", "unknown_search_field"],
      ["a field of another target", "target=contacts&where=deadline:eq:2024-01-01", "unknown_search_field"],
      ["an operator that does not exist", "target=cases&where=title:like:x", "search_operator_not_allowed"],
      ["an operator the type does not allow", "target=cases&where=status:contains:act", "search_operator_not_allowed"],
      ["under on a date", "target=cases&where=startDate:under:2024", "search_operator_not_allowed"],
      ["a date that is no date", "target=cases&where=startDate:eq:2024-13-45", "invalid_search_value"],
      ["a date written the Danish way", "target=cases&where=startDate:gte:31-01-2024", "invalid_search_value"],
      ["a yes or no that is neither", "target=cases&where=critical:eq:yes", "invalid_search_value"],
      ["a choice that is not one", "target=cases&where=status:eq:open", "invalid_search_value"],
      ["a custom choice that is not one", "target=cases&where=meta.klasse:eq:9.z", "invalid_search_value"],
      ["a value for empty", "target=cases&where=responsible:empty:alice", "invalid_search_value"],
      ["free text with no words", "target=cases&where=text:contains:%25%25%22*", "invalid_search_value"],
      ["no value where one is needed", "target=cases&where=title:eq:", "invalid_search_value"],
      ["an id that is too long", `target=cases&where=owner:eq:${"x".repeat(101)}`, "invalid_search_value"],
      ["a condition without colons", "target=cases&where=title", "invalid_search"],
      ["a column-only field as a condition", "target=documents&where=caseTitle:eq:x", "invalid_search"],
      ["the free text as a column", "target=cases&columns=title,text", "invalid_search"],
      ["a column named twice", "target=cases&columns=title,number,title", "invalid_search"],
      ["an unknown column", "target=cases&columns=title,colour", "unknown_search_field"],
      ["an empty column name", "target=cases&columns=title,,number", "invalid_request"],
      ["a sort by a column-only field", "target=tasks&sort=caseTitle", "invalid_search"],
      ["a sort by the free text", "target=cases&sort=text", "invalid_search"],
      ["a sort by an unknown field", "target=cases&sort=colour", "unknown_search_field"],
      ["a value of 2,000 characters", `target=cases&where=title:contains:${"x".repeat(2000)}`, "invalid_request"],
      ["a value over 1,000 characters", `target=cases&where=title:contains:${"x".repeat(1050)}`, "invalid_request"],
      ["30 conditions", `target=cases&${Array.from({ length: 30 }, (_, i) => `where=title:contains:x${i}`).join("&")}`, "invalid_request"],
      ["a limit of 0", "target=cases&limit=0", "invalid_request"],
      ["a limit over 200", "target=cases&limit=201", "invalid_request"],
      ["a direction that is none", "target=cases&sort=title&dir=up", "invalid_request"],
    ];
    for (const [what, query, code] of refusals) {
      it(`answers ${what} with 400 ${code}, naming what to mend`, async () => {
        for (const path of ["/api/search/advanced", "/api/search/advanced.csv"]) {
          const res = await s.get(s.w.tokens.alice, query, path);
          expect(res.status, `${path}: ${res.text.slice(0, 300)}`).to.equal(400);
          expect(res.type).to.equal("application/problem+json");
          const body = JSON.parse(res.text);
          expect(body.code).to.equal(code);
          expect(body.detail).to.be.a("string").and.not.equal("");
          expect(body.errors?.[0]?.path, body.detail).to.match(/^query/);
        }
      });
    }

    it("answers hostile values that are still a search with 200", async () => {
      const values = ['"', '"""x', "NEAR(a b)", "x*", "*", "(", "'; DROP TABLE cases; --", "\u0000", "😀", "%_\\", "a:b:c", "title:x"];
      for (const value of values) {
        for (const field of ["text", "title"]) {
          const res = await s.get(s.w.tokens.alice, `target=cases&where=${encodeURIComponent(`${field}:contains:${value}`)}`);
          expect(res.status, `${field} ${JSON.stringify(value)}: ${res.text.slice(0, 200)}`).to.be.oneOf([200, 400]);
          if (res.status === 400) expect(res.body.code, `${field} ${JSON.stringify(value)}`).to.equal("invalid_search_value");
        }
      }
    });
  });

  describe("query plans (SQLite)", () => {
    // A second connection to the same file that records what it runs, so SQLite can be asked for each plan.
    let readOnly: SqliteDatabase.Database;
    let traced: Kysely<Database>;
    const ran: CompiledQuery[] = [];
    before(async () => {
      await insertCases(s.db, 3000, { prefix: "Plan", ownerId: s.w.users.bob, templateId: s.w.templates.board, accessGroupId: s.w.accessGroups.board });
      readOnly = new SqliteDatabase(path.join(s.svc.dataDir, "ims-case.sqlite"));
      readOnly.exec("ANALYZE");
      traced = new Kysely<Database>({ dialect: new SqliteDialect({ database: readOnly }), log: (e) => void (e.level === "query" && ran.push(e.query)) });
    });
    after(() => readOnly.close());

    it("reads each target's default order, and a title order, straight off an index instead of sorting every row", async () => {
      const alice: Actor = { userId: s.w.users.alice, name: "Alice", email: "alice@skole.dk", role: "caseworker", accessGroupIds: [s.w.accessGroups.school] };
      for (const search of [
        { target: "cases" },
        { target: "documents" },
        { target: "contacts" },
        { target: "tasks" },
        { target: "cases", sort: "title" },
      ] as const) {
        const plan = await planSearch(traced, AdvancedSearch.parse(search), "query");
        ran.length = 0;
        await readRows(traced, alice, plan, pageOrder(plan, new Date().toISOString()), undefined, 50);
        const q = ran[ran.length - 1];
        const steps = (readOnly.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...(q.parameters as unknown[])) as Array<{ detail: string }>).map((r) => r.detail);
        expect(steps.join(" | "), JSON.stringify(search)).not.to.contain("TEMP B-TREE FOR ORDER BY");
        expect(steps[0], JSON.stringify(search)).to.match(/USING INDEX (cases_changed|documents_changed|contacts_changed|tasks_changed|cases_title)/);
      }
    });
  });
});
