import { expect } from "chai";
import { createHash } from "node:crypto";
import request from "supertest";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

describe("administration API", () => {
  let svc: TestService;
  let w: World;
  const api = () => request(svc.url);
  const bearer = { type: "bearer" as const };
  const asAdmin = {
    get: (path: string) => api().get(path).auth(ADMIN_TOKEN, bearer),
    post: (path: string) => api().post(path).auth(ADMIN_TOKEN, bearer),
    patch: (path: string) => api().patch(path).auth(ADMIN_TOKEN, bearer),
    put: (path: string) => api().put(path).auth(ADMIN_TOKEN, bearer),
    delete: (path: string) => api().delete(path).auth(ADMIN_TOKEN, bearer),
  };

  const auditOf = (objectType: string, objectId: string) =>
    svc.ctx.db
      .selectFrom("audit_events")
      .select(["action", "details", "actor_id"])
      .where("object_type", "=", objectType)
      .where("object_id", "=", objectId)
      .orderBy("seq")
      .execute();
  // Sign-ins (auth.*) are logged too; these count only the events that record a change.
  const auditCount = async () =>
    (
      await svc.ctx.db
        .selectFrom("audit_events")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("action", "not like", "auth.%")
        .executeTakeFirstOrThrow()
    ).n;

  async function newCase(token: string, templateId: string, body: Record<string, unknown> = {}) {
    return api()
      .post("/api/cases")
      .auth(token, bearer)
      .send({ templateId, title: "Sag", ...body });
  }
  async function saveDocument(token: string, caseId: string, documentTypeId: string): Promise<string> {
    const res = await api()
      .post("/api/documents")
      .auth(token, bearer)
      .field("metadata", JSON.stringify({ documentTypeId, caseId }))
      .attach("file", Buffer.from("indhold"), { filename: "Notat.txt", contentType: "text/plain" })
      .expect(201);
    return res.body.id;
  }

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
  });
  after(() => svc.dispose());

  describe("who may use it", () => {
    it("a caseworker and an external partner get 403 admin_only on every admin endpoint, and nothing changes", async () => {
      const doc = (await api().get("/api/openapi.json").expect(200)).body;
      const endpoints = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
        .filter(([p]) => p.startsWith("/api/admin/"))
        .flatMap(([p, ops]) => Object.keys(ops).map((method) => ({ method, path: p.replace(/\{(\w+)\}/g, "x") })));
      expect(endpoints.length).to.be.at.least(28);
      const before = await auditCount();
      for (const token of [w.tokens.alice, w.tokens.erik]) {
        for (const { method, path } of endpoints) {
          const res = await (api() as unknown as Record<string, (p: string) => request.Test>)[method](path).auth(token, bearer).send({ name: "X" });
          expect(res.status, `${method} ${path}`).to.equal(403);
          expect(res.body.code, `${method} ${path}`).to.equal("admin_only");
          expect(res.headers["content-type"]).to.match(/^application\/problem\+json/);
        }
      }
      expect(await auditCount()).to.equal(before);
    });

    it("without a token the admin API answers 401", async () => {
      const res = await api().get("/api/admin/users").expect(401);
      expect(res.body.code).to.equal("unauthenticated");
    });
  });

  describe("users and tokens", () => {
    it("lists users a page at a time by email, following the cursor to the end", async () => {
      const emails: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: request.Response = await asAdmin.get(`/api/admin/users?limit=2${cursor ? `&cursor=${cursor}` : ""}`).expect(200);
        expect(res.body.items.length).to.be.at.most(2);
        emails.push(...res.body.items.map((u: { email: string }) => u.email));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);
      const all = (await svc.ctx.db.selectFrom("users").select("email").execute()).map((u) => u.email).sort();
      expect(emails).to.deep.equal(all);
      expect(pages).to.equal(Math.ceil(all.length / 2));
    });

    it("filters users by role and active flag, and refuses a forged cursor", async () => {
      const externals = await asAdmin.get("/api/admin/users?role=external").expect(200);
      expect(externals.body.items.map((u: { email: string }) => u.email)).to.deep.equal(["erik@partner.dk"]);
      expect(externals.body.items[0]).to.include({ role: "external", active: true, name: "Erik Ekstern" });
      const inactive = await asAdmin.get("/api/admin/users?active=false").expect(200);
      expect(inactive.body.items.every((u: { active: boolean }) => !u.active)).to.equal(true);
      const bad = await asAdmin.get("/api/admin/users?cursor=bm9wZQ").expect(400);
      expect(bad.body.code).to.equal("invalid_cursor");
      expect((await asAdmin.get("/api/admin/users?role=boss").expect(400)).body.code).to.equal("invalid_request");
    });

    it("creates a user with a lower-cased email, audited, and refuses the same email again with 409", async () => {
      const res = await asAdmin.post("/api/admin/users").send({ email: "Dorte@Skole.dk", name: "Dorte Dansk", role: "caseworker" }).expect(201);
      expect(res.body).to.include({ email: "dorte@skole.dk", name: "Dorte Dansk", role: "caseworker", active: true });
      expect(res.body.groups).to.deep.equal([]);
      expect((await auditOf("user", res.body.id)).map((e) => e.action)).to.deep.equal(["user.create"]);
      const again = await asAdmin.post("/api/admin/users").send({ email: "dorte@skole.dk", name: "Dorte 2", role: "caseworker" }).expect(409);
      expect(again.body.code).to.equal("already_exists");
    });

    it("refuses a user with a bad email, an unknown role or an unknown field with 400 naming the field", async () => {
      const badEmail = await asAdmin.post("/api/admin/users").send({ email: "ikke-en-mail", name: "X", role: "caseworker" }).expect(400);
      expect(badEmail.body.code).to.equal("invalid_request");
      expect(badEmail.body.detail).to.contain("body.email");
      expect((await asAdmin.post("/api/admin/users").send({ email: "x@y.dk", name: "X", role: "boss" }).expect(400)).body.detail).to.contain("body.role");
      expect((await asAdmin.post("/api/admin/users").send({ email: "x@y.dk", name: "X", role: "caseworker", admin: true }).expect(400)).body.code).to.equal(
        "invalid_request",
      );
    });

    it("shows a user with the groups they are in and the access groups that gives them", async () => {
      const res = await asAdmin.get(`/api/admin/users/${w.users.alice}`).expect(200);
      expect(res.body).to.include({ id: w.users.alice, email: "alice@skole.dk", role: "caseworker", active: true });
      expect(res.body.groups.map((g: { name: string }) => g.name)).to.deep.equal(["Skolekontoret"]);
      expect(res.body.accessGroups.map((g: { id: string }) => g.id)).to.deep.equal([w.accessGroups.school]);
      expect((await asAdmin.get("/api/admin/users/nobody").expect(404)).body.code).to.equal("not_found");
    });

    it("changes a user's name and role, recording from and to in the audit log", async () => {
      const created = await asAdmin.post("/api/admin/users").send({ email: "frede@skole.dk", name: "Frede", role: "external" }).expect(201);
      const res = await asAdmin.patch(`/api/admin/users/${created.body.id}`).send({ name: "Frede Fjord", role: "caseworker" }).expect(200);
      expect(res.body).to.include({ name: "Frede Fjord", role: "caseworker" });
      const events = await auditOf("user", created.body.id);
      expect(events.map((e) => e.action)).to.deep.equal(["user.create", "user.update"]);
      expect(JSON.parse(events[1].details)).to.deep.equal({ name: { from: "Frede", to: "Frede Fjord" }, role: { from: "external", to: "caseworker" } });
      expect((await asAdmin.patch(`/api/admin/users/${created.body.id}`).send({}).expect(400)).body.code).to.equal("invalid_request");
    });

    it("issues a token that works at once, lists it without the secret, and a revoked token gets 401", async () => {
      const issued = await asAdmin.post(`/api/admin/users/${w.users.bob}/tokens`).send({ label: "Outlook på laptop" }).expect(201);
      expect(issued.headers["cache-control"]).to.equal("no-store");
      expect(issued.body).to.include({ userId: w.users.bob, label: "Outlook på laptop", revokedAt: null });
      const token: string = issued.body.token;
      expect(token).to.match(/^ims_/);

      const stored = await svc.ctx.db.selectFrom("api_tokens").selectAll().where("id", "=", issued.body.id).executeTakeFirstOrThrow();
      expect(stored.token_hash).to.equal(createHash("sha256").update(token).digest("hex"));
      expect(JSON.stringify(stored)).not.to.contain(token);

      const me = await api().get("/api/me").auth(token, bearer).expect(200);
      expect(me.body.id).to.equal(w.users.bob);

      const list = await asAdmin.get(`/api/admin/users/${w.users.bob}/tokens`).expect(200);
      const listed = list.body.items.find((t: { id: string }) => t.id === issued.body.id);
      expect(listed).to.include({ label: "Outlook på laptop", revokedAt: null });
      expect(listed.lastUsedAt).to.be.a("string");
      expect(JSON.stringify(list.body)).not.to.contain(token);
      expect(JSON.stringify(list.body)).not.to.contain(stored.token_hash);

      await asAdmin.delete(`/api/admin/users/${w.users.bob}/tokens/${issued.body.id}`).expect(204);
      const refused = await api().get("/api/me").auth(token, bearer).expect(401);
      expect(refused.body.code).to.equal("invalid_token");
      await api().get("/api/me").auth(w.tokens.bob, bearer).expect(200);
      await asAdmin.delete(`/api/admin/users/${w.users.bob}/tokens/${issued.body.id}`).expect(204);

      const after = await asAdmin.get(`/api/admin/users/${w.users.bob}/tokens`).expect(200);
      expect(after.body.items.find((t: { id: string }) => t.id === issued.body.id).revokedAt).to.be.a("string");
      const actions = (await auditOf("user", w.users.bob)).map((e) => e.action);
      expect(actions.filter((a) => a.startsWith("user.token"))).to.deep.equal(["user.token.issue", "user.token.revoke"]);
    });

    it("a token of one user cannot be revoked through another user, and unknown users or tokens get 404", async () => {
      const issued = await asAdmin.post(`/api/admin/users/${w.users.carl}/tokens`).send({ label: "Word" }).expect(201);
      await asAdmin.delete(`/api/admin/users/${w.users.bob}/tokens/${issued.body.id}`).expect(404);
      await api().get("/api/me").auth(issued.body.token, bearer).expect(200);
      await asAdmin.post("/api/admin/users/nobody/tokens").send({ label: "x" }).expect(404);
      await asAdmin.get("/api/admin/users/nobody/tokens").expect(404);
      expect((await asAdmin.post(`/api/admin/users/${w.users.carl}/tokens`).send({ label: "" }).expect(400)).body.detail).to.contain("body.label");
    });

    it("a deactivated user is refused with 401 from the next request, and reactivation lets them back in", async () => {
      await api().get("/api/me").auth(w.tokens.carl, bearer).expect(200);
      const off = await asAdmin.patch(`/api/admin/users/${w.users.carl}`).send({ active: false }).expect(200);
      expect(off.body.active).to.equal(false);
      const refused = await api().get("/api/cases").auth(w.tokens.carl, bearer).expect(401);
      expect(refused.body.code).to.equal("invalid_token");
      const issue = await asAdmin.post(`/api/admin/users/${w.users.carl}/tokens`).send({ label: "x" }).expect(409);
      expect(issue.body.code).to.equal("user_inactive");
      await asAdmin.patch(`/api/admin/users/${w.users.carl}`).send({ active: true }).expect(200);
      await api().get("/api/me").auth(w.tokens.carl, bearer).expect(200);
    });

    it("the last active administrator can be neither demoted nor deactivated", async () => {
      const adminId = (await asAdmin.get("/api/me").expect(200)).body.id;
      expect((await asAdmin.patch(`/api/admin/users/${adminId}`).send({ role: "caseworker" }).expect(409)).body.code).to.equal("last_admin");
      expect((await asAdmin.patch(`/api/admin/users/${adminId}`).send({ active: false }).expect(409)).body.code).to.equal("last_admin");
      const second = await asAdmin.post("/api/admin/users").send({ email: "admin2@skole.dk", name: "Anden Admin", role: "admin" }).expect(201);
      await asAdmin.patch(`/api/admin/users/${second.body.id}`).send({ active: false }).expect(200);
      await api().get("/api/me").auth(ADMIN_TOKEN, bearer).expect(200);
    });
  });

  describe("groups and access groups", () => {
    it("creates a group with members, renames it, replaces its members, each audited", async () => {
      const created = await asAdmin
        .post("/api/admin/groups")
        .send({ name: "Ledelsen", memberIds: [w.users.alice] })
        .expect(201);
      expect(created.body.members.map((m: { id: string }) => m.id)).to.deep.equal([w.users.alice]);
      const renamed = await asAdmin.patch(`/api/admin/groups/${created.body.id}`).send({ name: "Skoleledelsen" }).expect(200);
      expect(renamed.body.name).to.equal("Skoleledelsen");
      const members = await asAdmin
        .put(`/api/admin/groups/${created.body.id}/members`)
        .send({ userIds: [w.users.bob, w.users.carl, w.users.bob] })
        .expect(200);
      expect(members.body.members.map((m: { name: string }) => m.name)).to.deep.equal(["Bob Bestyrelse", "Carl Kollega"]);
      const list = await asAdmin.get("/api/admin/groups").expect(200);
      expect(list.body.items.find((g: { id: string }) => g.id === created.body.id).members).to.have.length(2);
      expect((await auditOf("group", created.body.id)).map((e) => e.action)).to.deep.equal(["group.create", "group.update", "group.members"]);
    });

    it("refuses a taken group name with 409, unknown members with 422 and an unknown group with 404", async () => {
      expect((await asAdmin.post("/api/admin/groups").send({ name: "Skolekontoret" }).expect(409)).body.code).to.equal("already_exists");
      expect(
        (
          await asAdmin
            .post("/api/admin/groups")
            .send({ name: "Ny", memberIds: ["nobody"] })
            .expect(422)
        ).body.code,
      ).to.equal("unknown_user");
      await asAdmin.put("/api/admin/groups/nobody/members").send({ userIds: [] }).expect(404);
      await asAdmin.patch("/api/admin/groups/nobody").send({ name: "x" }).expect(404);
      const groups = (await asAdmin.get("/api/admin/groups").expect(200)).body.items;
      expect(groups.filter((g: { name: string }) => g.name === "Ny")).to.deep.equal([]);
    });

    it("adding Bob to Skolekontoret gives him the school's cases on his next request; removing him takes them away", async () => {
      const caseId = (await newCase(w.tokens.alice, w.templates.pupil, { metadata: { elevnummer: "E-1" } }).then((r) => r.body)).id;
      await api().get(`/api/cases/${caseId}`).auth(w.tokens.bob, bearer).expect(404);
      const office = (await asAdmin.get("/api/admin/groups").expect(200)).body.items.find((g: { name: string }) => g.name === "Skolekontoret");
      const before = office.members.map((m: { id: string }) => m.id);
      await asAdmin
        .put(`/api/admin/groups/${office.id}/members`)
        .send({ userIds: [...before, w.users.bob] })
        .expect(200);
      await api().get(`/api/cases/${caseId}`).auth(w.tokens.bob, bearer).expect(200);
      await asAdmin.put(`/api/admin/groups/${office.id}/members`).send({ userIds: before }).expect(200);
      await api().get(`/api/cases/${caseId}`).auth(w.tokens.bob, bearer).expect(404);
    });

    it("lists access groups with their member users and groups", async () => {
      const res = await asAdmin.get("/api/admin/access-groups").expect(200);
      const school = res.body.items.find((g: { id: string }) => g.id === w.accessGroups.school);
      expect(school.members.groups.map((g: { name: string }) => g.name)).to.deep.equal(["Skolekontoret"]);
      expect(school.members.users).to.deep.equal([]);
      const partners = res.body.items.find((g: { id: string }) => g.id === w.accessGroups.partners);
      expect(partners.members.users.map((u: { name: string }) => u.name)).to.deep.equal(["Bob Bestyrelse", "Erik Ekstern"]);
    });

    it("creates an access group, changes its name and description, and replaces its members", async () => {
      const office = (await asAdmin.get("/api/admin/groups").expect(200)).body.items.find((g: { name: string }) => g.name === "Skolekontoret");
      const created = await asAdmin
        .post("/api/admin/access-groups")
        .send({ name: "Tilsyn", description: "Tilsynssager", userIds: [w.users.bob] })
        .expect(201);
      expect(created.body).to.include({ name: "Tilsyn", description: "Tilsynssager" });
      expect(created.body.members.users.map((u: { id: string }) => u.id)).to.deep.equal([w.users.bob]);
      const patched = await asAdmin.patch(`/api/admin/access-groups/${created.body.id}`).send({ name: "Tilsyn og kontrol", description: "" }).expect(200);
      expect(patched.body).to.include({ name: "Tilsyn og kontrol", description: "" });
      const members = await asAdmin
        .put(`/api/admin/access-groups/${created.body.id}/members`)
        .send({ userIds: [w.users.erik], groupIds: [office.id] })
        .expect(200);
      expect(members.body.members.users.map((u: { id: string }) => u.id)).to.deep.equal([w.users.erik]);
      expect(members.body.members.groups.map((g: { id: string }) => g.id)).to.deep.equal([office.id]);
      const alice = await asAdmin.get(`/api/admin/users/${w.users.alice}`).expect(200);
      expect(alice.body.accessGroups.map((g: { name: string }) => g.name)).to.include("Tilsyn og kontrol");
      const actions = (await auditOf("access_group", created.body.id)).map((e) => e.action);
      expect(actions).to.deep.equal(["access_group.create", "access_group.members", "access_group.update", "access_group.members"]);
    });

    it("refuses unknown access group members with 422, a taken name with 409 and an unknown access group with 404", async () => {
      expect(
        (
          await asAdmin
            .put(`/api/admin/access-groups/${w.accessGroups.board}/members`)
            .send({ groupIds: ["nobody"] })
            .expect(422)
        ).body.code,
      ).to.equal("unknown_group");
      expect((await asAdmin.patch(`/api/admin/access-groups/${w.accessGroups.board}`).send({ name: "Elevsager" }).expect(409)).body.code).to.equal(
        "already_exists",
      );
      await asAdmin.put("/api/admin/access-groups/nobody/members").send({ userIds: [] }).expect(404);
      const board = (await asAdmin.get("/api/admin/access-groups").expect(200)).body.items.find((g: { id: string }) => g.id === w.accessGroups.board);
      expect(board.name).to.equal("Bestyrelse");
      expect(board.members.groups).to.have.length(1);
    });
  });

  describe("retention rules, document types and templates", () => {
    it("lists retention rules in words and creates one; a dated rule without years is refused with 422", async () => {
      const list = await asAdmin.get("/api/admin/retention-rules").expect(200);
      expect(list.body.items.find((r: { id: string }) => r.id === w.rules.fiveAfterClose).da).to.equal("kasseres 5 år efter sagens afslutning");
      const created = await asAdmin.post("/api/admin/retention-rules").send({ name: "7 år efter afslutning", kind: "after_case_closed", years: 7 }).expect(201);
      expect(created.body).to.include({ kind: "after_case_closed", years: 7, da: "kasseres 7 år efter sagens afslutning" });
      expect((await asAdmin.post("/api/admin/retention-rules").send({ name: "Uden år", kind: "after_case_closed" }).expect(422)).body.code).to.equal(
        "years_required",
      );
      expect((await asAdmin.post("/api/admin/retention-rules").send({ name: "Negativ", kind: "review", years: -1 }).expect(400)).body.detail).to.contain(
        "body.years",
      );
      const toPermanent = await asAdmin.patch(`/api/admin/retention-rules/${created.body.id}`).send({ kind: "permanent" }).expect(200);
      expect(toPermanent.body).to.include({ kind: "permanent", years: null, da: "bevares" });
      expect((await asAdmin.patch(`/api/admin/retention-rules/${created.body.id}`).send({ kind: "review" }).expect(422)).body.code).to.equal("years_required");
      await asAdmin.patch("/api/admin/retention-rules/nobody").send({ name: "x" }).expect(404);
    });

    it("changing a rule's years recomputes the disposal date of a closed case's document, with history and audit", async () => {
      const rule = (await asAdmin.post("/api/admin/retention-rules").send({ name: "Testregel", kind: "after_case_closed", years: 5 }).expect(201)).body;
      const type = (await asAdmin.post("/api/admin/document-types").send({ name: "Testdokument", category: "Test", retentionRuleId: rule.id }).expect(201))
        .body;
      expect(type.retention.da).to.equal("kasseres 5 år efter sagens afslutning");
      const template = (
        await asAdmin
          .post("/api/admin/templates")
          .send({ name: "Testsag", accessGroupId: w.accessGroups.school, journalCode: "17.01.00", documentTypeIds: [type.id] })
          .expect(201)
      ).body;
      const caseId = (await newCase(w.tokens.alice, template.id, { startDate: "2024-01-02" }).then((r) => r.body)).id;
      const docId = await saveDocument(w.tokens.alice, caseId, type.id);
      const openDoc = await asAdmin.get(`/api/documents/${docId}`).expect(200);
      expect(openDoc.body.disposalDate).to.equal(null);
      await api().post(`/api/cases/${caseId}/close`).auth(w.tokens.alice, bearer).send({ endDate: "2024-06-30" }).expect(200);
      expect((await asAdmin.get(`/api/documents/${docId}`).expect(200)).body.disposalDate).to.equal("2029-06-30");

      const patched = await asAdmin.patch(`/api/admin/retention-rules/${rule.id}`).send({ years: 7 }).expect(200);
      expect(patched.body).to.include({ years: 7, documentsUpdated: 1, da: "kasseres 7 år efter sagens afslutning" });
      const doc = await asAdmin.get(`/api/documents/${docId}`).expect(200);
      expect(doc.body.disposalDate).to.equal("2031-06-30");
      const adminId = (await asAdmin.get("/api/me")).body.id;
      const last = doc.body.history
        .filter((h: { field: string }) => h.field === "disposalDate")
        .map((h: { from: string; to: string; actorId: string }) => [h.from, h.to, h.actorId]);
      expect(last).to.deep.include(["2029-06-30", "2031-06-30", adminId]);
      const event = (await auditOf("retention_rule", rule.id)).pop()!;
      expect(event.action).to.equal("retention_rule.update");
      expect(JSON.parse(event.details)).to.deep.equal({ years: { from: 5, to: 7 }, documentsUpdated: 1 });

      const renamed = await asAdmin.patch(`/api/admin/retention-rules/${rule.id}`).send({ name: "Testregel 7 år" }).expect(200);
      expect(renamed.body.documentsUpdated).to.equal(0);
      const afterCreate = await asAdmin.patch(`/api/admin/retention-rules/${rule.id}`).send({ kind: "after_document_created", years: 1 }).expect(200);
      expect(afterCreate.body.documentsUpdated).to.equal(1);
      const created = (await asAdmin.get(`/api/documents/${docId}`).expect(200)).body;
      const createdYear = Number(created.createdAt.slice(0, 4));
      expect(created.disposalDate).to.equal(`${createdYear + 1}${created.createdAt.slice(4, 10)}`);
    });

    it("lists document types including inactive ones; a deactivated type leaves the save flow's list", async () => {
      const type = (
        await asAdmin
          .post("/api/admin/document-types")
          .send({ name: "Faktura", category: "Økonomi", retentionRuleId: w.rules.tenAfterCreate, accessGroupId: w.accessGroups.board })
          .expect(201)
      ).body;
      expect(type).to.include({ name: "Faktura", category: "Økonomi", accessGroupId: w.accessGroups.board, active: true });
      const off = await asAdmin.patch(`/api/admin/document-types/${type.id}`).send({ active: false, accessGroupId: null }).expect(200);
      expect(off.body).to.include({ active: false, accessGroupId: null });
      const all = await asAdmin.get("/api/admin/document-types").expect(200);
      expect(all.body.items.find((t: { id: string }) => t.id === type.id).active).to.equal(false);
      const inUse = await api().get("/api/document-types").auth(w.tokens.alice, bearer).expect(200);
      expect(inUse.body.items.map((t: { id: string }) => t.id)).not.to.include(type.id);
      expect((await auditOf("document_type", type.id)).map((e) => e.action)).to.deep.equal(["document_type.create", "document_type.update"]);
    });

    it("refuses a document type with an unknown rule or access group with 422 and a taken name with 409", async () => {
      expect((await asAdmin.post("/api/admin/document-types").send({ name: "X", category: "X", retentionRuleId: "nobody" }).expect(422)).body.code).to.equal(
        "unknown_retention_rule",
      );
      expect(
        (
          await asAdmin
            .post("/api/admin/document-types")
            .send({ name: "X", category: "X", retentionRuleId: w.rules.permanent, accessGroupId: "nobody" })
            .expect(422)
        ).body.code,
      ).to.equal("unknown_access_group");
      expect(
        (await asAdmin.post("/api/admin/document-types").send({ name: "Brev", category: "X", retentionRuleId: w.rules.permanent }).expect(409)).body.code,
      ).to.equal("already_exists");
      expect((await asAdmin.patch(`/api/admin/document-types/${w.types.note}`).send({ retentionRuleId: "nobody" }).expect(422)).body.code).to.equal(
        "unknown_retention_rule",
      );
      await asAdmin.patch("/api/admin/document-types/nobody").send({ name: "x" }).expect(404);
    });

    it("a document type's new category and rule are carried through to its documents, with history", async () => {
      const rule = (await asAdmin.post("/api/admin/retention-rules").send({ name: "Typeregel", kind: "permanent" }).expect(201)).body;
      const type = (await asAdmin.post("/api/admin/document-types").send({ name: "Elevplan", category: "Plan", retentionRuleId: rule.id }).expect(201)).body;
      await asAdmin
        .patch(`/api/admin/templates/${w.templates.pupil}`)
        .send({ documentTypeIds: [w.types.pupil, w.types.letter, w.types.note, type.id] })
        .expect(200);
      const caseId = (await newCase(w.tokens.alice, w.templates.pupil, { startDate: "2024-08-12", metadata: { elevnummer: "E-9" } }).then((r) => r.body)).id;
      const docId = await saveDocument(w.tokens.alice, caseId, type.id);
      await api().post(`/api/cases/${caseId}/close`).auth(w.tokens.alice, bearer).send({ endDate: "2025-01-31" }).expect(200);
      expect((await asAdmin.get(`/api/documents/${docId}`).expect(200)).body).to.include({ category: "Plan", disposalDate: null });

      const res = await asAdmin
        .patch(`/api/admin/document-types/${type.id}`)
        .send({ category: "Elevplan", retentionRuleId: w.rules.fiveAfterClose })
        .expect(200);
      expect(res.body).to.include({ category: "Elevplan", documentsUpdated: 1 });
      expect(res.body.retention.id).to.equal(w.rules.fiveAfterClose);
      const doc = (await asAdmin.get(`/api/documents/${docId}`).expect(200)).body;
      expect(doc).to.include({ category: "Elevplan", disposalDate: "2030-01-31" });
      const history = doc.history.map((h: { field: string; from: string | null; to: string | null }) => [h.field, h.from, h.to]);
      expect(history).to.deep.include(["category", "Plan", "Elevplan"]);
      expect(history).to.deep.include(["disposalDate", null, "2030-01-31"]);
    });

    it("lists templates including inactive ones; an inactive template creates no cases", async () => {
      const created = await asAdmin
        .post("/api/admin/templates")
        .send({
          name: "Ansøgning",
          accessGroupId: w.accessGroups.school,
          journalCode: "17.01.00",
          fields: [{ name: "ansoeger", label: "Ansøger", type: "text", required: true }],
          documentTypeIds: [w.types.letter],
        })
        .expect(201);
      expect(created.body).to.include({ name: "Ansøgning", journalCode: "17.01.00", active: true });
      expect(created.body.fields).to.deep.equal([{ name: "ansoeger", label: "Ansøger", type: "text", required: true }]);
      await newCase(w.tokens.alice, created.body.id, { metadata: {} }).then((r) => expect(r.status).to.equal(400));
      await newCase(w.tokens.alice, created.body.id, { metadata: { ansoeger: "Kurt Jensen" } }).then((r) => expect(r.status).to.equal(201));

      const patched = await asAdmin
        .patch(`/api/admin/templates/${created.body.id}`)
        .send({
          name: "Ansøgning om optagelse",
          fields: [{ name: "klasse", label: "Klasse", type: "choice", options: ["0.a", "1.a"] }],
          documentTypeIds: [w.types.letter, w.types.note],
          journalCode: "00.01.10",
          accessGroupId: w.accessGroups.board,
        })
        .expect(200);
      expect(patched.body).to.include({ name: "Ansøgning om optagelse", journalCode: "00.01.10", accessGroupId: w.accessGroups.board });
      expect(patched.body.fields).to.deep.equal([{ name: "klasse", label: "Klasse", type: "choice", required: false, options: ["0.a", "1.a"] }]);
      expect(patched.body.documentTypeIds).to.have.members([w.types.letter, w.types.note]);

      await asAdmin.patch(`/api/admin/templates/${created.body.id}`).send({ active: false }).expect(200);
      const all = await asAdmin.get("/api/admin/templates").expect(200);
      expect(all.body.items.find((t: { id: string }) => t.id === created.body.id).active).to.equal(false);
      const refused = await newCase(w.tokens.bob, created.body.id);
      expect(refused.status).to.equal(422);
      expect(refused.body.code).to.equal("inactive_template");
      expect((await auditOf("template", created.body.id)).map((e) => e.action)).to.deep.equal(["template.create", "template.update", "template.update"]);
    });

    it("refuses template fields that could not be filled in, with 400 naming the field", async () => {
      const base = { name: "Forkert", accessGroupId: w.accessGroups.school, journalCode: "17.01.00" };
      const noOptions = await asAdmin
        .post("/api/admin/templates")
        .send({ ...base, fields: [{ name: "klasse", label: "Klasse", type: "choice" }] })
        .expect(400);
      expect(noOptions.body.detail).to.contain("body.fields.0.options");
      const twice = await asAdmin
        .post("/api/admin/templates")
        .send({
          ...base,
          fields: [
            { name: "a", label: "A", type: "text" },
            { name: "a", label: "B", type: "date" },
          ],
        })
        .expect(400);
      expect(twice.body.detail).to.contain("body.fields.1.name");
      const badName = await asAdmin
        .post("/api/admin/templates")
        .send({ ...base, fields: [{ name: "1 felt", label: "A", type: "text" }] })
        .expect(400);
      expect(badName.body.detail).to.contain("body.fields.0.name");
      const badType = await asAdmin
        .post("/api/admin/templates")
        .send({ ...base, fields: [{ name: "a", label: "A", type: "money" }] })
        .expect(400);
      expect(badType.body.detail).to.contain("body.fields.0.type");
      expect((await asAdmin.get("/api/admin/templates").expect(200)).body.items.map((t: { name: string }) => t.name)).not.to.include("Forkert");
    });

    it("refuses a template on a retired or unknown journal code, an unknown access group or document type with 422", async () => {
      const base = { name: "Forkert", accessGroupId: w.accessGroups.school, journalCode: "17.01.00" };
      expect(
        (
          await asAdmin
            .post("/api/admin/templates")
            .send({ ...base, journalCode: "00.01.99" })
            .expect(422)
        ).body.code,
      ).to.equal("retired_journal_code");
      expect(
        (
          await asAdmin
            .post("/api/admin/templates")
            .send({ ...base, journalCode: "99.99" })
            .expect(422)
        ).body.code,
      ).to.equal("unknown_journal_code");
      expect(
        (
          await asAdmin
            .post("/api/admin/templates")
            .send({ ...base, accessGroupId: "nobody" })
            .expect(422)
        ).body.code,
      ).to.equal("unknown_access_group");
      expect(
        (
          await asAdmin
            .post("/api/admin/templates")
            .send({ ...base, documentTypeIds: ["nobody"] })
            .expect(422)
        ).body.code,
      ).to.equal("unknown_document_type");
      expect((await asAdmin.patch(`/api/admin/templates/${w.templates.board}`).send({ journalCode: "00.01.99" }).expect(422)).body.code).to.equal(
        "retired_journal_code",
      );
      expect(
        (
          await asAdmin
            .post("/api/admin/templates")
            .send({ ...base, name: "Bestyrelsessag" })
            .expect(409)
        ).body.code,
      ).to.equal("already_exists");
      await asAdmin.patch("/api/admin/templates/nobody").send({ name: "x" }).expect(404);
    });
  });

  describe("journal plan", () => {
    const entries = async () => {
      const res = await asAdmin.get("/api/admin/journal-plan").expect(200);
      return new Map<string, { code: string; title: string; parentCode: string | null; createdOn: string; retiredOn: string | null }>(
        res.body.items.map((e: { code: string }) => [e.code, e]),
      );
    };
    const importCsv = (body: string | Buffer, contentType = "text/csv; charset=utf-8") =>
      asAdmin
        .post("/api/admin/journal-plan/import")
        .set("Content-Type", contentType)
        .send(Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8"));

    it("lists the whole plan, retired codes included", async () => {
      const plan = await entries();
      expect(plan.get("00.01.99")).to.include({ title: "Udgået emne", retiredOn: "2020-01-01" });
      expect(plan.get("17.01.00")).to.include({ parentCode: "17.01" });
    });

    it("adds codes under the parent derived from the plan, and a new group adopts the codes below it", async () => {
      const leaf = await asAdmin.post("/api/admin/journal-plan").send({ code: "18.01.05", title: "Skolebestyrelser", createdOn: "2019-01-01" }).expect(201);
      expect(leaf.body).to.include({ code: "18.01.05", parentCode: null, createdOn: "2019-01-01", retiredOn: null });
      const main = await asAdmin.post("/api/admin/journal-plan").send({ code: "18", title: "Skoler" }).expect(201);
      expect(main.body.parentCode).to.equal(null);
      expect((await entries()).get("18.01.05")!.parentCode).to.equal("18");
      const group = await asAdmin.post("/api/admin/journal-plan").send({ code: "18.01", title: "Skolebestyrelse" }).expect(201);
      expect(group.body.parentCode).to.equal("18");
      expect((await entries()).get("18.01.05")!.parentCode).to.equal("18.01");
      expect((await asAdmin.post("/api/admin/journal-plan").send({ code: "18", title: "Igen" }).expect(409)).body.code).to.equal("already_exists");
      expect((await asAdmin.post("/api/admin/journal-plan").send({ code: "18.x", title: "Bogstaver" }).expect(400)).body.detail).to.contain("body.code");
      expect(
        (await asAdmin.post("/api/admin/journal-plan").send({ code: "19", title: "X", createdOn: "2020-01-02", retiredOn: "2020-01-01" }).expect(400)).body
          .detail,
      ).to.contain("body.retiredOn");
      expect((await auditOf("journal_plan", "18.01")).map((e) => e.action)).to.deep.equal(["journal_plan.create"]);
    });

    it("renames, retires and un-retires a code; a retired code is refused for new cases", async () => {
      await asAdmin.post("/api/admin/journal-plan").send({ code: "00.01.20", title: "Forældreråd", createdOn: "2010-01-01" }).expect(201);
      const renamed = await asAdmin.patch("/api/admin/journal-plan/00.01.20").send({ title: "Forældrerådet" }).expect(200);
      expect(renamed.body.title).to.equal("Forældrerådet");
      await asAdmin.patch("/api/admin/journal-plan/00.01.20").send({ retiredOn: "2021-12-31" }).expect(200);
      const refused = await newCase(w.tokens.bob, w.templates.board, { journalCode: "00.01.20" });
      expect(refused.status).to.equal(422);
      expect(refused.body.code).to.equal("retired_journal_code");
      const back = await asAdmin.patch("/api/admin/journal-plan/00.01.20").send({ retiredOn: null }).expect(200);
      expect(back.body.retiredOn).to.equal(null);
      expect((await newCase(w.tokens.bob, w.templates.board, { journalCode: "00.01.20" })).status).to.equal(201);
      expect((await asAdmin.patch("/api/admin/journal-plan/00.01.20").send({ retiredOn: "2009-01-01" }).expect(422)).body.code).to.equal(
        "retired_before_created",
      );
      await asAdmin.patch("/api/admin/journal-plan/99.99.99").send({ title: "x" }).expect(404);
      expect((await auditOf("journal_plan", "00.01.20")).map((e) => e.action)).to.deep.equal([
        "journal_plan.create",
        "journal_plan.update",
        "journal_plan.retire",
        "journal_plan.unretire",
      ]);
    });

    it("imports a semicolon file with a BOM, a header, CRLF, quoted titles with æøå and Danish dates", async () => {
      const csv =
        '\ufeffKode;Titel;Oprettet;Udgået\r\n20;Kultur;2001-01-01;\r\n20.01;"Museer; æøå ""ÆØÅ""";01-02-2003;\r\n17.01.00;Elever i almindelighed (ny titel);;\r\n';
      const res = await importCsv(csv).expect(200);
      expect(res.body).to.deep.equal({ inserted: 2, updated: 1, unchanged: 0, relinked: 0 });
      const plan = await entries();
      expect(plan.get("20")).to.include({ title: "Kultur", createdOn: "2001-01-01", retiredOn: null, parentCode: null });
      expect(plan.get("20.01")).to.include({ title: 'Museer; æøå "ÆØÅ"', createdOn: "2003-02-01", parentCode: "20" });
      expect(plan.get("17.01.00")).to.include({ title: "Elever i almindelighed (ny titel)", parentCode: "17.01" });
      const events = (await svc.ctx.db.selectFrom("audit_events").select(["action", "details"]).where("action", "=", "journal_plan.import").execute()).map(
        (e) => JSON.parse(e.details),
      );
      expect(events.pop()).to.include({ rows: 3, inserted: 2, updated: 1 });
    });

    it("imports a comma file without BOM or dates, with quoted titles containing commas; the same file again changes nothing", async () => {
      const csv = 'code,title\n21,"Børn, unge og familie"\n21.02,Dagtilbud\n';
      expect((await importCsv(csv).expect(200)).body).to.deep.equal({ inserted: 2, updated: 0, unchanged: 0, relinked: 0 });
      const plan = await entries();
      expect(plan.get("21")!.title).to.equal("Børn, unge og familie");
      expect(plan.get("21.02")!.parentCode).to.equal("21");
      expect(plan.get("21.02")!.createdOn).to.equal(new Date().toISOString().slice(0, 10));
      expect((await importCsv(csv).expect(200)).body).to.deep.equal({ inserted: 0, updated: 0, unchanged: 2, relinked: 0 });
    });

    it("imports a file sent as multipart with a 'file' part, re-linking existing codes under a new group", async () => {
      await asAdmin.post("/api/admin/journal-plan").send({ code: "24.03.01", title: "Klubber" }).expect(201);
      const res = await asAdmin
        .post("/api/admin/journal-plan/import")
        .attach("file", Buffer.from("\ufeff24;Fritid\n24.03;Fritidsklubber\n", "utf8"), { filename: "arkivplan æøå.csv", contentType: "text/csv" })
        .expect(200);
      expect(res.body).to.deep.equal({ inserted: 2, updated: 0, unchanged: 0, relinked: 1 });
      expect((await entries()).get("24.03.01")!.parentCode).to.equal("24.03");
      const moved = (await auditOf("journal_plan", "24.03.01")).pop()!;
      expect(JSON.parse(moved.details)).to.deep.equal({ parent_code: { from: null, to: "24.03" } });
      const event = await svc.ctx.db
        .selectFrom("audit_events")
        .select("details")
        .where("action", "=", "journal_plan.import")
        .orderBy("seq", "desc")
        .executeTakeFirstOrThrow();
      expect(JSON.parse(event.details).filename).to.equal("arkivplan æøå.csv");
      expect((await asAdmin.post("/api/admin/journal-plan/import").attach("plan", Buffer.from("25;X\n"), "plan.csv").expect(400)).body.code).to.equal(
        "missing_file",
      );
    });

    it("a file with a bad row is refused with 422 naming the line, and nothing of it is written", async () => {
      const before = await entries();
      const audits = await auditCount();
      const csv = "kode;titel;oprettet\n22;Miljø;2020-01-01\n20;Kultur og fritid\n22.01;Affald;2020-13-45\n22.02;;\n";
      const res = await importCsv(csv).expect(422);
      expect(res.headers["content-type"]).to.match(/^application\/problem\+json/);
      expect(res.body.code).to.equal("invalid_import_row");
      expect(res.body.detail).to.match(/^Line 4: the created date "2020-13-45" is not a date/);
      expect(res.body.errors).to.deep.equal([
        { line: 4, message: 'the created date "2020-13-45" is not a date; use 2024-01-31 or 31-01-2024' },
        { line: 5, message: "the code 22.02 has no title" },
      ]);
      expect(await entries()).to.deep.equal(before);
      expect(await auditCount()).to.equal(audits);
    });

    it("a row that only conflicts with the stored plan rolls back the rows written before it", async () => {
      const before = await entries();
      const audits = await auditCount();
      // 19 sorts first and is inserted; then 20's stored created date (2001-01-01) is after the retired date.
      const res = await importCsv("code;title;created_on;retired_on\n19;Ny hovedgruppe;;\n20;Kultur;;2000-06-30\n").expect(422);
      expect(res.body.code).to.equal("retired_before_created");
      expect(res.body.detail).to.contain("Line 3");
      expect((await entries()).has("19")).to.equal(false);
      expect(await entries()).to.deep.equal(before);
      expect(await auditCount()).to.equal(audits);
    });

    it("refuses files it cannot read with a clear 4xx: wrong columns, broken quotes, not UTF-8, not CSV, empty", async () => {
      const columns = await importCsv("23;Trafik;2020-01-01;;ekstra\n").expect(422);
      expect(columns.body.detail).to.match(/^Line 1: 5 columns/);
      const oneColumn = await importCsv("23|Trafik\n").expect(422);
      expect(oneColumn.body.detail).to.contain("only one column");
      const badCode = await importCsv("kode;titel\n23;Trafik\n23.a1;Veje\n").expect(422);
      expect(badCode.body.errors).to.deep.equal([
        { line: 3, message: '"23.a1" is not a journal plan code; use groups of digits separated by dots, e.g. 00.01.00' },
      ]);
      const duplicate = await importCsv("23;Trafik\n23;Trafik igen\n").expect(422);
      expect(duplicate.body.detail).to.contain("Line 2: the code 23 is also on line 1");
      const quote = await importCsv('23;"Trafik\n').expect(422);
      expect(quote.body.code).to.equal("invalid_csv");
      const latin1 = await importCsv(Buffer.from("23;Færdsel\n", "latin1")).expect(422);
      expect(latin1.body.code).to.equal("invalid_encoding");
      const charset = await importCsv("23;Trafik\n", "text/csv; charset=windows-1252").expect(415);
      expect(charset.body.code).to.equal("unsupported_charset");
      const json = await asAdmin.post("/api/admin/journal-plan/import").send({ rows: [] }).expect(415);
      expect(json.body.code).to.equal("csv_required");
      expect((await importCsv("kode;titel\r\n\r\n").expect(422)).body.code).to.equal("empty_import");
      const garbage = Array.from({ length: 30 }, (_, i) => `x${i};Titel`).join("\n");
      const many = await importCsv(garbage).expect(422);
      expect(many.body.errors).to.have.length(20);
      expect(many.body.detail).to.contain("(and 19 more lines; reading stopped at 20 wrong lines)");
      const huge = Buffer.concat([Buffer.from("kode;titel\n"), Buffer.alloc(11 * 1024 * 1024, "23;Trafik og veje\n")]);
      expect((await importCsv(huge).expect(413)).body.code).to.equal("too_large");
      expect((await entries()).has("23")).to.equal(false);
    });

    it("an imported retired date retires a code for new cases, and an empty retired column un-retires it", async () => {
      await importCsv("code;title;created_on;retired_on\n17.01.00;Elever i almindelighed;2000-01-01;2021-06-30\n").expect(200);
      const refused = await newCase(w.tokens.alice, w.templates.pupil, { metadata: { elevnummer: "E-7" } });
      expect(refused.status).to.equal(422);
      expect(refused.body.code).to.equal("retired_journal_code");
      expect(refused.body.detail).to.contain("2021-06-30");
      await importCsv("code;title;created_on;retired_on\n17.01.00;Elever i almindelighed;;\n").expect(200);
      expect((await newCase(w.tokens.alice, w.templates.pupil, { metadata: { elevnummer: "E-7" } })).status).to.equal(201);
    });
  });

  describe("audit", () => {
    it("every change above is in an audit chain that still verifies", async () => {
      const res = await asAdmin.get("/api/audit/verify").expect(200);
      expect(res.body.status).to.equal("ok");
      const actions = new Set((await svc.ctx.db.selectFrom("audit_events").select("action").distinct().execute()).map((r) => r.action));
      for (const a of [
        "user.create",
        "user.update",
        "user.token.issue",
        "user.token.revoke",
        "group.create",
        "group.update",
        "group.members",
        "access_group.create",
        "access_group.update",
        "access_group.members",
        "retention_rule.create",
        "retention_rule.update",
        "document_type.create",
        "document_type.update",
        "template.create",
        "template.update",
        "journal_plan.create",
        "journal_plan.update",
        "journal_plan.retire",
        "journal_plan.unretire",
        "journal_plan.import",
      ]) {
        expect(actions, a).to.include(a);
      }
    });
  });
});
