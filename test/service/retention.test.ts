import { expect } from "chai";
import request from "supertest";
import { createApp } from "../../service/app.ts";
import { disposalDate, retentionInWords, type RetentionRule } from "../../service/features/retention/retention.ts";
import { bearer } from "../support/http.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

const rule = (kind: RetentionRule["kind"], years: number | null): RetentionRule => ({ id: "r", name: "r", kind, years });

describe("retention rules", () => {
  describe("disposalDate", () => {
    const created = "2021-03-15T09:30:00.000Z";

    it("a permanent document is never due, open or closed case", () => {
      expect(disposalDate(rule("permanent", null), { caseClosedOn: null, documentCreatedAt: created })).to.equal(null);
      expect(disposalDate(rule("permanent", null), { caseClosedOn: "2022-06-30", documentCreatedAt: created })).to.equal(null);
    });

    it("N years after the case is closed: unknown while the case is open, then the end date plus N years", () => {
      expect(disposalDate(rule("after_case_closed", 5), { caseClosedOn: null, documentCreatedAt: created })).to.equal(null);
      expect(disposalDate(rule("after_case_closed", 5), { caseClosedOn: "2022-06-30", documentCreatedAt: created })).to.equal("2027-06-30");
      expect(disposalDate(rule("after_case_closed", 0), { caseClosedOn: "2022-06-30", documentCreatedAt: created })).to.equal("2022-06-30");
      expect(disposalDate(rule("after_case_closed", 1), { caseClosedOn: "2022-12-31", documentCreatedAt: created })).to.equal("2023-12-31");
    });

    it("N years after the document is created, whether or not its case is closed", () => {
      expect(disposalDate(rule("after_document_created", 10), { caseClosedOn: null, documentCreatedAt: created })).to.equal("2031-03-15");
      expect(disposalDate(rule("after_document_created", 10), { caseClosedOn: "2022-06-30", documentCreatedAt: created })).to.equal("2031-03-15");
      expect(disposalDate(rule("after_document_created", 10), { caseClosedOn: null, documentCreatedAt: "2021-03-15" })).to.equal("2031-03-15");
    });

    it("review is due N years after the case is closed", () => {
      expect(disposalDate(rule("review", 3), { caseClosedOn: null, documentCreatedAt: created })).to.equal(null);
      expect(disposalDate(rule("review", 3), { caseClosedOn: "2022-06-30", documentCreatedAt: created })).to.equal("2025-06-30");
    });

    it("29 February plus N years is 28 February in a common year and 29 February in a leap year", () => {
      expect(disposalDate(rule("after_case_closed", 5), { caseClosedOn: "2024-02-29", documentCreatedAt: created })).to.equal("2029-02-28");
      expect(disposalDate(rule("after_case_closed", 4), { caseClosedOn: "2024-02-29", documentCreatedAt: created })).to.equal("2028-02-29");
      expect(disposalDate(rule("review", 1), { caseClosedOn: "2024-02-29", documentCreatedAt: created })).to.equal("2025-02-28");
      expect(disposalDate(rule("after_case_closed", 76), { caseClosedOn: "2024-02-29", documentCreatedAt: created })).to.equal("2100-02-28");
      expect(disposalDate(rule("after_case_closed", 376), { caseClosedOn: "2024-02-29", documentCreatedAt: created })).to.equal("2400-02-29");
      expect(disposalDate(rule("after_document_created", 10), { caseClosedOn: null, documentCreatedAt: "2024-02-29T12:00:00.000Z" })).to.equal("2034-02-28");
      expect(disposalDate(rule("after_document_created", 2), { caseClosedOn: null, documentCreatedAt: "2024-02-28T12:00:00.000Z" })).to.equal("2026-02-28");
    });
  });

  describe("retentionInWords", () => {
    it("says each rule in Danish", () => {
      expect(retentionInWords({ kind: "permanent", years: null }, "da")).to.equal("bevares");
      expect(retentionInWords({ kind: "after_case_closed", years: 5 }, "da")).to.equal("kasseres 5 år efter sagens afslutning");
      expect(retentionInWords({ kind: "after_document_created", years: 10 }, "da")).to.equal("kasseres 10 år efter dokumentets oprettelse");
      expect(retentionInWords({ kind: "review", years: 3 }, "da")).to.equal("vurderes 3 år efter sagens afslutning");
      expect(retentionInWords({ kind: "after_case_closed", years: 1 }, "da")).to.equal("kasseres 1 år efter sagens afslutning");
    });

    it("says each rule in English, with year or years as the number asks", () => {
      expect(retentionInWords({ kind: "permanent", years: null }, "en")).to.equal("kept permanently");
      expect(retentionInWords({ kind: "after_case_closed", years: 5 }, "en")).to.equal("disposed of 5 years after the case is closed");
      expect(retentionInWords({ kind: "after_case_closed", years: 1 }, "en")).to.equal("disposed of 1 year after the case is closed");
      expect(retentionInWords({ kind: "after_document_created", years: 10 }, "en")).to.equal("disposed of 10 years after the document is created");
      expect(retentionInWords({ kind: "review", years: 3 }, "en")).to.equal("reviewed 3 years after the case is closed");
    });
  });
});

