import fs from "node:fs";
import path from "node:path";
import { loadConfig } from "../../service/config.ts";
import type { JobHandler } from "../../service/jobs/jobs.ts";
import { startWorker, stopOnSignals } from "../../service/jobs/worker.ts";

// A job worker process (service/jobs/worker.ts, as `npm run worker` starts it) with job kinds of the tests'
// own: each run is written to DATA_DIR/runs.log as "<kind> <n> <pid>", so the test sees who ran what.
const config = loadConfig();
const log = path.join(config.dataDir, "runs.log");
const record = (kind: string, n: number, what = "") => fs.appendFileSync(log, `${kind} ${n} ${process.pid}${what}\n`);

// The jobs that wait for a signal start once this process answers signals the way the worker does.
let answeringSignals: () => void = () => undefined;
const signalsAnswered = new Promise<void>((resolve) => (answeringSignals = resolve));

const handlers: Record<string, JobHandler> = {
  "test.count": async (_ctx, { n }) => {
    record("test.count", n);
    await new Promise((resolve) => setImmediate(resolve));
  },
  // Never finishes: the process is killed or stopped while it runs.
  "test.hang": async (_ctx, { n }) => {
    await signalsAnswered;
    record("test.hang", n);
    await new Promise(() => setInterval(() => undefined, 1000));
  },
  // Finishes once the worker was told to stop, so stopping has a job in progress to wait for.
  "test.until-stopped": async (_ctx, { n }) => {
    await signalsAnswered;
    await new Promise<void>((resolve) => {
      process.once("SIGTERM", () => setTimeout(resolve, 100));
      record("test.until-stopped", n);
    });
    record("test.until-stopped", n, " finished");
  },
};

const worker = await startWorker(config, { handlers, intervalMs: 50 });
stopOnSignals(worker, config.shutdownGraceMs);
answeringSignals();
