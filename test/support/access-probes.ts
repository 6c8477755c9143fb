import { expect } from "chai";
import { sql } from "kysely";
import request from "supertest";
import {
  BAD_TOKEN,
  CASE_KEYS,
  CASES,
  DOCUMENT_KEYS,
  DOCUMENTS,
  PEOPLE,
  addCaseWork,
  buildAccessScene,
  hiddenMarkers,
  relationOf,
  type AccessScene,
  type CasePlan,
  type CaseWork,
  type DocumentPlan,
  type ObjectPlan,
  type Person,
  type SceneCase,
  type SceneDocument,
} from "./access-fixture.ts";

// How the access matrix plays its rows (test/service/access-matrix*.test.ts): a request by one caller against
// one object of the scene; a refusal names nothing the caller may not see, is audited, and changes nothing.

export type Caller = Person | "anonymous" | "forger";
export type Reply = request.Response;

export interface Probe<Plan, T extends Plan> {
  /** The request, with {it} where the object's name goes. */
  what: string;
  /** The status someone who sees the object gets. */
  allowed(person: Person, o: Plan): number;
  /** The status everyone else gets: 404, unless the route refuses every non-admin before looking. */
  hidden?: number;
  /** `succeeds` says the request is expected to work, so it may act on a fresh copy to keep the scene intact. */
  send(caller: Caller, o: T, succeeds: boolean): PromiseLike<Reply>;
  /** The object a 404 is audited against, when not the case or document itself (the task on it). */
  audited?(o: T): string;
}

/** A request that concerns no one object (a listing, creating something): without a valid token it gets 401. */
export interface ListingProbe {
  what: string;
  send(c: Caller): PromiseLike<Reply>;
}

export const callerLabel = (c: Caller) => (c === "anonymous" ? "a request without a token" : c === "forger" ? "a request with a bad token" : c);
export const isPerson = (c: Caller): c is Person => c !== "anonymous" && c !== "forger";
export const ids = (items: Array<{ id: string }>) => new Set(items.map((i) => i.id));
export const show = (res: Reply) => `${res.status} ${res.text?.slice(0, 400) ?? ""}`;

/** Staff get `status`; an external partner (erik) gets 403. */
export const notExternal = (status: number) => (p: Person) => (p === "erik" ? 403 : status);

/** The answer a person gets from a probe: the rule's when they see the object, else 404 (or the probe's own). */
const expectedFor = <Plan extends ObjectPlan>(probe: Probe<Plan, Plan & { kind: string }>, p: Person, o: Plan) =>
  o.seenBy.includes(p) ? probe.allowed(p, o) : (probe.hidden ?? 404);

export function expectProblem(res: Reply, status: number): void {
  expect(res.headers["content-type"]).to.match(/^application\/problem\+json/);
  expect(res.body.status).to.equal(status);
  expect(res.body.code).to.be.a("string");
}

/**
 * The scene a matrix file plays in and the ways to ask it things: `build()` in the file's before hook, `dispose()`
 * in its after hook. Each file builds its own scene, so what one file's rows do never reaches another's.
 */
