import { expect } from "chai";
import { CompiledQuery, type Compilable } from "kysely";
import type { Actor } from "../../../service/features/access/actor.ts";
import { loadActor } from "../../../service/features/auth/load-actor.ts";
import { walkQuery } from "../../../service/features/tasks/tasks.repository.ts";
import type { Task } from "../../../shared/api/types.ts";
import { ADMIN_TOKEN } from "../../support/service.ts";
import { danishDays, group, taskClient, taskWorld, user, type TaskWorld } from "./task-world.ts";

/** The order every task listing promises: by deadline, those without one last, then by id. */
const listingOrder = (a: Pick<Task, "deadline" | "id">, b: Pick<Task, "deadline" | "id">) => {
  if ((a.deadline === null) !== (b.deadline === null)) return a.deadline === null ? 1 : -1;
  if (a.deadline !== b.deadline) return a.deadline! < b.deadline! ? -1 : 1;
  return a.id < b.id ? -1 : 1;
};

describe("task lists", () => {
  let tw: TaskWorld;
  let c: ReturnType<typeof taskClient>;
  const tokens = () => tw.w.tokens;
  const users = () => tw.w.users;

  /** Walks a listing page by page: every item in the order the pages gave them, and how many pages it took. */
  async function walk(token: string, path: string, query: Record<string, string>): Promise<{ items: Task[]; pages: number }> {
    const items: Task[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await c.as(token).get(`${path}?${new URLSearchParams({ ...query, ...(cursor ? { cursor } : {}) })}`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
      expect(pages).to.be.below(100);
    } while (cursor);
    return { items, pages };
  }

  before(async () => {
    tw = await taskWorld();
    c = taskClient(tw);
  });
  after(() => tw.svc.dispose());

  describe("my tasks", () => {
    const made: Task[] = [];
    let otherCase: { id: string };

    before(async () => {
      const one = await c.pupilCase("Elev 1");
      const two = await c.pupilCase("Elev 2");
      otherCase = two;
      const deadlines = ["2026-03-01", "2026-01-15", null, "2026-01-15", "2026-02-01", null, "2025-12-24", "2026-01-15", null, "2026-06-30"];
      // Mine, my group's, and someone else's; open, in progress and done, with deadlines shared and missing.
      for (let i = 0; i < deadlines.length * 2; i++) {
        const assignee = i % 3 === 0 ? user(users().alice) : i % 3 === 1 ? group(tw.groups.office) : user(users().carl);
        const t = await c.createTask(tokens().carl, {
          caseId: i % 2 ? one.id : two.id,
          title: `Opgave ${i}`,
          assignee,
          deadline: deadlines[i % deadlines.length],
        });
        const status = i % 4 === 0 ? "in_progress" : i % 4 === 3 ? "done" : "open";
        made.push(status === "open" ? t : (await c.as(tokens().carl).patch(`/api/tasks/${t.id}`, { status }).expect(200)).body);
      }
    });

    const forAlice = (t: Task) =>
      (t.assignee?.type === "user" && t.assignee.id === users().alice) || (t.assignee?.type === "group" && t.assignee.id === tw.groups.office);
    const ids = (ts: Task[]) => ts.map((t) => t.id);

    it("are those assigned to me or my group that are not done, by deadline (none last) then id, paged by a keyset cursor", async () => {
      const expected = made.filter((t) => forAlice(t) && t.status !== "done").sort(listingOrder);
      expect(expected.length).to.be.greaterThan(7);
      const { items, pages } = await walk(tokens().alice, "/api/tasks", { mine: "true", limit: "3" });
      expect(ids(items)).to.deep.equal(ids(expected));
      expect(pages).to.equal(Math.ceil(expected.length / 3));
      expect(items.some((t) => t.assignee?.type === "group") && items.some((t) => t.assignee?.type === "user")).to.equal(true);
      const first = await c.as(tokens().alice).get("/api/tasks?mine=true&limit=10").expect(200);
      expect(ids(first.body.items)).to.deep.equal(ids(expected.slice(0, 10)));
    });

    it("a group's task is among every member's tasks", async () => {
      const groupTasks = ids(made.filter((t) => t.assignee?.type === "group" && t.status !== "done"));
      const carls = ids((await walk(tokens().carl, "/api/tasks", { mine: "true", limit: "50" })).items);
      expect(carls).to.include.members(groupTasks);
    });

    it("filter by status: done, open, in progress or all, in the same order", async () => {
      for (const status of ["done", "open", "in_progress", "all"] as const) {
        const expected = made.filter((t) => forAlice(t) && (status === "all" || t.status === status)).sort(listingOrder);
        const { items } = await walk(tokens().alice, "/api/tasks", { mine: "true", status, limit: "4" });
        expect(ids(items), status).to.deep.equal(ids(expected));
      }
    });

    it("without mine: every task one sees (staff), whoever has it, in the same order", async () => {
      const { items } = await walk(tokens().alice, "/api/tasks", { limit: "7" });
      const expected = made.filter((t) => t.status !== "done").sort(listingOrder);
      expect(ids(items)).to.deep.equal(ids(expected));
      const bobs = (await walk(tokens().bob, "/api/tasks", { status: "all", limit: "7" })).items;
      expect(bobs).to.deep.equal([]);
      const admins = (await walk(ADMIN_TOKEN, "/api/tasks", { limit: "200" })).items;
      expect(ids(admins)).to.include.members(ids(expected));
    });

    it("a case's tasks, all statuses unless asked, in the same order and paged", async () => {
      const expected = made.filter((t) => t.case?.id === otherCase.id).sort(listingOrder);
      const { items, pages } = await walk(tokens().alice, `/api/cases/${otherCase.id}/tasks`, { limit: "2" });
      expect(ids(items)).to.deep.equal(ids(expected));
      expect(pages).to.equal(Math.ceil(expected.length / 2));
      const open = (await walk(tokens().alice, `/api/cases/${otherCase.id}/tasks`, { status: "not_done", limit: "3" })).items;
      expect(ids(open)).to.deep.equal(ids(expected.filter((t) => t.status !== "done")));
    });
  });

  // After "my tasks" (mocha runs a suite's own tests before its inner suites): these make tasks for alice too.
  describe("overdue", () => {
    it("overdue: not done and the deadline before today in Denmark; a deadline today, a done task and one without a deadline are not", async () => {
      const { today, yesterday, tomorrow } = danishDays();
      const k = await c.pupilCase("Frister");
      const make = async (deadline: string | null, status?: "done") => {
        const t = await c.createTask(tokens().alice, { caseId: k.id, deadline, assignee: user(users().alice) });
        return status ? (await c.as(tokens().alice).patch(`/api/tasks/${t.id}`, { status }).expect(200)).body : t;
      };
      const cases: Array<[Task, boolean]> = [
        [await make("2019-09-09"), true],
        [await make(yesterday), true],
        [await make(today), false],
        [await make(tomorrow), false],
        [await make(null), false],
        [await make(yesterday, "done"), false],
      ];
      for (const [t, overdue] of cases) expect(t.overdue, `${t.deadline} ${t.status}`).to.equal(overdue);
      const listed = new Map((await walk(tokens().alice, `/api/cases/${k.id}/tasks`, { limit: "50" })).items.map((t) => [t.id, t.overdue]));
      for (const [t, overdue] of cases) expect(listed.get(t.id)).to.equal(overdue);
      expect((await c.as(tokens().alice).get(`/api/tasks/${cases[1][0].id}`).expect(200)).body.overdue).to.equal(true);
    });
  });

  describe("bad input", () => {
    it("bad queries are 400 problem+json, never 5xx; an unknown record is 404", async () => {
      const bad = [
        "/api/tasks?limit=0",
        "/api/tasks?limit=201",
        "/api/tasks?limit=ten",
        "/api/tasks?status=closed",
        "/api/tasks?mine=yes",
        "/api/tasks?cursor=not-a-cursor",
        `/api/tasks?cursor=${Buffer.from(JSON.stringify([2, "", "x"])).toString("base64url")}`,
        `/api/tasks?cursor=${Buffer.from(JSON.stringify(["a", "b"])).toString("base64url")}`,
        `/api/tasks?cursor=${"x".repeat(501)}`,
      ];
      for (const url of bad) {
        const res = await c.as(tokens().alice).get(url);
        expect(res.status, url).to.equal(400);
        expect(res.headers["content-type"], url).to.match(/^application\/problem\+json/);
      }
      const k = await c.pupilCase("Cursor");
      const cursorBad = await c.as(tokens().alice).get(`/api/cases/${k.id}/tasks?cursor=zzz`);
      expect(cursorBad.status).to.equal(400);
      expect(cursorBad.body.code).to.equal("invalid_cursor");
      await c.as(tokens().alice).get("/api/cases/no-such-case/tasks").expect(404);
      await c.as(tokens().alice).get("/api/documents/no-such-document/tasks").expect(404);
      await c.as(tokens().alice).get("/api/tasks/%ff").expect(400);
    });
  });

  describe("the plan behind 'Mine opgaver' (SQLite)", () => {
    let alice: Actor;
    before(async () => {
      alice = (await loadActor(tw.svc.ctx.db, users().alice))!;
    });
    /** SQLite's plan for a query as the repository builds it, one line per step. */
    const plan = async (q: Compilable) => {
      const { sql: text, parameters } = q.compile();
      const { rows } = await tw.svc.ctx.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${text}`, [...parameters]));
      return rows.map((r) => r.detail);
    };

    it("walks tasks_assignee for one assignee and status in deadline order, checking visibility per row by primary key, with no sort", async () => {
      for (const dated of [true, false]) {
        const steps = await plan(
          walkQuery(tw.svc.ctx.db, alice, {
            status: "open",
            assignee: user(users().alice),
            dated,
            after: { undated: 0, deadline: "2026-01-01", id: "x" },
            limit: 11,
          }),
        );
        expect(steps[0], steps.join("\n")).to.match(/^SEARCH tasks USING INDEX tasks_assignee \(assignee_id=\? AND status=\? AND (deadline|\(deadline,id\))/);
        expect(steps.join("\n")).to.not.match(/TEMP B-TREE/);
        for (const s of steps.filter((s) => /\b(cases|documents)\b/.test(s)))
          expect(s, steps.join("\n")).to.match(/USING (INTEGER PRIMARY KEY|INDEX sqlite_autoindex_\w+|PRIMARY KEY)/);
      }
    });

    it("walks tasks_status for the list of every task, with no sort", async () => {
      const steps = await plan(walkQuery(tw.svc.ctx.db, alice, { status: "in_progress", dated: true, limit: 26 }));
      expect(steps[0], steps.join("\n")).to.match(/^SEARCH tasks USING INDEX tasks_status \(status=\? AND deadline/);
      expect(steps.join("\n")).to.not.match(/TEMP B-TREE/);
    });
  });
});
