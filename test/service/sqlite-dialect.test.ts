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

// The SQLite dialect: prepared statements kept and reused, and transactions that begin immediate so that a second process on
// the same file (a worker) never turns a read-then-write transaction into SQLITE_BUSY.

describe("the SQLite dialect", () => {
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
});
