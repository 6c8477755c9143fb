import { expect } from "chai";
import { parse } from "csv-parse/sync";
import http from "node:http";
import request from "supertest";
import { type AdvancedSearch } from "../../../shared/api/schemas/advanced-search.ts";
import { advancedSearchQueryString } from "../../../shared/api/search-query.ts";
import { bearer, binary } from "../../support/http.ts";
import { buildSearchScene, insertCases, type SearchScene } from "./search-scene.ts";

type Person = "alice" | "carl" | "bob" | "erik" | "admin";
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe("CSV exports (GET /api/search/advanced.csv, /api/search.csv)", () => {
  let s: SearchScene;
  const ids: Record<string, string> = {};

  before(async () => {
    s = await buildSearchScene();
    const newCase = async (name: string, title: string, elevnummer: string) => {
      const res = await request(s.svc.url)
        .post("/api/cases")
        .auth(s.w.tokens.alice, bearer)
        .send({ templateId: s.w.templates.pupil, title, startDate: "2025-06-01", metadata: { elevnummer } });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      ids[name] = res.body.id;
    };
    // What a spreadsheet would take for a formula, and what CSV must quote.
    await newCase("quoting", 'Referat; "udkast"\nanden linje', "plain");
    await newCase("formula", '=HYPERLINK("http://evil.example","Klik")', "+45 1234");
    await newCase("minus", "-2+3", "@SUM(A1:A9)");
    await newCase("tab", "Tabulator", "\t=1+1");
    await newCase("cr", "Vognretur", "\r=1+1");
  });
  after(() => s.svc.dispose());

  /** The export's bytes as `who`, with its headers. */
  async function fetchCsv(who: Person, path: string, headers: Record<string, string> = {}) {
    const res = await request(s.svc.url).get(path).auth(s.w.tokens[who], bearer).set(headers).buffer(true).parse(binary);
    expect(res.status, String(res.body).slice(0, 300)).to.equal(200);
    return { res, bytes: res.body as Buffer };
  }
  const advancedCsv = (who: Person, search: AdvancedSearch, headers?: Record<string, string>) =>
    fetchCsv(who, `/api/search/advanced.csv?${advancedSearchQueryString(search)}`, headers);
  const records = (bytes: Buffer): string[][] => parse(bytes, { delimiter: ";", bom: true, relax_column_count: false, record_delimiter: "\r\n" });

  it("is UTF-8 with a BOM, ';' between cells and CRLF between rows, a Danish header, and æøå intact", async () => {
    const { res, bytes } = await advancedCsv("alice", { target: "cases", where: [{ field: "critical", op: "eq", value: "true" }] });
    expect(res.headers["content-type"]).to.equal("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).to.match(/^attachment; filename="?sager-\d{4}-\d\d-\d\d\.csv"?$/);
    expect(res.headers["cache-control"]).to.equal("no-store");
    expect(bytes.subarray(0, 3).equals(BOM)).to.equal(true);
    const text = bytes.subarray(3).toString("utf8");
    const lines = text.split("\r\n");
    expect(lines[0]).to.equal("Sagsnummer;Titel;Status;Sagsejer;Ændret");
    expect(lines[1]).to.match(new RegExp(`^${s.numbers.aero};Elevsag Ærøskøbing;Aktiv;Alice Sagsbehandler;\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z$`));
    expect(lines.slice(2)).to.deep.equal([""]);
    expect(text.replace(/\r\n/g, "")).not.to.contain("\n");
  });

  it("writes the header and the words in English when the client prefers English", async () => {
    const { res, bytes } = await advancedCsv(
      "alice",
      { target: "cases", where: [{ field: "critical", op: "eq", value: "true" }], columns: ["title", "critical", "status", "meta.klasse"] },
      { "Accept-Language": "en-GB,en;q=0.9,da;q=0.5" },
    );
    expect(res.headers["content-disposition"]).to.match(/filename="?cases-/);
    expect(records(bytes)).to.deep.equal([
      ["Title", "Critical", "Status", "Klasse"],
      ["Elevsag Ærøskøbing", "Yes", "Active", "1.a"],
    ]);
    const danish = await advancedCsv(
      "alice",
      { target: "cases", where: [{ field: "critical", op: "eq", value: "true" }], columns: ["critical"] },
      { "Accept-Language": "sv-SE" },
    );
    expect(records(danish.bytes)).to.deep.equal([["Kritisk"], ["Ja"]]);
  });

  it("quotes cells holding ';', '\"' or a line break, and reads back as written", async () => {
    const { bytes } = await advancedCsv("alice", {
      target: "cases",
      where: [{ field: "meta.elevnummer", op: "eq", value: "plain" }],
      columns: ["title", "meta.elevnummer"],
    });
    expect(bytes.toString("utf8")).to.contain('"Referat; ""udkast""\nanden linje";plain\r\n');
    expect(records(bytes)[1]).to.deep.equal(['Referat; "udkast"\nanden linje', "plain"]);
  });

  it("puts a ' before every cell a spreadsheet would run as a formula", async () => {
    const { bytes } = await advancedCsv("alice", {
      target: "cases",
      where: [{ field: "startDate", op: "eq", value: "2025-06-01" }],
      columns: ["title", "meta.elevnummer"],
      sort: "title",
    });
    const rows = records(bytes).slice(1);
    expect(rows).to.deep.include.members([
      ["'-2+3", "'@SUM(A1:A9)"],
      ['\'=HYPERLINK("http://evil.example","Klik")', "'+45 1234"],
      ["Tabulator", "'\t=1+1"],
      ["Vognretur", "'\r=1+1"],
    ]);
    for (const row of rows) for (const cell of row) expect(cell, cell).not.to.match(/^[=+\-@\t\r]/);
  });

  it("holds only what the caller may see, as the JSON search does", async () => {
    const cells = async (who: Person, search: AdvancedSearch) =>
      records((await advancedCsv(who, search)).bytes)
        .slice(1)
        .map((r) => r[0]);
    const titles = (who: Person) =>
      cells(who, { target: "cases", where: [{ field: "startDate", op: "gte", value: "2021-01-01" }], columns: ["title"], sort: "title" });
    expect(await titles("carl"))
      .to.not.include("Alices bestyrelsesnotat Tornby")
      .and.not.include("Bestyrelsesmøde Vesterhavet");
    expect(await titles("alice"))
      .to.include("Alices bestyrelsesnotat Tornby")
      .and.not.include("Bestyrelsesmøde Vesterhavet");
    expect(await titles("erik")).to.deep.equal(["Partnerprojekt Lindholm"]);
    expect(await cells("bob", { target: "documents", columns: ["title"], sort: "title" })).to.deep.equal(["Referat Vesterhavet", "Samarbejdsaftale Lindholm"]);
    expect(await cells("erik", { target: "contacts", columns: ["name"] })).to.deep.equal(["Partner ApS"]);
    expect(await cells("erik", { target: "tasks", columns: ["title"] })).to.deep.equal([]);
  });

  it("records the export in the audit log", async () => {
    await advancedCsv("carl", { target: "tasks", where: [{ field: "title", op: "contains", value: "budget" }], columns: ["title"] });
    const events = await s.db.selectFrom("audit_events").selectAll().where("action", "=", "search.export").where("actor_id", "=", s.w.users.carl).execute();
    const details = events.map((e) => JSON.parse(e.details));
    expect(details.map((d) => d.search.where)).to.deep.include([{ field: "title", op: "contains", value: "budget" }]);
    await fetchCsv("carl", "/api/search.csv?q=budgetplan&kind=tasks");
    const freeText = await s.db
      .selectFrom("audit_events")
      .select("details")
      .where("action", "=", "search.export")
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(freeText.details)).to.deep.equal({ q: "budgetplan", kind: "tasks" });
  });

  describe("the free-text search's groups (GET /api/search.csv)", () => {
    it("has every hit of one group, best first, in that target's default columns", async () => {
      const { res, bytes } = await fetchCsv("alice", "/api/search.csv?q=elevsag&kind=cases");
      expect(res.headers["content-disposition"]).to.match(/filename="?soegning-sager-\d{4}-\d\d-\d\d\.csv/);
      expect(bytes.subarray(0, 3).equals(BOM)).to.equal(true);
      const rows = records(bytes);
      expect(rows[0]).to.deep.equal(["Sagsnummer", "Titel", "Status", "Sagsejer", "Ændret"]);
      expect(
        rows
          .slice(1)
          .map((r) => r[1])
          .sort(),
      ).to.deep.equal(["Elevsag Ærøskøbing", "Elevsag Østerby"]);
      const docs = records((await fetchCsv("bob", "/api/search.csv?q=vesterhavet&kind=documents")).bytes);
      expect(docs.slice(1).map((r) => r[0])).to.deep.equal(["Referat Vesterhavet"]);
    });

    it("holds only what the caller may see", async () => {
      expect(records((await fetchCsv("alice", "/api/search.csv?q=vesterhavet&kind=documents")).bytes)).to.have.length(1);
      expect(records((await fetchCsv("carl", "/api/search.csv?q=tornby&kind=cases")).bytes)).to.have.length(1);
      expect(records((await fetchCsv("alice", "/api/search.csv?q=tornby&kind=cases")).bytes)).to.have.length(2);
    });

    it("answers a query with nothing to search for with the header alone, and every group", async () => {
      expect(records((await fetchCsv("alice", `/api/search.csv?q=${encodeURIComponent('"" ** NEAR(')}&kind=cases`)).bytes)).to.have.length(1);
      for (const kind of ["tasks", "contacts", "documents", "cases"]) {
        const { bytes } = await fetchCsv("alice", `/api/search.csv?q=${encodeURIComponent('"; DROP TABLE x; -- æøå')}&kind=${kind}`);
        expect(records(bytes).length, kind).to.be.greaterThanOrEqual(1);
      }
    });

    it("refuses a missing or unknown kind with 400", async () => {
      for (const query of ["q=elevsag", "q=elevsag&kind=letters", `q=${"x".repeat(10_001)}&kind=cases`]) {
        const res = await request(s.svc.url).get(`/api/search.csv?${query}`).auth(s.w.tokens.alice, bearer);
        expect([res.status, res.type], query).to.deep.equal([400, "application/problem+json"]);
      }
    });
  });

  describe("many rows", () => {
    const N = 20_000;
    before(async () => {
      await insertCases(s.db, N, { prefix: "Masse", ownerId: s.w.users.bob, templateId: s.w.templates.board, accessGroupId: s.w.accessGroups.board });
    });

    it(`streams all ${N.toLocaleString("en")} rows, each once and in order, not only a page`, async () => {
      const { res, bytes } = await advancedCsv("bob", {
        target: "cases",
        where: [{ field: "title", op: "startsWith", value: "Masse" }],
        columns: ["title", "number"],
        sort: "title",
      });
      expect(res.headers["content-length"]).to.equal(undefined);
      const rows = records(bytes);
      expect(rows).to.have.length(N + 1);
      const titles = rows.slice(1).map((r) => r[0]);
      expect(titles[0]).to.equal("Masse 00000");
      expect(titles[N - 1]).to.equal(`Masse ${String(N - 1).padStart(5, "0")}`);
      expect(new Set(titles).size).to.equal(N);
      expect([...titles].sort()).to.deep.equal(titles);
    });

    it("stops when the client goes away, and the service goes on answering", async () => {
      const url = new URL(`${s.svc.url}/api/search/advanced.csv?target=cases&where=${encodeURIComponent("title:startsWith:Masse")}`);
      await new Promise<void>((resolve, reject) => {
        const req = http.get(url, { headers: { Authorization: `Bearer ${s.w.tokens.bob}` } }, (res) => {
          res.once("data", () => {
            req.destroy();
            resolve();
          });
        });
        req.on("error", (err) => (req.destroyed ? resolve() : reject(err)));
      });
      const health = await request(s.svc.url).get("/api/health");
      expect(health.status).to.equal(200);
      const after = await s.search(s.w.tokens.bob, { target: "cases", where: [{ field: "title", op: "eq", value: "Masse 00042" }] });
      expect(after.total.count).to.equal(1);
    });
  });
});
