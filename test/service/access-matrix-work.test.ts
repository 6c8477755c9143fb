import { expect } from "chai";
import { randomUUID } from "node:crypto";
import type { SearchResults } from "../../shared/api/types.ts";
import {
  CASE_KEYS,
  CASES,
  CONTACTS,
  DOCUMENTS,
  PEOPLE,
  holdersOf,
  relationOf,
  type AccessScene,
  type CasePlan,
  type CaseWork,
  type DocumentPlan,
  type Person,
  type RecordPlan,
  type SceneCase,
  type SceneDocument,
} from "../support/access-fixture.ts";
import { accessMatrix, expectProblem, ids, notExternal, show, type Caller, type ListingProbe, type Probe } from "../support/access-probes.ts";

// What hangs on a case or a document is seen with it and only with it: its parties, its tasks, who follows it,
// the notifications about it and the contact pages that list it. The rows read as in access-matrix.test.ts: one
// request by one person against one object; who may not see the object gets a 404 that names nothing, is
// audited as access.refused, and changes nothing; requests without a valid token get 401.

let scene: AccessScene;
let work: CaseWork;
const matrix = accessMatrix();
const { db, as, auditCount, expectNoLeak, allItems } = matrix;

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

const followingProbes: Probe<CasePlan, SceneCase>[] = [
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

const documentProbes = caseWorkProbes<DocumentPlan, SceneDocument>("role-afsender");
const caseProbes = [...caseWorkProbes<CasePlan, SceneCase>("role-ansoeger"), ...followingProbes];

const listingProbes: ListingProbe[] = [
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

describe("access matrix: parties, tasks, following, notifications and contacts", function () {
  before(async () => {
    ({ scene, work } = await matrix.build());
  });
  after(() => matrix.dispose());

  matrix.describeRows({ documents: documentProbes, cases: caseProbes, listings: listingProbes });

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

  describe("free-text search finds, ranks and counts only what one may see", () => {
    const CONTACT_KEYS = Object.keys(CONTACTS) as Array<keyof typeof CONTACTS>;
    const lastWord = (s: string) => s.split(" ").at(-1)!;
    /** The search's answer, checked to name nothing the caller may not see (the query it echoes aside). */
    const find = async (p: Person, q: string): Promise<SearchResults> => {
      const res = await as(p).get(`/api/search?q=${encodeURIComponent(q)}&limit=100`);
      expect(res.status, show(res)).to.equal(200);
      expectNoLeak({ ...res, body: { ...res.body, q: "" } } as typeof res, p);
      for (const group of ["tasks", "cases", "documents", "contacts"] as const)
        expect(res.body[group].count, `${q}: ${group}`).to.equal(res.body[group].items.length);
      return res.body;
    };

    for (const p of PEOPLE) {
      it(`${p} finds each case, document, task and contact by its words exactly when ${p} may see it, and the counts hold only those`, async () => {
        for (const k of CASE_KEYS) {
          const r = await find(p, CASES[k].searchWord);
          expect(ids(r.cases.items.map((h) => h.case)).has(scene.cases[k].id), CASES[k].label).to.equal(CASES[k].seenBy.includes(p));
        }
        for (const d of Object.values(scene.documents)) {
          for (const word of [lastWord(d.title), lastWord(d.attachment.title)]) {
            const r = await find(p, word);
            expect(ids(r.documents.items.map((h) => h.document)).has(d.id), `${word}: ${d.label}`).to.equal(d.seenBy.includes(p));
          }
        }
        for (const o of records()) {
          const r = await find(p, o.task.marker);
          expect(ids(r.tasks.items.map((h) => h.task)).has(taskOf(o)), `${o.task.title} on ${o.label}`).to.equal(o.seenBy.includes(p));
        }
        for (const k of CONTACT_KEYS) {
          const r = await find(p, CONTACTS[k].name);
          expect(ids(r.contacts.items.map((h) => h.contact)).has(work.contacts[k]), CONTACTS[k].label).to.equal(CONTACTS[k].seenBy.includes(p));
        }
      });
    }
  });
});
