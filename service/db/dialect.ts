import fs from "node:fs";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { CompiledQuery, Kysely, PostgresAdapter, sql, SqliteDialect, SqliteDriver, type DatabaseConnection, type RawBuilder, type SqlBool } from "kysely";
import { RateLimiterMemory } from "rate-limiter-flexible";
import type { Config } from "../config.ts";
import type { Database, Executor } from "./database.ts";
import type { Engine, OpenedDatabase } from "./opened.ts";
import { AUDIT_LOCK, openPostgres } from "./postgres.ts";

// The one place that knows which SQL engine is underneath: SQLite, embedded (the default), or PostgreSQL (DATABASE_URL). Everything
// SQLite-only lives here, everything PostgreSQL-only in postgres.ts; the helpers below give what differs one name for both.

export type { Engine, LimiterOptions, Liveness, OpenedDatabase, RateLimits } from "./opened.ts";

/** Prepared statements kept for reuse, the most recently used last. */
const STATEMENTS_KEPT = 500;

/**
 * The database as Kysely's driver sees it, with its prepared statements kept by their SQL and reused: preparing (parsing and
 * planning) a statement costs more than running a small one, and the same few hundred statements run again and again. A
 * statement still being iterated (a streamed query) is not handed out twice; another is prepared beside it. `onWrite` hears of
 * every statement prepared to change the database: the driver runs what it prepares at once, so that is when it writes.
 */
export function withStatementCache(
  native: SqliteDatabase.Database,
  onWrite: () => void = () => {},
): { prepare(sql: string): SqliteDatabase.Statement; close(): void } {
  const kept = new Map<string, SqliteDatabase.Statement>();
  const found = (text: string) => {
    const statement = kept.get(text);
    if (statement && !statement.busy) {
      kept.delete(text);
      kept.set(text, statement);
      return statement;
    }
    const fresh = native.prepare(text);
    if (!statement) {
      kept.set(text, fresh);
      if (kept.size > STATEMENTS_KEPT) kept.delete(kept.keys().next().value!);
    }
    return fresh;
  };
  return {
    prepare(text) {
      const statement = found(text);
      if (!statement.readonly) onWrite();
      return statement;
    },
    close() {
      kept.clear();
      native.close();
    },
  };
}

/**
 * Group commit. The database runs with synchronous = NORMAL, so a commit writes its pages to the WAL without waiting for the
 * disk, and this makes them durable: one fsync of the WAL, off the event loop, covers every commit written before it began.
 * Commits that arrive while an fsync runs share the next one. Nothing is answered before its commit is covered: see
 * `DurableSqliteDriver`. A failed fsync is final (the kernel may have dropped the pages it could not write, and a second fsync
 * would report success): every later wait fails too, so nothing more is acknowledged until the service is restarted.
 */
export class WalSync {
  #committed = 0;
  #synced = 0;
  #running: Promise<void> | undefined;
  #file: Promise<fs.promises.FileHandle> | undefined;
  #failure: Error | undefined;
  /** fsyncs run; for tests and the bench. */
  syncs = 0;

  /** `inWal` false: the database keeps no WAL (in memory), and SQLite's own commits are all there is to wait for. */
  constructor(
    private readonly databaseFile: string,
    private readonly inWal = true,
  ) {}

  /** Counts a commit just written; returns its number, for `durable`. */
  committed(): number {
    return ++this.#committed;
  }

