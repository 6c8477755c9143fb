import { randomUUID } from "node:crypto";
import type { AppContext } from "../context.ts";
import type { Executor } from "../db/database.ts";

export type JobHandler = (ctx: AppContext, payload: any) => Promise<void>;

const MAX_ATTEMPTS = 5;

/** Queues work inside the caller's transaction, so it exists exactly when the change that needs it does. */
export async function enqueueJob(db: Executor, kind: string, payload: unknown): Promise<void> {
  const at = new Date().toISOString();
  await db.insertInto("jobs").values({ id: randomUUID(), kind, payload: JSON.stringify(payload), state: "pending", attempts: 0, run_after: at, error: null, created_at: at }).execute();
}

/** Runs every job that is due, one at a time; returns how many ran. A failure is retried later with backoff. */
export async function runDueJobs(ctx: AppContext, handlers: Record<string, JobHandler>): Promise<number> {
  let ran = 0;
  for (;;) {
    const job = await ctx.db
      .selectFrom("jobs")
      .selectAll()
      .where("state", "=", "pending")
      .where("run_after", "<=", new Date().toISOString())
      .orderBy("run_after")
      .limit(1)
      .executeTakeFirst();
    if (!job) return ran;
    ran++;
    const handler = handlers[job.kind];
    try {
      if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
      await handler(ctx, JSON.parse(job.payload));
      await ctx.db.updateTable("jobs").set({ state: "done", attempts: job.attempts + 1, error: null }).where("id", "=", job.id).execute();
    } catch (err) {
      const attempts = job.attempts + 1;
      ctx.log.warn({ err, job: job.id, kind: job.kind, attempts }, "job failed");
      await ctx.db
        .updateTable("jobs")
        .set({
          state: attempts >= MAX_ATTEMPTS ? "failed" : "pending",
          attempts,
          error: String((err as Error)?.message ?? err).slice(0, 2000),
          run_after: new Date(Date.now() + 2 ** attempts * 1000).toISOString(),
        })
        .where("id", "=", job.id)
        .execute();
    }
  }
}

/** A background loop: runs due jobs when kicked (after a save) and every few seconds. */
export function startJobRunner(ctx: AppContext, handlers: Record<string, JobHandler>, intervalMs = 2000) {
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = runDueJobs(ctx, handlers)
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
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    kick: tick,
    /** Resolves once nothing is running (used at shutdown and by tests). */
    async idle() {
      while (running) await running;
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      while (running) await running;
    },
  };
}
