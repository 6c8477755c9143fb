import http from "node:http";
import pino from "pino";
import { createApp } from "./app.ts";
import { ensureAdmin } from "./bootstrap.ts";
import { flushAuthRefusals } from "./http/auth.ts";
import { LOG_REDACTIONS } from "./http/request-log.ts";
import type { Config } from "./config.ts";
import type { AppContext } from "./context.ts";
import { openArchive } from "./open-archive.ts";
import { authenticatorsFor } from "./features/auth/authenticators.ts";
import { isContentReferenced } from "./features/documents/documents.service.ts";
import { seedDemo } from "./seed/demo.ts";
import { hasDueJob, startJobRunner } from "./jobs/jobs.ts";
import { startSearchIndexer } from "./features/search/indexer.ts";
import { jobHandlers } from "./jobs/handlers.ts";
import { releaseClaimsAtStart } from "./features/uploads/uploads.service.ts";
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
  const archive = await openArchive(config, log, { kick: () => runner?.kick() });
  const { ctx, opened } = archive;
  // Nothing of this process is running yet, so a crash's leftovers go now. Temporary files: on SQLite this process is the
  // archive's only one and owns them all; on PostgreSQL other processes may be saving, and only those no save can still be
  // writing go; so with upload claims (releaseClaimsAtStart).
  await ctx.blobs.clearTemporaryFiles(opened.engine !== "sqlite");
  await releaseClaimsAtStart(ctx, opened.engine);
  // With IMS_RUN_JOBS=false the jobs are left to `npm run worker` processes, which claim them with leases.
  const runner = config.runJobs ? startJobRunner(ctx, jobHandlers, { leaseMs: config.jobLeaseMs }) : undefined;
  // Here the indexer shares the thread with the requests: short batches, and at most half the time while a backlog (the
  // archive after the upgrade) is worked through, so requests are answered between them.
  const indexer = config.runJobs ? startSearchIndexer(ctx.db, log, { batch: 50, pace: 0.5 }) : undefined;
  // Several processes starting at once on a new archive make one administrator (and one set of demo data) between them.
  await opened.exclusively(async () => {
    await ensureAdmin(ctx.db, config, log);
    if (config.seedDemo) await seedDemo(ctx);
  });
  const { app, cleanUpUploads } = createApp(ctx, authenticatorsFor(config));
  const server = createHttpServer(app, config);
  await new Promise<void>((resolve) => server.listen(config.port, config.host, resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;

  const housekeeping = setInterval(() => {
    void (async () => {
      await opened.maintain();
      await cleanUpUploads();
      const removed = await ctx.blobs.sweep((sha) => isContentReferenced(ctx.db, sha), config.blobGraceSeconds);
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
      // Due jobs may be leased by a worker process (or run by none here): wait until they are all through.
      for (;;) {
        runner?.kick();
        await runner?.idle();
        if (!(await hasDueJob(ctx.db))) return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async stop() {
      clearInterval(housekeeping);
      await runner?.stop();
      await indexer?.stop();
      await drain(server, config.shutdownGraceMs);
      await flushAuthRefusals(ctx);
      await archive.close();
    },
  };
}
