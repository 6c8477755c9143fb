import { expect } from "chai";
import type { Task, TaskDetails } from "../../../shared/api/types.ts";
import { ADMIN_TOKEN } from "../../support/service.ts";
import { group, taskClient, taskWorld, user, type TaskWorld } from "./task-world.ts";

describe("tasks (opgaver)", () => {
  let tw: TaskWorld;
  let c: ReturnType<typeof taskClient>;
  let pupilCase: { id: string; number: string; title: string };
  const tokens = () => tw.w.tokens;
  const users = () => tw.w.users;

  const auditOf = (taskId: string) =>
    tw.svc.ctx.db.selectFrom("audit_events").selectAll().where("object_type", "=", "task").where("object_id", "=", taskId).orderBy("seq").execute();
  const mine = async (token: string, query: Record<string, string> = {}): Promise<Task[]> => {
    const res = await c.as(token).get(`/api/tasks?${new URLSearchParams({ mine: "true", limit: "200", ...query })}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.items;
  };

  before(async () => {
    tw = await taskWorld();
    c = taskClient(tw);
    pupilCase = await c.pupilCase("Elev 1");
  });
  after(() => tw.svc.dispose());

  describe("creating a task", () => {
    it("a caseworker creates a task on a case she sees for a colleague who sees it: 201 with the task and its ETag", async () => {
      const t = await c.createTask(tokens().alice, {
        title: "Udarbejdelse af indstillingsnotat",
        description: "Til næste møde",
        caseId: pupilCase.id,
        assignee: user(users().carl),
        startDate: "2026-01-05",
        deadline: "2026-01-20",
      });
      expect(t).to.deep.include({
        title: "Udarbejdelse af indstillingsnotat",
        description: "Til næste møde",
        case: { id: pupilCase.id, number: pupilCase.number, title: "Elev 1" },
        document: null,
        assignee: { type: "user", id: users().carl, name: "Carl Kollega" },
        startDate: "2026-01-05",
        deadline: "2026-01-20",
        status: "open",
        createdBy: { id: users().alice, name: "Alice Sagsbehandler" },
        completedAt: null,
        comments: [],
      });
      const audit = await auditOf(t.id);
      expect(audit.map((e) => e.action)).to.deep.equal(["task.create"]);
      expect(JSON.parse(audit[0].details)).to.include({ title: "Udarbejdelse af indstillingsnotat", caseId: pupilCase.id });
    });

    it("a task on a document names the document and the document's case; one without an assignee has none", async () => {
      const doc = await c.saveDocument(tokens().alice, { documentTypeId: tw.w.types.pupil, caseId: pupilCase.id }, "Budgetark.txt");
      const t = await c.createTask(tokens().alice, { title: "Kontrol af budgetplan", documentId: doc.id });
      expect(t.document).to.deep.equal({ id: doc.id, title: "Budgetark" });
      expect(t.case).to.deep.equal({ id: pupilCase.id, number: pupilCase.number, title: "Elev 1" });
      expect(t.assignee).to.equal(null);
      const onDocument = await c.as(tokens().alice).get(`/api/documents/${doc.id}/tasks`).expect(200);
      expect(onDocument.body.items.map((x: Task) => x.id)).to.deep.equal([t.id]);
    });

    it("names exactly one of caseId and documentId: both or neither is 400 problem+json", async () => {
      const doc = await c.saveDocument(tokens().alice, { documentTypeId: tw.w.types.pupil, caseId: pupilCase.id }, "Notat.txt");
      for (const body of [{ title: "x" }, { title: "x", caseId: pupilCase.id, documentId: doc.id }]) {
        const res = await c.as(tokens().alice).post("/api/tasks", body);
        expect(res.status).to.equal(400);
        expect(res.headers["content-type"]).to.match(/^application\/problem\+json/);
        expect(res.body.code).to.equal("invalid_request");
      }
    });

    it("refuses bad input with 400, never 5xx: no title, a bad date, a deadline before the start, an unknown field, a bad assignee type", async () => {
      const bodies = [
        { caseId: pupilCase.id },
        { title: "  ", caseId: pupilCase.id },
        { title: "x", caseId: pupilCase.id, deadline: "2026-02-30" },
        { title: "x", caseId: pupilCase.id, startDate: "2026-03-02", deadline: "2026-03-01" },
        { title: "x", caseId: pupilCase.id, priority: "high" },
        { title: "x", caseId: pupilCase.id, assignee: { type: "team", id: users().carl } },
        { title: "x", caseId: 42 },
      ];
      for (const body of bodies) {
        const res = await c.as(tokens().alice).post("/api/tasks", body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.code).to.equal("invalid_request");
      }
    });

    it("a case the caseworker cannot see answers 404 exactly like a missing one, and the refusal is audited", async () => {
      const hidden = await c.as(tokens().bob).post("/api/tasks", { title: "x", caseId: pupilCase.id });
      const missing = await c.as(tokens().bob).post("/api/tasks", { title: "x", caseId: "no-such-case" });
      expect(hidden.status).to.equal(404);
      expect({ ...hidden.body, instance: null }).to.deep.equal({ ...missing.body, instance: null });
      const refusals = await tw.svc.ctx.db
        .selectFrom("audit_events")
        .select("seq")
        .where("action", "=", "access.refused")
        .where("actor_id", "=", users().bob)
        .where("object_id", "=", pupilCase.id)
        .execute();
      expect(refusals.length).to.be.greaterThan(0);
    });

    it("external partners cannot create tasks, not even on a case shared with them (403)", async () => {
      const shared = await c.newCase(tokens().bob, { templateId: tw.templates.partner, title: "M/S August Jensen" });
      const res = await c.as(tokens().erik).post("/api/tasks", { title: "x", caseId: shared.id });
      expect(res.status).to.equal(403);
      expect(res.body.code).to.equal("forbidden");
    });

    it("a closed case takes no new tasks (409 case_closed)", async () => {
      const closed = await c.pupilCase("Afsluttet elev");
      await c.as(tokens().alice).post(`/api/cases/${closed.id}/close`, {}).expect(200);
      const res = await c.as(tokens().alice).post("/api/tasks", { title: "x", caseId: closed.id });
      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal("case_closed");
    });

    it("the assignee is an active user who sees the record, or a group that exists; anything else is 422 with a code", async () => {
      const deactivated = await c.as(ADMIN_TOKEN).post("/api/admin/users", { email: "gone@skole.dk", name: "Gone", role: "caseworker" });
      expect(deactivated.status, JSON.stringify(deactivated.body)).to.equal(201);
      await c
        .as(ADMIN_TOKEN)
        .patch(`/api/admin/users/${deactivated.body.id}`, { active: false })
        .expect((r) => expect(r.status).to.be.lessThan(300));
      const cases: Array<[unknown, string, string]> = [
        [user("no-such-user"), "unknown_user", "no-such-user"],
        [user(deactivated.body.id), "unknown_user", deactivated.body.id],
        [user(users().bob), "assignee_cannot_see", "Bob Bestyrelse"],
        [group("no-such-group"), "unknown_group", "no-such-group"],
      ];
      for (const [assignee, code, named] of cases) {
        const res = await c.as(tokens().alice).post("/api/tasks", { title: "x", caseId: pupilCase.id, assignee });
        expect(res.status, JSON.stringify(assignee)).to.equal(422);
        expect(res.body.code).to.equal(code);
        expect(res.body.detail).to.contain(named);
      }
      const toGroup = await c.createTask(tokens().alice, { caseId: pupilCase.id, assignee: group(tw.groups.board) });
      expect(toGroup.assignee).to.deep.equal({ type: "group", id: tw.groups.board, name: "Bestyrelsessekretariatet" });
    });
  });

  describe("reading a task", () => {
    it("answers the task with its comments, oldest first, and its ETag", async () => {
      const t = await c.createTask(tokens().alice, { caseId: pupilCase.id, assignee: user(users().carl) });
      await c.as(tokens().carl).post(`/api/tasks/${t.id}/comments`, { body: "Jeg kigger på det." }).expect(201);
      await c.as(tokens().alice).post(`/api/tasks/${t.id}/comments`, { body: "Tak!" }).expect(201);
      const res = await c.as(tokens().alice).get(`/api/tasks/${t.id}`).expect(200);
      expect(res.headers.etag).to.equal(t.etag);
      expect((res.body as TaskDetails).comments.map((x) => [x.author.name, x.body])).to.deep.equal([
        ["Carl Kollega", "Jeg kigger på det."],
        ["Alice Sagsbehandler", "Tak!"],
      ]);
    });

    it("a task on a case one cannot see answers 404 exactly like a missing task, and the refusal is audited on the task", async () => {
      const t = await c.createTask(tokens().alice, { caseId: pupilCase.id });
      const hidden = await c.as(tokens().bob).get(`/api/tasks/${t.id}`);
      const missing = await c.as(tokens().bob).get("/api/tasks/no-such-task");
      expect(hidden.status).to.equal(404);
      expect({ ...hidden.body, instance: null }).to.deep.equal({ ...missing.body, instance: null });
      expect((await auditOf(t.id)).map((e) => [e.action, e.actor_id])).to.deep.include(["access.refused", users().bob]);
      for (const [method, body] of [
        ["patch", { status: "done" }],
        ["post", { body: "hej" }],
      ] as const) {
        const url = method === "patch" ? `/api/tasks/${t.id}` : `/api/tasks/${t.id}/comments`;
        const res = await c.as(tokens().bob)[method](url, body);
        expect(res.status, `${method} ${url}`).to.equal(404);
        expect(res.body.detail).to.equal(missing.body.detail);
      }
      expect((await auditOf(t.id)).filter((e) => e.action === "access.refused").length, "refusals in a rolled-back write are audited too").to.equal(3);
    });
  });

  describe("changing a task", () => {
    it("done stamps completedAt and leaving done clears it; each change moves the ETag on and is audited with what changed", async () => {
      const t = await c.createTask(tokens().alice, { caseId: pupilCase.id, assignee: user(users().carl) });
      const started = await c.as(tokens().carl).patch(`/api/tasks/${t.id}`, { status: "in_progress" }, t.etag).expect(200);
      expect(started.body).to.include({ status: "in_progress", completedAt: null });
      expect(started.headers.etag).to.equal(started.body.etag).and.not.equal(t.etag);
      const done = await c.as(tokens().carl).patch(`/api/tasks/${t.id}`, { status: "done" }, started.body.etag).expect(200);
      expect(done.body.status).to.equal("done");
      expect(Date.parse(done.body.completedAt)).to.be.closeTo(Date.now(), 60_000);
      const reopened = await c.as(tokens().alice).patch(`/api/tasks/${t.id}`, { status: "open" }).expect(200);
      expect(reopened.body).to.include({ status: "open", completedAt: null });
      const audit = (await auditOf(t.id)).filter((e) => e.action === "task.update").map((e) => JSON.parse(e.details));
      expect(audit.map((d) => d.status)).to.deep.equal([
        { from: "open", to: "in_progress" },
        { from: "in_progress", to: "done" },
        { from: "done", to: "open" },
      ]);
      expect(audit[1].completed_at.from).to.equal(null);
    });

    it("staff change title, description, dates and assignee; a change that changes nothing keeps the ETag", async () => {
      const t = await c.createTask(tokens().alice, { caseId: pupilCase.id });
      const res = await c.as(tokens().carl).patch(`/api/tasks/${t.id}`, {
        title: "Kontrol af budgetplan",
        description: "Se bilaget",
        startDate: "2026-02-01",
        deadline: "2026-02-10",
        assignee: group(tw.groups.office),
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body).to.deep.include({
        title: "Kontrol af budgetplan",
        description: "Se bilaget",
        startDate: "2026-02-01",
        deadline: "2026-02-10",
        assignee: { type: "group", id: tw.groups.office, name: "Skolekontoret" },
      });
      const same = await c
        .as(tokens().carl)
        .patch(`/api/tasks/${t.id}`, { title: "Kontrol af budgetplan", assignee: group(tw.groups.office) })
        .expect(200);
      expect(same.body.etag).to.equal(res.body.etag);
      const cleared = await c.as(tokens().carl).patch(`/api/tasks/${t.id}`, { assignee: null, deadline: null }).expect(200);
      expect(cleared.body).to.include({ assignee: null, deadline: null });
    });

    it("a stale If-Match is 412 naming the current ETag; the current one, * or none go through", async () => {
      const t = await c.createTask(tokens().alice, { caseId: pupilCase.id });
      const moved = await c.as(tokens().alice).patch(`/api/tasks/${t.id}`, { title: "Ny titel" }, t.etag).expect(200);
      const stale = await c.as(tokens().alice).patch(`/api/tasks/${t.id}`, { title: "Gammel" }, t.etag);
      expect(stale.status).to.equal(412);
      expect(stale.body).to.include({ code: "precondition_failed", currentEtag: moved.body.etag });
      expect(stale.headers.etag).to.equal(moved.body.etag);
      expect((await c.as(tokens().alice).get(`/api/tasks/${t.id}`)).body.title).to.equal("Ny titel");
      await c.as(tokens().alice).patch(`/api/tasks/${t.id}`, { title: "A" }, moved.body.etag).expect(200);
      await c.as(tokens().alice).patch(`/api/tasks/${t.id}`, { title: "B" }, "*").expect(200);
      await c.as(tokens().alice).patch(`/api/tasks/${t.id}`, { title: "C" }).expect(200);
    });

    it("refuses a deadline before the start date (422), a bad assignee (422), an empty patch and a bad status (400)", async () => {
      const t = await c.createTask(tokens().alice, { caseId: pupilCase.id, startDate: "2026-03-10" });
      const early = await c.as(tokens().alice).patch(`/api/tasks/${t.id}`, { deadline: "2026-03-01" });
      expect(early.status).to.equal(422);
      expect(early.body.code).to.equal("deadline_before_start");
      const bob = await c.as(tokens().alice).patch(`/api/tasks/${t.id}`, { assignee: user(users().bob) });
      expect(bob.status).to.equal(422);
      expect(bob.body.code).to.equal("assignee_cannot_see");
      for (const body of [{}, { status: "closed" }, { completedAt: "2026-01-01" }]) {
        const res = await c.as(tokens().alice).patch(`/api/tasks/${t.id}`, body);
        expect(res.status, JSON.stringify(body)).to.equal(400);
        expect(res.body.code).to.equal("invalid_request");
      }
      const malformed = await c.as(tokens().alice).patch(`/api/tasks/${t.id}`, {}).set("Content-Type", "application/json").send("{");
      expect(malformed.status).to.equal(400);
    });

    describe("an external partner", () => {
      let shared: { id: string };
      before(async () => {
        shared = await c.newCase(tokens().bob, { templateId: tw.templates.partner, title: "Naturgenopretning" });
      });

      it("assigned the task changes its status and nothing else (403 for anything more)", async () => {
        const t = await c.createTask(tokens().bob, { caseId: shared.id, title: "Godkendelse af afrapportering / milepælsplan", assignee: user(users().erik) });
        expect((await mine(tokens().erik)).map((x) => x.id)).to.include(t.id);
        const done = await c.as(tokens().erik).patch(`/api/tasks/${t.id}`, { status: "done" }, t.etag);
        expect(done.status, JSON.stringify(done.body)).to.equal(200);
        expect(done.body.status).to.equal("done");
        for (const body of [{ title: "Min titel" }, { status: "open", deadline: "2027-01-01" }, { assignee: null }]) {
          const res = await c.as(tokens().erik).patch(`/api/tasks/${t.id}`, body);
          expect(res.status, JSON.stringify(body)).to.equal(403);
          expect(res.body.code).to.equal("forbidden");
        }
        expect((await c.as(tokens().erik).get(`/api/tasks/${t.id}`)).body).to.include({
          title: "Godkendelse af afrapportering / milepælsplan",
          status: "done",
        });
      });

      it("in a group the task is assigned to changes its status too; not assigned, cannot change it (403) but sees and comments on it", async () => {
        const forGroup = await c.createTask(tokens().bob, { caseId: shared.id, assignee: group(tw.groups.partners) });
        await c.as(tokens().erik).patch(`/api/tasks/${forGroup.id}`, { status: "in_progress" }).expect(200);
        const others = await c.createTask(tokens().bob, { caseId: shared.id, assignee: user(users().bob) });
        const res = await c.as(tokens().erik).patch(`/api/tasks/${others.id}`, { status: "done" });
        expect(res.status).to.equal(403);
        await c.as(tokens().erik).get(`/api/tasks/${others.id}`).expect(200);
        const comment = await c.as(tokens().erik).post(`/api/tasks/${others.id}/comments`, { body: "Jeg har set det." });
        expect(comment.status).to.equal(201);
        expect(comment.body).to.deep.include({ body: "Jeg har set det.", author: { id: users().erik, name: "Erik Ekstern" } });
      });

      it("lists only the tasks assigned to them: the list of every task is staff's (403)", async () => {
        const res = await c.as(tokens().erik).get("/api/tasks");
        expect(res.status).to.equal(403);
        const list = await c.as(tokens().erik).get(`/api/cases/${shared.id}/tasks`).expect(200);
        expect(list.body.items.length).to.be.greaterThan(0);
      });
    });

    it("in a closed case only the status changes, so left-over work can be finished (409 case_closed for the rest)", async () => {
      const closing = await c.pupilCase("Elev der lukkes");
      const t = await c.createTask(tokens().alice, { caseId: closing.id, assignee: user(users().alice) });
      await c.as(tokens().alice).post(`/api/cases/${closing.id}/close`, {}).expect(200);
      const renamed = await c.as(tokens().alice).patch(`/api/tasks/${t.id}`, { title: "Ny" });
      expect(renamed.status).to.equal(409);
      expect(renamed.body.code).to.equal("case_closed");
      await c.as(tokens().alice).patch(`/api/tasks/${t.id}`, { status: "done" }).expect(200);
      await c.as(tokens().alice).post(`/api/tasks/${t.id}/comments`, { body: "Afsluttet sammen med sagen." }).expect(201);
    });
  });

  describe("comments", () => {
    it("anyone who sees the task comments (201); an empty or overlong comment is 400", async () => {
      const t = await c.createTask(tokens().alice, { caseId: pupilCase.id });
      const res = await c.as(tokens().carl).post(`/api/tasks/${t.id}/comments`, { body: "  Klaret  " });
      expect(res.status).to.equal(201);
      expect(res.body).to.deep.include({ body: "Klaret", author: { id: users().carl, name: "Carl Kollega" } });
      expect((await auditOf(t.id)).map((e) => e.action)).to.deep.equal(["task.create", "task.comment"]);
      for (const body of [{ body: "   " }, { body: "x".repeat(10_001) }, {}, { body: 7 }]) {
        const bad = await c.as(tokens().carl).post(`/api/tasks/${t.id}/comments`, body);
        expect(bad.status).to.equal(400);
      }
    });
  });

  describe("notifications", () => {
    let followed: { id: string };
    before(async () => {
      // Alice owns it, carl is responsible: both follow it without asking; bob follows nothing here.
      followed = await c.pupilCase("Kurt Jensen", { responsibleId: users().carl });
    });

    it("assigning a task tells the assignee and the case's followers, never the one who assigned it", async () => {
      const t = await c.createTask(ADMIN_TOKEN, { caseId: followed.id, title: "Ring til forældre", assignee: user(users().alice) });
      const sent = await c.notificationsOf(t.id);
      expect(sent.map((n) => n.user_id).sort()).to.deep.equal([users().alice, users().carl].sort());
      for (const n of sent)
        expect(n).to.include({ change: "task_assigned", case_id: followed.id, task_id: t.id, detail: "Ring til forældre", actor_id: tw.admin });
    });

    it("a group's task goes to its active members once, also when they follow the case; not to the actor", async () => {
      const t = await c.createTask(tokens().alice, { caseId: followed.id, assignee: group(tw.groups.office) });
      expect((await c.notificationsOf(t.id)).map((n) => n.user_id)).to.deep.equal([users().carl]);
    });

    it("reassigning tells the new assignee; a change that is no reassignment tells nobody", async () => {
      const t = await c.createTask(tokens().alice, { caseId: followed.id });
      expect(await c.notificationsOf(t.id)).to.deep.equal([]);
      await c.as(tokens().alice).patch(`/api/tasks/${t.id}`, { title: "Svar på henvendelse", deadline: "2026-05-01" }).expect(200);
      expect(await c.notificationsOf(t.id)).to.deep.equal([]);
      await c
        .as(tokens().carl)
        .patch(`/api/tasks/${t.id}`, { assignee: user(users().alice) })
        .expect(200);
      const sent = await c.notificationsOf(t.id);
      expect(sent.map((n) => [n.user_id, n.change, n.detail, n.actor_id])).to.deep.equal([
        [users().alice, "task_assigned", "Svar på henvendelse", users().carl],
      ]);
    });

    it("a comment tells the assignee, the task's creator and the followers, not its author; the detail is its first 120 characters", async () => {
      const t = await c.createTask(tokens().alice, { caseId: followed.id, assignee: user(users().carl) });
      const before = (await c.notificationsOf(t.id)).length;
      const long = `Jeg har ringet. ${"Forældrene vender tilbage. ".repeat(10)}`;
      await c.as(tokens().carl).post(`/api/tasks/${t.id}/comments`, { body: long }).expect(201);
      const sent = (await c.notificationsOf(t.id)).slice(before);
      expect(sent.map((n) => n.user_id)).to.deep.equal([users().alice]);
      expect(sent[0]).to.include({ change: "comment_added", case_id: followed.id, detail: long.slice(0, 120), actor_id: users().carl });
    });

    it("a task on a floating document has no case: only the assignee hears of it, with the document named", async () => {
      const floating = await c.saveDocument(
        tokens().alice,
        { documentTypeId: tw.w.types.pupil, caseId: null, accessGroupId: tw.w.accessGroups.school },
        "Skema.txt",
      );
      const t = await c.createTask(tokens().alice, { documentId: floating.id, assignee: user(users().carl) });
      expect(t.case).to.equal(null);
      const sent = await c.notificationsOf(t.id);
      expect(sent.map((n) => [n.user_id, n.case_id, n.document_id])).to.deep.equal([[users().carl, null, floating.id]]);
    });

    it("a refused change sends nothing (the notifications roll back with it)", async () => {
      const t = await c.createTask(tokens().alice, { caseId: followed.id });
      await c
        .as(tokens().alice)
        .patch(`/api/tasks/${t.id}`, { assignee: user(users().bob) })
        .expect(422);
      expect(await c.notificationsOf(t.id)).to.deep.equal([]);
    });
  });

  describe("who sees a task", () => {
    it("a task on a case one lost access to leaves one's tasks and answers 404, also when it is assigned to one", async () => {
      const board = await c.newCase(tokens().bob, { templateId: tw.w.templates.board, title: "Bestyrelsesmøde", responsibleId: users().carl });
      const t = await c.createTask(tokens().bob, { caseId: board.id, assignee: user(users().carl), deadline: "2026-01-01" });
      expect((await mine(tokens().carl)).map((x) => x.id)).to.include(t.id);
      await c.as(tokens().bob).patch(`/api/cases/${board.id}`, { responsibleId: null }).expect(200);
      expect((await mine(tokens().carl, { status: "all" })).map((x) => x.id)).to.not.include(t.id);
      const all = await c.as(tokens().carl).get("/api/tasks?status=all&limit=200").expect(200);
      expect(all.body.items.map((x: Task) => x.id)).to.not.include(t.id);
      await c.as(tokens().carl).get(`/api/tasks/${t.id}`).expect(404);
      await c.as(tokens().carl).get(`/api/cases/${board.id}/tasks`).expect(404);
      await c.as(tokens().carl).patch(`/api/tasks/${t.id}`, { status: "done" }).expect(404);
    });

    it("a task on a floating document is seen only with the document: a group member who cannot see it neither lists nor reads it", async () => {
      const floating = await c.saveDocument(tokens().alice, { documentTypeId: tw.w.types.pupil, caseId: null }, "Kun Alices.txt");
      const cannot = await c.as(tokens().alice).post("/api/tasks", { title: "x", documentId: floating.id, assignee: user(users().carl) });
      expect(cannot.status).to.equal(422);
      expect(cannot.body.code).to.equal("assignee_cannot_see");
      const t = await c.createTask(tokens().alice, { documentId: floating.id, assignee: group(tw.groups.office) });
      expect((await mine(tokens().alice)).map((x) => x.id)).to.include(t.id);
      expect((await mine(tokens().carl)).map((x) => x.id)).to.not.include(t.id);
      await c.as(tokens().carl).get(`/api/tasks/${t.id}`).expect(404);
      await c.as(tokens().carl).get(`/api/documents/${floating.id}/tasks`).expect(404);
      await c.as(ADMIN_TOKEN).get(`/api/tasks/${t.id}`).expect(200);
    });

    it("a case's tasks include those on its documents one sees, and leave out those on documents narrowed from one", async () => {
      const k = await c.newCase(tokens().alice, { templateId: tw.templates.confidential, title: "Elev med fortroligt notat" });
      const open = await c.saveDocument(tokens().alice, { documentTypeId: tw.w.types.note, caseId: k.id }, "Notat.txt");
      const narrowed = await c.saveDocument(tokens().alice, { documentTypeId: tw.types.confidential, caseId: k.id }, "Fortroligt.txt");
      const onCase = await c.createTask(tokens().alice, { caseId: k.id, deadline: "2026-01-03" });
      const onOpen = await c.createTask(tokens().alice, { documentId: open.id, deadline: "2026-01-01" });
      const onNarrowed = await c.createTask(tokens().alice, { documentId: narrowed.id, deadline: "2026-01-02" });
      const ids = async (token: string) => (await c.as(token).get(`/api/cases/${k.id}/tasks`).expect(200)).body.items.map((x: Task) => x.id);
      expect(await ids(tokens().alice)).to.deep.equal([onOpen.id, onNarrowed.id, onCase.id]);
      expect(await ids(tokens().carl)).to.deep.equal([onOpen.id, onCase.id]);
      await c.as(tokens().carl).get(`/api/tasks/${onNarrowed.id}`).expect(404);
      const hidden = await c.as(tokens().carl).post("/api/tasks", { title: "x", caseId: k.id, assignee: user(users().carl) });
      expect(hidden.status).to.equal(201);
      const onlyAlice = await c.as(tokens().alice).post("/api/tasks", { title: "x", documentId: narrowed.id, assignee: user(users().carl) });
      expect(onlyAlice.body.code).to.equal("assignee_cannot_see");
    });

    it("GET /api/groups lists the groups with their active members for staff; external partners get 403", async () => {
      const res = await c.as(tokens().alice).get("/api/groups").expect(200);
      expect(res.body.items).to.deep.include({ id: tw.groups.office, name: "Skolekontoret", members: 2 });
      expect(res.body.items).to.deep.include({ id: tw.groups.partners, name: "Eksterne partnere", members: 1 });
      const names = res.body.items.map((g: { name: string }) => g.name);
      expect(names).to.deep.equal([...names].sort((a: string, b: string) => a.localeCompare(b)));
      expect((await c.as(tokens().erik).get("/api/groups")).status).to.equal(403);
    });
  });
});
