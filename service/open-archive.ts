import type { Logger } from "pino";
import { diskBlobStore, type BlobStore } from "./blobs/blob-store.ts";
import { s3BlobStore, s3ClientOf } from "./blobs/s3-store.ts";
import type { Config } from "./config.ts";
import type { AppContext } from "./context.ts";
import { openDatabase, type OpenedDatabase } from "./db/dialect.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { openAuditTrail, type AuditTrail } from "./features/audit/audit-trail.ts";

export interface OpenedArchive {
  ctx: AppContext;
  opened: OpenedDatabase;
  audit: AuditTrail;
  /** Writes the last audit checkpoint and closes the database; call after the last write. */
  close(): Promise<void>;
}

/**
 * Opens a data directory the way every process that works on it needs it: the database (migrated), the
 * blob store and the audit trail, whose chain key rides on the database handle every feature gets.
 * The service (server.ts) and the job worker (worker.ts) both start here; `jobs` is how a feature asks
 * that process's job runner to look for work.
 */
export async function openArchive(config: Config, log: Logger, jobs: AppContext["jobs"]): Promise<OpenedArchive> {
  const opened = openDatabase(config);
  await migrateToLatest(opened.db);
  await opened.afterMigrations();
  // Checkpoints of the chain are signed in the background.
  const audit = await openAuditTrail(opened.db, config, log);
  const ctx: AppContext = { config, db: audit.db, blobs: blobStoreOf(config), log, jobs, rateLimits: opened.rateLimits, liveness: opened.liveness };
  return {
    ctx,
    opened,
    audit,
    async close() {
      await audit.close();
      await opened.close();
    },
  };
}

/** The content store the configuration names: an S3-compatible object store, or files under the data directory. */
export function blobStoreOf(config: Pick<Config, "blobDir" | "s3">): BlobStore {
  const { s3 } = config;
  if (!s3) return diskBlobStore(config.blobDir);
  return s3BlobStore({ client: s3ClientOf(s3), bucket: s3.bucket, prefix: s3.prefix });
}
