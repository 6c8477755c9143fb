import SqliteDatabase from "better-sqlite3";
import { expect } from "chai";
import { Kysely, sql, SqliteDialect, type CompiledQuery } from "kysely";
import type { Database } from "../../../service/db/database.ts";
import type { Actor } from "../../../service/features/access/actor.ts";
import { loadActor } from "../../../service/features/auth/load-actor.ts";
import { listNotifications, markRead, newestUnreadIds } from "../../../service/features/notifications/notifications.repository.ts";
import type { NotificationTable } from "../../../service/features/notifications/notifications.table.ts";
import { insertManyCases } from "../../bench/many-cases.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../../support/service.ts";
import { buildWorld, type World } from "../../support/world.ts";

// The dashboard's "Seneste notificeringer" and the top bar's count must stay quick however many notifications
// there are: each reads the person's own index newest first and checks visibility row by row through primary
// keys, never collecting every visible case or sorting. (npm run bench times them on 1,000,000.)

const CASES = 20_000;
const PER_PERSON = 20_000;

describe("notifications are read off the person's own index, newest first, visibility checked per row (SQLite)", function () {
  this.timeout(300_000);
  let svc: TestService;
  let w: World;
  let readOnly: SqliteDatabase.Database;
  let db: Kysely<Database>;
  const ran: CompiledQuery[] = [];
  /** alice's notifications on cases she sees; the rest are on the board's cases of others. */
  let aliceVisible = 0;
  let aliceVisibleUnread = 0;

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    await insertManyCases(svc.ctx.db, w, CASES);
    const cases = await svc.ctx.db.selectFrom("cases").select(["id", "access_group_id", "owner_id"]).where("id", "like", "bench-case-%").execute();
    // alice sees the pupil cases (her access group) and the board's cases she owns.
    const aliceSees = (c: (typeof cases)[number]) => c.access_group_id === w.accessGroups.school || c.owner_id === w.users.alice;
    const start = Date.UTC(2025, 0, 1);
    for (const userId of [w.users.alice, w.users.bob, w.users.carl]) {
      const rows: NotificationTable[] = [];
      for (let k = 0; k < PER_PERSON; k++) {
        const c = cases[(k * 7919) % cases.length];
        const unread = k > PER_PERSON - 2000 || k % 50 === 0;
        rows.push({
          id: `n-${userId.slice(0, 8)}-${String(k).padStart(6, "0")}`,
          user_id: userId,
          change: "document_added",
          case_id: c.id,
          document_id: null,
          task_id: null,
          detail: `Dokument ${k}`,
          actor_id: w.users.bob,
          at: new Date(start + k * 60_000).toISOString(),
          read_at: unread ? null : new Date(start + k * 60_000 + 1000).toISOString(),
        });
        if (userId === w.users.alice && aliceSees(c)) {
          aliceVisible++;
          if (unread) aliceVisibleUnread++;
        }
      }
      await svc.ctx.db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 500)
          await trx
            .insertInto("notifications")
            .values(rows.slice(i, i + 500))
            .execute();
      });
    }
    // The planner's statistics, as the service's periodic upkeep (PRAGMA optimize) gathers them for a grown table.
    await sql`analyze`.execute(svc.ctx.db);
    readOnly = new SqliteDatabase(svc.config.databaseFile, { readonly: true });
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: readOnly }), log: (e) => void ran.push(e.query) });
  });
  after(async () => {
    await db?.destroy();
    await svc?.dispose();
  });

  const alice = async (): Promise<Actor> => (await loadActor(db, w.users.alice))!;
  /** SQLite's plan for each query `run` made, one string each. */
  async function plansOf(run: () => Promise<unknown>): Promise<string[]> {
    ran.length = 0;
    await run();
    return ran.map((q) =>
      (readOnly.prepare(`explain query plan ${q.sql}`).all(...(q.parameters as unknown[])) as Array<{ detail: string }>).map((r) => r.detail).join(" | "),
    );
  }
  function expectWalk(plan: string, index: string): void {
    expect(plan).to.match(new RegExp(`^SEARCH notifications USING (COVERING )?INDEX ${index} \\(user_id=\\?`));
    expect(plan).to.not.contain("TEMP B-TREE");
    expect(plan).to.not.contain("SCAN");
    // The case and document of each row are looked up by primary key, not gathered through the access indexes.
    expect(plan).to.contain("SEARCH cases USING INDEX sqlite_autoindex_cases_1 (id=?)");
    expect(plan).to.contain("SEARCH documents USING INDEX sqlite_autoindex_documents_1 (id=?)");
    expect(plan).to.not.match(/cases_(owner|responsible|access)/);
  }

  it("the dashboard's latest ten walk notifications_user, and skip the cases she does not see", async () => {
    const actor = await alice();
    let rows: Awaited<ReturnType<typeof listNotifications>> = [];
    const [plan] = await plansOf(async () => (rows = await listNotifications(db, actor, { unread: false, limit: 10 })));
    expectWalk(plan, "notifications_user");
    expect(rows).to.have.length(11);
    const visibleCases = new Set(
      (
        await db
          .selectFrom("cases")
          .select("id")
          .where((eb) => eb.or([eb("access_group_id", "=", w.accessGroups.school), eb("owner_id", "=", w.users.alice)]))
          .execute()
      ).map((c) => c.id),
    );
    for (const r of rows) expect(visibleCases.has(r.case_id!), r.id).to.equal(true);
    expect(rows.map((r) => r.at)).to.deep.equal(
      rows
        .map((r) => r.at)
        .sort()
        .reverse(),
    );
  });

  it("a later page starts the walk where the last one ended", async () => {
    const actor = await alice();
    const first = await listNotifications(db, actor, { unread: false, limit: 50 });
    const last = first[49];
    let next: typeof first = [];
    const [plan] = await plansOf(async () => (next = await listNotifications(db, actor, { unread: false, after: [last.at, last.id], limit: 50 })));
    expectWalk(plan, "notifications_user");
    expect(plan).to.match(/\(user_id=\? AND \(at,id\)<\(\?,\?\)\)/);
    expect(next[0].at < last.at).to.equal(true);
  });

  it("the top bar's count walks notifications_unread and stops at a hundred", async () => {
    const actor = await alice();
    let ids: string[] = [];
    const [plan] = await plansOf(async () => (ids = await newestUnreadIds(db, actor, 100)));
    expectWalk(plan, "notifications_unread");
    expect(ids).to.have.length(100);
    expect(aliceVisibleUnread).to.be.greaterThan(100);
    const all = await newestUnreadIds(db, actor, 100_000);
    expect(all).to.have.length(aliceVisibleUnread);
    expect((await listNotifications(db, actor, { unread: false, limit: 100_000 })).length).to.equal(aliceVisible);
  });

  it("the unread page and marking read up to one walk notifications_unread too", async () => {
    const actor = await alice();
    const [page] = await plansOf(() => listNotifications(db, actor, { unread: true, limit: 25 }));
    expectWalk(page, "notifications_unread");
    // Marked for real through a second connection that records what it ran; its plans are asked of the first.
    const marked: CompiledQuery[] = [];
    const writable = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new SqliteDatabase(svc.config.databaseFile) }),
      log: (e) => void marked.push(e.query),
    });
    const upTo = (await listNotifications(db, actor, { unread: true, limit: 300 }))[299];
    const visibleUpTo = (await newestUnreadIds(db, actor, 100_000)).length - 299;
    try {
      expect(await markRead(writable, actor, { upTo: [upTo.at, upTo.id] }, new Date().toISOString())).to.equal(visibleUpTo);
    } finally {
      await writable.destroy();
    }
    const plan = marked
      .map((q) =>
        (readOnly.prepare(`explain query plan ${q.sql}`).all(...(q.parameters as unknown[])) as Array<{ detail: string }>).map((r) => r.detail).join(" | "),
      )
      .join(" ");
    expect(plan).to.match(/SEARCH notifications USING (COVERING )?INDEX notifications_unread \(user_id=\? AND \(at,id\)<=?\(\?,\?\)\)/);
    expect(plan).to.not.contain("TEMP B-TREE");
    expect(plan).to.not.contain("SCAN");
    expect(await newestUnreadIds(db, actor, 100_000)).to.have.length(299);
  });
});
