import { expect } from "chai";
import request from "supertest";
import { DEMO_TASKS } from "../../../service/seed/demo-tasks.ts";
import type { Task } from "../../../shared/api/types.ts";
import { startTestService, type TestService } from "../../support/service.ts";

const TOKENS = { anne: "demo-token-anne-0123456789", bent: "demo-token-bent-0123456789", eva: "demo-token-eva-01234567890" };
const ENV = { SEED_DEMO: "true", IMS_DEMO_TOKEN_ANNE: TOKENS.anne, IMS_DEMO_TOKEN_BENT: TOKENS.bent, IMS_DEMO_TOKEN_EVA: TOKENS.eva };

describe("the demo's tasks (SEED_DEMO=true)", () => {
  let svc: TestService;
  const tasks = async (token: string, query: string): Promise<Task[]> =>
    (await request(svc.url).get(`/api/tasks?${query}`).auth(token, { type: "bearer" }).expect(200)).body.items;

  before(async function () {
    this.timeout(120_000);
    svc = await startTestService(ENV);
  });
  after(() => svc.dispose());

  it("has the product's example tasks on demo cases and documents, for demo people and a group, some overdue and some done", async () => {
    const anne = await tasks(TOKENS.anne, "mine=true&status=all&limit=200");
    const bent = await tasks(TOKENS.bent, "mine=true&status=all&limit=200");
    const eva = await tasks(TOKENS.eva, "mine=true&status=all&limit=200");
    const all = new Map([...anne, ...bent, ...eva].map((t) => [t.id, t]));
    expect([...all.values()].map((t) => t.title).sort()).to.deep.equal(DEMO_TASKS.map((t) => t.title).sort());
    for (const title of [
      "Udarbejdelse af indstillingsnotat",
      "Kontrol af budgetplan",
      "Godkendelse af afrapportering / milepælsplan",
      "Ansøgning modtaget / 1. vurdering",
      "Evaluering af projektafslutning",
      "Husk optagelse — Tjek dokumenter fra Optagelse.dk",
    ])
      expect([...all.values()].map((t) => t.title)).to.include(title);
    const values = [...all.values()];
    expect(values.some((t) => t.overdue)).to.equal(true);
    expect(values.some((t) => t.status === "done" && t.completedAt)).to.equal(true);
    expect(values.some((t) => t.assignee?.type === "group")).to.equal(true);
    expect(values.some((t) => t.document !== null) && values.some((t) => t.document === null)).to.equal(true);
    const husk = anne.find((t) => t.title.startsWith("Husk optagelse"))!;
    expect(husk).to.deep.include({ deadline: "2019-09-09", overdue: true, document: { id: husk.document!.id, title: "Optagelsesdokument" } });
    expect(husk.case?.title).to.equal("Elev 3");
  });

  it("the external partner has the one assigned to her, on a case shared with her, with her comment", async () => {
    const [mine] = await tasks(TOKENS.eva, "mine=true&limit=10");
    expect(mine).to.deep.include({ title: "Godkendelse af afrapportering / milepælsplan", status: "in_progress", overdue: false });
    expect(mine.case?.title).to.equal("Naturgenopretning");
    const details = (await request(svc.url).get(`/api/tasks/${mine.id}`).auth(TOKENS.eva, { type: "bearer" }).expect(200)).body;
    expect(details.comments.map((c: { author: { name: string } }) => c.author.name)).to.deep.equal(["Eva Lund"]);
  });
});
