import { loadConfig } from "./config.ts";
import { startService } from "./server.ts";
import { keepServingThroughStrayErrors } from "./crash-guard.ts";

const config = loadConfig();
const service = await startService(config);
keepServingThroughStrayErrors(service.ctx.log);
service.ctx.log.info(`IMS Case archive listening on ${config.publicUrl} (data in ${config.dataDir})`);
process.stdout.write(`IMS Case archive: ${config.publicUrl}  (API: ${config.publicUrl}/api/openapi.json)\n`);

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    service.ctx.log.info({ signal }, "shutting down: finishing running requests");
    const force = setTimeout(() => process.exit(1), config.shutdownGraceMs + 10_000);
    force.unref();
    service.stop().then(
      () => process.exit(0),
      (err) => {
        service.ctx.log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  });
}