  /** Resolves once commit `upTo` (by default every commit so far) is on disk. */
  async durable(upTo = this.#committed): Promise<void> {
    if (!this.inWal) return;
    while (this.#synced < upTo) {
      if (this.#failure) throw this.#failure;
      this.#running ??= this.#sync().finally(() => (this.#running = undefined));
      await this.#running;
    }
    if (this.#failure) throw this.#failure;
  }

  async #sync(): Promise<void> {
    const upTo = this.#committed;
    try {
      const file = await (this.#file ??= this.#openWal());
      await file.sync();
      this.syncs++;
      this.#synced = Math.max(this.#synced, upTo);
    } catch (err) {
      this.#failure = new Error(`The database's write-ahead log could not be made durable: ${(err as Error).message}`, { cause: err });
      throw this.#failure;
    }
  }

  /** The WAL exists once the first commit is written; it stays while the database is open. Its directory entry is made durable once. */
  async #openWal(): Promise<fs.promises.FileHandle> {
    const file = await fs.promises.open(`${this.databaseFile}-wal`, "r");
    const dir = await fs.promises.open(path.dirname(this.databaseFile), "r");
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    return file;
  }

  async close(): Promise<void> {
    const file = await this.#file?.catch(() => undefined);
    this.#file = undefined;
    await file?.close();
  }
}

/**
 * Transactions take the write lock when they begin (BEGIN IMMEDIATE). With a second process on the database (a worker), a
 * transaction begun deferred that reads and then writes fails at once with SQLITE_BUSY when the other process committed in
 * between: its snapshot cannot become a write, and no busy timeout helps. Begun immediate, it waits its turn (busy_timeout) instead.
 *
 * Every use of the connection (a transaction, or one statement) that wrote ends by waiting for its commit to be durable
 * (`WalSync`), after the connection is handed on, so the next transaction runs while this one's fsync does: that is the group
 * commit. A use that only read waits for every commit before it too, so no answer shows what a power cut could still undo.
 */
class DurableSqliteDriver extends SqliteDriver {
  constructor(
    settings: ConstructorParameters<typeof SqliteDialect>[0],
    private readonly wal: WalSync,
    private readonly wrote: { since: boolean },
  ) {
    super(settings);
  }
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
  override async releaseConnection(): Promise<void> {
    const upTo = this.wrote.since ? this.wal.committed() : undefined;
    this.wrote.since = false;
    await super.releaseConnection();
    await this.wal.durable(upTo);
  }
}

class DurableSqliteDialect extends SqliteDialect {
  constructor(
    private readonly settings: ConstructorParameters<typeof SqliteDialect>[0],
    private readonly wal: WalSync,
    private readonly wrote: { since: boolean },
  ) {
    super(settings);
  }
  override createDriver() {
    return new DurableSqliteDriver(this.settings, this.wal, this.wrote);
  }
}

/** The database the configuration names: PostgreSQL when DATABASE_URL is set, else the SQLite file in the data directory. */
export function openDatabase(config: Pick<Config, "databaseFile" | "databaseUrl">, options: { readOnly?: boolean } = {}): OpenedDatabase {
  return config.databaseUrl ? openPostgres(config.databaseUrl, options) : openSqlite(config.databaseFile, options);
}

/** Which engine a database handle or transaction runs on. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on an untyped handle
export const engineOf = (db: Executor | Kysely<any>): Engine => (db.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite");

export function openSqlite(file: string, options: { readOnly?: boolean } = {}): OpenedDatabase {
  let native: SqliteDatabase.Database;
  let inWal = false;
  if (options.readOnly) {
    // Inspection tools (audit:verify) look without changing anything, not even the journal mode.
    native = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  } else {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    native = new SqliteDatabase(file);
    inWal = native.pragma("journal_mode = WAL", { simple: true }) === "wal";
    // NORMAL: a commit does not wait for the disk; WalSync makes it durable before anything is answered (group commit), so an
    // acknowledged write survives a power cut, not just a crash. Checkpoints still sync the WAL before and the database after.
    native.pragma(inWal ? "synchronous = NORMAL" : "synchronous = FULL");
    native.pragma("foreign_keys = ON");
    // 64 MiB of page cache (the default is 2 MiB): indexes of 100,000 cases stay in memory.
    native.pragma("cache_size = -65536");
    // The query planner needs statistics to choose between indexes (e.g. suggest on 100,000 cases):
    // gather them for tables that lack or outgrew theirs, sampling at most ~400 rows per index.
    native.pragma("analysis_limit = 400");
    native.pragma("optimize = 0x10002");
  }
  native.pragma("busy_timeout = 5000");
  const wrote = { since: false };
  const wal = new WalSync(file, inWal);
  const database = withStatementCache(native, () => (wrote.since = true));
  const db = new Kysely<Database>({ dialect: options.readOnly ? new SqliteDialect({ database }) : new DurableSqliteDialect({ database }, wal, wrote) });
  return {
    db,
    engine: "sqlite",
    // One service process writes a SQLite archive: its memory is every process's.
    rateLimits: (limiter) => new RateLimiterMemory(limiter),
    async afterMigrations() {},
    // A SQLite archive has one service process.
    exclusively: (work) => work(),
    // The archive's only process: what it held before a crash is freed when it starts again (releaseClaimsAtStart).
    liveness: { mine: async () => "local", alive: async () => true },
    async integrityCheck() {
      const rows = native.pragma("integrity_check") as Array<{ integrity_check: string }>;
      return rows.map((r) => r.integrity_check).join("; ");
    },
    async maintain() {
      if (!options.readOnly) native.pragma("optimize");
    },
    async backup(destFile) {
      // All pages in one step, inside one read transaction: a snapshot. Stepping page by page (the default)
      // starts over whenever another process writes, so under steady writes it might never finish.
      await native.backup(destFile, { progress: () => 0x7fffffff });
      // The copy is a single self-contained file (no -wal beside it); the service turns WAL on again when it opens it.
      const copy = new SqliteDatabase(destFile, { fileMustExist: true });
      try {
        copy.pragma("journal_mode = DELETE");
      } finally {
        copy.close();
      }
    },
    async close() {
      await db.destroy();
      await wal.close();
    },
  };
}

/**
 * Serialises writers of the audit chain, inside the transaction that appends. SQLite runs one write transaction at a time
 * already, so nothing is needed; on PostgreSQL a transaction-scoped advisory lock holds it across every process.
 */
export async function lockAuditChain(trx: Executor): Promise<void> {
  if (engineOf(trx) === "postgres") await sql`select pg_advisory_xact_lock(${sql.lit(AUDIT_LOCK)})`.execute(trx);
}

/**
 * A text column's value in a form the query planner will not pick an index for: for a query that walks another index in
 * order and should check this column row by row. Any expression does it, on both engines; `|| ''` keeps the value (and null).
 */
export function withoutIndex(column: string): RawBuilder<unknown> {
  return sql`(${sql.ref(column)} || '')`;
}

/** `column IN (values)` with the values bound as one parameter (a JSON array on SQLite, an array on PostgreSQL), however many. */
export function inValues(db: Executor, column: string, values: readonly string[]): RawBuilder<SqlBool> {
  if (engineOf(db) === "postgres") return sql<SqlBool>`${sql.ref(column)} = ANY(${[...values]}::text[])`;
  return sql<SqlBool>`${sql.ref(column)} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
}

/**
 * One member of the JSON object held as text in `column`, as a value of `type`: text, a number, or a yes/no as 1 or 0
 * (as SQLite's json_extract gives it); null where it is missing or of another type.
 */
export function jsonMember(engine: Engine, column: string, key: string, type: "text" | "number" | "boolean"): RawBuilder<unknown> {
  const ref = sql.ref(column);
  if (engine === "sqlite") return sql`json_extract(${ref}, ${`$.${key}`})`;
  const member = sql`(${ref}::jsonb -> ${key}::text)`;
  if (type === "number") return sql`(CASE WHEN jsonb_typeof(${member}) = 'number' THEN (${member} #>> '{}')::float8 END)`;
  if (type === "boolean") return sql`(CASE ${member} WHEN 'true'::jsonb THEN 1 WHEN 'false'::jsonb THEN 0 END)`;
  return sql`(${ref}::jsonb ->> ${key}::text)`;
}

/**
 * `x LIKE pattern` (with `\` escaping), ignoring case where SQLite's LIKE does: SQLite's ignores the case of A–Z, and
 * PostgreSQL's ILIKE of every letter, which finds what SQLite's finds and the capitalised æ, ø and å besides.
 */
export function likeAnyCase(engine: Engine, x: RawBuilder<unknown>, pattern: string): RawBuilder<SqlBool> {
  return engine === "postgres" ? sql<SqlBool>`${x} ILIKE ${pattern} ESCAPE '\\'` : sql<SqlBool>`${x} LIKE ${pattern} ESCAPE '\\'`;
}

/** The values of `column` in the rows aggregated, joined by commas into one string: for many ids, far cheaper than a row each. */
export function commaJoined(column: string): RawBuilder<string | null> {
  return sql<string | null>`string_agg(${sql.ref(column)}, ',')`;
}

/**
 * Whether a statement failed on text the engine cannot store: PostgreSQL's text holds no NUL character (U+0000), which SQLite
 * takes. Bad input, answered as such (http/problem.ts), not a fault of the server.
 */
export const isUnstorableText = (err: unknown): boolean => ["22021", "22P05"].includes(String((err as { code?: unknown })?.code ?? ""));

/** Whether a failed statement broke a unique constraint (SQLite says "UNIQUE constraint failed", PostgreSQL "duplicate key"). */
export const isUniqueViolation = (err: unknown): boolean => /UNIQUE|duplicate key/i.test(String((err as Error)?.message ?? ""));
