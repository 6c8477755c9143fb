import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../service/config.ts";
import { openDatabase, type OpenedDatabase } from "../../service/db/dialect.ts";
import { migrateToLatest } from "../../service/db/migrate.ts";
import { send } from "./payload.ts";
import { ADMIN_TOKEN, scaleBackends } from "./service.ts";
import { buildWorld, type World } from "./world.ts";

// The service as its own process, the way it runs in production: so its memory can be measured and it
// can be killed mid-write. Tests that only need the API use startTestService (in-process) instead.

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The database and object store of each data directory prepared here, when the test run puts services on the scale-out
 * backends (scale-setup.ts); a data directory not listed is on SQLite and disk.
 */
const backendsOf = new Map<string, Record<string, string>>();

/** The environment that puts a process on the archive in `dataDir`: the directory, and its database and object store. */
export const archiveEnvOf = (dataDir: string): Record<string, string> => ({ DATA_DIR: dataDir, ...backendsOf.get(dataDir) });

/** The service's database in a data directory, opened from the test (never while the child writes it, except to read). */
export const openDataDir = (dataDir: string): OpenedDatabase => openDatabase(loadConfig(archiveEnvOf(dataDir)));

/**
 * A fresh data directory holding the test organisation (users, tokens, types, templates), written
 * straight into the database before any child service starts; `fill` may add more in the same go.
 */
export async function prepareDataDir(fill?: (opened: OpenedDatabase, world: World) => Promise<void>): Promise<{ dataDir: string; world: World }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-child-"));
  backendsOf.set(dataDir, await scaleBackends(path.basename(dataDir)));
  const opened = openDataDir(dataDir);
  try {
    await migrateToLatest(opened.db);
    const world = await buildWorld(opened.db, ADMIN_TOKEN);
    await fill?.(opened, world);
    return { dataDir, world };
  } finally {
    await opened.close();
  }
}

export interface ChildService {
  url: string;
  pid: number;
  dataDir: string;
  /** Resident memory of the service process now, in bytes. */
  rss(): number;
  /** SIGTERM: the service finishes running requests and closes the database. */
  stop(): Promise<void>;
  /** SIGKILL: the process dies wherever it is. */
  kill(): Promise<void>;
  /** The last lines the service printed, for failure messages. */
  output(): string;
}

/**
 * Starts `node --import tsx service/main.ts` on a free port over `dataDir` and waits until /api/health answers.
 * CHILD_NODE_OPTIONS adds options Node refuses in NODE_OPTIONS, for profiling the service under a benchmark
 * (`CHILD_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" npm run bench -- service`).
 */
export async function startChildService(dataDir: string, env: Record<string, string> = {}): Promise<ChildService> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(process.env.CHILD_NODE_OPTIONS?.split(/\s+/).filter(Boolean) ?? []), "--import", "tsx", "service/main.ts"], {
    cwd: REPO,
    env: {
      ...process.env,
      ...archiveEnvOf(dataDir),
      PORT: String(port),
      HOST: "127.0.0.1",
      IMS_ADMIN_TOKEN: ADMIN_TOKEN,
      SEED_DEMO: "false",
      MAX_UPLOAD_MB: "400",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let tail = "";
  const keep = (c: Buffer) => (tail = (tail + c.toString("utf8")).slice(-8000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const svc: ChildService = {
    url,
    pid: child.pid!,
    dataDir,
    rss: () => readRss(child.pid!),
    output: () => tail,
    stop: () => signal(child, "SIGTERM", exited),
    kill: () => signal(child, "SIGKILL", exited),
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the service exited while starting:\n${tail}`);
    const reply = await send(`${url}/api/health`).catch(() => undefined);
    if (reply?.status === 200) return svc;
    if (Date.now() > deadline) {
      await svc.kill();
      throw new Error(`the service did not answer /api/health within 60 s:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function signal(child: ChildProcess, sig: NodeJS.Signals, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill(sig);
  await exited;
}

/** VmRSS of a process from /proc, in bytes. */
export function readRss(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb[1]) * 1024;
}

/** Samples a process's RSS every `everyMs` until stopped; the peak is what a memory bound is checked against. */
export function sampleRss(pid: number, everyMs = 50): { stop(): { peak: number; samples: number } } {
  let peak = readRss(pid);
  let samples = 1;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, readRss(pid));
      samples++;
    } catch {
      // the process has gone; the peak so far stands
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      try {
        peak = Math.max(peak, readRss(pid));
      } catch {
        // gone
      }
      return { peak, samples };
    },
  };
}

/** A case created through the API, for documents to be saved into. */
export async function createCase(svc: { url: string }, token: string, templateId: string, title: string, metadata: Record<string, unknown>): Promise<string> {
  const reply = await send(`${svc.url}/api/cases`, { method: "POST", token, json: { templateId, title, metadata } });
  if (reply.status !== 201) throw new Error(`creating a case answered ${reply.status}: ${reply.body.toString("utf8")}`);
  return reply.json().id;
}

export const MB = 1024 * 1024;

/** Waits until the service's search indexer has nothing stale left (a backlog, such as cases inserted before it started). */
export async function searchIndexed(dataDir: string): Promise<void> {
  const opened = openDataDir(dataDir);
  try {
    while (await opened.db.selectFrom("search_dirty").select("kind").limit(1).executeTakeFirst()) await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    await opened.close();
  }
}

/**
 * Resolves once the service has no job left to run (what its saves queued: reading their text, say) and its search index
 * has caught up with them, so a measurement that follows sees neither that work nor the extraction threads it starts.
 */
export async function jobsSettled(dataDir: string): Promise<void> {
  const opened = openDataDir(dataDir);
  try {
    for (;;) {
      const pending = await opened.db.selectFrom("jobs").select("id").where("state", "=", "pending").limit(1).executeTakeFirst();
      const stale = pending ?? (await opened.db.selectFrom("search_dirty").select("kind").limit(1).executeTakeFirst());
      if (!stale) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await opened.close();
  }
}
