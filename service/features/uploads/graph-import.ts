import { createHash, randomUUID } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { ERRORS, Upload } from "@tus/server";
import type { AppContext } from "../../context.ts";
import { Problem } from "../../http/problem.ts";
import type { Actor } from "../access/actor.ts";
import { graphNeedsMicrosoft, graphTokenOnBehalfOf, openGraphContent, type GraphAccess } from "../auth/sso/graph.ts";
import type { GraphImport, GraphImportRequest } from "../../../shared/api/schemas/graph.ts";
import { uploadStore } from "./upload-store.ts";

// POST /api/uploads/graph: the mail or file is streamed from Microsoft Graph into the upload store as a finished upload, so the
// save names it like one the pane sent itself. The bytes pass through with back-pressure and are counted; nothing holds the whole file.

/** How long a fetch may take in all, and how long Graph may stay silent. */
export interface GraphImportLimits {
  deadlineMs: number;
  idleMs: number;
}
export const GRAPH_IMPORT_LIMITS: GraphImportLimits = { deadlineMs: 15 * 60_000, idleMs: 60_000 };

/** Who asks: the person, how the request was signed in, and the bearer token it carried (the on-behalf-of assertion). */
export interface GraphCaller {
  actor: Actor;
  via: string | undefined;
  bearer: string | undefined;
}

const tooLarge = (max: number) =>
  new Problem(413, "too_large", `The file is larger than the maximum upload size (${Math.floor(max / (1024 * 1024))} MB).`, { maxBytes: max });

/**
 * The upload id of an import: with an Idempotency-Key, derived from the person and the key (a UUID, as tus names uploads), so a
 * retry after a lost answer finds the upload the first request made instead of leaving a second one behind.
 */
