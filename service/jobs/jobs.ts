import { randomUUID } from "node:crypto";
import type { ExpressionBuilder, Selectable, Updateable } from "kysely";
import type { AppContext } from "../context.ts";
import type { Database, Executor } from "../db/database.ts";
import type { JobTable } from "./jobs.table.ts";

// Each kind's handler declares its own payload type; the runner hands over parsed JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type JobHandler = (ctx: AppContext, payload: any) => Promise<void>;

type Job = Selectable<JobTable>;

const MAX_ATTEMPTS = 5;
export const DEFAULT_LEASE_MS = 60_000;

/**
 * Queues work inside the caller's transaction, so it exists exactly when the change that needs it does. A job
 * given an `id` is queued once: queueing it again (a retried job queueing its successor) adds nothing.
 */
export async function enqueueJob(db: Executor, kind: string, payload: unknown, options: { id?: string } = {}): Promise<void> {
  const at = new Date().toISOString();
  await db
    .insertInto("jobs")
    .values({
      id: options.id ?? randomUUID(),
      kind,
      payload: JSON.stringify(payload),
      state: "pending",
      attempts: 0,
      run_after: at,
      error: null,
      created_at: at,
      lease_owner: null,
      lease_until: null,
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
}

/**
 * Claims the next due job for `owner` until now + leaseMs, or returns undefined when none is free. One
 * statement picks and takes it and re-checks that nobody holds it, so of two runners reaching for the same
 * job one gets it and the other gets nothing (SQLite writes one statement at a time; PostgreSQL re-checks
 * the WHERE on the row it locked). A claim counts as an attempt, so a job whose worker crashed mid-run
 * has used one when its lease runs out and it is taken again.
 */
/** Whether a pending job is due now (leased ones are running). */
export async function hasDueJob(db: Executor): Promise<boolean> {
  const due = await db.selectFrom("jobs").select("id").where("state", "=", "pending").where("run_after", "<=", new Date().toISOString()).executeTakeFirst();
  return !!due;
}

export async function claimJob(db: Executor, owner: string, leaseMs: number): Promise<Job | undefined> {
  const now = new Date().toISOString();
  const free = (eb: ExpressionBuilder<Database, "jobs">) =>
    eb.and([eb("state", "=", "pending"), eb("run_after", "<=", now), eb.or([eb("lease_until", "is", null), eb("lease_until", "<", now)])]);
  return db
    .updateTable("jobs")
    .set((eb) => ({ lease_owner: owner, lease_until: new Date(Date.now() + leaseMs).toISOString(), attempts: eb("attempts", "+", 1) }))
    .where((eb) => eb("id", "=", eb.selectFrom("jobs").select("id").where(free).orderBy("run_after").limit(1)))
    .where(free)
    .returningAll()
    .executeTakeFirst();
}

/** Moves the lease on while the job still belongs to `owner`; false when it no longer does. */
async function renewLease(db: Executor, job: Job, owner: string, leaseMs: number): Promise<boolean> {
  const renewed = await db
    .updateTable("jobs")
    .set({ lease_until: new Date(Date.now() + leaseMs).toISOString() })
    .where("id", "=", job.id)
    .where("lease_owner", "=", owner)
    .where("state", "=", "pending")
    .executeTakeFirst();
  return renewed.numUpdatedRows > 0n;
}

/** Gives a claimed job back unrun (shutdown): it is free at once and the claim does not count as an attempt. */
export async function releaseJob(db: Executor, jobId: string, owner: string): Promise<void> {
  await db
    .updateTable("jobs")
    .set((eb) => ({ lease_owner: null, lease_until: null, attempts: eb("attempts", "-", 1) }))
    .where("id", "=", jobId)
    .where("lease_owner", "=", owner)
    .where("state", "=", "pending")
    .execute();
}

/** A runner's identity on its leases: the process and a random part, so two runners in one process differ. */
export const newRunnerId = () => `${process.pid}:${randomUUID()}`;

export interface RunOptions {
  owner: string;
  leaseMs: number;
  /** Called with the id of the job being run (null when between jobs), so shutdown knows what to release. */
  onJob?: (jobId: string | null) => void;
  /** Checked before each claim: a stopping runner takes no new job. */
  stopping?: () => boolean;
}

/** Runs every job that is due, one at a time, each under a lease; returns how many ran. A failure is retried later with backoff. */
export async function runDueJobs(
  ctx: AppContext,
  handlers: Record<string, JobHandler>,
  options: RunOptions = { owner: newRunnerId(), leaseMs: DEFAULT_LEASE_MS },
): Promise<number> {
  const { owner, leaseMs } = options;
  let ran = 0;
  for (;;) {
    if (options.stopping?.()) return ran;
    const job = await claimJob(ctx.db, owner, leaseMs);
    if (!job) return ran;
    ran++;
    options.onJob?.(job.id);
    try {
      await runLeased(ctx, handlers, job, options);
    } finally {
      options.onJob?.(null);
    }
  }
}

async function runLeased(ctx: AppContext, handlers: Record<string, JobHandler>, job: Job, { owner, leaseMs }: RunOptions): Promise<void> {
  // The outcome is written only while the lease is still this runner's: a job given back or taken over is not.
  const finish = (outcome: Updateable<JobTable>) =>
    ctx.db
      .updateTable("jobs")
      .set({ ...outcome, lease_owner: null, lease_until: null })
      .where("id", "=", job.id)
      .where("lease_owner", "=", owner)
      .execute();
  // A job whose lease ran out with its worker this many times is not tried again.
  if (job.attempts > MAX_ATTEMPTS) {
    await finish({ state: "failed", error: "its worker stopped while running it too many times" });
    return;
  }
  // Renewed at a third of the lease, so a long job keeps it through a slow renewal or two.
  const renewal = setInterval(
    () => {
      renewLease(ctx.db, job, owner, leaseMs).then(
        (held) => held || ctx.log.warn({ job: job.id, kind: job.kind }, "job lease lost while running"),
        (err) => ctx.log.warn({ err, job: job.id }, "job lease renewal failed"),
      );
    },
    Math.max(1, Math.floor(leaseMs / 3)),
  );
  renewal.unref();
  try {
    const handler = handlers[job.kind];
    if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
    await handler(ctx, JSON.parse(job.payload));
    clearInterval(renewal);
    await finish({ state: "done", error: null });
  } catch (err) {
    clearInterval(renewal);
    const attempts = job.attempts;
    ctx.log.warn({ err, job: job.id, kind: job.kind, attempts }, "job failed");
    await finish({
      state: attempts >= MAX_ATTEMPTS ? "failed" : "pending",
      error: String((err as Error)?.message ?? err).slice(0, 2000),
      run_after: new Date(Date.now() + 2 ** attempts * 1000).toISOString(),
    });
  }
}

export interface JobRunnerOptions {
  intervalMs?: number;
  leaseMs?: number;
  /** A worker process has nothing else to live for: its loop keeps the process running until stopped. */
  keepProcessAlive?: boolean;
}

export interface JobRunner {
  /** Looks for due jobs now (after a commit that queued one). */
  kick(): void;
  /** Resolves once nothing is running (used by tests). */
  idle(): Promise<void>;
  /**
   * Takes no new job and waits for the current one to finish; one still running after `graceMs` is released
   * (its lease given back, so another runner takes it at once) and stop resolves without it.
   */
  stop(graceMs?: number): Promise<void>;
}

/** A background loop: runs due jobs when kicked (after a save) and every few seconds. */
export function startJobRunner(ctx: AppContext, handlers: Record<string, JobHandler>, options: JobRunnerOptions = {}): JobRunner {
  const owner = newRunnerId();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  let running: Promise<void> | null = null;
  let current: string | null = null;
  let again = false;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = runDueJobs(ctx, handlers, { owner, leaseMs, onJob: (id) => (current = id), stopping: () => stopped })
      .then(() => undefined)
      .catch((err) => ctx.log.error({ err }, "job runner failed"))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          tick();
        }
      });
  };
  const timer = setInterval(tick, options.intervalMs ?? 2000);
  if (!options.keepProcessAlive) timer.unref();
  return {
    kick: tick,
    async idle() {
      while (running) await running;
    },
    async stop(graceMs = Infinity) {
      stopped = true;
      clearInterval(timer);
      if (!running) return;
      let grace: NodeJS.Timeout | undefined;
      const outOfTime = new Promise<"late">((resolve) => {
        if (Number.isFinite(graceMs)) grace = setTimeout(() => resolve("late"), graceMs);
      });
      const outcome = await Promise.race([running.then(() => "done" as const), outOfTime]);
      clearTimeout(grace);
      if (outcome === "late" && current) {
        ctx.log.warn({ job: current }, "stopping: the running job is given back for another runner");
        await releaseJob(ctx.db, current, owner);
      }
    },
  };
}
