import { randomInt } from "node:crypto";
import pg from "pg";
import Cursor from "pg-cursor";
import { RateLimiterPostgres } from "rate-limiter-flexible";
import { CompiledQuery, Kysely, PostgresDialect, PostgresDriver, sql, type DatabaseConnection, type QueryResult, type TransactionSettings } from "kysely";
import type { Database } from "./database.ts";
import type { Liveness, OpenedDatabase } from "./opened.ts";

// PostgreSQL, for an archive that outgrows one process (DATABASE_URL=postgres://…). Everything PostgreSQL-only lives here
// and in dialect.ts; the migrations and repositories are the same for both engines.

/** Connections one process keeps: a request holds one for its transaction, so a few more than the requests a core runs at once. */
const POOL_SIZE = 10;

/**
 * The lock every write transaction takes first (pg_advisory_xact_lock; released at commit or rollback). The archive was built on
 * SQLite's one writer at a time, and its rules rely on it: a case number, a version number or an audit link is read and then
 * written in one transaction, unchallenged. Taken here it holds across every service and worker process on the database, so
 * the same rules hold unchanged, and reads, which take no lock, go on beside the writer.
 */
export const WRITE_LOCK = 0x1_4d53_0001;
/** The audit chain's own lock, for a writer that appends outside a write transaction (lockAuditChain). */
export const AUDIT_LOCK = 0x1_4d53_0002;
/** Held (for the session) by a process in an exclusive section: its start-up steps. */
const EXCLUSIVE_LOCK = 0x1_4d53_0003;
/** The first key of the two-key advisory lock a running process holds for as long as it runs: (LIVE_LOCKS, its mark). */
const LIVE_LOCKS = 0x4d53;

/** The table rate limiters share their counts in (failed sign-ins per address, across every process). */
const RATE_LIMITS = "rate_limits";

// int8 (count(*), sums, bigserial) as a number: the archive's counts and ids stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Whether a statement writes: run outside a transaction, it is given one of its own that takes the write lock. */
function writes(query: CompiledQuery): boolean {
  const kind = query.query.kind;
  if (kind === "InsertQueryNode" || kind === "UpdateQueryNode" || kind === "DeleteQueryNode" || kind === "MergeQueryNode") return true;
  return kind === "RawNode" && /^\s*(insert|update|delete|merge)\b/i.test(query.sql);
}

/**
 * A pooled connection that knows whether it is in a transaction. A write outside one (an autocommit statement) runs in a
 * transaction of its own that takes the write lock too, so it never interleaves its row locks with a write transaction's:
 * every write on the database runs one at a time, as on SQLite, and none can deadlock with another.
 */
type PostgresConnection = Parameters<PostgresDriver["releaseConnection"]>[0];

class SerialConnection implements DatabaseConnection {
  inTransaction = false;
  constructor(readonly inner: PostgresConnection) {}
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.inTransaction || !writes(query)) return this.inner.executeQuery<R>(query);
    await this.inner.executeQuery(CompiledQuery.raw("begin"));
    try {
      await this.inner.executeQuery(CompiledQuery.raw(`select pg_advisory_xact_lock(${WRITE_LOCK})`));
      const result = await this.inner.executeQuery<R>(query);
      await this.inner.executeQuery(CompiledQuery.raw("commit"));
      return result;
    } catch (err) {
      await this.inner.executeQuery(CompiledQuery.raw("rollback")).catch(() => {});
      throw err;
    }
  }
  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize ?? 100);
  }
}

class SerialWritesDriver extends PostgresDriver {
  readonly #wrapped = new WeakMap<DatabaseConnection, SerialConnection>();
  override async acquireConnection(): Promise<DatabaseConnection> {
    const inner = (await super.acquireConnection()) as PostgresConnection;
    let connection = this.#wrapped.get(inner);
    if (!connection) this.#wrapped.set(inner, (connection = new SerialConnection(inner)));
    return connection;
  }
  override async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await super.releaseConnection((connection as SerialConnection).inner);
  }
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const serial = connection as SerialConnection;
    await super.beginTransaction(serial.inner, settings);
    serial.inTransaction = true;
    if (settings.accessMode !== "read only") await serial.inner.executeQuery(CompiledQuery.raw(`select pg_advisory_xact_lock(${WRITE_LOCK})`));
  }
  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const serial = connection as SerialConnection;
    serial.inTransaction = false;
    await super.commitTransaction(serial.inner);
  }
  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const serial = connection as SerialConnection;
    serial.inTransaction = false;
    await super.rollbackTransaction(serial.inner);
  }
}

