import { expect } from "chai";
import { spawn } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { archiveEnvOf, createCase, jobsSettled, openDataDir, prepareDataDir, startChildService, type ChildService } from "../support/child-service.ts";
import { downloadSha256, GeneratedContent, saveMultipart, saveUpload, send, tus, type HttpReply } from "../support/payload.ts";
import { ADMIN_TOKEN } from "../support/service.ts";
import type { World } from "../support/world.ts";

// Scale-out (npm run test:scale): two service processes and one job worker on one PostgreSQL database and one object store,
// eight clients saving, versioning and searching through both; one service is killed with SIGKILL in the middle, and the
// clients go on through the other, retrying what was in flight with the same Idempotency-Key. Afterwards every acknowledged
// save is intact, no retry made a second document, an upload begun on the killed process is finished on the other, the audit
// chain verifies, and every job ran exactly once.

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CLIENTS = 8;
const OPS_PER_CLIENT = 30;
/** The kill comes once this many saves are acknowledged, so plenty are in flight on the killed process. */
const KILL_AFTER = 60;

interface Saved {
  key: string;
  id: string;
  /** The sha256 of each version acknowledged, in order. */
  versions: string[];
}

const contentOf = (seed: string) => {
  const size = 20_000 + (createHash("sha256").update(seed).digest().readUInt16BE(0) % 60_000);
  const bytes = Buffer.alloc(size);
  for (let at = 0, n = 0; at < size; n++) at += createHash("sha256").update(`${seed}:${n}`).digest().copy(bytes, at);
  return { bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
};

/** A multipart body with a metadata part and a file part, as one buffer (small contents). */
function multipart(metadata: unknown, file: Buffer): { body: Buffer; type: string } {
  const boundary = `----ims-${randomUUID()}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(metadata)}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="v.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

describe("scale-out: a service process killed with SIGKILL under load on PostgreSQL and S3", function () {
  this.timeout(300_000);
  let w: World;
  let dataDir: string;
  let a: ChildService;
  let b: ChildService;
  let worker: ReturnType<typeof spawn>;
  let workerOutput = "";
  let caseId: string;
  const saved: Saved[] = [];
  let killed = false;
  let retried = 0;

  before(async function () {
    ({ dataDir, world: w } = await prepareDataDir());
    if (!archiveEnvOf(dataDir).DATABASE_URL) throw new Error("the kill test needs the scale-out backends: run it with npm run test:scale");
    // The services run no jobs: the worker does, so a killed service never takes a running job with it.
    a = await startChildService(dataDir, { IMS_RUN_JOBS: "false" });
    b = await startChildService(dataDir, { IMS_RUN_JOBS: "false" });
    worker = spawn(process.execPath, ["--import", "tsx", "service/worker.ts"], {
      cwd: REPO,
      env: { ...process.env, ...archiveEnvOf(dataDir), SEED_DEMO: "false", LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    worker.stdout!.on("data", (c: Buffer) => (workerOutput = (workerOutput + c.toString()).slice(-4000)));
    worker.stderr!.on("data", (c: Buffer) => (workerOutput = (workerOutput + c.toString()).slice(-4000)));
    caseId = await createCase(b, w.tokens.alice, w.templates.pupil, "Skaleret sag", { elevnummer: "E-900" });
  });
  after(async () => {
    await a?.kill();
    await b?.stop();
    worker?.kill("SIGTERM");
  });

  /** Sends through the first living service of `order`; a connection that breaks (the kill) is tried again on the next. */
  async function through(order: ChildService[], request: (svc: ChildService) => Promise<HttpReply>): Promise<HttpReply> {
    for (;;) {
      for (const svc of order) {
        if (killed && svc === a) continue;
        try {
          const reply = await request(svc);
          if (reply.status < 500) return reply;
        } catch {
          // the process went away mid-request: the same request again, elsewhere
        }
        retried++;
      }
    }
  }

  async function client(n: number): Promise<void> {
    const order = n % 2 ? [a, b] : [b, a];
    for (let i = 0; i < OPS_PER_CLIENT; i++) {
      const mine = saved.filter((s) => s.key.startsWith(`c${n}-`));
      if (i % 3 === 2 && mine.length) {
        await addVersion(order, mine[i % mine.length], `c${n}-${i}`);
      } else if (i % 5 === 4) {
        const reply = await through(order, (svc) => send(`${svc.url}/api/search?q=${encodeURIComponent("skaleret")}`, { token: w.tokens.alice }));
        expect(reply.status, reply.body.toString()).to.equal(200);
      } else {
        const key = `c${n}-${i}-${randomUUID()}`;
        const { bytes, sha256 } = contentOf(key);
        const metadata = { documentTypeId: w.types.pupil, caseId, title: `Dokument ${key.slice(0, 8)}` };
        const reply = await through(order, (svc) => saveMultipart(svc.url, metadata, [bytes], bytes.length, { token: w.tokens.alice, idempotencyKey: key }));
        expect(reply.status, reply.body.toString()).to.equal(201);
        saved.push({ key, id: reply.json().id, versions: [sha256] });
        if (saved.length === KILL_AFTER && !killed) {
          killed = true;
          void a.kill();
        }
      }
    }
  }

  /** A new version under If-Match; a 412 after a retry means the first attempt was saved: the current version is then ours. */
  async function addVersion(order: ChildService[], doc: Saved, seed: string): Promise<void> {
    const { bytes, sha256 } = contentOf(seed);
    const current = await through(order, (svc) => send(`${svc.url}/api/documents/${doc.id}`, { token: w.tokens.alice }));
    const etag = String(current.headers.etag);
    const { body, type } = multipart({ comment: seed }, bytes);
    const reply = await through(order, (svc) =>
      send(`${svc.url}/api/documents/${doc.id}/versions`, { method: "POST", token: w.tokens.alice, headers: { "content-type": type, "if-match": etag }, body }),
    );
    if (reply.status === 201) return void doc.versions.push(sha256);
    expect(reply.status, reply.body.toString()).to.equal(412);
    const now = await downloadSha256(b.url, w.tokens.alice, doc.id);
    if (now.sha256 === sha256) doc.versions.push(sha256);
  }

  /**
   * A resumable upload begun on the process that will be killed and finished on the other after the kill: any process
   * resumes any upload (the uploads are kept in the object store).
   */
  async function resumedElsewhere(): Promise<void> {
    const content = new GeneratedContent(9 * 1024 * 1024, "resumed");
    const created = await tus.create(a.url, w.tokens.alice, content.size, "resumed.bin");
    expect(created.status).to.equal(201);
    const half = 4 * 1024 * 1024;
    expect((await tus.patch(a.url, w.tokens.alice, created.id!, 0, content.chunks(0, half), half)).status).to.equal(204);
    while (!killed) await new Promise((resolve) => setTimeout(resolve, 20));
    const offset = await tus.offset(b.url, w.tokens.alice, created.id!);
    expect(offset).to.equal(half);
    expect(await tus.upload(b.url, w.tokens.alice, created.id!, content.size, half, half, (from, to) => content.chunks(from, to))).to.equal(undefined);
    const key = `resumed-${randomUUID()}`;
    const reply = await saveUpload(b.url, { documentTypeId: w.types.pupil, caseId, title: "Genoptaget" }, created.id!, {
      token: w.tokens.alice,
      idempotencyKey: key,
    });
    expect(reply.status, reply.body.toString()).to.equal(201);
    const hash = createHash("sha256");
    for await (const chunk of content.chunks()) hash.update(chunk);
    saved.push({ key, id: reply.json().id, versions: [hash.digest("hex")] });
  }

  it("every acknowledged save is intact, no retry made a second document, the audit chain verifies and every job ran once", async () => {
    await Promise.all([...Array.from({ length: CLIENTS }, (_, n) => client(n)), resumedElsewhere()]);
    expect(killed, "the kill came").to.equal(true);

    const opened = openDataDir(dataDir);
    try {
      // Every acknowledged save: its versions are those acknowledged, in order, and each one's bytes come back as sent.
      for (const s of saved) {
        const versions = await opened.db
          .selectFrom("versions")
          .select(["major", "minor", "sha256"])
          .where("document_id", "=", s.id)
          .orderBy("major")
          .orderBy("minor")
          .execute();
        expect(
          versions.map((v) => v.sha256),
          s.key,
        ).to.deep.equal(s.versions);
        for (const v of versions) expect(await downloadShaOf(b, s.id, `${v.major}.${v.minor}`), `${s.key} ${v.major}.${v.minor}`).to.equal(v.sha256);
      }

      // One document per key, however often a save was sent; no document but those acknowledged.
      const documents = await opened.db.selectFrom("documents").select("id").where("case_id", "=", caseId).execute();
      expect(documents.map((d) => d.id).sort()).to.deep.equal(saved.map((s) => s.id).sort());

      await jobsSettled(dataDir);
      const jobs = await opened.db.selectFrom("jobs").select(["kind", "state", "attempts"]).execute();
      expect(jobs.length, "the saves queued jobs").to.be.above(0);
      expect(jobs.filter((j) => j.state !== "done" || j.attempts !== 1)).to.deep.equal([]);
    } finally {
      await opened.close();
    }

    const verified = await send(`${b.url}/api/audit/verify`, { token: ADMIN_TOKEN });
    expect(verified.status, verified.body.toString()).to.equal(200);
    expect(verified.json()).to.include({ status: "ok" });
    expect(retried, "some requests were in flight on the killed process").to.be.above(0);
    expect(worker.exitCode, workerOutput).to.equal(null);
  });

  async function downloadShaOf(svc: ChildService, id: string, version: string): Promise<string> {
    const hash = createHash("sha256");
    const reply = await send(`${svc.url}/api/documents/${id}/content?version=${version}`, { token: w.tokens.alice, sink: (c) => hash.update(c) });
    expect(reply.status).to.equal(200);
    return hash.digest("hex");
  }
});
