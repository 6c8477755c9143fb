import type { Kysely } from "kysely";
import type { RateLimiterAbstract } from "rate-limiter-flexible";
import type { Database } from "./database.ts";

// What an opened database offers the rest of the service, whichever engine it is on (dialect.ts opens SQLite, postgres.ts PostgreSQL).

export type Engine = "sqlite" | "postgres";

/** What a rate limiter is made with: points per `duration` seconds for a key, and how long a blocked key waits. `keyPrefix` keeps limiters apart in a shared store. */
export interface LimiterOptions {
  keyPrefix: string;
  points: number;
  duration: number;
  blockDuration: number;
}

/** Where rate limiters keep their counts (rate-limiter-flexible): one process's memory, or the database every process shares. */
export type RateLimits = (options: LimiterOptions) => RateLimiterAbstract;

/** Which running process holds something for a while (a save's claim on an upload): a mark other processes can test. */
export interface Liveness {
  /** This process's mark, made on first use. */
  mine(): Promise<string>;
  /** Whether the process whose mark this is still runs. */
  alive(mark: string): Promise<boolean>;
}

export interface OpenedDatabase {
  db: Kysely<Database>;
  engine: Engine;
  /** Rate limiters whose counts hold for every process on the database. */
  rateLimits: RateLimits;
  /** What the engine needs beside the migrated schema, made once the migrations have run. */
  afterMigrations(): Promise<void>;
  /** Whether a process on the database is still running: on SQLite this process is the only one; on PostgreSQL a lock its connection holds. */
  liveness: Liveness;
  /** Runs `work` while no other process on the database runs its own (start-up steps that read, then write). */
  exclusively<T>(work: () => Promise<T>): Promise<T>;
  /** Storage-level consistency check ("ok" when healthy). */
  integrityCheck(): Promise<string>;
  /** Periodic upkeep: refreshes the planner's statistics where the data has changed a lot. */
  maintain(): Promise<void>;
  /** A consistent copy of the whole database in `destFile` (a new file), taken while others go on writing. */
  backup(destFile: string): Promise<void>;
  close(): Promise<void>;
}