class SerialWritesDialect extends PostgresDialect {
  constructor(private readonly settings: ConstructorParameters<typeof PostgresDialect>[0]) {
    super(settings);
  }
  override createDriver() {
    return new SerialWritesDriver(this.settings);
  }
}

export function openPostgres(url: string, options: { readOnly?: boolean } = {}): OpenedDatabase {
  const pool = new pg.Pool({
    connectionString: url,
    max: POOL_SIZE,
    // No parallel plans: the service answers many small requests side by side, and starting a parallel plan's workers took
    // longer than the search they served (a rare word on a million documents: 12 ms with two workers, 2 ms without).
    // Inspection tools look without changing anything.
    options: ["-c max_parallel_workers_per_gather=0", ...(options.readOnly ? ["-c default_transaction_read_only=on"] : [])].join(" "),
  });
  // A connection the server closes (restart, failover) while idle in the pool must not end the process: the pool drops it.
  pool.on("error", () => {});
  const db = new Kysely<Database>({ dialect: new SerialWritesDialect({ pool, cursor: Cursor }) });
  // A process is alive while the connection holding its lock is open: when it dies, PostgreSQL closes the connection and
  // the lock goes with it, so another process can tell at once, with no heartbeat to wait out.
  let live: Promise<{ mark: string; lose(): void }> | undefined;
  const liveness: Liveness = {
    async mine() {
      if (!live) {
        const made: Promise<{ mark: string; lose(): void }> = (async () => {
          const client = await pool.connect();
          // A connection lost (the server restarted) took the lock with it: the next claim takes a new mark and lock.
          let released = false;
          const lost = () => {
            if (live === made) live = undefined;
            if (released) return;
            released = true;
            client.release(true);
          };
          client.on("error", lost);
          const mark = String(randomInt(1, 2 ** 31 - 1));
          try {
            await client.query("select pg_advisory_lock($1, $2)", [LIVE_LOCKS, mark]);
          } catch (err) {
            lost();
            throw err;
          }
          return { mark, lose: lost };
        })();
        live = made;
        made.catch(() => {
          if (live === made) live = undefined;
        });
      }
      return (await live).mark;
    },
    async alive(mark) {
      if (!/^[0-9]{1,10}$/.test(mark)) return false;
      const { rows } = await pool.query<{ alive: boolean }>(
        `select exists (select 1 from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())
           and classid = $1::oid and objid = $2::oid and objsubid = 2 and granted) as alive`,
        [LIVE_LOCKS, mark],
      );
      return rows[0].alive;
    },
  };
  return {
    db,
    engine: "postgres",
    rateLimits: (limiter) => new RateLimiterPostgres({ ...limiter, storeClient: pool, storeType: "pool", tableName: RATE_LIMITS, tableCreated: true }),
    async afterMigrations() {
      // rate-limiter-flexible's own table, as it would make it; made here, under the write lock, so two processes starting at
      // once do not both try.
      await db.transaction().execute(async (trx) => {
        await sql`CREATE TABLE IF NOT EXISTS ${sql.table(RATE_LIMITS)} (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`.execute(
          trx,
        );
      });
    },
    async exclusively(work) {
      const held = await pool.connect();
      try {
        await held.query(`select pg_advisory_lock(${EXCLUSIVE_LOCK})`);
        return await work();
      } finally {
        await held.query(`select pg_advisory_unlock(${EXCLUSIVE_LOCK})`).catch(() => {});
        held.release();
      }
    },
    async integrityCheck() {
      // PostgreSQL checks its own pages (checksums, WAL replay); here: the server answers and the schema is readable.
      const { rows } = await pool.query("select count(*) as n from information_schema.tables where table_schema = current_schema()");
      return Number(rows[0]?.n) > 0 ? "ok" : "no tables";
    },
    async maintain() {
      // Autovacuum keeps the statistics; nothing to do by hand.
    },
    async backup() {
      throw new Error("A PostgreSQL archive is backed up with pg_dump or a base backup (README: Running at scale), not by the service.");
    },
    liveness,
    async close() {
      if (live) (await live.catch(() => undefined))?.lose();
      await db.destroy();
    },
  };
}
