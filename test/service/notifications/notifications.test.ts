import { expect } from "chai";
import request from "supertest";
import { createAccessGroup } from "../../../service/features/access/access-groups.service.ts";
import type { Actor } from "../../../service/features/access/actor.ts";
import { loadActor } from "../../../service/features/auth/load-actor.ts";
import { notify } from "../../../service/features/notifications/notify.ts";
import { createTemplate } from "../../../service/features/templates/templates.service.ts";
import { issueApiToken } from "../../../service/features/users/tokens.service.ts";
import { createUser } from "../../../service/features/users/users.service.ts";
import type { Notification, NotificationChange } from "../../../shared/api/types.ts";
import { bearer } from "../../support/http.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../../support/service.ts";
import { buildWorld, type World } from "../../support/world.ts";

// Notifications (notifikationer) through the real service: each change on a case reaches everyone who follows
// it but whoever made it, and one sees only one's own, only while one may see what they are about.

describe("notifications", () => {
  let svc: TestService;
  let w: World;
  /** A third colleague on the team: follows only by choice. */
  let dorte: { id: string; token: string };
  /** alice, carl and dorte see the team's cases; only alice is in the confidential group. */
  let team: string;
  let confidential: string;
  let teamTemplate: string;
  const api = () => request(svc.url);

  async function newCase(token: string, title: string, responsibleId?: string): Promise<{ id: string; number: string; title: string }> {
    const res = await api()
      .post("/api/cases")
      .auth(token, bearer)
      .send({ templateId: teamTemplate, title, ...(responsibleId ? { responsibleId } : {}) });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return { id: res.body.id, number: res.body.number, title: res.body.title };
  }
  async function saveDocument(token: string, caseId: string | null, title: string, extra: Record<string, unknown> = {}) {
    const res = await api()
      .post("/api/documents")
      .auth(token, bearer)
      .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, caseId, title, ...extra }))
      .attach("file", Buffer.from(`${title}\n`), { filename: `${title}.txt`, contentType: "text/plain" });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body as { id: string; etag: string; title: string };
  }
  const list = async (token: string, query: Record<string, string> = {}) => {
    const res = await api().get("/api/notifications").auth(token, bearer).query(query);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body as { items: Notification[]; nextCursor: string | null };
  };
  const unread = async (token: string) =>
    (await api().get("/api/notifications/unread").auth(token, bearer).expect(200)).body as { count: number; latestId: string | null };
  /** What the notifications table holds for a change on a case, by recipient (visible or not). */
  async function recipients(caseId: string, change: NotificationChange): Promise<string[]> {
    const rows = await svc.ctx.db.selectFrom("notifications").select("user_id").where("case_id", "=", caseId).where("change", "=", change).execute();
    return rows.map((r) => r.user_id).sort();
  }
  const onCase = (items: Notification[], caseId: string) => items.filter((n) => n.case?.id === caseId);
  const actor = async (userId: string): Promise<Actor> => (await loadActor(svc.ctx.db, userId))!;

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    const d = await createUser(svc.ctx.db, null, { email: "dorte@skole.dk", name: "Dorte Døgnvagt", role: "caseworker" });
    dorte = { id: d.id, token: (await issueApiToken(svc.ctx.db, d.id, "test")).token };
    team = (await createAccessGroup(svc.ctx.db, null, "Tilsyn", "The team's cases", { userIds: [w.users.alice, w.users.carl, d.id] })).id;
    confidential = (await createAccessGroup(svc.ctx.db, null, "Fortroligt", "Alice only", { userIds: [w.users.alice] })).id;
    teamTemplate = (
      await createTemplate(svc.ctx.db, null, {
        name: "Tilsynssag",
        accessGroupId: team,
        journalCode: "17.01.00",
        fields: [],
        documentTypeIds: [w.types.letter, w.types.note],
      })
    ).id;
  });
  after(() => svc.dispose());

  describe("each change makes one notification per follower and none for whoever made it", () => {
    let c: { id: string; number: string; title: string };
    before(async () => {
      // alice owns it, carl is responsible: both follow it without asking.
      c = await newCase(w.tokens.alice, "Kurt Jensen", w.users.carl);
    });

    it("a new document saved into the case (through POST /api/documents) reaches the owner and not the one who saved it", async () => {
      const doc = await saveDocument(w.tokens.carl, c.id, "Brev til forældre");
      expect(await recipients(c.id, "document_added")).to.deep.equal([w.users.alice]);
      const [n] = onCase((await list(w.tokens.alice)).items, c.id);
      expect(n).to.deep.include({
        change: "document_added",
        case: c,
        document: { id: doc.id, title: "Brev til forældre" },
        task: null,
        detail: "Brev til forældre",
        actor: { id: w.users.carl, name: "Carl Kollega" },
        read: false,
      });
      expect(Date.parse(n.at)).to.be.closeTo(Date.now(), 60_000);
      expect(onCase((await list(w.tokens.carl)).items, c.id)).to.deep.equal([]);
    });

    it("a new version names its label and reaches the responsible when the owner adds it", async () => {
      const doc = await saveDocument(w.tokens.alice, c.id, "Sundhedsoplysninger");
      const res = await api()
        .post(`/api/documents/${doc.id}/versions`)
        .auth(w.tokens.alice, bearer)
        .set("If-Match", doc.etag)
        .field("metadata", "{}")
        .attach("file", Buffer.from("ny udgave"), { filename: "Sundhedsoplysninger.txt", contentType: "text/plain" });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(await recipients(c.id, "version_added")).to.deep.equal([w.users.carl]);
      const [n] = onCase((await list(w.tokens.carl)).items, c.id);
      expect(n).to.deep.include({ change: "version_added", detail: "1.1", document: { id: doc.id, title: "Sundhedsoplysninger" } });
    });

    it("marking a document final makes version 2.0, which reaches the followers like any new version", async () => {
      const doc = await saveDocument(w.tokens.alice, c.id, "Elevplan til godkendelse");
      const res = await api().patch(`/api/documents/${doc.id}`).auth(w.tokens.alice, bearer).set("If-Match", doc.etag).send({ status: "final" });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      const [n] = onCase((await list(w.tokens.carl)).items, c.id).filter((x: { change: string }) => x.change === "version_added");
      expect(n).to.deep.include({ detail: "2.0", document: { id: doc.id, title: "Elevplan til godkendelse" } });
    });

    it("closing and reopening the case reach the responsible", async () => {
      await api().post(`/api/cases/${c.id}/close`).auth(w.tokens.alice, bearer).send({}).expect(200);
      await api().post(`/api/cases/${c.id}/reopen`).auth(w.tokens.alice, bearer).send({}).expect(200);
      expect(await recipients(c.id, "case_closed")).to.deep.equal([w.users.carl]);
      expect(await recipients(c.id, "case_reopened")).to.deep.equal([w.users.carl]);
      const items = onCase((await list(w.tokens.carl)).items, c.id);
      expect(items.slice(0, 2).map((n) => [n.change, n.document, n.detail])).to.deep.equal([
        ["case_reopened", null, ""],
        ["case_closed", null, ""],
      ]);
    });

    it("a comment on a document names its first 120 characters", async () => {
      const doc = await saveDocument(w.tokens.alice, c.id, "Indstillingsnotat");
      const body = `Jeg har læst notatet.\n\n${"Det ser fornuftigt ud. ".repeat(10)}`;
      await api().post(`/api/documents/${doc.id}/comments`).auth(w.tokens.carl, bearer).send({ body }).expect(201);
      expect(await recipients(c.id, "comment_added")).to.deep.equal([w.users.alice]);
      const [n] = onCase((await list(w.tokens.alice)).items, c.id);
      expect(n.change).to.equal("comment_added");
      expect(n.detail).to.have.length(120);
      expect(n.detail.startsWith("Jeg har læst notatet. Det ser fornuftigt ud.")).to.equal(true);
    });

    it("filing a floating document into the case reaches the responsible", async () => {
      const floating = await saveDocument(w.tokens.alice, null, "Skema fra sundhedsplejen", { accessGroupId: team });
      const carlsBefore = (await recipients(c.id, "document_added")).filter((id) => id === w.users.carl).length;
      await api().post(`/api/documents/${floating.id}/file`).auth(w.tokens.alice, bearer).set("If-Match", floating.etag).send({ caseId: c.id }).expect(200);
      expect((await recipients(c.id, "document_added")).filter((id) => id === w.users.carl)).to.have.length(carlsBefore + 1);
      const [n] = onCase((await list(w.tokens.carl)).items, c.id);
      expect(n).to.deep.include({
        change: "document_added",
        document: { id: floating.id, title: "Skema fra sundhedsplejen" },
        detail: "Skema fra sundhedsplejen",
      });
    });

    it("a task assigned and a party added (notify as the tasks and parties features call it) carry their task and detail", async () => {
      const now = new Date().toISOString();
      const taskId = "task-1";
      await svc.ctx.db
        .insertInto("tasks")
        .values({
          id: taskId,
          title: "Kontrol af budgetplan",
          description: "",
          case_id: c.id,
          document_id: null,
          assignee_type: "user",
          assignee_id: dorte.id,
          start_date: null,
          deadline: null,
          status: "open",
          created_at: now,
          created_by: w.users.alice,
          changed_at: now,
          completed_at: null,
        })
        .execute();
      const [alice, carl] = [await actor(w.users.alice), await actor(w.users.carl)];
      await svc.ctx.db.transaction().execute(async (trx) => {
        // The assignee hears of it besides the followers; a follower also named in alsoTo hears once, the actor never.
        expect(
          await notify(trx, {
            actor: alice,
            change: "task_assigned",
            caseId: c.id,
            taskId,
            detail: "Kontrol af budgetplan",
            alsoTo: [dorte.id, w.users.carl, w.users.alice],
          }),
        ).to.equal(2);
        expect(await notify(trx, { actor: carl, change: "party_added", caseId: c.id, detail: "Anna Jensen (Forælder)" })).to.equal(1);
      });
      expect(await recipients(c.id, "task_assigned")).to.deep.equal([w.users.carl, dorte.id].sort());
      const [assigned] = onCase((await list(dorte.token)).items, c.id);
      expect(assigned).to.deep.include({
        change: "task_assigned",
        task: { id: taskId, title: "Kontrol af budgetplan" },
        document: null,
        actor: { id: w.users.alice, name: "Alice Sagsbehandler" },
      });
      const [party] = onCase((await list(w.tokens.alice)).items, c.id);
      expect(party).to.deep.include({ change: "party_added", detail: "Anna Jensen (Forælder)", task: null, document: null });
    });

    it("a document outside a case, and a comment on it, notify nobody", async () => {
      const before = (
        await svc.ctx.db
          .selectFrom("notifications")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n;
      const floating = await saveDocument(w.tokens.alice, null, "Løst notat", { accessGroupId: team });
      await api().post(`/api/documents/${floating.id}/comments`).auth(w.tokens.carl, bearer).send({ body: "Hvor hører den til?" }).expect(201);
      const after = (
        await svc.ctx.db
          .selectFrom("notifications")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n;
      expect(after).to.equal(before);
    });
  });

  describe("following", () => {
    let c: { id: string };
    const following = (token: string, method: "get" | "put" | "delete" = "get") => api()[method](`/api/cases/${c.id}/following`).auth(token, bearer);
    before(async () => {
      c = await newCase(w.tokens.alice, "Elev 3", w.users.carl);
    });
    const comment = async (token: string, text: string) => {
      const doc = await saveDocument(w.tokens.alice, c.id, `Dokument ${text}`);
      await api().post(`/api/documents/${doc.id}/comments`).auth(token, bearer).send({ body: text }).expect(201);
      return text;
    };
    const heard = async (token: string) =>
      onCase((await list(token)).items, c.id)
        .filter((n) => n.change === "comment_added")
        .map((n) => n.detail);

    it("the owner and the responsible follow automatically; a colleague who sees the case does not until she chooses to", async () => {
      expect((await following(w.tokens.alice).expect(200)).body).to.deep.equal({ following: true, automatic: true });
      expect((await following(w.tokens.carl).expect(200)).body).to.deep.equal({ following: true, automatic: true });
      expect((await following(dorte.token).expect(200)).body).to.deep.equal({ following: false, automatic: false });
      await comment(w.tokens.carl, "før Dorte følger");
      expect(await heard(dorte.token)).to.deep.equal([]);
      expect((await following(dorte.token, "put").expect(200)).body).to.deep.equal({ following: true, automatic: false });
      expect((await following(dorte.token, "put").expect(200)).body).to.deep.equal({ following: true, automatic: false });
      await comment(w.tokens.carl, "efter Dorte følger");
      expect(await heard(dorte.token)).to.deep.equal(["efter Dorte følger"]);
      expect((await following(dorte.token, "delete").expect(200)).body).to.deep.equal({ following: false, automatic: false });
      await comment(w.tokens.carl, "efter Dorte stoppede");
      expect(await heard(dorte.token)).to.deep.equal(["efter Dorte følger"]);
    });

    it("an owner who unfollows hears nothing more until she follows again, automatically once more", async () => {
      expect((await following(w.tokens.alice, "delete").expect(200)).body).to.deep.equal({ following: false, automatic: false });
      expect((await following(w.tokens.alice).expect(200)).body).to.deep.equal({ following: false, automatic: false });
      await comment(w.tokens.carl, "mens Alice ikke følger");
      expect(await heard(w.tokens.alice)).to.not.include("mens Alice ikke følger");
      expect((await following(w.tokens.alice, "put").expect(200)).body).to.deep.equal({ following: true, automatic: true });
      await comment(w.tokens.carl, "da Alice følger igen");
      expect(await heard(w.tokens.alice)).to.include("da Alice følger igen");
    });

    it("following and unfollowing are recorded in the case's audit log", async () => {
      const events = await svc.ctx.db
        .selectFrom("audit_events")
        .select(["action", "actor_id"])
        .where("object_id", "=", c.id)
        .where("action", "like", "case.%follow")
        .orderBy("seq")
        .execute();
      expect(events.map((e) => [e.action, e.actor_id])).to.deep.equal([
        ["case.follow", dorte.id],
        ["case.unfollow", dorte.id],
        ["case.unfollow", w.users.alice],
        ["case.follow", w.users.alice],
      ]);
    });

    it("someone who may not see the case gets 404 for its following, as for a case that does not exist", async () => {
      for (const method of ["get", "put", "delete"] as const) {
        const res = await following(w.tokens.bob, method);
        expect(res.status, method).to.equal(404);
        expect(res.headers["content-type"]).to.match(/^application\/problem\+json/);
        expect(res.body.code).to.equal("not_found");
        await api()[method]("/api/cases/no-such-case/following").auth(w.tokens.alice, bearer).expect(404);
      }
      await api().get(`/api/cases/${c.id}/following`).expect(401);
    });
  });

  describe("nothing leaks a case or a document one cannot see", () => {
    it("a follower who loses access to the case sees neither its notifications nor their count; they return with the access", async () => {
      const narrow = (await createAccessGroup(svc.ctx.db, null, "Midlertidig", "For a while", { userIds: [w.users.alice, dorte.id] })).id;
      const template = (
        await createTemplate(svc.ctx.db, null, {
          name: "Midlertidig sag",
          accessGroupId: narrow,
          journalCode: "17.01.00",
          fields: [],
          documentTypeIds: [w.types.letter],
        })
      ).id;
      const res = await api().post("/api/cases").auth(w.tokens.alice, bearer).send({ templateId: template, title: "Timelærer" }).expect(201);
      const caseId = res.body.id;
      await api().put(`/api/cases/${caseId}/following`).auth(dorte.token, bearer).expect(200);
      await saveDocument(w.tokens.alice, caseId, "Ansættelsesbrev");
      const seen = await unread(dorte.token);
      expect(onCase((await list(dorte.token)).items, caseId)).to.have.length(1);

      const members = (userIds: string[]) => api().put(`/api/admin/access-groups/${narrow}/members`).auth(ADMIN_TOKEN, bearer).send({ userIds }).expect(200);
      await members([w.users.alice]);
      expect(onCase((await list(dorte.token)).items, caseId)).to.deep.equal([]);
      expect(onCase((await list(dorte.token, { unread: "true" })).items, caseId)).to.deep.equal([]);
      const hidden = await unread(dorte.token);
      expect(hidden.count).to.equal(seen.count - 1);
      await api().get(`/api/cases/${caseId}/following`).auth(dorte.token, bearer).expect(404);
      // Marking up to the newest does not reach it either: the number marked tells nothing of it.
      if (hidden.latestId) await api().post("/api/notifications/read").auth(dorte.token, bearer).send({ upTo: hidden.latestId }).expect(200);
      expect((await unread(dorte.token)).count).to.equal(0);

      await members([w.users.alice, dorte.id]);
      expect(await unread(dorte.token)).to.deep.equal({ count: 1, latestId: onCase((await list(dorte.token)).items, caseId)[0].id });
    });

    it("a document whose own access group leaves a follower out is not named to him, nor counted", async () => {
      const c = await newCase(w.tokens.alice, "Ansøgning", w.users.carl);
      const before = await unread(w.tokens.carl);
      const secret = await saveDocument(w.tokens.alice, c.id, "Lægeerklæring", { accessGroupId: confidential });
      expect(await recipients(c.id, "document_added")).to.deep.equal([w.users.carl]);
      expect((await list(w.tokens.carl)).items.map((n) => n.document?.id)).to.not.include(secret.id);
      expect(await unread(w.tokens.carl)).to.deep.equal(before);
      // An administrator sees every case and document, and so the notification they received.
      await api().put(`/api/cases/${c.id}/following`).auth(ADMIN_TOKEN, bearer).expect(200);
      await saveDocument(w.tokens.alice, c.id, "Lægeerklæring 2", { accessGroupId: confidential });
      expect((await list(ADMIN_TOKEN)).items[0]).to.deep.include({ change: "document_added", detail: "Lægeerklæring 2" });
    });

    it("one lists only one's own notifications", async () => {
      const mine = (await list(w.tokens.carl, { limit: "200" })).items;
      const rows = await svc.ctx.db.selectFrom("notifications").select("id").where("user_id", "=", w.users.carl).execute();
      expect(mine.length).to.be.greaterThan(0);
      expect(new Set(rows.map((r) => r.id))).to.include.all.keys(...mine.map((n) => n.id));
      expect((await list(w.tokens.erik)).items).to.deep.equal([]);
      expect(await unread(w.tokens.erik)).to.deep.equal({ count: 0, latestId: null });
    });
  });

  describe("unread, read and paging", () => {
    /** A case bob owns and erik (an external partner) sees through the partners' access group; erik does not follow it. */
    let erikCase: string;
    /** Makes n notifications for erik alone: party additions by bob, erik named in alsoTo. */
    async function notifyErik(n: number): Promise<void> {
      const by = await actor(w.users.bob);
      await svc.ctx.db.transaction().execute(async (trx) => {
        for (let i = 0; i < n; i++) await notify(trx, { actor: by, change: "party_added", caseId: erikCase, detail: `Part ${i}`, alsoTo: [w.users.erik] });
      });
    }
    before(async () => {
      const shared = await createTemplate(svc.ctx.db, null, {
        name: "Samarbejdssag",
        accessGroupId: w.accessGroups.partners,
        journalCode: "17.01.00",
        fields: [],
        documentTypeIds: [w.types.letter],
      });
      erikCase = (await api().post("/api/cases").auth(w.tokens.bob, bearer).send({ templateId: shared.id, title: "M/S August Jensen" }).expect(201)).body.id;
    });

    it("pages newest first with a cursor, every notification once, and unread=true leaves out the read", async () => {
      await notifyErik(7);
      const pages: Notification[][] = [];
      let cursor: string | null = null;
      do {
        const page: { items: Notification[]; nextCursor: string | null } = await list(w.tokens.erik, { limit: "3", ...(cursor ? { cursor } : {}) });
        pages.push(page.items);
        cursor = page.nextCursor;
      } while (cursor);
      expect(pages.map((p) => p.length)).to.deep.equal([3, 3, 1]);
      const all = pages.flat();
      expect(all.map((n) => n.detail).sort()).to.deep.equal([0, 1, 2, 3, 4, 5, 6].map((i) => `Part ${i}`));
      // Newest first; those made in the same millisecond by id.
      const sorted = [...all].sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1));
      expect(all.map((n) => n.id)).to.deep.equal(sorted.map((n) => n.id));

      expect(
        await api()
          .post("/api/notifications/read")
          .auth(w.tokens.erik, bearer)
          .send({ ids: [all[0].id, all[2].id] })
          .expect(200),
      ).to.have.nested.property("body.marked", 2);
      const unreadOnly = (await list(w.tokens.erik, { unread: "true" })).items;
      expect(unreadOnly.map((n) => n.id)).to.deep.equal(all.filter((_, i) => i !== 0 && i !== 2).map((n) => n.id));
      expect((await list(w.tokens.erik, { unread: "false" })).items).to.have.length(7);
      expect(await unread(w.tokens.erik)).to.deep.equal({ count: 5, latestId: all[1].id });
    });

    it("marks all read up to the newest shown, and not one that came after it", async () => {
      const shown = (await list(w.tokens.erik)).items[0];
      await notifyErik(1);
      const res = await api().post("/api/notifications/read").auth(w.tokens.erik, bearer).send({ upTo: shown.id }).expect(200);
      expect(res.body).to.deep.equal({ marked: 5 });
      const left = (await list(w.tokens.erik, { unread: "true" })).items;
      expect(left).to.have.length(1);
      expect(left[0].detail).to.equal("Part 0");
      expect(left[0].read).to.equal(false);
      expect((await list(w.tokens.erik)).items.filter((n) => n.read)).to.have.length(7);
      expect((await api().post("/api/notifications/read").auth(w.tokens.erik, bearer).send({ upTo: shown.id }).expect(200)).body).to.deep.equal({ marked: 0 });
      expect((await api().post("/api/notifications/read").auth(w.tokens.erik, bearer).send({ upTo: left[0].id }).expect(200)).body).to.deep.equal({
        marked: 1,
      });
      expect(await unread(w.tokens.erik)).to.deep.equal({ count: 0, latestId: null });
    });

    it("another person's notification ids are not marked, and answered as if they did not exist", async () => {
      await notifyErik(1);
      const his = (await list(w.tokens.erik, { unread: "true" })).items[0];
      for (const body of [{ ids: [his.id] }, { upTo: his.id }, { ids: ["no-such-notification"] }, { upTo: "no-such-notification" }]) {
        expect((await api().post("/api/notifications/read").auth(w.tokens.alice, bearer).send(body).expect(200)).body, JSON.stringify(body)).to.deep.equal({
          marked: 0,
        });
      }
      expect(await unread(w.tokens.erik)).to.deep.equal({ count: 1, latestId: his.id });
    });

    it("the unread count stops at 100 and names the newest", async () => {
      await notifyErik(104);
      const newest = (await list(w.tokens.erik, { limit: "1" })).items[0];
      expect(await unread(w.tokens.erik)).to.deep.equal({ count: 100, latestId: newest.id });
      expect((await api().post("/api/notifications/read").auth(w.tokens.erik, bearer).send({ upTo: newest.id }).expect(200)).body).to.deep.equal({
        marked: 105,
      });
    });

    it("the unread count has an ETag: 304 while nothing changed, a new answer once something has", async () => {
      const first = await api().get("/api/notifications/unread").auth(w.tokens.erik, bearer).expect(200);
      const etag = first.headers.etag;
      expect(etag).to.match(/^"u0-none"$/);
      expect(first.headers["cache-control"]).to.equal("private, no-cache");
      const again = await api().get("/api/notifications/unread").auth(w.tokens.erik, bearer).set("If-None-Match", etag).expect(304);
      expect(again.text ?? "").to.equal("");
      await notifyErik(1);
      const changed = await api().get("/api/notifications/unread").auth(w.tokens.erik, bearer).set("If-None-Match", etag).expect(200);
      expect(changed.body.count).to.equal(1);
      expect(changed.headers.etag).to.not.equal(etag);
    });

    it("refuses bad input with problem+json", async () => {
      const refused = async (req: request.Test, status: number, code: string) => {
        const res = await req;
        expect(res.status, JSON.stringify(res.body)).to.equal(status);
        expect(res.headers["content-type"]).to.match(/^application\/problem\+json/);
        expect(res.body.code).to.equal(code);
      };
      const get = (query: string) => api().get(`/api/notifications?${query}`).auth(w.tokens.alice, bearer);
      await refused(get("limit=0"), 400, "invalid_request");
      await refused(get("limit=201"), 400, "invalid_request");
      await refused(get("unread=yes"), 400, "invalid_request");
      await refused(get("cursor=bm90LWEtY3Vyc29y"), 400, "invalid_cursor");
      await refused(get(`cursor=${Buffer.from(JSON.stringify([1, 2])).toString("base64url")}`), 400, "invalid_cursor");
      const read = (body: unknown) =>
        api()
          .post("/api/notifications/read")
          .auth(w.tokens.alice, bearer)
          .send(body as object);
      for (const body of [{}, { ids: [] }, { upTo: 5 }, { upTo: "a", ids: ["b"] }, { ids: Array.from({ length: 201 }, (_, i) => `n${i}`) }, { all: true }]) {
        await refused(read(body), 400, "invalid_request");
      }
      await refused(
        api().post("/api/notifications/read").auth(w.tokens.alice, bearer).set("Content-Type", "text/plain").send("upTo"),
        415,
        "unsupported_media_type",
      );
      await refused(api().get("/api/notifications"), 401, "unauthenticated");
      await refused(api().get("/api/notifications/unread"), 401, "unauthenticated");
    });
  });
});
