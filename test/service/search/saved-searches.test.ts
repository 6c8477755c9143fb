import { expect } from "chai";
import request from "supertest";
import { type AdvancedSearch } from "../../../shared/api/schemas/advanced-search.ts";
import { advancedSearchQueryString } from "../../../shared/api/search-query.ts";
import type { SavedSearch } from "../../../shared/api/types.ts";
import { bearer } from "../../support/http.ts";
import { buildSearchScene, type SearchScene } from "./search-scene.ts";

type Person = "alice" | "carl" | "bob" | "erik" | "admin";

describe("saved searches (/api/saved-searches)", () => {
  let s: SearchScene;
  let office: string;
  let boardGroup: string;
  const api = () => request(s.svc.url);

  before(async () => {
    s = await buildSearchScene();
    office = (await s.db.selectFrom("groups").select("id").where("name", "=", "Skolekontoret").executeTakeFirstOrThrow()).id;
    boardGroup = (await s.db.selectFrom("groups").select("id").where("name", "=", "Bestyrelsessekretariatet").executeTakeFirstOrThrow()).id;
  });
  after(() => s.svc.dispose());

  const recentCases: AdvancedSearch = { target: "cases", where: [{ field: "startDate", op: "gte", value: "2021-01-01" }], columns: ["title"], sort: "title" };

  async function save(who: Person, body: object, status = 201) {
    const res = await api().post("/api/saved-searches").auth(s.w.tokens[who], bearer).send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    return res.body;
  }
  const list = async (who: Person): Promise<SavedSearch[]> => (await api().get("/api/saved-searches").auth(s.w.tokens[who], bearer).expect(200)).body.items;
  const names = async (who: Person) => (await list(who)).map((x) => x.name);
  const patch = (who: Person, id: string, body: object) => api().patch(`/api/saved-searches/${id}`).auth(s.w.tokens[who], bearer).send(body);
  const remove = (who: Person, id: string) => api().delete(`/api/saved-searches/${id}`).auth(s.w.tokens[who], bearer);

  it("keeps a private search for its owner alone, with the search as it was read", async () => {
    const saved: SavedSearch = await save("alice", {
      name: "Mine kritiske sager",
      search: { target: "cases", where: [{ field: "critical", op: "eq", value: "true" }] },
    });
    expect(saved).to.include({ name: "Mine kritiske sager", mine: true, sharedWith: null });
    expect(saved.owner).to.deep.equal({ id: s.w.users.alice, name: "Alice Sagsbehandler" });
    expect(saved.search).to.deep.equal({ target: "cases", where: [{ field: "critical", op: "eq", value: "true" }], columns: [] });
    expect(await names("alice")).to.include("Mine kritiske sager");
    for (const other of ["carl", "bob", "erik", "admin"] as const) expect(await names(other), other).not.to.include("Mine kritiske sager");
    // It runs again as it was saved.
    const rerun = await s.get(s.w.tokens.alice, advancedSearchQueryString(saved.search));
    expect(rerun.status).to.equal(200);
    expect(rerun.body.items.map((r: { id: string }) => r.id)).to.deep.equal([s.ids.aero]);
  });

  it("shares a search with a group: its members see it and run it, each over only what they may see", async () => {
    const saved: SavedSearch = await save("alice", { name: "Nye sager", search: recentCases, sharedWithGroupId: office });
    expect(saved.sharedWith).to.deep.equal({ id: office, name: "Skolekontoret" });
    const carls = (await list("carl")).find((x) => x.id === saved.id);
    expect(carls).to.include({ mine: false });
    expect(carls?.owner.name).to.equal("Alice Sagsbehandler");
    expect(await names("bob")).not.to.include("Nye sager");
    expect(await names("erik")).not.to.include("Nye sager");

    const titles = async (who: Person) => (await s.search(s.w.tokens[who], carls!.search)).items.map((r) => r.cells[0]);
    expect(await titles("alice")).to.deep.equal(["Alices bestyrelsesnotat Tornby", "Elevsag Ærøskøbing", "Elevsag Østerby", "Skolebus 50% rabat_ordning"]);
    // Carl is in alice's access group but not in the board's, whose template her fourth case is under.
    const carl = await s.search(s.w.tokens.carl, carls!.search);
    expect(carl.items.map((r) => r.cells[0])).to.deep.equal(["Elevsag Ærøskøbing", "Elevsag Østerby", "Skolebus 50% rabat_ordning"]);
    expect(carl.total.count).to.equal(3);
    const csv = await api()
      .get(`/api/search/advanced.csv?${advancedSearchQueryString(carls!.search)}`)
      .auth(s.w.tokens.carl, bearer);
    expect(csv.status).to.equal(200);
    expect(csv.text).not.to.contain("Tornby");
    expect(csv.text).to.contain("Østerby");
  });

  it("lets only the owner change or delete it: a member it is shared with gets 403, anyone else 404", async () => {
    const saved: SavedSearch = await save("alice", { name: "Delt til kontoret", search: recentCases, sharedWithGroupId: office });
    for (const [who, status, code] of [
      ["carl", 403, "forbidden"],
      ["bob", 404, "not_found"],
      ["erik", 404, "not_found"],
      ["admin", 404, "not_found"],
    ] as const) {
      const changed = await patch(who, saved.id, { name: "Overtaget" });
      expect([changed.status, changed.body.code], `${who} PATCH`).to.deep.equal([status, code]);
      const deleted = await remove(who, saved.id);
      expect([deleted.status, deleted.body.code], `${who} DELETE`).to.deep.equal([status, code]);
    }
    expect(await names("alice")).to.include("Delt til kontoret");
    expect((await patch("alice", "no-such-search", { name: "x" })).status).to.equal(404);
    expect((await remove("alice", "no-such-search")).status).to.equal(404);
  });

  it("shares only with a group that exists and the owner is in", async () => {
    const notMine = await api()
      .post("/api/saved-searches")
      .auth(s.w.tokens.alice, bearer)
      .send({ name: "Til bestyrelsen", search: recentCases, sharedWithGroupId: boardGroup });
    expect([notMine.status, notMine.body.code]).to.deep.equal([422, "not_in_group"]);
    const none = await api()
      .post("/api/saved-searches")
      .auth(s.w.tokens.alice, bearer)
      .send({ name: "Til ingen", search: recentCases, sharedWithGroupId: "no-such-group" });
    expect([none.status, none.body.code]).to.deep.equal([422, "unknown_group"]);
    const saved: SavedSearch = await save("alice", { name: "Privat først", search: recentCases });
    const shared = await patch("alice", saved.id, { sharedWithGroupId: boardGroup });
    expect([shared.status, shared.body.code]).to.deep.equal([422, "not_in_group"]);
    expect(await names("bob")).not.to.include("Privat først");
  });

  it("checks the search exactly as GET /api/search/advanced does, so a saved search can always run", async () => {
    const refused = async (search: object, status: number, code: string, path?: string) => {
      const res = await api().post("/api/saved-searches").auth(s.w.tokens.alice, bearer).send({ name: "Forkert", search });
      expect([res.status, res.body.code], JSON.stringify(search)).to.deep.equal([status, code]);
      if (path) expect(res.body.errors[0].path).to.equal(path);
    };
    await refused({ target: "cases", where: [{ field: "colour", op: "eq", value: "red" }] }, 400, "unknown_search_field", "body.search.where.0");
    await refused({ target: "cases", where: [{ field: "status", op: "contains", value: "a" }] }, 400, "search_operator_not_allowed", "body.search.where.0");
    await refused(
      {
        target: "cases",
        where: [
          { field: "title", op: "eq", value: "x" },
          { field: "startDate", op: "eq", value: "2024-02-30" },
        ],
      },
      400,
      "invalid_search_value",
      "body.search.where.1",
    );
    await refused({ target: "cases", columns: ["title", "text"] }, 400, "invalid_search", "body.search.columns.1");
    await refused({ target: "documents", sort: "caseTitle" }, 400, "invalid_search", "body.search.sort");
    await refused({ target: "cases", where: [{ field: "title", op: "like", value: "x" }] }, 400, "invalid_request");
    await refused({ target: "letters" }, 400, "invalid_request");
    await refused({ target: "cases", where: Array.from({ length: 30 }, () => ({ field: "title", op: "contains", value: "x" })) }, 400, "invalid_request");
    await refused({ target: "cases", where: [{ field: "title", op: "contains", value: "x".repeat(2000) }] }, 400, "invalid_request");
    const saved: SavedSearch = await save("alice", { name: "Til ændring", search: recentCases });
    const bad = await patch("alice", saved.id, { search: { target: "tasks", where: [{ field: "meta.klasse", op: "eq", value: "1.a" }] } });
    expect([bad.status, bad.body.code]).to.deep.equal([400, "unknown_search_field"]);
    const empty = await patch("alice", saved.id, {});
    expect(empty.status).to.equal(400);
    expect(await names("carl")).not.to.include("Forkert");
  });

  it("renames, changes, unshares and deletes, each recorded in the audit log", async () => {
    const saved: SavedSearch = await save("alice", { name: "Første navn", search: recentCases, sharedWithGroupId: office });
    const renamed = await patch("alice", saved.id, { name: "Andet navn", search: { target: "tasks", where: [{ field: "status", op: "eq", value: "open" }] } });
    expect(renamed.status, JSON.stringify(renamed.body)).to.equal(200);
    expect(renamed.body).to.include({ name: "Andet navn" });
    expect(renamed.body.search.target).to.equal("tasks");
    expect(renamed.body.changedAt >= saved.changedAt).to.equal(true);
    expect(await names("carl")).to.include("Andet navn");
    const unshared = await patch("alice", saved.id, { sharedWithGroupId: null });
    expect(unshared.body.sharedWith).to.equal(null);
    expect(await names("carl")).not.to.include("Andet navn");
    expect((await remove("alice", saved.id)).status).to.equal(204);
    expect(await names("alice")).not.to.include("Andet navn");
    expect((await remove("alice", saved.id)).status).to.equal(404);
    const trail = await s.db
      .selectFrom("audit_events")
      .select(["action", "details"])
      .where("object_type", "=", "saved_search")
      .where("object_id", "=", saved.id)
      .orderBy("seq")
      .execute();
    expect(trail.map((e) => e.action)).to.deep.equal(["saved_search.create", "saved_search.update", "saved_search.update", "saved_search.delete"]);
    expect(JSON.parse(trail[2].details)).to.deep.equal({ sharedWith: null });
  });

  it("lists one's own and the shared by name", async () => {
    await save("carl", { name: "Ånden", search: recentCases });
    await save("carl", { name: "Bogstaver", search: recentCases });
    const carls = await names("carl");
    expect(carls).to.include.members(["Ånden", "Bogstaver", "Nye sager"]);
    expect(carls.indexOf("Bogstaver")).to.be.lessThan(carls.indexOf("Nye sager"));
  });
});
