import http from "node:http";
import pino from "pino";
import { createApp } from "./app.ts";
import { diskBlobStore } from "./blobs/blob-store.ts";
import { ensureAdmin } from "./bootstrap.ts";
import type { Config } from "./config.ts";
import type { AppContext } from "./context.ts";
import { openSqlite } from "./db/dialect.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { authenticatorsFor } from "./features/auth/authenticators.ts";
import { isReferenced } from "./features/documents/documents.controller.ts";
import { seedDemo } from "./seed/demo.ts";
import { startJobRunner } from "./jobs/jobs.ts";
import { PARSE_MAIL_JOB, parseMailJob } from "./features/mail/mail.service.ts";

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
export async function startService(config: Config): Promise<RunningService> {
  const log = pino({ level: config.logLevel, redact: ["req.headers.authorization", "req.headers.cookie"] });
  const opened = openSqlite(config.databaseFile);
  await migrateToLatest(opened.db);
  const jobs = { kick: () => runner.kick() };
  const ctx: AppContext = { config, db: opened.db, blobs: diskBlobStore(config.blobDir), log, jobs };
  const runner = startJobRunner(ctx, { [PARSE_MAIL_JOB]: parseMailJob });
  await ensureAdmin(ctx.db, config, log);
  if (config.seedDemo) await seedDemo(ctx);
  const { app, cleanUpUploads } = createApp(ctx, authenticatorsFor(config));
  const server = http.createServer(app);
  // Large uploads arrive slowly from some clients; only idle connections are cut.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
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
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await opened.close();
    },
  };
}