export function importUploadId(userId: string, key: string | undefined): string {
  if (!key) return randomUUID();
  const h = createHash("sha256").update(`graph-import\n${userId}\n${key}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Counts the bytes going through and stops them at `max` (and at the length Graph announced). */
class Bounded extends Transform {
  count = 0;
  failure: Problem | undefined;
  constructor(
    private readonly max: number,
    private readonly announced: number | undefined,
  ) {
    super({ highWaterMark: 1 << 20 });
  }
  _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
    this.count += chunk.length;
    if (this.count > this.max) this.failure = tooLarge(this.max);
    else if (this.announced !== undefined && this.count > this.announced)
      this.failure = new Problem(502, "graph_failed", "Microsoft Graph sent more than it announced.");
    if (this.failure) return done(this.failure);
    done(null, chunk);
  }
}

/** Why the bytes stopped coming: the reason the fetch was stopped for (deadline, nobody waiting), else Graph's end of it. */
const stopped = (signal: AbortSignal) =>
  signal.reason instanceof Problem ? signal.reason : new Problem(503, "graph_unavailable", "Microsoft Graph stopped sending; try again.");

interface Running {
  result: Promise<GraphImport>;
  abort: AbortController;
  waiting: number;
}
const running = new Map<string, Running>();

/** A finished upload of the person's with this id that no save has taken: what a retry answers again. */
async function finishedAlready(ctx: AppContext, id: string): Promise<GraphImport | null> {
  const row = await ctx.db.selectFrom("uploads").select("claimed_at").where("id", "=", id).executeTakeFirst();
  const store = uploadStore(ctx.config);
  // Bytes without a row are a fetch cut off (the process ended mid-way): they go, and the fetch starts again.
  if (!row) {
    await store.remove(id).catch(() => undefined);
    return null;
  }
  if (row.claimed_at) throw new Problem(409, "upload_claimed", `The upload ${id} is being saved or has been saved already; save each upload once.`);
  const upload = await store.getUpload(id).catch(() => null);
  if (upload && upload.size !== undefined && upload.offset === upload.size) {
    return { uploadId: id, size: upload.size, filename: upload.metadata?.filename ?? "", mediaType: upload.metadata?.filetype ?? "application/octet-stream" };
  }
  await ctx.db.deleteFrom("uploads").where("id", "=", id).execute();
  await store.remove(id).catch(() => undefined);
  return null;
}

async function fetchInto(
  ctx: AppContext,
  access: GraphAccess,
  caller: GraphCaller & { bearer: string },
  input: GraphImportRequest,
  id: string,
  signal: AbortSignal,
  limits: GraphImportLimits,
): Promise<GraphImport> {
  const max = ctx.config.maxUploadBytes;
  const graphToken = await graphTokenOnBehalfOf(access, caller.bearer);
  const content = await openGraphContent(access, graphToken, input.source, { signal, idleMs: limits.idleMs });
  const store = uploadStore(ctx.config);
  let created = false;
  try {
    if (content.length !== undefined && content.length > max) throw tooLarge(max);
    const message = input.source.kind === "message";
    const filename = input.filename ?? content.filename ?? (message ? "message.eml" : "document");
    const mediaType = input.mediaType ?? (message ? "message/rfc822" : (content.mediaType ?? "application/octet-stream"));
    await store.create(
      new Upload({ id, size: content.length, offset: 0, metadata: { filename, filetype: mediaType }, creation_date: new Date().toISOString() }),
    );
    created = true;
    const bounded = new Bounded(max, content.length);
    // The store's own error on a failed write hides why it failed, so the cause is kept here.
    let cutOff: Problem | undefined;
    const stop = (why: Problem) => {
      cutOff ??= why;
      bounded.destroy(why);
    };
    content.body.on("error", (err) => stop(err instanceof Problem ? err : stopped(signal)));
    content.body.on("aborted", () => stop(stopped(signal)));
    content.body.pipe(bounded);
    const size = await store.write(bounded, id, 0).catch((err: unknown) => {
      throw bounded.failure ?? cutOff ?? (signal.aborted ? stopped(signal) : err);
    });
    const failure = bounded.failure ?? cutOff ?? (signal.aborted ? stopped(signal) : undefined);
    if (failure) throw failure;
    if (content.length === undefined) await store.declareUploadLength(id, size);
    else if (size !== content.length) throw new Problem(503, "graph_unavailable", `Microsoft Graph sent ${size} of ${content.length} bytes; try again.`);
    await ctx.db.insertInto("uploads").values({ id, user_id: caller.actor.userId, created_at: new Date().toISOString(), claimed_at: null }).execute();
    return { uploadId: id, size, filename, mediaType };
  } catch (err) {
    content.body.destroy();
    if (created) {
      await store.remove(id).catch((e: unknown) => {
        if (e !== ERRORS.FILE_NOT_FOUND) ctx.log.warn({ err: e, id }, "a cut-off Graph import could not be removed");
      });
    }
    throw err;
  }
}

/**
 * Fetches the source from Graph into a finished upload of the caller's. Only a request signed in with a Microsoft Entra access token
 * may (its token is the on-behalf-of assertion). With an Idempotency-Key a retry answers the same upload, or joins the fetch still
 * running for it; `gone` tells that the asking request ended early: when nobody waits for the fetch any more it is stopped and its
 * partial upload removed.
 */
export async function importFromGraph(
  ctx: AppContext,
  caller: GraphCaller,
  input: GraphImportRequest,
  options: { idempotencyKey?: string; gone?: AbortSignal; limits?: GraphImportLimits } = {},
): Promise<GraphImport> {
  const ms = ctx.config.sso.microsoft;
  if (caller.via !== "microsoft" || !caller.bearer || !ms) throw graphNeedsMicrosoft();
  const bearer = caller.bearer;
  const id = importUploadId(caller.actor.userId, options.idempotencyKey);
  let job = running.get(id);
  if (!job) {
    const known = options.idempotencyKey ? await finishedAlready(ctx, id) : null;
    if (known) return known;
    job = running.get(id);
  }
  if (!job) {
    const limits = options.limits ?? GRAPH_IMPORT_LIMITS;
    const abort = new AbortController();
    const late = new Problem(
      503,
      "graph_unavailable",
      `Microsoft Graph did not hand it over within ${Math.round(limits.deadlineMs / 1000)} seconds; try again.`,
    );
    const deadline = setTimeout(() => abort.abort(late), limits.deadlineMs);
    const access = { config: ms, ca: ctx.config.sso.ca };
    const result = fetchInto(ctx, access, { ...caller, bearer }, input, id, abort.signal, limits).finally(() => {
      clearTimeout(deadline);
      running.delete(id);
    });
    job = { result, abort, waiting: 0 };
    running.set(id, job);
  }
  const mine = job;
  mine.waiting++;
  let counted = true;
  const leave = () => {
    if (!counted) return;
    counted = false;
    if (--mine.waiting === 0)
      mine.abort.abort(new Problem(503, "graph_unavailable", "Nobody waits for the fetch from Microsoft Graph any more; it was stopped."));
  };
  options.gone?.addEventListener("abort", leave, { once: true });
  try {
    return await mine.result;
  } finally {
    options.gone?.removeEventListener("abort", leave);
    if (counted) {
      counted = false;
      mine.waiting--;
    }
  }
}
