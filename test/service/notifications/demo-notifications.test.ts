import { expect } from "chai";
import request from "supertest";
import type { Notification } from "../../../shared/api/types.ts";
import { startTestService, type TestService } from "../../support/service.ts";

const TOKENS = { anne: "demo-token-anne-0123456789", bent: "demo-token-bent-0123456789", eva: "demo-token-eva-01234567890" };
const ENV = { SEED_DEMO: "true", IMS_DEMO_TOKEN_ANNE: TOKENS.anne, IMS_DEMO_TOKEN_BENT: TOKENS.bent, IMS_DEMO_TOKEN_EVA: TOKENS.eva };

describe("demo notifications (SEED_DEMO=true)", () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService(ENV);
  });
  after(() => svc.dispose());
  const get = (token: string, url: string) => request(svc.url).get(url).auth(token, { type: "bearer" }).expect(200);

  it("Bent, who owns the shared cases, has unread notifications of Eva's comments, and none of his own", async () => {
    const unread = (await get(TOKENS.bent, "/api/notifications/unread")).body;
    expect(unread.count).to.be.at.least(3);
    const items: Notification[] = (await get(TOKENS.bent, "/api/notifications?limit=50")).body.items;
    const evas = items.filter((n) => n.change === "comment_added" && n.actor.name === "Eva Lund").map((n) => n.document?.title);
    expect(evas).to.include.members(["Budget for istandsættelse", "Referat af bestyrelsesmøde 12. juni 2019", "Projektafslutningsnotat"]);
    expect(items.filter((n) => n.actor.name === "Bent Holm")).to.deep.equal([]);
    expect(unread.latestId).to.equal(items.find((n) => !n.read)?.id);
  });

  it("Eva follows M/S August Jensen by choice and hears of Bent's reply there", async () => {
    const items: Notification[] = (await get(TOKENS.eva, "/api/notifications")).body.items;
    const reply = items.find((n) => n.change === "comment_added" && n.case?.title === "M/S August Jensen");
    expect(reply).to.deep.include({ actor: { id: reply!.actor.id, name: "Bent Holm" }, read: false });
    expect(reply!.detail).to.match(/^Jeg har bedt værftet/);
    expect((await get(TOKENS.eva, `/api/cases/${reply!.case!.id}/following`)).body).to.deep.equal({ following: true, automatic: false });
  });
});
