import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import request from "supertest";
import {
  BAD_TOKEN,
  CASE_KEYS,
  CASES,
  CONTACTS,
  DOCUMENT_KEYS,
  DOCUMENTS,
  PEOPLE,
  RESTRICTED_MAIL,
  addCaseWork,
  buildAccessScene,
  hiddenMarkers,
  holdersOf,
  relationOf,
  saveDocument,
  type AccessScene,
  type CasePlan,
  type CaseWork,
  type DocumentPlan,
  type ObjectPlan,
  type Person,
  type RecordPlan,
  type SceneCase,
  type SceneDocument,
} from "../support/access-fixture.ts";

// Who may do what to which case or document. Every row is one request by one person against one object:
// someone who may see the object gets the rule's answer, everyone else a 404 that names nothing, is
// audited as access.refused, and changes nothing. Requests without a valid token get 401. What hangs on a
// case or document (its parties, its tasks, who follows it, the notifications about it, the contact pages
// that list it) is seen with it and only with it.

type Caller = Person | "anonymous" | "forger";
type Reply = request.Response;

interface Probe<Plan, T extends Plan> {
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

let scene: AccessScene;
let work: CaseWork;
const db = () => scene.svc.ctx.db;

function as(caller: Caller) {
  const token = caller === "anonymous" ? undefined : caller === "forger" ? BAD_TOKEN : scene.tokens[caller];
  const agent = request(scene.svc.url);
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

const withFile = (t: request.Test, metadata: object, filename: string) =>
  t.field("metadata", JSON.stringify(metadata)).attach("file", Buffer.from("Nyt indhold\n"), { filename, contentType: "text/plain" });

const callerLabel = (c: Caller) => (c === "anonymous" ? "a request without a token" : c === "forger" ? "a request with a bad token" : c);
const isPerson = (c: Caller): c is Person => c !== "anonymous" && c !== "forger";

/** A case the caller may file letters into. */
const caseFor = (c: Caller) => (c === "bob" || c === "erik" ? scene.cases.partners.id : scene.cases.school.id);

/** Another document the caller may see, to refer to. */
const referenceTarget = (c: Caller, d: SceneDocument) =>
  DOCUMENT_KEYS.map((k) => scene.documents[k]).find((o) => o.id !== d.id && isPerson(c) && o.seenBy.includes(c))?.id ?? scene.documents.school.id;

/** A document placed exactly like `d`, by its owner: allowed requests that would use `d` up act on this. */
async function copyOf(d: SceneDocument): Promise<string> {
  const saved = await saveDocument(scene.svc.url, scene.tokens[d.owner], {
    title: "Kopi til matrix",
    documentTypeId: scene.world.types.letter,
    caseId: d.caseId ?? undefined,
    accessGroupId: d.accessGroupId ?? undefined,
    filename: "kopi.txt",
  });
  return saved.id;
}

async function ownFloatingDocument(c: Caller): Promise<string> {
  if (!isPerson(c)) return scene.documents.floating.id;
  const saved = await saveDocument(scene.svc.url, scene.tokens[c], {
    title: "Egen kladde",
    documentTypeId: scene.world.types.letter,
    filename: "egen-kladde.txt",
  });
  return saved.id;
}

const editor = (status: number) => (p: Person, d: DocumentPlan) => (p === "erik" && d.owner !== p ? 403 : status);
const notExternal = (status: number) => (p: Person) => (p === "erik" ? 403 : status);

/** The scene's task on a case or document. */
const taskOf = (o: SceneCase | SceneDocument) => work.taskOn[o.id];
const records = (): Array<SceneCase | SceneDocument> => [...Object.values(scene.cases), ...Object.values(scene.documents)];
const recordPath = (o: SceneCase | SceneDocument) => `/api/${o.kind === "case" ? "cases" : "documents"}/${o.id}`;

/** What hangs on a case or a document alike: its parties (in a role for its kind) and its tasks. */
function caseWorkProbes<Plan extends RecordPlan, T extends Plan & (SceneCase | SceneDocument)>(partyRole: string): Probe<Plan, T>[] {
  const addParty = (c: Caller, o: T) =>
    as(c)
      .post(`${recordPath(o)}/parties`)
      .send({ contactId: work.contacts.newcomer, roleId: partyRole });
  return [
    { what: "the parties of {it}", allowed: () => 200, send: (c, o) => as(c).get(`${recordPath(o)}/parties`) },
    {
      what: "adding a party to {it}",
      allowed: notExternal(201),
      async send(c, o, succeeds) {
        const res = await addParty(c, o);
        if (succeeds && res.status === 201)
          await as(c)
            .delete(`${recordPath(o)}/parties/${res.body.id}`)
            .expect(204);
        return res;
      },
    },
    {
      what: "removing a party from {it}",
      allowed: notExternal(204),
      async send(c, o, succeeds) {
        // One who may remove it removes a party they just added; everyone else tries the scene's.
        const partyId = succeeds ? (await addParty(c, o).expect(201)).body.id : work.partyOn[o.id];
        return as(c).delete(`${recordPath(o)}/parties/${partyId}`);
      },
    },
    { what: "the tasks on {it}", allowed: () => 200, send: (c, o) => as(c).get(`${recordPath(o)}/tasks`) },
    {
      what: "creating a task on {it}",
      allowed: notExternal(201),
      send: (c, o) =>
        as(c)
          .post("/api/tasks")
          .send({ ...(o.kind === "case" ? { caseId: o.id } : { documentId: o.id }), title: "Ny opgave" }),
    },
    { what: "the task on {it}", allowed: () => 200, audited: taskOf, send: (c, o) => as(c).get(`/api/tasks/${taskOf(o)}`) },
    {
      what: "commenting on the task on {it}",
      allowed: () => 201,
      audited: taskOf,
      send: (c, o) =>
        as(c)
          .post(`/api/tasks/${taskOf(o)}/comments`)
          .send({ body: "Set og forstaaet" }),
    },
    {
      what: "changing the status of the task on {it}",
      // Staff change any task they see; an external partner only the status of one assigned to him.
      allowed: (p, o) => (p === "erik" && !holdersOf(o.task).includes(p) ? 403 : 200),
      audited: taskOf,
      async send(c, o, succeeds) {
        const res = await as(c)
          .patch(`/api/tasks/${taskOf(o)}`)
          .send({ status: "in_progress" });
        if (succeeds && res.status === 200)
          await as(c)
            .patch(`/api/tasks/${taskOf(o)}`)
            .send({ status: "open" })
            .expect(200);
        return res;
      },
    },
  ];
}

/** Whether the caller follows the case now; restoring it afterwards keeps the scene's followers as they were. */
const followsNow = async (c: Caller, k: SceneCase) => Boolean((await as(c).get(`/api/cases/${k.id}/following`).expect(200)).body.following);

const documentProbes: Probe<DocumentPlan, SceneDocument>[] = [
  { what: "{it}", allowed: () => 200, send: (c, d) => as(c).get(`/api/documents/${d.id}`) },
  { what: "the content of {it}", allowed: () => 200, send: (c, d) => as(c).get(`/api/documents/${d.id}/content`) },
  { what: "version 1.0 of {it}", allowed: () => 200, send: (c, d) => as(c).get(`/api/documents/${d.id}/content?version=1.0`) },
  { what: "an attachment of {it}", allowed: () => 200, send: (c, d) => as(c).get(`/api/documents/${d.id}/attachments/${d.attachmentId}/content`) },
  { what: "the audit trail of {it}", allowed: () => 200, send: (c, d) => as(c).get(`/api/audit?objectType=document&objectId=${d.id}`) },
  {
    what: "changing the title of {it}",
    allowed: editor(200),
    async send(c, d, succeeds) {
      if (!succeeds) return as(c).patch(`/api/documents/${d.id}`).send({ title: "Overtaget titel" });
      const res = await as(c)
        .patch(`/api/documents/${d.id}`)
        .send({ title: `${d.title} (rettet)` });
      await as(c).patch(`/api/documents/${d.id}`).send({ title: d.title }).expect(200);
      return res;
    },
  },
  {
    what: "a new version of {it}",
    allowed: editor(201),
    send: (c, d) => withFile(as(c).post(`/api/documents/${d.id}/versions`).set("If-Match", "*"), { comment: "Ny udgave" }, "ny-udgave.txt"),
  },
  {
    what: "adding an attachment to {it}",
    allowed: editor(201),
    send: (c, d) => withFile(as(c).post(`/api/documents/${d.id}/attachments`), { title: "Tillaeg" }, "tillaeg.txt"),
  },
  {
    what: "a new version of an attachment of {it}",
    allowed: editor(201),
    send: (c, d) => withFile(as(c).post(`/api/documents/${d.id}/attachments/${d.attachmentId}/versions`), { comment: "Rettet bilag" }, "rettet-bilag.txt"),
  },
  { what: "commenting on {it}", allowed: () => 201, send: (c, d) => as(c).post(`/api/documents/${d.id}/comments`).send({ body: "Set og forstaaet" }) },
  {
    what: "adding a reference from {it}",
    allowed: notExternal(201),
    async send(c, d, succeeds) {
      const res = await as(c)
        .post(`/api/documents/${d.id}/references`)
        .send({ toDocumentId: referenceTarget(c, d), kind: "reply_to" });
      if (succeeds && res.status === 201) await as(c).delete(`/api/documents/${d.id}/references/${res.body.id}`).expect(204);
      return res;
    },
  },
  {
    what: "removing a reference from {it}",
    allowed: notExternal(204),
    async send(c, d, succeeds) {
      let referenceId = d.referenceId;
      if (succeeds) {
        const made = await as(c)
          .post(`/api/documents/${d.id}/references`)
          .send({ toDocumentId: referenceTarget(c, d), kind: "replaces" })
          .expect(201);
        referenceId = made.body.id;
      }
      return as(c).delete(`/api/documents/${d.id}/references/${referenceId}`);
    },
  },
  {
    what: "filing {it} into a case",
    allowed: (p, d) => (d.floating ? 200 : p === "erik" && d.owner !== p ? 403 : 409),
    async send(c, d, succeeds) {
      const id = succeeds ? await copyOf(d) : d.id;
      return as(c)
        .post(`/api/documents/${id}/file`)
        .send({ caseId: caseFor(c) });
    },
  },
  {
    what: "deleting {it}",
    allowed: (p) => (p === "admin" ? 204 : 403),
    hidden: 403,
    async send(c, d, succeeds) {
      const id = succeeds ? await copyOf(d) : d.id;
      return as(c).delete(`/api/documents/${id}?reason=Oprydning`);
    },
  },
  ...caseWorkProbes<DocumentPlan, SceneDocument>("role-afsender"),
];

const caseProbes: Probe<CasePlan, SceneCase>[] = [
  { what: "{it}", allowed: () => 200, send: (c, k) => as(c).get(`/api/cases/${k.id}`) },
  { what: "the audit trail of {it}", allowed: () => 200, send: (c, k) => as(c).get(`/api/audit?objectType=case&objectId=${k.id}`) },
  { what: "{it} by its number (the web view's /sager/<number>)", allowed: () => 200, send: (c, k) => as(c).get(`/api/cases/${k.number}`) },
  { what: "the history of {it}", allowed: () => 200, send: (c, k) => as(c).get(`/api/cases/${k.id}/history`) },
  {
    what: "changing the title of {it}",
    allowed: notExternal(200),
    async send(c, k, succeeds) {
      if (!succeeds) return as(c).patch(`/api/cases/${k.id}`).send({ title: "Overtaget sag" });
      const res = await as(c)
        .patch(`/api/cases/${k.id}`)
        .send({ title: `${k.title} (rettet)` });
      await as(c).patch(`/api/cases/${k.id}`).send({ title: k.title }).expect(200);
      return res;
    },
  },
  {
    what: "closing {it}",
    allowed: notExternal(200),
    async send(c, k, succeeds) {
      const res = await as(c).post(`/api/cases/${k.id}/close`).send({});
      if (succeeds && res.status === 200) await as(c).post(`/api/cases/${k.id}/reopen`).expect(200);
      return res;
    },
  },
  { what: "reopening {it} while it is active", allowed: notExternal(409), send: (c, k) => as(c).post(`/api/cases/${k.id}/reopen`) },
  {
    what: "saving a new document into {it}",
    allowed: () => 201,
    send: (c, k) => withFile(as(c).post("/api/documents"), { documentTypeId: scene.world.types.letter, caseId: k.id, title: "Nyt brev" }, "nyt-brev.txt"),
  },
  {
    what: "filing their own floating document into {it}",
    allowed: () => 200,
    send: async (c, k) =>
      as(c)
        .post(`/api/documents/${await ownFloatingDocument(c)}/file`)
        .send({ caseId: k.id }),
  },
  ...caseWorkProbes<CasePlan, SceneCase>("role-ansoeger"),
  { what: "whether they follow {it}", allowed: () => 200, send: (c, k) => as(c).get(`/api/cases/${k.id}/following`) },
  {
    what: "following {it}",
    allowed: () => 200,
    async send(c, k, succeeds) {
      const was = succeeds && (await followsNow(c, k));
      const res = await as(c).put(`/api/cases/${k.id}/following`);
      if (succeeds && res.status === 200 && !was) await as(c).delete(`/api/cases/${k.id}/following`).expect(200);
      return res;
    },
  },
  {
    what: "unfollowing {it}",
    allowed: () => 200,
    async send(c, k, succeeds) {
      const was = succeeds && (await followsNow(c, k));
      const res = await as(c).delete(`/api/cases/${k.id}/following`);
      if (succeeds && res.status === 200 && was) await as(c).put(`/api/cases/${k.id}/following`).expect(200);
      return res;
    },
  },
];

const listingProbes: Array<{ what: string; send(c: Caller): PromiseLike<Reply> }> = [
  { what: "the case list", send: (c) => as(c).get("/api/cases") },
  { what: "recent cases", send: (c) => as(c).get("/api/cases?filter=recent") },
  { what: "case suggestions", send: (c) => as(c).get("/api/cases/suggest?q=elev") },
  { what: "the document list", send: (c) => as(c).get("/api/documents") },
  { what: "floating documents", send: (c) => as(c).get("/api/documents?floating=true") },
  { what: "critical cases, by title", send: (c) => as(c).get("/api/cases?critical=true&sort=title") },
  { what: "cases by journal plan code, by number", send: (c) => as(c).get("/api/cases?journalCode=17&sort=number") },
  {
    what: "creating a case",
    send: (c) =>
      as(c)
        .post("/api/cases")
        .send({ templateId: scene.world.templates.pupil, title: "Ny sag", metadata: { elevnummer: "E-1" } }),
  },
  { what: "saving a floating document", send: (c) => withFile(as(c).post("/api/documents"), { documentTypeId: scene.world.types.letter }, "loest.txt") },
  { what: "their own tasks", send: (c) => as(c).get("/api/tasks?mine=true") },
  { what: "the list of every task", send: (c) => as(c).get("/api/tasks") },
  { what: "the contact list", send: (c) => as(c).get("/api/contacts") },
  { what: "a contact", send: (c) => as(c).get(`/api/contacts/${work.contacts.everywhere}`) },
  { what: "a contact's cases", send: (c) => as(c).get(`/api/contacts/${work.contacts.everywhere}/cases`) },
  { what: "a contact's documents", send: (c) => as(c).get(`/api/contacts/${work.contacts.everywhere}/documents`) },
  {
    what: "matching contacts by address",
    send: (c) =>
      as(c)
        .post("/api/contacts/match")
        .send({ addresses: [CONTACTS.schoolOnly.email] }),
  },
  { what: "their notifications", send: (c) => as(c).get("/api/notifications") },
  { what: "their unread count", send: (c) => as(c).get("/api/notifications/unread") },
  {
    what: "marking notifications read",
    send: (c) =>
      as(c)
        .post("/api/notifications/read")
        .send({ ids: [randomUUID()] }),
  },
];

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

const show = (res: Reply) => `${res.status} ${res.text?.slice(0, 400) ?? ""}`;

/**
 * Nothing in the reply — body or headers — names an object the caller may not see. A problem's `instance` is
 * the caller's own request path (a case number they typed, say) and tells them nothing, so it is left out.
 */
function expectNoLeak(res: Reply, c: Caller): void {
  const json = res.type?.includes("json") && res.body && typeof res.body === "object";
  const { instance: _asked, ...answer } = json ? (res.body as Record<string, unknown>) : {};
  const text = `${json ? "" : (res.text ?? "")} ${JSON.stringify(answer)} ${JSON.stringify(res.headers)}`;
  for (const marker of hiddenMarkers(scene, isPerson(c) ? c : null)) {
    expect(text, `${callerLabel(c)} was told "${marker}"`).not.to.contain(marker);
  }
}

function expectProblem(res: Reply, status: number): void {
  expect(res.headers["content-type"]).to.match(/^application\/problem\+json/);
  expect(res.body.status).to.equal(status);
  expect(res.body.code).to.be.a("string");
}

async function playRow<P, T extends P & (SceneCase | SceneDocument)>(probe: Probe<P, T>, c: Caller, o: T, expected: number): Promise<void> {
  const before = await snapshot(o);
  const actorId = isPerson(c) ? scene.userIds[c] : undefined;
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
const ids = (items: Array<{ id: string }>) => new Set(items.map((i) => i.id));

const expectedFor = <Plan extends ObjectPlan>(probe: Probe<Plan, Plan & { kind: string }>, p: Person, o: Plan) =>
  o.seenBy.includes(p) ? probe.allowed(p, o) : (probe.hidden ?? 404);

describe("access matrix", function () {
  before(async () => {
    scene = await buildAccessScene();
    work = await addCaseWork(scene);
  });
  after(() => scene.svc.dispose());

  for (const key of DOCUMENT_KEYS) {
    const plan = DOCUMENTS[key];
    describe(`documents: ${plan.label}`, () => {
      for (const probe of documentProbes) {
        for (const p of PEOPLE) {
          const status = expectedFor(probe, p, plan);
          it(`${relationOf(p, plan)} gets ${status} for ${probe.what.replace("{it}", plan.label)}`, () => playRow(probe, p, scene.documents[key], status));
        }
      }
    });
  }

  for (const key of CASE_KEYS) {
    const plan = CASES[key];
    describe(`cases: ${plan.label}`, () => {
      for (const probe of caseProbes) {
        for (const p of PEOPLE) {
          const status = expectedFor(probe, p, plan);
          it(`${relationOf(p, plan)} gets ${status} for ${probe.what.replace("{it}", plan.label)}`, () => playRow(probe, p, scene.cases[key], status));
        }
      }
    });
  }

  describe("without a valid token", () => {
    for (const c of ["anonymous", "forger"] as const) {
      for (const probe of documentProbes) {
        it(`${callerLabel(c)} gets 401 for ${probe.what.replace("{it}", DOCUMENTS.school.label)}`, () => playRow(probe, c, scene.documents.school, 401));
      }
      for (const probe of caseProbes) {
        it(`${callerLabel(c)} gets 401 for ${probe.what.replace("{it}", CASES.school.label)}`, () => playRow(probe, c, scene.cases.school, 401));
      }
      for (const probe of listingProbes) {
        it(`${callerLabel(c)} gets 401 for ${probe.what}`, async () => {
          const badTokensBefore = await auditCount("auth.refused");
          const res = await probe.send(c);
          expect(res.status, show(res)).to.equal(401);
          expectProblem(res, 401);
          expectNoLeak(res, c);
          if (c === "forger") expect(await auditCount("auth.refused")).to.be.greaterThan(badTokensBefore);
        });
      }
    }
  });

  describe("listings and suggest", () => {
    for (const p of PEOPLE) {
      it(`the case list shows ${p} exactly the cases ${p} may see`, async () => {
        for (const path of ["/api/cases", "/api/cases?status=active"]) {
          const listed = ids(await allItems(p, path));
          for (const k of CASE_KEYS) expect(listed.has(scene.cases[k].id), `${path}: ${CASES[k].label}`).to.equal(CASES[k].seenBy.includes(p));
        }
      });

      it(`${p}'s recent and own cases never include a case ${p} may not see`, async () => {
        for (const path of ["/api/cases?filter=recent", "/api/cases?filter=mine", "/api/cases/suggest?q="]) {
          const listed = ids(await allItems(p, path));
          for (const k of CASE_KEYS) if (!CASES[k].seenBy.includes(p)) expect(listed.has(scene.cases[k].id), path).to.equal(false);
        }
      });

      for (const k of CASE_KEYS) {
        const plan = CASES[k];
        const sees = plan.seenBy.includes(p);
        it(`suggest ${sees ? "offers" : "never offers"} ${relationOf(p, plan)} ${plan.label}, by a title word or by its number`, async () => {
          const c = scene.cases[k];
          for (const q of [plan.searchWord, plan.searchWord.slice(0, 4).toLowerCase(), c.number, c.number.slice(0, 10)]) {
            const listed = ids(await allItems(p, `/api/cases/suggest?q=${encodeURIComponent(q)}`));
            expect(listed.has(c.id), `q=${q}`).to.equal(sees);
          }
        });
      }

      it(`the document list shows ${p} exactly the documents ${p} may see, in all, floating and per case`, async () => {
        const all = ids(await allItems(p, "/api/documents"));
        const floating = ids(await allItems(p, "/api/documents?floating=true"));
        for (const k of DOCUMENT_KEYS) {
          const d = scene.documents[k];
          const sees = d.seenBy.includes(p);
          expect(all.has(d.id), `all: ${d.label}`).to.equal(sees);
          expect(floating.has(d.id), `floating: ${d.label}`).to.equal(sees && d.caseId === null);
        }
        for (const ck of CASE_KEYS) {
          const inCase = await allItems(p, `/api/documents?caseId=${scene.cases[ck].id}`);
          if (!CASES[ck].seenBy.includes(p)) expect(inCase, `documents of ${CASES[ck].label}`).to.deep.equal([]);
          for (const k of DOCUMENT_KEYS) {
            const d = scene.documents[k];
            expect(ids(inCase).has(d.id), `${CASES[ck].label}: ${d.label}`).to.equal(d.caseId === scene.cases[ck].id && d.seenBy.includes(p));
          }
        }
      });
    }
  });

  describe("tasks are seen with what they concern", () => {
    for (const p of PEOPLE) {
      it(`${p}'s own tasks (mine=true) are exactly the scene's tasks assigned to ${p} or ${p}'s group, on what ${p} may see`, async () => {
        const listed = ids(await allItems(p, "/api/tasks?mine=true"));
        for (const o of records()) {
          const theirs = holdersOf(o.task).includes(p) && o.seenBy.includes(p);
          expect(listed.has(taskOf(o)), `${o.task.title} on ${o.label}`).to.equal(theirs);
        }
      });

      if (p === "erik") {
        it("an external partner (erik) gets 403 for the list of every task, which names nothing", async () => {
          const res = await as(p).get("/api/tasks");
          expect(res.status, show(res)).to.equal(403);
          expectProblem(res, 403);
          expectNoLeak(res, p);
        });
      } else {
        it(`the list of every task shows ${p} exactly the scene's tasks on what ${p} may see`, async () => {
          const listed = ids(await allItems(p, "/api/tasks"));
          for (const o of records()) expect(listed.has(taskOf(o)), `${o.task.title} on ${o.label}`).to.equal(o.seenBy.includes(p));
        });
      }

      it(`the tasks on a case ${p} may see are the scene's tasks on it and on those of its documents ${p} may see`, async () => {
        for (const k of CASE_KEYS.filter((key) => CASES[key].seenBy.includes(p))) {
          const c = scene.cases[k];
          const listed = ids(await allItems(p, `/api/cases/${c.id}/tasks`));
          for (const o of records()) {
            const onIt = o.id === c.id || (o.kind === "document" && o.caseId === c.id);
            expect(listed.has(taskOf(o)), `${CASES[k].label}: ${o.task.title} on ${o.label}`).to.equal(onIt && o.seenBy.includes(p));
          }
        }
      });
    }

    it(`${relationOf("carl", DOCUMENTS.restricted)} holds the task on it through his group, yet neither lists nor opens it`, async () => {
      const restricted = scene.documents.restricted;
      expect(holdersOf(restricted.task)).to.include("carl");
      const opened = await as("carl").get(`/api/tasks/${taskOf(restricted)}`);
      expect(opened.status, show(opened)).to.equal(404);
      expectNoLeak(opened, "carl");
      const ghost = await as("carl").get(`/api/tasks/${randomUUID()}`);
      expect({ ...opened.body, instance: undefined }).to.deep.equal({ ...ghost.body, instance: undefined });
      for (const path of ["/api/tasks?mine=true", "/api/tasks", `/api/cases/${scene.cases.school.id}/tasks`]) {
        expect(ids(await allItems("carl", path)).has(taskOf(restricted)), path).to.equal(false);
      }
    });
  });

  describe("a contact's page lists only what one may see", () => {
    const everywhere = () => work.contacts.everywhere;
    const schoolOnly = () => work.contacts.schoolOnly;
    const linked = async (p: Person, contactId: string, what: "cases" | "documents") => {
      const items = await allItems<{ case: { id: string } | null; document?: { id: string } }>(p, `/api/contacts/${contactId}/${what}`);
      return items.map((l) => (what === "cases" ? l.case!.id : l.document!.id)).sort();
    };
    const seen = (p: Person, objects: Array<SceneCase | SceneDocument>) =>
      objects
        .filter((o) => o.seenBy.includes(p))
        .map((o) => o.id)
        .sort();

    for (const p of PEOPLE) {
      it(`the page of ${CONTACTS.everywhere.label} lists for ${p} exactly the cases and documents ${p} may see`, async () => {
        expect(await linked(p, everywhere(), "cases")).to.deep.equal(seen(p, Object.values(scene.cases)));
        expect(await linked(p, everywhere(), "documents")).to.deep.equal(seen(p, Object.values(scene.documents)));
      });

      if (CONTACTS.schoolOnly.seenBy.includes(p)) {
        const sees = CASES.school.seenBy.includes(p);
        it(`${p} sees ${CONTACTS.schoolOnly.label} (contacts are shared among staff), with ${sees ? "alice's case" : "no case"} on its page`, async () => {
          const res = await as(p).get(`/api/contacts/${schoolOnly()}`);
          expect(res.status, show(res)).to.equal(200);
          expectNoLeak(res, p);
          expect(await linked(p, schoolOnly(), "cases")).to.deep.equal(sees ? [scene.cases.school.id] : []);
          expect(await linked(p, schoolOnly(), "documents")).to.deep.equal([]);
        });
      } else {
        it(`an external partner (${p}) gets 404 for ${CONTACTS.schoolOnly.label}, its cases and its documents, as for no contact, audited`, async () => {
          const ghost = randomUUID();
          for (const tail of ["", "/cases", "/documents"]) {
            const before = await auditCount("access.refused", scene.userIds[p], schoolOnly());
            const res = await as(p).get(`/api/contacts/${schoolOnly()}${tail}`);
            expect(res.status, show(res)).to.equal(404);
            expectProblem(res, 404);
            expectNoLeak(res, p);
            const missing = await as(p).get(`/api/contacts/${ghost}${tail}`);
            expect({ ...res.body, instance: undefined }, tail).to.deep.equal({ ...missing.body, instance: undefined });
            expect(await auditCount("access.refused", scene.userIds[p], schoolOnly()), "the refusal was not audited").to.be.greaterThan(before);
          }
        });
      }

      it(`the contact list, its search and the address match show ${p} only the contacts ${p} may see`, async () => {
        const listed = ids(await allItems(p, "/api/contacts"));
        for (const [key, plan] of Object.entries(CONTACTS)) {
          expect(listed.has(work.contacts[key as keyof typeof CONTACTS]), plan.label).to.equal(plan.seenBy.includes(p));
        }
        const sees = CONTACTS.schoolOnly.seenBy.includes(p);
        expect(ids(await allItems(p, "/api/contacts?q=hjortl")).has(schoolOnly()), "search").to.equal(sees);
        const matched = await as(p)
          .post("/api/contacts/match")
          .send({ addresses: [CONTACTS.schoolOnly.email, CONTACTS.everywhere.email] });
        expect(matched.status, show(matched)).to.equal(200);
        expectNoLeak(matched, p);
        expect(matched.body.items.map((m: { contacts: Array<{ id: string }> }) => m.contacts.map((c) => c.id))).to.deep.equal([
          sees ? [schoolOnly()] : [],
          [everywhere()],
        ]);
      });
    }
  });

  // Every change below reaches someone who may not see it: a follower whose access changed, or a holder of a
  // task through his group. Those notifications exist, but are never shown, counted or marked.
  describe("notifications tell only of what one may see", () => {
    interface NotificationRow {
      id: string;
      user_id: string;
      case_id: string | null;
      document_id: string | null;
      at: string;
    }
    interface NotificationItem {
      id: string;
      case: { id: string } | null;
      document: { id: string } | null;
    }
    /** The notifications the changes below made. */
    let fresh: NotificationRow[] = [];
    const sceneObject = (id: string) => {
      const o = records().find((r) => r.id === id);
      expect(o, `a notification about ${id}, which is not in the scene`).to.not.equal(undefined);
      return o!;
    };
    const sees = (p: Person, n: NotificationRow) => [n.case_id, n.document_id].every((id) => id === null || sceneObject(id).seenBy.includes(p));
    const newestFirst = (a: NotificationRow, b: NotificationRow) => (a.at !== b.at ? (a.at < b.at ? 1 : -1) : a.id < b.id ? 1 : -1);
    const freshFor = (p: Person, visible: boolean) => fresh.filter((n) => n.user_id === scene.userIds[p] && sees(p, n) === visible).sort(newestFirst);
    const unreadIn = async (ids: string[]) =>
      ids.length ? (await db().selectFrom("notifications").select("id").where("id", "in", ids).where("read_at", "is", null).execute()).length : 0;

    before(async () => {
      // Everyone starts with nothing unread that they may see.
      for (const p of PEOPLE) {
        const [newest] = (await as(p).get("/api/notifications?limit=1").expect(200)).body.items;
        if (newest) await as(p).post("/api/notifications/read").send({ upTo: newest.id }).expect(200);
        expect((await as(p).get("/api/notifications/unread").expect(200)).body.count, `${p} has something unread`).to.equal(0);
      }
      const known = new Set((await db().selectFrom("notifications").select("id").execute()).map((n) => n.id));
      const { school, partners } = scene.cases;
      const docs = scene.documents;
      const commentOnTask = (p: Person, o: SceneCase | SceneDocument) =>
        as(p)
          .post(`/api/tasks/${taskOf(o)}/comments`)
          .send({ body: "Hvordan går det?" })
          .expect(201);
      const addParty = async (p: Person, o: SceneCase | SceneDocument, roleId: string) => {
        const made = await as(p)
          .post(`${recordPath(o)}/parties`)
          .send({ contactId: work.contacts.newcomer, roleId })
          .expect(201);
        await as(p)
          .delete(`${recordPath(o)}/parties/${made.body.id}`)
          .expect(204);
      };
      await addParty("admin", school, "role-part");
      await commentOnTask("carl", school);
      await commentOnTask("carl", docs.school);
      await commentOnTask("alice", docs.restricted);
      await as("alice").post(`/api/documents/${docs.restricted.id}/comments`).send({ body: "Se bilaget" }).expect(201);
      await commentOnTask("erik", partners);
      await addParty("bob", docs.partner, "role-afsender");
      await as("bob").post(`/api/cases/${partners.id}/close`).send({}).expect(200);
      await as("bob").post(`/api/cases/${partners.id}/reopen`).expect(200);
      await commentOnTask("admin", docs.floating);
      await commentOnTask("bob", docs.bobsFloating);
      await commentOnTask("alice", docs.floatingShared);
      const rows = await db().selectFrom("notifications").select(["id", "user_id", "case_id", "document_id", "at"]).execute();
      fresh = rows.filter((n) => !known.has(n.id));
    });

    it("the changes reached followers and group holders who may not see them (bob, erik, carl), and everyone something they may see", () => {
      for (const p of ["bob", "erik", "carl"] as const) expect(freshFor(p, false).length, `${p}: nothing out of sight`).to.be.greaterThan(0);
      for (const p of PEOPLE) expect(freshFor(p, true).length, `${p}: nothing in sight`).to.be.greaterThan(0);
    });

    for (const p of PEOPLE) {
      it(`${p}'s notifications name only cases and documents ${p} may see, and every change on them`, async () => {
        const listed = await allItems<NotificationItem>(p, "/api/notifications");
        for (const n of listed) {
          for (const ref of [n.case, n.document]) {
            const o = ref && records().find((r) => r.id === ref.id);
            if (o) expect(o.seenBy, `notification ${n.id} names ${o.label}`).to.include(p);
          }
        }
        const unread = await allItems<NotificationItem>(p, "/api/notifications?unread=true");
        expect(unread.map((n) => n.id)).to.deep.equal(freshFor(p, true).map((n) => n.id));
        const all = ids(listed);
        for (const n of freshFor(p, false)) expect(all.has(n.id), `listed ${n.id}`).to.equal(false);
      });

      it(`${p}'s unread count is the number of those, and counts nothing ${p} may not see`, async () => {
        const res = await as(p).get("/api/notifications/unread");
        expect(res.status, show(res)).to.equal(200);
        expectNoLeak(res, p);
        const visible = freshFor(p, true);
        expect(res.body).to.deep.equal({ count: visible.length, latestId: visible[0]?.id ?? null });
        const hidden = freshFor(p, false);
        expect(await unreadIn(hidden.map((n) => n.id)), "what was not counted is still there").to.equal(hidden.length);
      });
    }

    it("marking another person's notifications read marks nothing, nor one's own about what one may not see; one's own are marked", async () => {
      const mark = async (p: Person, body: object) => {
        const res = await as(p).post("/api/notifications/read").send(body);
        expect(res.status, show(res)).to.equal(200);
        expectNoLeak(res, p);
        return res.body.marked as number;
      };
      const bobs = freshFor("bob", true).map((n) => n.id);
      expect(await mark("alice", { ids: bobs }), "alice marking bob's").to.equal(0);
      expect(await mark("alice", { upTo: bobs[0] }), "alice marking up to bob's newest").to.equal(0);
      expect(await mark("erik", { ids: bobs }), "erik marking bob's").to.equal(0);
      expect(await unreadIn(bobs)).to.equal(bobs.length);
      const carlsHidden = freshFor("carl", false).map((n) => n.id);
      expect(await mark("carl", { ids: carlsHidden }), "carl marking his own about what he may not see").to.equal(0);
      expect(await unreadIn(carlsHidden)).to.equal(carlsHidden.length);
      expect(await mark("bob", { ids: bobs }), "bob marking his own").to.equal(bobs.length);
      expect((await as("bob").get("/api/notifications/unread").expect(200)).body).to.deep.equal({ count: 0, latestId: null });
    });
  });

  describe("resumable uploads belong to their creator", () => {
    const others = ["carl", "bob", "erik", "admin"] as const;
    const uploadRelation: Record<(typeof others)[number], string> = {
      carl: "a member of alice's access group (carl)",
      bob: "a caseworker outside alice's access groups (bob)",
      erik: "an external partner (erik)",
      admin: "an administrator (admin)",
    };
    const path = () => `/api/uploads/${scene.upload.id}`;
    const tus = (t: request.Test) => t.set("Tus-Resumable", "1.0.0");
    const uploadRequests: Array<{ what: string; send(c: Caller): PromiseLike<Reply> }> = [
      { what: "HEAD (resume offset) on alice's upload", send: (c) => tus(as(c).head(path())) },
      { what: "GET on alice's upload", send: (c) => tus(as(c).get(path())) },
      {
        what: "PATCH (append) on alice's upload",
        send: (c) =>
          tus(as(c).patch(path()))
            .set("Upload-Offset", String(scene.upload.size))
            .set("Content-Type", "application/offset+octet-stream")
            .send(Buffer.from("fremmed")),
      },
      { what: "DELETE (terminate) on alice's upload", send: (c) => tus(as(c).delete(path())) },
    ];

    async function expectUploadIntact(): Promise<void> {
      expect(await db().selectFrom("uploads").select("user_id").where("id", "=", scene.upload.id).executeTakeFirst()).to.deep.equal({
        user_id: scene.userIds.alice,
      });
      const head = await tus(as("alice").head(path()));
      expect(head.status).to.equal(200);
      expect(head.headers["upload-offset"]).to.equal(String(scene.upload.size));
      expect(head.headers["upload-length"]).to.equal(String(scene.upload.size));
    }

    function expectRefusedUpload(res: Reply, c: Caller, status: number): void {
      expect(res.status, show(res)).to.equal(status);
      expect(res.headers["upload-metadata"]).to.equal(undefined);
      expect(res.headers["upload-offset"]).to.equal(undefined);
      expectNoLeak(res, c);
    }

    for (const p of others) {
      for (const r of uploadRequests) {
        it(`${uploadRelation[p]} gets 404 for ${r.what}`, async () => {
          expectRefusedUpload(await r.send(p), p, 404);
          await expectUploadIntact();
        });
      }
    }

    const claims: Array<{ what: string; who: ReadonlyArray<(typeof others)[number]>; send(c: Person): PromiseLike<Reply> }> = [
      {
        what: "claiming alice's upload as a new document",
        who: others,
        send: (c) => as(c).post("/api/documents").send({ upload: scene.upload.id, documentTypeId: scene.world.types.letter, title: "Stjaalet" }),
      },
      {
        what: "claiming alice's upload as a new version of a document they may change",
        who: ["carl", "bob", "admin"],
        send: (c) => {
          const d = c === "bob" ? scene.documents.partner : scene.documents.school;
          return as(c).post(`/api/documents/${d.id}/versions`).set("If-Match", "*").send({ upload: scene.upload.id });
        },
      },
      {
        what: "claiming alice's upload as an attachment to a document they may change",
        who: ["carl", "bob", "admin"],
        send: (c) =>
          as(c)
            .post(`/api/documents/${(c === "bob" ? scene.documents.partner : scene.documents.school).id}/attachments`)
            .send({ upload: scene.upload.id }),
      },
    ];
    for (const claim of claims) {
      for (const p of claim.who) {
        it(`${uploadRelation[p]} gets 404 for ${claim.what}`, async () => {
          const documents = await countRows("documents", "created_by", scene.userIds[p]);
          const versions = await countRows("versions", "author_id", scene.userIds[p]);
          const res = await claim.send(p);
          expectRefusedUpload(res, p, 404);
          expectProblem(res, 404);
          expect(await countRows("documents", "created_by", scene.userIds[p])).to.equal(documents);
          expect(await countRows("versions", "author_id", scene.userIds[p])).to.equal(versions);
          await expectUploadIntact();
        });
      }
    }

    for (const c of ["anonymous", "forger"] as const) {
      const starting = {
        what: "starting a resumable upload",
        send: (caller: Caller) =>
          tus(as(caller).post("/api/uploads"))
            .set("Upload-Length", "10")
            .set("Upload-Metadata", `filename ${Buffer.from("x.txt").toString("base64")}`),
      };
      for (const r of [starting, ...uploadRequests]) {
        it(`${callerLabel(c)} gets 401 for ${r.what}`, async () => {
          const uploads = await db().selectFrom("uploads").select("id").execute();
          expectRefusedUpload(await r.send(c), c, 401);
          expect(await db().selectFrom("uploads").select("id").execute()).to.deep.equal(uploads);
          await expectUploadIntact();
        });
      }
    }

    it("an upload started with a forged owner header belongs to the one who started it (carl), not to alice", async () => {
      const forged = (t: request.Test) => tus(t).set("X-Ims-Upload-User", scene.userIds.alice);
      const created = await forged(as("carl").post("/api/uploads"))
        .set("Upload-Length", "4")
        .set("Upload-Metadata", `filename ${Buffer.from("carl.txt").toString("base64")}`);
      expect(created.status, show(created)).to.equal(201);
      const id = String(created.headers.location).split("/").pop()!;
      expect(await db().selectFrom("uploads").select("user_id").where("id", "=", id).executeTakeFirst()).to.deep.equal({ user_id: scene.userIds.carl });
      expect((await tus(as("alice").head(`/api/uploads/${id}`))).status).to.equal(404);
      expectRefusedUpload(await forged(as("carl").head(path())), "carl", 404);
      await expectUploadIntact();
    });

    it("the owner (alice) resumes her upload and saves it as a document", async () => {
      await expectUploadIntact();
      const res = await as("alice").post("/api/documents").send({ upload: scene.upload.id, documentTypeId: scene.world.types.letter });
      expect(res.status, show(res)).to.equal(201);
      expect(res.body.currentVersion.filename).to.equal(scene.upload.filename);
      expect(res.body.currentVersion.size).to.equal(scene.upload.size);
      expect(await db().selectFrom("uploads").select("id").where("id", "=", scene.upload.id).executeTakeFirst()).to.equal(undefined);
    });
  });

  describe("mail lookups", () => {
    for (const p of PEOPLE) {
      const sees = DOCUMENTS.restricted.seenBy.includes(p);
      it(`a mail lookup tells ${relationOf(p, DOCUMENTS.restricted)} ${sees ? "that the restricted mail is filed, and where" : "nothing about the restricted mail"}`, async () => {
        const res = await as(p).post("/api/mail/lookup").send({ messageId: RESTRICTED_MAIL.messageId, conversationId: RESTRICTED_MAIL.conversationId });
        expect(res.status, show(res)).to.equal(200);
        expectNoLeak(res, p);
        if (sees) {
          expect(res.body.alreadyFiled.documentId).to.equal(scene.documents.restricted.id);
          expect(res.body.proposal.case.id).to.equal(scene.cases.school.id);
        } else {
          expect(res.body).to.deep.equal({ alreadyFiled: null, proposal: null });
        }
        const reply = await as(p).post("/api/mail/lookup").send({ inReplyTo: RESTRICTED_MAIL.messageId });
        expect(reply.status, show(reply)).to.equal(200);
        expect(reply.body.proposal?.case.id ?? null).to.equal(sees ? scene.cases.school.id : null);
      });
    }
    for (const c of ["anonymous", "forger"] as const) {
      it(`${callerLabel(c)} gets 401 for a mail lookup`, async () => {
        const res = await as(c).post("/api/mail/lookup").send({ messageId: RESTRICTED_MAIL.messageId });
        expect(res.status, show(res)).to.equal(401);
        expectProblem(res, 401);
        expectNoLeak(res, c);
      });
    }
  });

  describe("references to documents out of sight", () => {
    const outOfSight = () => [scene.documents.restricted.id, scene.documents.floating.id];

    it("the owner (alice) sees every reference to and from her document", async () => {
      const res = await as("alice").get(`/api/documents/${scene.documents.school.id}`).expect(200);
      const outgoing = res.body.references.outgoing.map((r: { documentId: string }) => r.documentId);
      const incoming = res.body.references.incoming.map((r: { documentId: string }) => r.documentId);
      expect(outgoing).to.include.members(outOfSight());
      expect(incoming).to.include(scene.documents.restricted.id);
    });

    it(`${relationOf("carl", DOCUMENTS.school)} sees no reference to or from a document he may not see`, async () => {
      const res = await as("carl").get(`/api/documents/${scene.documents.school.id}`).expect(200);
      expectNoLeak(res, "carl");
      const mentioned = [...res.body.references.outgoing, ...res.body.references.incoming].map((r: { documentId: string }) => r.documentId);
      for (const id of outOfSight()) expect(mentioned).not.to.include(id);
      expect(JSON.stringify(res.body.references)).not.to.contain(scene.references.schoolToRestricted);
    });

    it(`${relationOf("carl", DOCUMENTS.restricted)} gets 404 for removing the reference to it from a document he sees`, async () => {
      const res = await as("carl").delete(`/api/documents/${scene.documents.school.id}/references/${scene.references.schoolToRestricted}`);
      expect(res.status, show(res)).to.equal(404);
      expectProblem(res, 404);
      expectNoLeak(res, "carl");
      expect(await db().selectFrom("document_references").select("id").where("id", "=", scene.references.schoolToRestricted).executeTakeFirst()).to.not.equal(
        undefined,
      );
    });

    it(`${relationOf("carl", DOCUMENTS.restricted)} cannot add a reference to it, and the attempt is audited`, async () => {
      const before = await auditCount("access.refused", scene.userIds.carl, scene.documents.restricted.id);
      const refsBefore = await countRows("document_references", "to_document_id", scene.documents.restricted.id);
      const res = await as("carl")
        .post(`/api/documents/${scene.documents.school.id}/references`)
        .send({ toDocumentId: scene.documents.restricted.id, kind: "reply_to" });
      expect(res.status, show(res)).to.equal(422);
      expect(res.body.code).to.equal("unknown_reference_target");
      expectNoLeak(res, "carl");
      expect(await countRows("document_references", "to_document_id", scene.documents.restricted.id)).to.equal(refsBefore);
      expect(await auditCount("access.refused", scene.userIds.carl, scene.documents.restricted.id)).to.be.greaterThan(before);
    });

    it(`${relationOf("carl", DOCUMENTS.restricted)} cannot learn of it from the audit trail of a document he sees`, async () => {
      const res = await as("carl").get(`/api/audit?objectType=document&objectId=${scene.documents.school.id}`).expect(200);
      expectNoLeak(res, "carl");
      for (const id of outOfSight()) expect(res.text).not.to.contain(id);
    });

    it("a hidden document, case or task answers exactly like one that does not exist", async () => {
      const ghost = randomUUID();
      const pairs = [
        [`/api/documents/${scene.documents.restricted.id}`, `/api/documents/${ghost}`],
        [`/api/documents/${scene.documents.restricted.id}/content`, `/api/documents/${ghost}/content`],
        [`/api/cases/${scene.cases.school.id}`, `/api/cases/${ghost}`],
        [`/api/audit?objectType=case&objectId=${scene.cases.school.id}`, `/api/audit?objectType=case&objectId=${ghost}`],
        [`/api/cases/${scene.cases.school.id}/parties`, `/api/cases/${ghost}/parties`],
        [`/api/cases/${scene.cases.school.id}/tasks`, `/api/cases/${ghost}/tasks`],
        [`/api/cases/${scene.cases.school.id}/following`, `/api/cases/${ghost}/following`],
        [`/api/documents/${scene.documents.restricted.id}/tasks`, `/api/documents/${ghost}/tasks`],
        [`/api/tasks/${taskOf(scene.cases.school)}`, `/api/tasks/${ghost}`],
      ];
      for (const [hidden, missing] of pairs) {
        const a = await as("bob").get(hidden);
        const b = await as("bob").get(missing);
        expect(a.status, hidden).to.equal(404);
        expect({ ...a.body, instance: undefined }).to.deep.equal({ ...b.body, instance: undefined });
        expect(Object.keys(a.headers).sort()).to.deep.equal(Object.keys(b.headers).sort());
      }
    });
  });

  // The write half: who may change what, for people who see the object (service/features/access/policy.ts).
  // Each write is tried by each kind of person in an open and in a closed case, and a refusal changes nothing.
  describe("write policy", () => {
    type Writer = "member" | "outsider" | "author" | "partner" | "admin";
    type CaseState = "open" | "closed";
    const WRITERS: Record<Writer, { label: string; person: Person }> = {
      member: { label: "a caseworker in the case's access group (bob)", person: "bob" },
      outsider: { label: "a caseworker outside the access group (alice)", person: "alice" },
      author: { label: "an external partner who added the document (erik)", person: "erik" },
      partner: { label: "an external partner who did not add the document (erik)", person: "erik" },
      admin: { label: "an administrator", person: "admin" },
    };
    const WRITER_KEYS = Object.keys(WRITERS) as Writer[];

    interface WriteCase {
      id: string;
      number: string;
      title: string;
      /** bob's document and the one erik added, both filed in the case before it was closed. */
      bobs: string;
      eriks: string;
      /** The task on each of the two, by document id: assigned to whoever added the document. */
      taskOn: Record<string, string>;
    }
    const cases = {} as Record<CaseState, WriteCase>;
    /** The document a writer acts on: the external author acts on the document he added, everyone else on bob's. */
    const documentOf = (w: Writer, k: WriteCase) => (w === "author" ? k.eriks : k.bobs);

    type WriteKey =
      | "metadata"
      | "version"
      | "attachment"
      | "comment"
      | "reference"
      | "file"
      | "caseTitle"
      | "closeOrReopen"
      | "delete"
      | "partyOnCase"
      | "partyOnDocument"
      | "partyRemoval"
      | "taskCreate"
      | "taskComment"
      | "taskStatus"
      | "taskTitle";
    interface Write {
      key: WriteKey;
      what(state: CaseState): string;
      /** The answer when it is allowed. */
      success: string;
      /** The document it acts on, when not the writer's document in the case (a fresh one when a success would use it up). */
      target?(w: Writer, k: WriteCase, succeeds: boolean): Promise<string>;
      /** Sends the write; when it succeeded, puts things back so the next row meets the same case. */
      send(p: Person, documentId: string, k: WriteCase, state: CaseState, succeeded: (res: Reply) => boolean): Promise<Reply>;
    }

    /** A floating document in the partners' access group, so both bob and erik see it. */
    const floatingOf = async (p: Person) =>
      (
        await saveDocument(scene.svc.url, scene.tokens[p], {
          title: "Loes skrivelse",
          documentTypeId: scene.world.types.letter,
          accessGroupId: scene.world.accessGroups.partners,
          filename: "loes-skrivelse.txt",
        })
      ).id;

    const WRITES: Write[] = [
      {
        key: "metadata",
        what: () => "changing the title of the document",
        success: "200",
        send: (p, d) => as(p).patch(`/api/documents/${d}`).send({ title: "Ny titel" }),
      },
      {
        key: "version",
        what: () => "a new version of the document",
        success: "201",
        send: (p, d) => withFile(as(p).post(`/api/documents/${d}/versions`).set("If-Match", "*"), { comment: "Ny udgave" }, "ny-udgave.txt"),
      },
      {
        key: "attachment",
        what: () => "adding an attachment to the document",
        success: "201",
        send: (p, d) => withFile(as(p).post(`/api/documents/${d}/attachments`), { title: "Tillaeg" }, "tillaeg.txt"),
      },
      {
        key: "comment",
        what: () => "commenting on the document",
        success: "201",
        send: (p, d) => as(p).post(`/api/documents/${d}/comments`).send({ body: "Set" }),
      },
      {
        key: "reference",
        what: () => "adding a reference from the document",
        success: "201",
        async send(p, d, k, _state, succeeded) {
          const to = d === k.bobs ? k.eriks : k.bobs;
          const res = await as(p).post(`/api/documents/${d}/references`).send({ toDocumentId: to, kind: "relates_to" });
          if (succeeded(res)) await as(p).delete(`/api/documents/${d}/references/${res.body.id}`).expect(204);
          return res;
        },
      },
      {
        key: "file",
        what: () => "filing a floating document into the case",
        success: "200",
        // The external author files one he added; everyone else one of bob's.
        target: (w) => floatingOf(w === "author" ? "erik" : "bob"),
        send: (p, d, k) => as(p).post(`/api/documents/${d}/file`).send({ caseId: k.id }),
      },
      {
        key: "caseTitle",
        what: () => "changing the title of the case",
        success: "200",
        async send(p, _d, k, _state, succeeded) {
          const res = await as(p)
            .patch(`/api/cases/${k.id}`)
            .send({ title: `${k.title} (rettet)` });
          if (succeeded(res)) await as(p).patch(`/api/cases/${k.id}`).send({ title: k.title }).expect(200);
          return res;
        },
      },
      {
        key: "closeOrReopen",
        what: (state) => (state === "open" ? "closing the case" : "reopening the case"),
        success: "200",
        async send(p, _d, k, state, succeeded) {
          const [there, back] = state === "open" ? ["close", "reopen"] : ["reopen", "close"];
          const res = await as(p).post(`/api/cases/${k.id}/${there}`).send({});
          if (succeeded(res)) await as(p).post(`/api/cases/${k.id}/${back}`).send({}).expect(200);
          return res;
        },
      },
      {
        key: "delete",
        what: () => "deleting the document",
        success: "204",
        // A deletion that may succeed takes a copy an administrator filed, so the case keeps its documents.
        target: async (w, k, succeeds) =>
          succeeds
            ? (
                await saveDocument(scene.svc.url, scene.tokens.admin, {
                  title: "Kopi til sletning",
                  documentTypeId: scene.world.types.letter,
                  caseId: k.id,
                  filename: "kopi.txt",
                })
              ).id
            : documentOf(w, k),
        send: (p, d) => as(p).delete(`/api/documents/${d}?reason=Oprydning`),
      },
      {
        key: "partyOnCase",
        what: () => "adding a party to the case",
        success: "201",
        async send(p, _d, k, _state, succeeded) {
          const res = await as(p).post(`/api/cases/${k.id}/parties`).send({ contactId: work.contacts.newcomer, roleId: "role-part" });
          if (succeeded(res)) await as(p).delete(`/api/cases/${k.id}/parties/${res.body.id}`).expect(204);
          return res;
        },
      },
      {
        key: "partyOnDocument",
        what: () => "adding a party to the document",
        success: "201",
        async send(p, d, _k, _state, succeeded) {
          const res = await as(p).post(`/api/documents/${d}/parties`).send({ contactId: work.contacts.newcomer, roleId: "role-modtager" });
          if (succeeded(res)) await as(p).delete(`/api/documents/${d}/parties/${res.body.id}`).expect(204);
          return res;
        },
      },
      {
        key: "partyRemoval",
        what: () => "removing a party from the case",
        success: "204",
        // The party is one an administrator adds for the row (closed case or not) and takes away again if it stayed.
        async send(p, _d, k, _state, succeeded) {
          const party = await as("admin").post(`/api/cases/${k.id}/parties`).send({ contactId: work.contacts.newcomer, roleId: "role-part" }).expect(201);
          const res = await as(p).delete(`/api/cases/${k.id}/parties/${party.body.id}`);
          if (!succeeded(res)) await as("admin").delete(`/api/cases/${k.id}/parties/${party.body.id}`).expect(204);
          return res;
        },
      },
      {
        key: "taskCreate",
        what: () => "creating a task on the case",
        success: "201",
        send: (p, _d, k) => as(p).post("/api/tasks").send({ caseId: k.id, title: "Ny opgave" }),
      },
      {
        key: "taskComment",
        what: () => "commenting on the task on the document",
        success: "201",
        send: (p, d, k) => as(p).post(`/api/tasks/${k.taskOn[d]}/comments`).send({ body: "Set" }),
      },
      {
        key: "taskStatus",
        what: () => "changing the status of the task on the document, assigned to whoever added it",
        success: "200",
        async send(p, d, k, _state, succeeded) {
          const res = await as(p).patch(`/api/tasks/${k.taskOn[d]}`).send({ status: "done" });
          if (succeeded(res)) await as(p).patch(`/api/tasks/${k.taskOn[d]}`).send({ status: "open" }).expect(200);
          return res;
        },
      },
      {
        key: "taskTitle",
        what: () => "changing the title of the task on the document",
        success: "200",
        async send(p, d, k, _state, succeeded) {
          const res = await as(p).patch(`/api/tasks/${k.taskOn[d]}`).send({ title: "Ny overskrift" });
          if (succeeded(res)) await as(p).patch(`/api/tasks/${k.taskOn[d]}`).send({ title: "Opgave" }).expect(200);
          return res;
        },
      },
    ];

    /** The write policy, one sentence a line: the answer a writer gets for a write in an open or a closed case. */
    function answerFor(w: Writer, write: Write, state: CaseState): string {
      // Deleting a document is for administrators only, refused before anyone looks for the document.
      if (write.key === "delete") return w === "admin" ? write.success : "403 admin_only";
      // Who cannot see the case gets 404, as if there were nothing there.
      if (w === "outsider") return "404 not_found";
      // An administrator may do everything, in a closed case too.
      if (w === "admin") return write.success;
      // Comments are open to everyone who sees the document or task, external partners included, closed case or not.
      if (write.key === "comment" || write.key === "taskComment") return write.success;
      // A task's status moves in a closed case too, so left-over work can be finished; an external partner moves only his own.
      if (write.key === "taskStatus") return w === "partner" ? "403 forbidden" : write.success;
      // External partners cannot change, close or reopen cases, add or remove references or parties, nor create or edit tasks.
      const staffWork: WriteKey[] = ["caseTitle", "closeOrReopen", "reference", "partyOnCase", "partyOnDocument", "partyRemoval", "taskCreate", "taskTitle"];
      if ((w === "author" || w === "partner") && staffWork.includes(write.key)) return "403 forbidden";
      // External partners change only the documents they added themselves.
      if (w === "partner") return "403 forbidden";
      // Closed case: reopen first (reopening it is how).
      if (state === "closed" && write.key !== "closeOrReopen") return "409 case_closed";
      return write.success;
    }

    before(async () => {
      const partners = await db().selectFrom("cases").select("template_id").where("id", "=", scene.cases.partners.id).executeTakeFirstOrThrow();
      for (const state of ["open", "closed"] as const) {
        const title = state === "open" ? "Skrivesag Aaben" : "Skrivesag Lukket";
        const made = await as("bob").post("/api/cases").send({ templateId: partners.template_id, title }).expect(201);
        const filed = (p: Person) =>
          saveDocument(scene.svc.url, scene.tokens[p], {
            title: `Skrivelse fra ${p}`,
            documentTypeId: scene.world.types.letter,
            caseId: made.body.id,
            filename: `${p}.txt`,
          });
        const bobs = await filed("bob");
        const eriks = await filed("erik");
        const taskOn: Record<string, string> = {};
        for (const [doc, assignee] of [
          [bobs.id, "bob"],
          [eriks.id, "erik"],
        ] as const) {
          const task = await as("bob")
            .post("/api/tasks")
            .send({ documentId: doc, title: "Opgave", assignee: { type: "user", id: scene.userIds[assignee] } })
            .expect(201);
          taskOn[doc] = task.body.id;
        }
        if (state === "closed") await as("bob").post(`/api/cases/${made.body.id}/close`).send({}).expect(200);
        cases[state] = { id: made.body.id, number: made.body.number, title, bobs: bobs.id, eriks: eriks.id, taskOn };
      }
    });

    for (const state of ["open", "closed"] as const) {
      describe(`in ${state === "open" ? "an open" : "a closed"} case`, () => {
        for (const write of WRITES) {
          for (const w of WRITER_KEYS) {
            const answer = answerFor(w, write, state);
            it(`${WRITERS[w].label} gets ${answer} for ${write.what(state)}`, async () => {
              const [status, code] = answer.split(" ");
              const k = cases[state];
              const p = WRITERS[w].person;
              const documentId = write.target ? await write.target(w, k, !code) : documentOf(w, k);
              const before = { case: await snapshot({ kind: "case", id: k.id }), document: await snapshot({ kind: "document", id: documentId }) };
              const res = await write.send(p, documentId, k, state, (r) => r.status < 300);
              expect(res.status, show(res)).to.equal(Number(status));
              if (!code) return;
              expectProblem(res, Number(status));
              expect(res.body.code, show(res)).to.equal(code);
              if (w === "outsider") expect(res.text).not.to.contain(k.title).and.not.to.contain(k.number);
              expect(
                { case: await snapshot({ kind: "case", id: k.id }), document: await snapshot({ kind: "document", id: documentId }) },
                "a refused write changed something",
              ).to.deep.equal(before);
            });
          }
        }
      });
    }
  });
});
