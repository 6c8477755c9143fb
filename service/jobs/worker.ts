import pino from "pino";
import type { Config } from "../config.ts";
import type { AppContext } from "../context.ts";
import { LOG_REDACTIONS } from "../http/request-log.ts";
import { openArchive } from "../open-archive.ts";
import { jobHandlers } from "./handlers.ts";
import { startJobRunner, type JobHandler } from "./jobs.ts";
import { closeExtractPool } from "../features/search/extraction.ts";
import { startSearchIndexer } from "../features/search/indexer.ts";

export interface RunningWorker {
  ctx: AppContext;
  /** Takes no new job, lets the running one finish within `graceMs` (else gives it back), then closes the data directory. */
  stop(graceMs?: number): Promise<void>;
}

export interface WorkerOptions {
  /** The job kinds this worker runs; every kind the service queues when omitted (tests bring their own). */
  handlers?: Record<string, JobHandler>;
  /** How often it looks for due jobs; nothing kicks a worker after another process's save. */
  intervalMs?: number;
  logDestination?: pino.DestinationStream;
}

/** Opens the data directory and runs its background jobs, without HTTP, next to (or instead of) the service's own runner. */
export async function startWorker(config: Config, options: WorkerOptions = {}): Promise<RunningWorker> {
  const logOptions = { level: config.logLevel, redact: LOG_REDACTIONS, base: { worker: process.pid } };
  const log = options.logDestination ? pino(logOptions, options.logDestination) : pino(logOptions);
  const archive = await openArchive(config, log, { kick: () => runner.kick() });
  const runner = startJobRunner(archive.ctx, options.handlers ?? jobHandlers, {
    intervalMs: options.intervalMs ?? 1000,
    leaseMs: config.jobLeaseMs,
    keepProcessAlive: true,
  });
  runner.kick();
  // A worker process has no requests to answer: it indexes batch after batch, short enough that the service's writes are not kept waiting long.
  const indexer = startSearchIndexer(archive.ctx.db, log, { batch: 100 });
  let stopped: Promise<void> | undefined;
  return {
    ctx: archive.ctx,
    stop(graceMs) {
      stopped ??= (async () => {
        await runner.stop(graceMs);
        await indexer.stop();
        await closeExtractPool();
        await archive.close();
      })();
      return stopped;
    },
  };
}

/** SIGTERM or SIGINT stops the worker: the running job finishes within `graceMs` or is given back, then the process exits. */
export function stopOnSignals(worker: RunningWorker, graceMs: number): void {
  let stopping = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      worker.ctx.log.info({ signal }, "stopping: finishing the running job");
      const force = setTimeout(() => process.exit(1), graceMs + 10_000);
      force.unref();
      worker.stop(graceMs).then(
        () => process.exit(0),
        (err) => {
          worker.ctx.log.error({ err }, "stopping failed");
          process.exit(1);
        },
      );
    });
  }
}
