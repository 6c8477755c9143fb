import { expect } from "chai";
import SqliteDatabase from "better-sqlite3";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "kysely";
import sinon from "sinon";
import { openSqlite, withStatementCache } from "../../service/db/dialect.ts";

const require = createRequire(import.meta.url);

// The SQLite dialect: prepared statements kept and reused, transactions that begin immediate so that a second process on
// the same file (a worker) never turns a read-then-write transaction into SQLITE_BUSY, and group commit: nothing is answered
// before the WAL holding it is fsynced, and commits made during an fsync share the next one.

describe("the SQLite dialect (SQLite)", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-dialect-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("prepares a statement once and reuses it; one still being iterated is not handed out twice", () => {
    const native = new SqliteDatabase(":memory:");
    const prepare = sinon.spy(native, "prepare");
    const db = withStatementCache(native);
    db.prepare("create table t (n integer)").run();
    for (let n = 0; n < 3; n++) db.prepare("insert into t values (?)").run(n);
    expect(prepare.callCount).to.equal(2);
    const first = db.prepare("select n from t order by n");
    const rows = first.iterate();
    expect((rows.next().value as { n: number }).n).to.equal(0);
    // Busy iterating: another statement for the same SQL, and the first goes on where it was.
    const second = db.prepare("select n from t order by n");
    expect(second).to.not.equal(first);
    expect(second.all()).to.deep.equal([{ n: 0 }, { n: 1 }, { n: 2 }]);
    expect([...rows]).to.deep.equal([{ n: 1 }, { n: 2 }]);
    expect(db.prepare("select n from t order by n")).to.equal(first);
    db.close();
  });

  it("keeps the 500 most recently used statements", () => {
    const native = new SqliteDatabase(":memory:");
    const db = withStatementCache(native);
    const oldest = db.prepare("select 0");
    for (let i = 1; i <= 500; i++) db.prepare(`select ${i}`);
    expect(db.prepare("select 500")).to.equal(db.prepare("select 500"));
    expect(db.prepare("select 0")).to.not.equal(oldest);
    db.close();
  });

  it("a transaction that reads and then writes, while another process writes, waits its turn instead of failing with SQLITE_BUSY", async () => {
    const file = path.join(dir, "db.sqlite");
    const a = openSqlite(file);
    try {
      await sql`create table counter (n integer)`.execute(a.db);
      await sql`insert into counter values (0)`.execute(a.db);
      let other: ReturnType<typeof spawn> | undefined;
      let otherDone: Promise<number | null> | undefined;
      await a.db.transaction().execute(async (trx) => {
        const { rows } = await sql<{ n: number }>`select n from counter`.execute(trx);
        // Another process (as a worker is) writes now. Begun deferred, this transaction's write below would then fail at once.
        const script = `const D = require(${JSON.stringify(require.resolve("better-sqlite3"))}); const d = new D(${JSON.stringify(file)});
          d.pragma("busy_timeout = 10000"); process.stdout.write("writing\\n"); d.prepare("update counter set n = n + 10").run(); d.close();`;
        other = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
        otherDone = new Promise((resolve) => other!.once("exit", resolve));
        await new Promise((resolve) => other!.stdout!.once("data", resolve));
        await new Promise((resolve) => setTimeout(resolve, 200));
        await sql`update counter set n = ${rows[0].n + 1}`.execute(trx);
      });
      expect(await otherDone).to.equal(0);
      const { rows } = await sql<{ n: number }>`select n from counter`.execute(a.db);
      expect(rows).to.deep.equal([{ n: 11 }]);
    } finally {
      await a.close();
    }
  });

  describe("group commit", () => {
    /** fsyncs of any file, each held until `release` lets the oldest one run. */
    let held: Array<() => void>;
    let syncs: sinon.SinonStub;
    beforeEach(async () => {
      held = [];
      const probe = await fs.promises.open(path.join(dir, "probe"), "w");
      const prototype = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
      await probe.close();
      const real = prototype.sync;
      syncs = sinon.stub(prototype, "sync").callsFake(function (this: unknown) {
        return new Promise<void>((resolve, reject) => held.push(() => real.call(this).then(resolve, reject)));
      });
    });
    afterEach(() => syncs.restore());
    const release = async () => {
      await until(() => held.length > 0);
      held.shift()!();
    };
    const until = async (ok: () => boolean) => {
      for (let i = 0; !ok(); i++) {
        if (i > 500) throw new Error("timed out");
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    };
    const settled = <T>(p: Promise<T>) => {
      const state = { done: false };
      void p.then(() => (state.done = true));
      return state;
    };
    const count = (file: string) => {
      const reader = new SqliteDatabase(file, { readonly: true });
      try {
        return (reader.prepare("select count(*) as n from t").get() as { n: number }).n;
      } finally {
        reader.close();
      }
    };

    it("answers a write only once the WAL is fsynced, and writes made meanwhile share the next fsync", async () => {
      const file = path.join(dir, "db.sqlite");
      const a = openSqlite(file);
      try {
        const created = sql`create table t (n integer)`.execute(a.db);
        // The WAL's directory entry is made durable once, then the WAL.
        await release();
        await release();
        await created;
        const fsyncsBefore = syncs.callCount;
        const first = a.db
          .insertInto("t" as never)
          .values({ n: 1 } as never)
          .execute();
        const firstDone = settled(first);
        await until(() => held.length === 1);
        // Committed (another connection sees it), not yet answered.
        expect(count(file)).to.equal(1);
        expect(firstDone.done).to.equal(false);
        // While that fsync runs, five more transactions commit; none is answered either.
        const more = [2, 3, 4, 5, 6].map((n) =>
          a.db.transaction().execute((trx) =>
            trx
              .insertInto("t" as never)
              .values({ n } as never)
              .execute(),
          ),
        );
        const moreDone = more.map(settled);
        await until(() => count(file) === 6);
        expect(moreDone.some((d) => d.done)).to.equal(false);
        await release();
        await first;
        expect(moreDone.some((d) => d.done)).to.equal(false);
        // One fsync covers all five.
        await release();
        await Promise.all(more);
        expect(syncs.callCount - fsyncsBefore).to.equal(2);
      } finally {
        syncs.restore();
        await a.close();
      }
    });

    it("a read waits for the fsync of the commits before it: no answer shows what a power cut could undo", async () => {
      const file = path.join(dir, "db.sqlite");
      const a = openSqlite(file);
      try {
        const created = sql`create table t (n integer)`.execute(a.db);
        await release();
        await release();
        await created;
        const write = a.db
          .insertInto("t" as never)
          .values({ n: 1 } as never)
          .execute();
        await until(() => held.length === 1);
        const read = sql<{ n: number }>`select count(*) as n from t`.execute(a.db);
        const readDone = settled(read);
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(readDone.done).to.equal(false);
        await release();
        expect((await read).rows).to.deep.equal([{ n: 1 }]);
        await write;
        // Nothing new committed: a read answers at once.
        expect((await sql<{ n: number }>`select count(*) as n from t`.execute(a.db)).rows).to.deep.equal([{ n: 1 }]);
      } finally {
        syncs.restore();
        await a.close();
      }
    });

    it("after a failed fsync, the write and every later one are refused, not acknowledged", async () => {
      const file = path.join(dir, "db.sqlite");
      const a = openSqlite(file);
      try {
        syncs.restore();
        await sql`create table t (n integer)`.execute(a.db);
        const probe = await fs.promises.open(file, "r");
        const prototype = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
        await probe.close();
        syncs = sinon.stub(prototype, "sync").rejects(Object.assign(new Error("EIO: i/o error"), { code: "EIO" }));
        let refused: unknown;
        await a.db
          .insertInto("t" as never)
          .values({ n: 1 } as never)
          .execute()
          .catch((err) => (refused = err));
        expect(String(refused)).to.match(/write-ahead log could not be made durable: EIO/);
        syncs.restore();
        refused = undefined;
        await a.db
          .insertInto("t" as never)
          .values({ n: 2 } as never)
          .execute()
          .catch((err) => (refused = err));
        expect(String(refused)).to.match(/could not be made durable/);
      } finally {
        syncs.restore();
        await a.close();
      }
    });

    it("in memory, with no WAL, SQLite's own commits are waited for and nothing else", async () => {
      const a = openSqlite(":memory:");
      try {
        await sql`create table t (n integer)`.execute(a.db);
        await a.db
          .insertInto("t" as never)
          .values({ n: 1 } as never)
          .execute();
        expect(syncs.callCount).to.equal(0);
      } finally {
        await a.close();
      }
    });
  });
});
