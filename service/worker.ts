import { loadConfig } from "./config.ts";
import { keepServingThroughStrayErrors } from "./crash-guard.ts";
import { startWorker, stopOnSignals } from "./jobs/worker.ts";

// `npm run worker`: background jobs (mail parsing) in their own process, beside a service started with
// IMS_RUN_JOBS=false. Any number may run over one data directory: each job is claimed with a lease.
const config = loadConfig();
const worker = await startWorker(config);
keepServingThroughStrayErrors(worker.ctx.log);
worker.ctx.log.info(`IMS Case job worker running (data in ${config.dataDir})`);
// A job that does not finish within IMS_SHUTDOWN_GRACE_SECONDS is given back (its lease released) for another worker.
stopOnSignals(worker, config.shutdownGraceMs);