describe("reference data", () => {
  let svc: TestService;
  let w: World;
  const api = () => request(svc.url);

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
  });
  after(() => svc.dispose());

  it("document types show their category and retention rule in words", async () => {
    const res = await api().get("/api/document-types").auth(w.tokens.alice, bearer).expect(200);
    const byName = Object.fromEntries(res.body.items.map((t: { name: string }) => [t.name, t]));
    expect(Object.keys(byName)).to.have.members(["Elevdokument", "Bestyrelsesreferat", "Brev", "Notat"]);
    expect(byName.Elevdokument).to.include({ id: w.types.pupil, category: "Elevdokument" });
    expect(byName.Elevdokument.retention).to.include({
      kind: "after_case_closed",
      years: 5,
      da: "kasseres 5 år efter sagens afslutning",
      en: "disposed of 5 years after the case is closed",
    });
    expect(byName.Bestyrelsesreferat.retention).to.include({ kind: "permanent", years: null, da: "bevares", en: "kept permanently" });
    expect(byName.Brev.retention).to.include({ da: "kasseres 10 år efter dokumentets oprettelse" });
    expect(byName.Notat.retention).to.include({ da: "vurderes 3 år efter sagens afslutning" });
  });

  it("document types for a template are the ones it allows; a template without a list allows all", async () => {
    const pupil = await api().get("/api/document-types").query({ templateId: w.templates.pupil }).auth(w.tokens.alice, bearer).expect(200);
    expect(pupil.body.items.map((t: { id: string }) => t.id)).to.have.members([w.types.pupil, w.types.letter, w.types.note]);
    const board = await api().get("/api/document-types").query({ templateId: w.templates.board }).auth(w.tokens.bob, bearer).expect(200);
    expect(board.body.items).to.have.length(4);
  });

  it("retention rules are listed with their words in both languages", async () => {
    const res = await api().get("/api/retention-rules").auth(w.tokens.alice, bearer).expect(200);
    const byId = Object.fromEntries(res.body.items.map((r: { id: string }) => [r.id, r]));
    expect(Object.keys(byId)).to.have.members(Object.values(w.rules));
    expect(byId[w.rules.fiveAfterClose]).to.deep.equal({
      id: w.rules.fiveAfterClose,
      name: "5 år efter afslutning",
      kind: "after_case_closed",
      years: 5,
      da: "kasseres 5 år efter sagens afslutning",
      en: "disposed of 5 years after the case is closed",
    });
    expect(byId[w.rules.permanent]).to.include({ kind: "permanent", years: null, da: "bevares", en: "kept permanently" });
    expect(byId[w.rules.tenAfterCreate]).to.include({
      da: "kasseres 10 år efter dokumentets oprettelse",
      en: "disposed of 10 years after the document is created",
    });
    expect(byId[w.rules.review]).to.include({ da: "vurderes 3 år efter sagens afslutning", en: "reviewed 3 years after the case is closed" });
  });

  it("templates come with their fields, journal code, access group and allowed document types", async () => {
    const res = await api().get("/api/templates").auth(w.tokens.alice, bearer).expect(200);
    const pupil = res.body.items.find((t: { id: string }) => t.id === w.templates.pupil);
    expect(pupil).to.include({ name: "Elevsag", accessGroupId: w.accessGroups.school, journalCode: "17.01.00", active: true });
    expect(pupil.documentTypeIds).to.have.members([w.types.pupil, w.types.letter, w.types.note]);
    expect(pupil.fields).to.deep.equal([
      { name: "elevnummer", label: "Elevnummer", type: "text", required: true },
      { name: "klasse", label: "Klasse", type: "choice", required: false, options: ["0.a", "1.a", "2.b"] },
      { name: "optaget", label: "Optaget", type: "date", required: false },
    ]);
    const board = res.body.items.find((t: { id: string }) => t.id === w.templates.board);
    expect(board).to.include({ name: "Bestyrelsessag", journalCode: "00.01.10" });
    expect(board.fields).to.deep.equal([]);
    expect(board.documentTypeIds).to.deep.equal([]);
  });

  it("the journal plan hides retired codes unless asked for them", async () => {
    const current = await api().get("/api/journal-plan").auth(w.tokens.alice, bearer).expect(200);
    expect(current.body.items.map((e: { code: string }) => e.code)).to.deep.equal(["00.01.10", "17", "17.01", "17.01.00"]);
    expect(current.body.items.find((e: { code: string }) => e.code === "17.01.00")).to.include({
      title: "Elever i almindelighed",
      parentCode: "17.01",
      retiredOn: null,
    });
    const all = await api().get("/api/journal-plan").query({ includeRetired: "true" }).auth(w.tokens.alice, bearer).expect(200);
    expect(all.body.items.map((e: { code: string }) => e.code)).to.deep.equal(["00.01.10", "00.01.99", "17", "17.01", "17.01.00"]);
    expect(all.body.items.find((e: { code: string }) => e.code === "00.01.99")).to.include({ title: "Udgået emne", retiredOn: "2020-01-01" });
    const explicit = await api().get("/api/journal-plan").query({ includeRetired: "false" }).auth(w.tokens.alice, bearer).expect(200);
    expect(explicit.body.items).to.deep.equal(current.body.items);
  });

  it("access groups say whether I am a member", async () => {
    const alice = await api().get("/api/access-groups").auth(w.tokens.alice, bearer).expect(200);
    const member = (body: { items: Array<{ id: string; member: boolean }> }) => Object.fromEntries(body.items.map((g) => [g.id, g.member]));
    expect(member(alice.body)).to.deep.equal({ [w.accessGroups.school]: true, [w.accessGroups.board]: false, [w.accessGroups.partners]: false });
    expect(alice.body.items.find((g: { id: string }) => g.id === w.accessGroups.school)).to.include({ name: "Elevsager", description: "Pupils' cases" });
    const bob = await api().get("/api/access-groups").auth(w.tokens.bob, bearer).expect(200);
    expect(member(bob.body)).to.deep.equal({ [w.accessGroups.school]: false, [w.accessGroups.board]: true, [w.accessGroups.partners]: true });
    const erik = await api().get("/api/access-groups").auth(w.tokens.erik, bearer).expect(200);
    expect(member(erik.body)).to.deep.equal({ [w.accessGroups.school]: false, [w.accessGroups.board]: false, [w.accessGroups.partners]: true });
  });

  it("/api/me tells who I am, my role, my groups and my access groups", async () => {
    const alice = await api().get("/api/me").auth(w.tokens.alice, bearer).expect(200);
    expect(alice.body).to.include({ id: w.users.alice, name: "Alice Sagsbehandler", email: "alice@skole.dk", role: "caseworker" });
    expect(alice.body.groups.map((g: { name: string }) => g.name)).to.deep.equal(["Skolekontoret"]);
    expect(alice.body.accessGroupIds).to.deep.equal([w.accessGroups.school]);
    const erik = await api().get("/api/me").auth(w.tokens.erik, bearer).expect(200);
    expect(erik.body).to.include({ id: w.users.erik, role: "external" });
    expect(erik.body.groups).to.deep.equal([]);
    expect(erik.body.accessGroupIds).to.deep.equal([w.accessGroups.partners]);
    const admin = await api().get("/api/me").auth(ADMIN_TOKEN, bearer).expect(200);
    expect(admin.body.role).to.equal("admin");
  });

  it("/api/health answers without a token", async () => {
    const res = await api().get("/api/health").expect(200);
    expect(res.body).to.deep.equal({ status: "ok" });
  });

  describe("/api/openapi.json", () => {
    type Operation = { requestBody?: { content: Record<string, { schema: { type?: string; properties?: Record<string, unknown>; required?: string[] } }> } };
    let doc: { openapi: string; info: { title: string }; paths: Record<string, Record<string, Operation>> };
    // The service's own route table and Express app, built the same way the running service built them.
    let app: ReturnType<typeof createApp>["app"];
    let routes: ReturnType<typeof createApp>["routes"];
    const toOpenApi = (p: string) => p.replace(/:(\w+)/g, "{$1}");

    before(async () => {
      ({ app, routes } = createApp(svc.ctx));
      doc = (await api().get("/api/openapi.json").expect(200).expect("Content-Type", /json/)).body;
    });

    it("is an OpenAPI 3.1.0 document that needs no token", () => {
      expect(doc.openapi).to.equal("3.1.0");
      expect(doc.info.title).to.be.a("string").and.not.equal("");
    });

    it("lists every API route the service mounts, with its method", () => {
      interface Layer {
        route?: { path: string; methods: Record<string, boolean> };
        handle?: { stack?: Layer[] };
      }
      const mounted: Array<[string, string]> = [];
      const walk = (stack: Layer[]) => {
        for (const layer of stack) {
          // The API is what lives under /api; the front page is not part of it.
          if (layer.route && layer.route.path.startsWith("/api")) for (const m of Object.keys(layer.route.methods)) mounted.push([layer.route.path, m]);
          else if (layer.handle?.stack) walk(layer.handle.stack);
        }
      };
      walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
      expect(mounted.length).to.be.greaterThan(20);
      const missing: string[] = [];
      for (const [p, method] of mounted) {
        const ops = doc.paths[toOpenApi(p)];
        if (!ops) missing.push(`${method.toUpperCase()} ${p}`);
        else if (method === "_all") {
          if (Object.keys(ops).length === 0) missing.push(`* ${p}`);
        } else if (!ops[method]) missing.push(`${method.toUpperCase()} ${p}`);
      }
      expect(missing).to.deep.equal([]);
      expect(doc.paths["/api/uploads"]).to.include.keys("options", "post");
      expect(doc.paths["/api/uploads/{id}"]).to.include.keys("head", "patch", "delete");
      for (const r of routes) expect(doc.paths[toOpenApi(r.path)]?.[r.method], `${r.method} ${r.path}`).to.be.an("object");
    });

    it("describes the JSON request body of every route that takes one, from the same schema that validates it", () => {
      const jsonRoutes = routes.filter((r) => r.body);
      expect(jsonRoutes.length).to.be.greaterThan(5);
      for (const r of jsonRoutes) {
        const schema = doc.paths[toOpenApi(r.path)][r.method].requestBody?.content["application/json"]?.schema;
        expect(schema, `${r.method} ${r.path}`).to.be.an("object");
        expect(schema!.type, `${r.method} ${r.path}`).to.equal("object");
        const shape = (r.body as { shape?: Record<string, unknown> }).shape;
        if (shape) expect(Object.keys(schema!.properties ?? {}), `${r.method} ${r.path}`).to.have.members(Object.keys(shape));
      }
      const newCase = doc.paths["/api/cases"].post.requestBody!.content["application/json"].schema;
      expect(newCase.required).to.include.members(["templateId", "title"]);
      expect(newCase.properties).to.have.keys("templateId", "title", "startDate", "ownerId", "responsibleId", "journalCode", "critical", "metadata");
      const upload = doc.paths["/api/documents"].post.requestBody!.content["multipart/form-data"].schema;
      expect(upload.properties).to.include.keys("metadata", "file");
    });
  });
});
