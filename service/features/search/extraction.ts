import { sql } from "kysely";
import type { AppContext } from "../../context.ts";
import type { Executor } from "../../db/database.ts";
import { enqueueJob } from "../../jobs/jobs.ts";
import { ExtractError } from "./extract/limits.ts";
import { createExtractPool, type ExtractPool } from "./extract/pool.ts";
import type { ContentTextTable } from "./search.table.ts";

// The text of saved files, for search: every version's file is read once per distinct content, off the
// request path — a job per saved version, run in the extraction worker pool — and its text written to
// content_texts, which marks the documents holding that content stale in the index. A file that cannot be
// read is marked failed or skipped with the reason; the save it came with was acknowledged long before.
// Files saved before this existed are read by the backfill job, which works through them in batches and
// queues itself again after each, so an interrupted run (a crash, a restart) resumes where it was.

export const EXTRACT_TEXT_JOB = "text.extract";
export const BACKFILL_TEXT_JOB = "text.backfill";

export interface ExtractPayload {
  sha256: string;
  filename: string;
  mediaType: string;
  size: number;
}

/** Versions read per backfill job. */
const BACKFILL_BATCH = 200;

/** Queues reading a version's text, in the save's transaction, unless its content has been read already. */
export async function queueTextExtraction(db: Executor, version: { sha256: string; filename: string; media_type: string; size: number }): Promise<void> {
  const known = await db.selectFrom("content_texts").select("sha256").where("sha256", "=", version.sha256).executeTakeFirst();
  if (known) return;
  await enqueueJob(db, EXTRACT_TEXT_JOB, {
    sha256: version.sha256,
    filename: version.filename,
    mediaType: version.media_type,
    size: version.size,
  } satisfies ExtractPayload);
}

let pool: ExtractPool | undefined;

/** The process's one pool, made at first use: its threads live as long as the process and keep no process alive. */
function extractPoolFor(ctx: AppContext): ExtractPool {
  const { timeoutMs, memoryMb, workers } = ctx.config.extraction;
  pool ??= createExtractPool({ size: workers, timeoutMs, memoryBudgetMb: memoryMb, heapMb: Math.min(memoryMb, 1024) });
  return pool;
}

/** Ends the pool's threads (tests, and a worker process stopping); the next extraction makes a new pool. */
export async function closeExtractPool(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.close();
}

type Outcome = Pick<ContentTextTable, "status" | "reason" | "text" | "truncated">;

async function readAll(ctx: AppContext, sha256: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await ctx.blobs.open(sha256)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reads one file's text in the pool; what cannot be read becomes a failed or skipped outcome, never an error. */
async function extractOutcome(ctx: AppContext, file: ExtractPayload): Promise<Outcome> {
  const { maxBytes } = ctx.config.extraction;
  if (file.size > maxBytes) {
    return {
      status: "skipped",
      reason: `larger than ${Math.round(maxBytes / 1024 / 1024)} MB (IMS_EXTRACT_MAX_MB): not read for search`,
      text: "",
      truncated: 0,
    };
  }
  let bytes: Buffer;
  try {
    bytes = await readAll(ctx, file.sha256);
  } catch (err) {
    return { status: "failed", reason: `the file could not be read from the store: ${(err as Error).message}`, text: "", truncated: 0 };
  }
  try {
    const { text, truncated } = await extractPoolFor(ctx).extract(bytes, { filename: file.filename, mediaType: file.mediaType });
    return { status: "done", reason: truncated ? "the text was cut at the extraction limit" : null, text, truncated: truncated ? 1 : 0 };
  } catch (err) {
    if (err instanceof ExtractError) return { status: err.status, reason: err.reason, text: "", truncated: 0 };
    throw err;
  }
}

/** Reads a file's text unless its content has been read already, and writes it (which marks its documents stale). */
export async function extractContentText(ctx: AppContext, file: ExtractPayload): Promise<void> {
  const known = await ctx.db.selectFrom("content_texts").select("sha256").where("sha256", "=", file.sha256).executeTakeFirst();
  if (known) return;
  const outcome = await extractOutcome(ctx, file);
  if (outcome.status !== "done") ctx.log.info({ sha256: file.sha256, status: outcome.status, reason: outcome.reason }, "text extraction: file not read");
  await ctx.db
    .insertInto("content_texts")
    .values({ sha256: file.sha256, ...outcome, extracted_at: new Date().toISOString() })
    .onConflict((oc) => oc.column("sha256").doNothing())
    .execute();
}

export interface BackfillPayload {
  /** The last version id of the previous batch (versions are walked in id order). */
  after?: string;
  /** Versions looked at so far, for the progress log. */
  seen?: number;
}

/**
 * One batch of the backfill: the next versions (in id order) whose content has no text yet are read, as many
 * at a time as the pool has threads; then, unless the walk is through, the next batch is queued. A batch cut
 * short by a crash is run again from the same place, and skips what it had already read.
 */
export async function backfillTexts(ctx: AppContext, payload: BackfillPayload): Promise<void> {
  const batch = await ctx.db
    .selectFrom("versions")
    .leftJoin("content_texts", "content_texts.sha256", "versions.sha256")
    .select([
      "versions.id",
      "versions.sha256",
      "versions.filename",
      "versions.media_type",
      "versions.size",
      sql<number>`content_texts.sha256 IS NOT NULL`.as("known"),
    ])
    .$if(payload.after !== undefined, (q) => q.where("versions.id", ">", payload.after!))
    .orderBy("versions.id")
    .limit(BACKFILL_BATCH)
    .execute();
  const todo = new Map<string, ExtractPayload>();
  for (const v of batch)
    if (!v.known && !todo.has(v.sha256)) todo.set(v.sha256, { sha256: v.sha256, filename: v.filename, mediaType: v.media_type, size: v.size });
  const files = [...todo.values()];
  const lanes = Math.max(1, ctx.config.extraction.workers ?? 2);
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      for (let i = lane; i < files.length; i += lanes) await extractContentText(ctx, files[i]);
    }),
  );
  const seen = (payload.seen ?? 0) + batch.length;
  if (batch.length < BACKFILL_BATCH) {
    if (seen > 0) ctx.log.info({ versions: seen }, "text extraction: every saved file has been read");
    return;
  }
  ctx.log.info({ versions: seen, read: files.length }, "text extraction: reading the archive's files");
  const after = batch.at(-1)!.id;
  await enqueueJob(ctx.db, BACKFILL_TEXT_JOB, { after, seen } satisfies BackfillPayload, { id: `${BACKFILL_TEXT_JOB}:${after}` });
}
