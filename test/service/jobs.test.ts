import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import request from "supertest";
import { claimJob, enqueueJob, runDueJobs } from "../../service/jobs/jobs.ts";
import { corpus } from "../support/fixtures.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld } from "../support/world.ts";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const GMAIL = "da-gmail-inline-image-and-attached-odt.eml";
const GMAIL_ID = "<CAP6xULFuEzdY+Mj5WY5nt=9TfRuaWroy6-4LWmhpp9G2+vfzLw@mail.gmail.com>";

interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  output(): string;
}

/** A worker process over the service's data directory: the tests' own job kinds (test/support/job-worker.ts) or `npm run worker` itself. */
function startWorkerProcess(svc: TestService, script: "test/support/job-worker.ts" | "service/worker.ts", env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: REPO,
    env: { ...process.env, ...svc.archiveEnv, SEED_DEMO: "false", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let tail = "";
  const keep = (c: Buffer) => (tail = (tail + c.toString("utf8")).slice(-8000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => tail };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The lines of runs.log ("<kind> <n> <pid>[ finished]") once `ready` holds for them; the test's own timeout bounds the wait. */
async function runsWhen(svc: TestService, ready: (lines: string[]) => boolean, worker?: WorkerProcess): Promise<string[]> {
  const file = path.join(svc.dataDir, "runs.log");
  for (;;) {
    const lines = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean) : [];
    if (ready(lines)) return lines;
    if (worker && worker.child.exitCode !== null) throw new Error(`the worker exited early:\n${worker.output()}`);
    await pause(50);
  }
}

const jobRow = (svc: TestService, kind: string) => svc.ctx.db.selectFrom("jobs").selectAll().where("kind", "=", kind).executeTakeFirstOrThrow();

describe("jobs: leased claims and the worker process", function () {
  this.timeout(60_000);
  let svc: TestService;
  const workers: WorkerProcess[] = [];
  const worker = (...args: Parameters<typeof startWorkerProcess>) => {
    const w = startWorkerProcess(...args);
    workers.push(w);
    return w;
  };

  beforeEach(async () => {
    // The service runs no jobs itself here: every job is claimed by a runner the test starts.
    svc = await startTestService({ IMS_RUN_JOBS: "false" });
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) {
      if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill("SIGKILL");
      await w.exited;
    }
    await svc.dispose();
  });

  it("a job claimed by one runner cannot be claimed by another until its lease runs out, and the second claim counts as an attempt", async () => {
    await enqueueJob(svc.ctx.db, "test.count", { n: 1 });
    const first = await claimJob(svc.ctx.db, "runner-a", 0);
    expect(first).to.include({ lease_owner: "runner-a", attempts: 1 });
    // A lease that ends now still holds in the millisecond it ends; past it, it has run out.
    while (Date.now() <= Date.parse(first!.lease_until!)) await pause(1);
    const held = await claimJob(svc.ctx.db, "runner-b", 60_000);
    // runner-a's lease (0 ms) has run out, so runner-b takes the job over
    expect(held).to.include({ id: first!.id, lease_owner: "runner-b", attempts: 2 });
    expect(await claimJob(svc.ctx.db, "runner-c", 60_000)).to.equal(undefined);
  });

  it("two worker processes on one database run each of 300 jobs exactly once", async () => {
    await svc.ctx.db.transaction().execute(async (trx) => {
      for (let n = 0; n < 300; n++) await enqueueJob(trx, "test.count", { n });
    });
    worker(svc, "test/support/job-worker.ts");
    worker(svc, "test/support/job-worker.ts");
    await svc.jobsIdle();
    const lines = await runsWhen(svc, () => true);
    const runs = new Map<number, number>();
    for (const line of lines) runs.set(Number(line.split(" ")[1]), (runs.get(Number(line.split(" ")[1])) ?? 0) + 1);
    expect(runs.size).to.equal(300);
    expect([...runs.values()].filter((count) => count !== 1)).to.deep.equal([]);
    const states = await svc.ctx.db.selectFrom("jobs").select(["state", "attempts", "lease_owner"]).distinct().execute();
    expect(states).to.deep.equal([{ state: "done", attempts: 1, lease_owner: null }]);
  });

  it("a job whose worker was killed mid-run is run again by another runner once its lease runs out", async () => {
    await enqueueJob(svc.ctx.db, "test.hang", { n: 7 });
    const doomed = worker(svc, "test/support/job-worker.ts", { IMS_JOB_LEASE_SECONDS: "1" });
    await runsWhen(svc, (lines) => lines.length === 1, doomed);
    expect((await jobRow(svc, "test.hang")).lease_owner).to.match(new RegExp(`^${doomed.child.pid}:`));
    doomed.child.kill("SIGKILL");
    await doomed.exited;

    let reruns = 0;
    const handlers = { "test.hang": async () => void reruns++ };
    while (reruns === 0) {
      await runDueJobs(svc.ctx, handlers, { owner: "rescuer", leaseMs: 60_000 });
      if (reruns === 0) await pause(100);
    }
    expect(reruns).to.equal(1);
    expect(await jobRow(svc, "test.hang")).to.include({ state: "done", attempts: 2, lease_owner: null });
  });

  it("the worker process parses a saved mail while the service runs no jobs itself", async () => {
    const w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    const c = await request(svc.url)
      .post("/api/cases")
      .auth(w.tokens.alice, { type: "bearer" })
      .send({ templateId: w.templates.pupil, title: "Ansøgning", metadata: { elevnummer: "E" } })
      .expect(201);
    const saved = await request(svc.url)
      .post("/api/documents")
      .auth(w.tokens.alice, { type: "bearer" })
      .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, caseId: c.body.id }))
      .attach("file", corpus(GMAIL), { filename: GMAIL, contentType: "message/rfc822" })
      .expect(201);
    expect(await jobRow(svc, "mail.parse")).to.include({ state: "pending", attempts: 0 });

    worker(svc, "service/worker.ts");
    await svc.jobsIdle();
    const doc = await request(svc.url).get(`/api/documents/${saved.body.id}`).auth(w.tokens.alice, { type: "bearer" }).expect(200);
    expect(doc.body.mail).to.deep.include({ messageId: GMAIL_ID, subject: "Mail med inline billede og vedhæftet fil", parsed: true });
    expect(doc.body.mail.from).to.deep.equal({ name: "Paw Møller", address: "pawsen@gmail.com" });
  });

  it("SIGTERM lets the worker's running job finish before it exits", async () => {
    await enqueueJob(svc.ctx.db, "test.until-stopped", { n: 1 });
    const w = worker(svc, "test/support/job-worker.ts");
    await runsWhen(svc, (lines) => lines.length === 1, w);
    w.child.kill("SIGTERM");
    expect(await w.exited).to.equal(0);
    expect(await runsWhen(svc, () => true)).to.have.lengthOf(2);
    expect(await jobRow(svc, "test.until-stopped")).to.include({ state: "done", attempts: 1, lease_owner: null });
  });

  it("SIGTERM gives back a job that does not finish within the grace, so another runner takes it at once", async () => {
    await enqueueJob(svc.ctx.db, "test.hang", { n: 1 });
    const w = worker(svc, "test/support/job-worker.ts", { IMS_SHUTDOWN_GRACE_SECONDS: "0", IMS_JOB_LEASE_SECONDS: "3600" });
    await runsWhen(svc, (lines) => lines.length === 1, w);
    w.child.kill("SIGTERM");
    expect(await w.exited).to.equal(0);
    expect(await jobRow(svc, "test.hang")).to.include({ state: "pending", attempts: 0, lease_owner: null, lease_until: null });

    let reruns = 0;
    expect(await runDueJobs(svc.ctx, { "test.hang": async () => void reruns++ }, { owner: "next", leaseMs: 60_000 })).to.equal(1);
    expect(reruns).to.equal(1);
  });
});
