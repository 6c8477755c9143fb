import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { loadConfig, type Config } from "../../service/config.ts";
import { startService, type RunningService } from "../../service/server.ts";

export const ADMIN_TOKEN = "test-admin-token-0123456789";

export interface TestService extends RunningService {
  dataDir: string;
  config: Config;
  /** The environment that puts another process (a worker) on the same archive: its data directory, database and object store. */
  archiveEnv: Record<string, string>;
  /** Stops the service and removes its data directory. */
  dispose(): Promise<void>;
}

/**
 * A real service on a free port with its own SQLite file and blob store in a temp directory. Under `npm run test:scale`
 * (scale-setup.ts) it gets its own new PostgreSQL database and its own prefix in the S3 bucket instead.
 */
export async function startTestService(env: Record<string, string> = {}): Promise<TestService> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-test-"));
  const backends = await scaleBackends(path.basename(dataDir));
  const config = loadConfig({
    ...backends,
    DATA_DIR: dataDir,
    PORT: "0",
    HOST: "127.0.0.1",
    IMS_ADMIN_TOKEN: ADMIN_TOKEN,
    SEED_DEMO: "false",
    LOG_LEVEL: process.env.IMS_TEST_LOG_LEVEL ?? "silent",
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
    archiveEnv: { DATA_DIR: dataDir, ...backends, ...Object.fromEntries(Object.entries(env).filter(([name]) => /^(DATABASE_URL|S3_)/.test(name))) },
    async dispose() {
      await running.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The environment that puts a test service (on data directory `name`) on the scale-out backends, when the test run has them; empty otherwise. */
export async function scaleBackends(name: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  const server = process.env.IMS_TEST_POSTGRES;
  // Named by the data directory, so a service restarted on it finds its database again.
  if (server) env.DATABASE_URL = await createDatabase(server, `ims_${createHash("sha256").update(name).digest("hex").slice(0, 20)}`);
  const s3 = process.env.IMS_TEST_S3;
  if (s3) Object.assign(env, { ...(JSON.parse(s3) as Record<string, string>), S3_PREFIX: `${name}/` });
  return env;
}

async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (err) {
    // 42P04: it exists (made for this data directory before).
    if ((err as { code?: string }).code !== "42P04") throw err;
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
