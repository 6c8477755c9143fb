import fs from "node:fs";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { CompiledQuery, Kysely, sql, SqliteDialect, SqliteDriver, type DatabaseConnection, type RawBuilder, type SqlBool } from "kysely";
import type { Database, Executor } from "./database.ts";

// The one place that knows which SQL engine is underneath. Everything SQLite-only lives here.

export interface OpenedDatabase {
  db: Kysely<Database>;
  /** Storage-level consistency check ("ok" when healthy). */
  integrityCheck(): Promise<string>;
  /** Periodic upkeep: refreshes the planner's statistics where the data has changed a lot. */
  maintain(): Promise<void>;
  /** A consistent copy of the whole database in `destFile` (a new file), taken while others go on writing. */
  backup(destFile: string): Promise<void>;
  close(): Promise<void>;
}

/** Prepared statements kept for reuse, the most recently used last. */
const STATEMENTS_KEPT = 500;

/**
 * The database as Kysely's driver sees it, with its prepared statements kept by their SQL and reused: preparing (parsing and
 * planning) a statement costs more than running a small one, and the same few hundred statements run again and again. A
 * statement still being iterated (a streamed query) is not handed out twice; another is prepared beside it.
 */
export function withStatementCache(native: SqliteDatabase.Database): { prepare(sql: string): SqliteDatabase.Statement; close(): void } {
  const kept = new Map<string, SqliteDatabase.Statement>();
  return {
    prepare(text) {
      const found = kept.get(text);
      if (found && !found.busy) {
        kept.delete(text);
        kept.set(text, found);
        return found;
      }
      const statement = native.prepare(text);
      if (!found) {
        kept.set(text, statement);
        if (kept.size > STATEMENTS_KEPT) kept.delete(kept.keys().next().value!);
      }
      return statement;
    },
    close() {
      kept.clear();
      native.close();
    },
  };
}

/**
 * Transactions take the write lock when they begin (BEGIN IMMEDIATE). With a second process on the database (a worker), a
 * transaction begun deferred that reads and then writes fails at once with SQLITE_BUSY when the other process committed in
 * between: its snapshot cannot become a write, and no busy timeout helps. Begun immediate, it waits its turn (busy_timeout) instead.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(settings);
  }
  override createDriver() {
    return new ImmediateSqliteDriver(this.settings);
  }
}

export function openSqlite(file: string, options: { readOnly?: boolean } = {}): OpenedDatabase {
  let native: SqliteDatabase.Database;
  if (options.readOnly) {
    // Inspection tools (audit:verify) look without changing anything, not even the journal mode.
    native = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  } else {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    native = new SqliteDatabase(file);
    native.pragma("journal_mode = WAL");
    // FULL: each commit fsyncs the WAL, so an acknowledged write survives a power cut, not just a crash.
    native.pragma("synchronous = FULL");
    native.pragma("foreign_keys = ON");
    // 64 MiB of page cache (the default is 2 MiB): indexes of 100,000 cases stay in memory.
    native.pragma("cache_size = -65536");
    // The query planner needs statistics to choose between indexes (e.g. suggest on 100,000 cases):
    // gather them for tables that lack or outgrew theirs, sampling at most ~400 rows per index.
    native.pragma("analysis_limit = 400");
    native.pragma("optimize = 0x10002");
  }
  native.pragma("busy_timeout = 5000");
  const database = withStatementCache(native);
  const db = new Kysely<Database>({ dialect: options.readOnly ? new SqliteDialect({ database }) : new ImmediateSqliteDialect({ database }) });
  return {
    db,
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
    },
  };
}

/**
 * Serialises writers of the audit chain. SQLite runs one write transaction at a time already, so nothing
 * is needed; a server database takes a transaction-scoped lock here.
 */
export async function lockAuditChain(_trx: Executor): Promise<void> {}

/**
 * A column reference the query planner will not pick an index for, with the same value: for a query that
 * walks another index in order and should check this column row by row. SQLite's unary + does this.
 */
export function withoutIndex(column: string): RawBuilder<unknown> {
  return sql`+${sql.ref(column)}`;
}

/** `column IN (values)` with the values bound as one parameter (a JSON array), however many there are. */
export function inValues(column: string, values: readonly string[]): RawBuilder<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
}

/** The values of `column` in the rows aggregated, joined by commas into one string: for many ids, far cheaper than a row each. */
export function commaJoined(column: string): RawBuilder<string | null> {
  return sql<string | null>`group_concat(${sql.ref(column)}, ',')`;
}

/** Whether a failed statement broke a unique constraint (SQLite says "UNIQUE constraint failed", PostgreSQL "duplicate key"). */
export const isUniqueViolation = (err: unknown): boolean => /UNIQUE|duplicate key/i.test(String((err as Error)?.message ?? ""));
