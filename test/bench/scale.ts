import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createCase, prepareDataDir, startChildService, type ChildService } from "../support/child-service.ts";
import { saveMultipart } from "../support/payload.ts";
import { startLocalPostgres } from "../support/postgres-server.ts";
import { startLocalS3 } from "../support/s3-server.ts";

// npm run bench -- scale: saves per second of 8 clients through one service process on SQLite and disk, one on PostgreSQL and
// S3, and two on PostgreSQL and S3 (the clients take turns between them), measured one after the other in one run. The
// services run no jobs (IMS_RUN_JOBS=false), so what is measured is the save itself, not the reading of text it queues.

export interface ScaleMeasures {
  sqlite: number;
  postgresOne: number;
  postgresTwo: number;
  seconds: number;
}

async function savesPerSecond(
  services: ChildService[],
  token: string,
  documentTypeId: string,
  caseId: string,
  clients: number,
  seconds: number,
): Promise<number> {
  const file = randomBytes(60 * 1024);
  let serial = 0;
  let ok = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, n) => {
      const svc = services[n % services.length];
      while (performance.now() < end) {
        const body = Buffer.from(file);
        body.writeUInt32BE(++serial, 0);
        const reply = await saveMultipart(svc.url, { documentTypeId, caseId }, [body], body.length, { token, filename: "brev.pdf" });
        if (reply.status !== 201) throw new Error(`a save answered ${reply.status}: ${reply.body.toString("utf8")}`);
        ok++;
      }
    }),
  );
  return ok / ((performance.now() - started) / 1000);
}

/** Starts `count` service processes on a freshly prepared archive, measures, and stops them. */
async function measureSetup(count: number, clients: number, seconds: number): Promise<number> {
  const { dataDir, world } = await prepareDataDir();
  const services: ChildService[] = [];
  try {
    for (let i = 0; i < count; i++) services.push(await startChildService(dataDir, { IMS_RUN_JOBS: "false" }));
    const caseId = await createCase(services[0], world.tokens.alice, world.templates.pupil, "Skalering", { elevnummer: "S-1" });
    // A few saves first, so every process has its connections and code warm.
    await savesPerSecond(services, world.tokens.alice, world.types.pupil, caseId, clients, 2);
    return await savesPerSecond(services, world.tokens.alice, world.types.pupil, caseId, clients, seconds);
  } finally {
    for (const svc of services) await svc.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function measureScale(clients: number, seconds: number, say: (line: string) => void): Promise<ScaleMeasures> {
  say(`saves, ${clients} clients, ${seconds} s: one process on SQLite and disk …`);
  const sqlite = await measureSetup(1, clients, seconds);
  say("a throwaway PostgreSQL 15 and s3rver …");
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const postgres = await startLocalPostgres();
  const s3 = await startLocalS3();
  process.env.IMS_TEST_POSTGRES = postgres.url;
  process.env.IMS_TEST_S3 = JSON.stringify({ S3_ENDPOINT: s3.endpoint, S3_BUCKET: s3.bucket, S3_ACCESS_KEY_ID: "S3RVER", S3_SECRET_ACCESS_KEY: "S3RVER" });
  try {
    say("one process on PostgreSQL and S3 …");
    const postgresOne = await measureSetup(1, clients, seconds);
    say("two processes on PostgreSQL and S3 …");
    const postgresTwo = await measureSetup(2, clients, seconds);
    return { sqlite, postgresOne, postgresTwo, seconds };
  } finally {
    delete process.env.IMS_TEST_POSTGRES;
    delete process.env.IMS_TEST_S3;
    await s3.stop();
    await postgres.stop();
  }
}

export function scaleRows(m: ScaleMeasures): Array<[string, string, string]> {
  const ratio = m.postgresTwo / m.postgresOne;
  return [
    ["saves/s, SQLite + disk, 1 process", m.sqlite.toFixed(1), `60 KB multipart, 8 clients, ${m.seconds} s; jobs not run`],
    [
      "saves/s, PostgreSQL + S3, 1 process",
      m.postgresOne.toFixed(1),
      `${(m.postgresOne / m.sqlite).toFixed(2)}× SQLite + disk; PostgreSQL 15 and s3rver on the same 2 cores`,
    ],
    ["saves/s, PostgreSQL + S3, 2 processes", m.postgresTwo.toFixed(1), `${ratio.toFixed(2)}× one process (goal ≥ 1.3×: ${ratio >= 1.3 ? "met" : "MISSED"})`],
  ];
}