export function accessMatrix() {
  let built: { scene: AccessScene; work: CaseWork } | undefined;
  const scene = () => {
    if (!built) throw new Error("accessMatrix: build() the scene first (in the describe's before hook)");
    return built.scene;
  };
  const db = () => scene().svc.ctx.db;

  function as(caller: Caller) {
    const token = caller === "anonymous" ? undefined : caller === "forger" ? BAD_TOKEN : scene().tokens[caller];
    const agent = request(scene().svc.url);
    const signed = (t: request.Test) => (token ? t.auth(token, { type: "bearer" }) : t);
    return {
      get: (path: string) => signed(agent.get(path)),
      head: (path: string) => signed(agent.head(path)),
      post: (path: string) => signed(agent.post(path)),
      patch: (path: string) => signed(agent.patch(path)),
      put: (path: string) => signed(agent.put(path)),
      delete: (path: string) => signed(agent.delete(path)),
    };
  }

  async function countRows(table: string, column: string, value: string): Promise<number> {
    const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where ${sql.ref(column)} = ${value}`.execute(db());
    return Number(r.rows[0].n);
  }

  /** The tasks on a case or document, and how many comments they have: a refusal changes neither. */
  async function tasksOn(column: "case_id" | "document_id", id: string) {
    const tasks = await db().selectFrom("tasks").selectAll().where(column, "=", id).orderBy("id").execute();
    const comments = tasks.length
      ? await db()
          .selectFrom("task_comments")
          .select("id")
          .where(
            "task_id",
            "in",
            tasks.map((t) => t.id),
          )
          .orderBy("id")
          .execute()
      : [];
    return { tasks, taskComments: comments.length };
  }

  /** Everything a refused request could have changed about the object. */
  async function snapshot(o: Pick<SceneCase | SceneDocument, "kind" | "id">) {
    if (o.kind === "case") {
      return {
        row: await db().selectFrom("cases").selectAll().where("id", "=", o.id).executeTakeFirst(),
        documents: await countRows("documents", "case_id", o.id),
        parties: await db().selectFrom("case_parties").selectAll().where("case_id", "=", o.id).orderBy("id").execute(),
        followers: await db().selectFrom("case_followers").selectAll().where("case_id", "=", o.id).orderBy("user_id").execute(),
        ...(await tasksOn("case_id", o.id)),
      };
    }
    return {
      parties: await db().selectFrom("document_parties").selectAll().where("document_id", "=", o.id).orderBy("id").execute(),
      ...(await tasksOn("document_id", o.id)),
      row: await db().selectFrom("documents").selectAll().where("id", "=", o.id).executeTakeFirst(),
      versions: await countRows("versions", "document_id", o.id),
      attachments: await countRows("attachments", "document_id", o.id),
      comments: await countRows("comments", "document_id", o.id),
      referencesFrom: await countRows("document_references", "from_document_id", o.id),
      referencesTo: await countRows("document_references", "to_document_id", o.id),
      history: await countRows("document_history", "document_id", o.id),
    };
  }

  async function auditCount(action: string, actorId?: string, objectId?: string): Promise<number> {
    let q = db()
      .selectFrom("audit_events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("action", "=", action);
    if (actorId) q = q.where("actor_id", "=", actorId);
    if (objectId) q = q.where("object_id", "=", objectId);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }

  /**
   * Nothing in the reply — body or headers — names an object the caller may not see. A problem's `instance` is
   * the caller's own request path (a case number they typed, say) and tells them nothing, so it is left out.
   */
  function expectNoLeak(res: Reply, c: Caller): void {
    const json = res.type?.includes("json") && res.body && typeof res.body === "object";
    const { instance: _asked, ...answer } = json ? (res.body as Record<string, unknown>) : {};
    const text = `${json ? "" : (res.text ?? "")} ${JSON.stringify(answer)} ${JSON.stringify(res.headers)}`;
    for (const marker of hiddenMarkers(scene(), isPerson(c) ? c : null)) {
      expect(text, `${callerLabel(c)} was told "${marker}"`).not.to.contain(marker);
    }
  }

  async function playRow<P, T extends P & (SceneCase | SceneDocument)>(probe: Probe<P, T>, c: Caller, o: T, expected: number): Promise<void> {
    const before = await snapshot(o);
    const actorId = isPerson(c) ? scene().userIds[c] : undefined;
    const audited = probe.audited?.(o) ?? o.id;
    const refusedBefore = actorId ? await auditCount("access.refused", actorId, audited) : 0;
    const badTokensBefore = await auditCount("auth.refused");
    const res = await probe.send(c, o, expected < 300);
    expect(res.status, show(res)).to.equal(expected);
    expectNoLeak(res, c);
    if (expected >= 400) {
      expectProblem(res, expected);
      expect(await snapshot(o), "a refused request changed the object").to.deep.equal(before);
    }
    if (expected === 404) expect(await auditCount("access.refused", actorId, audited), "the refusal was not audited").to.be.greaterThan(refusedBefore);
    if (c === "forger") expect(await auditCount("auth.refused"), "the bad token was not audited").to.be.greaterThan(badTokensBefore);
  }

  /** A listing asked without a valid token: 401 as problem+json, naming nothing; a bad token is audited. */
  async function playWithoutToken(probe: ListingProbe, c: "anonymous" | "forger"): Promise<void> {
    const badTokensBefore = await auditCount("auth.refused");
    const res = await probe.send(c);
    expect(res.status, show(res)).to.equal(401);
    expectProblem(res, 401);
    expectNoLeak(res, c);
    if (c === "forger") expect(await auditCount("auth.refused")).to.be.greaterThan(badTokensBefore);
  }

  /** Every page of a listing, each checked for leaks. */
  async function allItems<Item = { id: string }>(c: Person, path: string): Promise<Item[]> {
    const items: Item[] = [];
    let cursor: string | null = null;
    do {
      const res: Reply = await as(c).get(
        `${path}${path.includes("?") ? "&" : "?"}limit=${path.startsWith("/api/cases/suggest") ? 50 : 200}${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(res.status, show(res)).to.equal(200);
      expectNoLeak(res, c);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  /**
   * The rows: each probe against each case or document, by each person, and by requests without a valid token
   * (the listings too). Called in the file's describe, it adds one describe per object and one for the 401s.
   */
  function describeRows(probes: { documents: Probe<DocumentPlan, SceneDocument>[]; cases: Probe<CasePlan, SceneCase>[]; listings: ListingProbe[] }) {
    const rowsOf = <Plan extends ObjectPlan, T extends Plan & (SceneCase | SceneDocument)>(plan: Plan, object: () => T, list: Probe<Plan, T>[]) => {
      for (const probe of list) {
        for (const p of PEOPLE) {
          const status = expectedFor(probe, p, plan);
          it(`${relationOf(p, plan)} gets ${status} for ${probe.what.replace("{it}", plan.label)}`, () => playRow(probe, p, object(), status));
        }
      }
    };
    for (const key of DOCUMENT_KEYS)
      describe(`documents: ${DOCUMENTS[key].label}`, () => rowsOf(DOCUMENTS[key], () => scene().documents[key], probes.documents));
    for (const key of CASE_KEYS) describe(`cases: ${CASES[key].label}`, () => rowsOf(CASES[key], () => scene().cases[key], probes.cases));
    describe("without a valid token", () => {
      for (const c of ["anonymous", "forger"] as const) {
        for (const probe of probes.documents) {
          it(`${callerLabel(c)} gets 401 for ${probe.what.replace("{it}", DOCUMENTS.school.label)}`, () => playRow(probe, c, scene().documents.school, 401));
        }
        for (const probe of probes.cases) {
          it(`${callerLabel(c)} gets 401 for ${probe.what.replace("{it}", CASES.school.label)}`, () => playRow(probe, c, scene().cases.school, 401));
        }
        for (const probe of probes.listings) it(`${callerLabel(c)} gets 401 for ${probe.what}`, () => playWithoutToken(probe, c));
      }
    });
  }

  return {
    /** Builds the scene and puts the case work (contacts, parties, tasks, followers) on top. */
    async build(): Promise<{ scene: AccessScene; work: CaseWork }> {
      const made = await buildAccessScene();
      built = { scene: made, work: await addCaseWork(made) };
      return built;
    },
    dispose: () => built?.scene.svc.dispose(),
    db,
    as,
    countRows,
    snapshot,
    auditCount,
    expectNoLeak,
    allItems,
    describeRows,
  };
}
