import { Worker } from "node:worker_threads";
import type { World } from "../../support/world.ts";
import type { BackendConfig, DriveRequest } from "./backend-worker.ts";

export type { BackendConfig, DriveRequest };

export interface Backend {
  serviceUrl: string;
  /** Google's stand-in: /oauth2/v1/certs and the Drive API's export. */
  googleUrl: string;
  world: World;
  /** Drive export requests since the last call. */
  driveRequests(): Promise<DriveRequest[]>;
  stop(): Promise<void>;
}

// The worker is plain JavaScript that loads tsx (resolved from the working directory, the repository), then the TypeScript module.
const BOOT = `
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  const { register } = await import("tsx/esm/api");
  register();
  await import(workerData.module);
})().catch((err) => parentPort.postMessage({ fatal: String((err && err.stack) || err) }));
`;

/** The archive service (startTestService, with the test organisation) and Google's stand-in, on a worker thread. */
export async function startBackend(config: BackendConfig): Promise<Backend> {
  const worker = new Worker(BOOT, {
    eval: true,
    workerData: { module: new URL("./backend-worker.ts", import.meta.url).href, config },
  });
  const ready = await new Promise<{ serviceUrl: string; googleUrl: string; world: World }>((resolve, reject) => {
    worker.on("message", (msg: { ready?: { serviceUrl: string; googleUrl: string; world: World }; fatal?: string }) => {
      if (msg.ready) resolve(msg.ready);
      if (msg.fatal) reject(new Error(`the backend worker failed:\n${msg.fatal}`));
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the backend worker exited with ${code}`)));
  });
  let next = 0;
  const call = <T>(op: "driveLog" | "stop"): Promise<T> =>
    new Promise((resolve) => {
      const id = ++next;
      const onMessage = (msg: { id?: number; result?: T }) => {
        if (msg.id !== id) return;
        worker.off("message", onMessage);
        resolve(msg.result as T);
      };
      worker.on("message", onMessage);
      worker.postMessage({ id, op });
    });
  return {
    ...ready,
    driveRequests: () => call<DriveRequest[]>("driveLog"),
    async stop() {
      await call<null>("stop");
      worker.removeAllListeners("exit");
      await worker.terminate();
    },
  };
}
