import type { Logger } from "pino";
import type { Config } from "./config.ts";
import type { Db } from "./db/database.ts";
import type { Liveness, RateLimits } from "./db/dialect.ts";
import type { BlobStore } from "./blobs/blob-store.ts";

/** What every feature service may use: configuration, the database, the blob store and the log. */
export interface AppContext {
  config: Config;
  db: Db;
  blobs: BlobStore;
  log: Logger;
  /** Background work: `kick` asks the runner to look for due jobs now (after a commit that queued one). */
  jobs: { kick(): void };
  /** Where rate limiters keep their counts: shared by every service process on the database. */
  rateLimits: RateLimits;
  /** Which service processes are running, for what one holds a while (upload claims). */
  liveness: Liveness;
}
