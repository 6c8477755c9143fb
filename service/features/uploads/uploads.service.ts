import { ERRORS } from "@tus/server";
import type { AppContext } from "../../context.ts";
import { badRequest, notFound, Problem } from "../../http/problem.ts";
import { fileNameOf, mediaTypeOf } from "../../http/multipart.ts";
import type { Actor } from "../access/actor.ts";
import type { IncomingContent } from "../documents/documents.service.ts";
import { uploadStore, type UploadStore } from "./upload-store.ts";

/** The body of one of tus's errors ({status_code, body}), which is how they are told apart. */
const tusError = (err: unknown) => (err as { body?: unknown } | null)?.body;

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// A claim no running request can still hold: a save reads at most MAX_UPLOAD_MB from local disk.
const STALE_CLAIM_MS = 15 * 60 * 1000;

/** Upload ids are the UUIDs this service names uploads with; anything else names no upload. */
export const isUploadId = (id: string | undefined): id is string => typeof id === "string" && UPLOAD_ID.test(id);

/** A finished resumable upload, taken into the blob store for one save. */
export interface ClaimedUpload {
  content: IncomingContent;
  /** The save committed: the upload is used up and removed. */
  release(): Promise<void>;
  /** The save failed: the upload may be claimed again (a retry of the same save). */
  giveBack(): Promise<void>;
}

export async function uploadOwner(ctx: AppContext, id: string): Promise<string | undefined> {
  if (!isUploadId(id)) return undefined;
  const row = await ctx.db.selectFrom("uploads").select("user_id").where("id", "=", id).executeTakeFirst();
  return row?.user_id;
}

const claimedElsewhere = (id: string) =>
  new Problem(409, "upload_claimed", `The upload ${id} is being saved by another request or has been saved already; save each upload once.`);

/** Takes the upload for this save, atomically: of several requests naming it at once, exactly one gets it. */
async function takeClaim(ctx: AppContext, actor: Actor, id: string): Promise<string> {
  const at = new Date().toISOString();
  const stale = new Date(Date.now() - STALE_CLAIM_MS).toISOString();
  const taken = await ctx.db
    .updateTable("uploads")
    .set({ claimed_at: at })
    .where("id", "=", id)
    .where("user_id", "=", actor.userId)
    .where((eb) => eb.or([eb("claimed_at", "is", null), eb("claimed_at", "<", stale)]))
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) === 1) return at;
  if ((await uploadOwner(ctx, id)) !== actor.userId) throw notFound("The upload");
  throw claimedElsewhere(id);
}

async function dropClaim(ctx: AppContext, id: string, at: string): Promise<void> {
  await ctx.db.updateTable("uploads").set({ claimed_at: null }).where("id", "=", id).where("claimed_at", "=", at).execute();
}

/**
 * Turns a finished resumable upload into content for a version, exactly like a multipart file. Only
 * the user who started the upload can claim it, one save at a time; an unfinished upload is refused with 409.
 */
export async function claimUpload(ctx: AppContext, actor: Actor, id: string): Promise<ClaimedUpload> {
  if (!isUploadId(id) || (await uploadOwner(ctx, id)) !== actor.userId) throw notFound("The upload");
  const at = await takeClaim(ctx, actor, id);
  try {
    const store = uploadStore(ctx.config);
    const upload = await store.getUpload(id).catch((err: unknown) => {
      // tus has the upload's record but not its bytes: as good as nothing received.
      if (tusError(err) === ERRORS.FILE_NO_LONGER_EXISTS.body) return null;
      throw tusError(err) === ERRORS.FILE_NOT_FOUND.body ? notFound("The upload") : err;
    });
    if (!upload || upload.size === undefined || upload.offset !== upload.size) {
      throw new Problem(409, "upload_incomplete", `The upload has ${upload?.offset ?? 0} of ${upload?.size ?? "?"} bytes; finish it before saving.`);
    }
    const { filename, original } = fileNameOf(upload.metadata?.filename ?? undefined);
    const blob = await takeContent(ctx, store, id, upload.size);
    return {
      content: { blob, filename, originalFilename: original, mediaType: mediaTypeOf(upload.metadata?.filetype ?? undefined) },
      async release() {
        await ctx.db.deleteFrom("uploads").where("id", "=", id).execute();
        // What cannot be removed now expires with tus's clean-up of old uploads.
        await store.remove(id).catch((err: unknown) => ctx.log.warn({ err, id }, "a saved upload could not be removed"));
      },
      giveBack: () => dropClaim(ctx, id, at),
    };
  } catch (err) {
    await dropClaim(ctx, id, at);
    throw err;
  }
}

/**
 * The finished upload's bytes into the blob store. Kept in a file on local disk, they are handed over as that file (the disk
 * blob store links it in rather than writing a copy); otherwise streamed. Either way bytes beyond the declared size would be
 * a different upload than the one tus finished, and are refused.
 */
async function takeContent(ctx: AppContext, store: UploadStore, id: string, size: number) {
  const file = store.localFile(id);
  if (file) {
    return ctx.blobs.putFile(file, size).catch((err: NodeJS.ErrnoException) => {
      throw err.code === "ENOENT" ? notFound("The upload") : err;
    });
  }
  const bytes = await store.content(id);
  if (!bytes) throw notFound("The upload");
  return ctx.blobs.put(bytes, size);
}

/** Claims the uploads one save names; if one cannot be claimed, those already taken are given back. */
export async function claimUploads(ctx: AppContext, actor: Actor, ids: string[]): Promise<ClaimedUpload[]> {
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw badRequest("upload_used_twice", `The upload ${twice} is named more than once in this request; each file needs an upload of its own.`);
  const claimed: ClaimedUpload[] = [];
  try {
    for (const id of ids) claimed.push(await claimUpload(ctx, actor, id));
    return claimed;
  } catch (err) {
    await Promise.allSettled(claimed.map((c) => c.giveBack()));
    throw err;
  }
}

/** At start no request is running, so no claim is held: a save cut off by a crash can be retried at once. */
export async function releaseAllClaims(ctx: AppContext): Promise<void> {
  await ctx.db.updateTable("uploads").set({ claimed_at: null }).where("claimed_at", "is not", null).execute();
}
