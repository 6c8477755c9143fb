import http from "node:http";
import pino from "pino";
import { createApp } from "./app.ts";
import { diskBlobStore } from "./blobs/blob-store.ts";
import { ensureAdmin } from "./bootstrap.ts";
import { flushAuthRefusals } from "./http/auth.ts";
import { LOG_REDACTIONS } from "./http/request-log.ts";
import type { Config } from "./config.ts";
import type { AppContext } from "./context.ts";
import { openSqlite } from "./db/dialect.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { openAuditTrail } from "./features/audit/audit-trail.ts";
import { authenticatorsFor } from "./features/auth/authenticators.ts";
import { isReferenced } from "./features/documents/documents.controller.ts";
import { seedDemo } from "./seed/demo.ts";
import { startJobRunner } from "./jobs/jobs.ts";
import { PARSE_MAIL_JOB, parseMailJob } from "./features/mail/mail.service.ts";
import { releaseAllClaims } from "./features/uploads/uploads.service.ts";
import { createHttpServer, drain } from "./http/connections.ts";

export interface RunningService {
  ctx: AppContext;
  server: http.Server;
  url: string;
  /** Stops accepting requests, lets running ones finish, then closes the database. */
  stop(): Promise<void>;
  integrityCheck(): Promise<string>;
  /** Resolves when every due background job has run (tests use it to wait for mail parsing). */
  jobsIdle(): Promise<void>;
}

/** Opens the data directory, migrates, bootstraps and listens. Used by main.ts and by tests. */
export interface ServiceOptions {
  /** Where the JSON log goes (a test captures it here); standard output when omitted. */
  logDestination?: pino.DestinationStream;
}

export async function startService(config: Config, options: ServiceOptions = {}): Promise<RunningService> {
  const logOptions = { level: config.logLevel, redact: LOG_REDACTIONS };
  const log = options.logDestination ? pino(logOptions, options.logDestination) : pino(logOptions);
  const opened = openSqlite(config.databaseFile);
  await migrateToLatest(opened.db);
  // The chain key rides on the handle every feature gets; checkpoints are signed in the background.
  const audit = await openAuditTrail(opened.db, config, log);
  const jobs = { kick: () => runner.kick() };
  const ctx: AppContext = { config, db: audit.db, blobs: diskBlobStore(config.blobDir), log, jobs };
  // Nothing is running yet, so nothing owns a temporary file or an upload claim: a crash's leftovers go now.
  await ctx.blobs.clearTemporaryFiles();
  await releaseAllClaims(ctx);
  const runner = startJobRunner(ctx, { [PARSE_MAIL_JOB]: parseMailJob });
  await ensureAdmin(ctx.db, config, log);
  if (config.seedDemo) await seedDemo(ctx);
  const { app, cleanUpUploads } = createApp(ctx, authenticatorsFor(config));
  const server = createHttpServer(app, config);
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;

  const housekeeping = setInterval(() => {
    void (async () => {
      await opened.maintain();
      await cleanUpUploads();
      const removed = await ctx.blobs.sweep((sha) => isReferenced(ctx, sha), config.blobGraceSeconds);
      if (removed) log.info({ removed }, "unreferenced blobs removed");
    })().catch((err) => log.error({ err }, "housekeeping failed"));
  }, 3600 * 1000);
  housekeeping.unref();

  return {
    ctx,
    server,
    url: `http://127.0.0.1:${port}`,
    integrityCheck: opened.integrityCheck,
    async jobsIdle() {
      for (;;) {
        runner.kick();
        await runner.idle();
        const due = await ctx.db.selectFrom("jobs").select("id").where("state", "=", "pending").where("run_after", "<=", new Date().toISOString()).executeTakeFirst();
        if (!due) return;
      }
    },
    async stop() {
      clearInterval(housekeeping);
      await runner.stop();
      await drain(server, config.shutdownGraceMs);
      await flushAuthRefusals(ctx);
      await audit.close();
      await opened.close();
    },
  };
}
