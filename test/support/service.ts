import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig, type Config } from "../../service/config.ts";
import { startService, type RunningService } from "../../service/server.ts";

export const ADMIN_TOKEN = "test-admin-token-0123456789";

export interface TestService extends RunningService {
  dataDir: string;
  config: Config;
  /** Stops the service and removes its data directory. */
  dispose(): Promise<void>;
}

/** A real service on a free port with its own SQLite file and blob store in a temp directory. */
export async function startTestService(env: Record<string, string> = {}): Promise<TestService> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-test-"));
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: "0",
    HOST: "127.0.0.1",
    IMS_ADMIN_TOKEN: ADMIN_TOKEN,
    SEED_DEMO: "false",
    LOG_LEVEL: "silent",
    // Every JSON answer is checked against its route's response schema: a drift between the two fails the test.
    IMS_VALIDATE_RESPONSES: "true",
    // Every test client is on 127.0.0.1: tests that send bad tokens on purpose must not block the others; the throttle's own tests set the limit.
    IMS_AUTH_FAILURES_PER_MINUTE: "1000000",
    ...env,
  });
  const running = await startService(config);
  return {
    ...running,
    dataDir,
    config,
    async dispose() {
      await running.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
