import { expect } from "chai";
import request from "supertest";
import { DASHBOARD_PANELS } from "../../shared/api/schemas/dashboard.ts";
import { completeLayout } from "../../service/features/dashboard/dashboard.service.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

describe("each person's dashboard layout (GET/PUT /api/me/dashboard)", () => {
  let svc: TestService;
  let w: World;
  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
  });
  after(() => svc.dispose());

  const as = (token: string) => ({
    get: () => request(svc.url).get("/api/me/dashboard").auth(token, { type: "bearer" }),
    put: (body: unknown) =>
      request(svc.url)
        .put("/api/me/dashboard")
        .auth(token, { type: "bearer" })
        .send(body as object),
  });

  it("is every panel, shown, in the product's order, until the person changes it", async () => {
    const res = await as(w.tokens.carl).get().expect(200);
    expect(res.body.panels).to.deep.equal(DASHBOARD_PANELS.map((id) => ({ id, visible: true })));
  });

  it("keeps one person's order and hidden panels, and nobody else's changes", async () => {
    const chosen = [
      { id: "criticalCases", visible: true },
      { id: "notifications", visible: false },
      { id: "myCases", visible: true },
      { id: "myTasks", visible: true },
      { id: "latestDocuments", visible: false },
      { id: "savedSearches", visible: false },
    ];
    expect((await as(w.tokens.alice).put({ panels: chosen }).expect(200)).body.panels).to.deep.equal(chosen);
    expect((await as(w.tokens.alice).get().expect(200)).body.panels).to.deep.equal(chosen);
    expect((await as(w.tokens.bob).get().expect(200)).body.panels.map((p: { id: string }) => p.id)).to.deep.equal([...DASHBOARD_PANELS]);
  });

  it("shows at the end, visible, a panel the saved layout does not name (one a later release adds)", async () => {
    const res = await as(w.tokens.bob)
      .put({ panels: [{ id: "latestDocuments", visible: false }] })
      .expect(200);
    expect(res.body.panels).to.deep.equal([
      { id: "latestDocuments", visible: false },
      { id: "myTasks", visible: true },
      { id: "myCases", visible: true },
      { id: "notifications", visible: true },
      { id: "criticalCases", visible: true },
      { id: "savedSearches", visible: true },
    ]);
    expect(completeLayout(undefined).every((p) => p.visible)).to.equal(true);
  });

  it("refuses an unknown panel, a panel named twice, or no panels, saying what to fix, and changes nothing", async () => {
    const before = (await as(w.tokens.alice).get()).body;
    for (const panels of [
      [{ id: "weather", visible: true }],
      [
        { id: "myCases", visible: true },
        { id: "myCases", visible: false },
      ],
      [],
    ]) {
      const res = await as(w.tokens.alice).put({ panels }).expect(400);
      expect(res.headers["content-type"]).to.match(/application\/problem\+json/);
      expect(res.body.code).to.equal("invalid_request");
    }
    expect((await as(w.tokens.alice).get()).body).to.deep.equal(before);
  });

  it("answers 401 without a credential", async () => {
    await request(svc.url).get("/api/me/dashboard").expect(401);
    await request(svc.url).put("/api/me/dashboard").send({ panels: [] }).expect(401);
  });
});
