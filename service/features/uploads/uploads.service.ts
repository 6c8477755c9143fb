import { ERRORS } from "@tus/server";
import type { AppContext } from "../../context.ts";
import type { Engine } from "../../db/opened.ts";
import { badRequest, notFound, Problem } from "../../http/problem.ts";
import { fileNameOf, mediaTypeOf } from "../../http/multipart.ts";
import type { Actor } from "../access/actor.ts";
import type { IncomingContent } from "../documents/documents.service.ts";
import { uploadStore, type UploadStore } from "./upload-store.ts";

/** The body of one of tus's errors ({status_code, body}), which is how they are told apart. */
const tusError = (err: unknown) => (err as { body?: unknown } | null)?.body;

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/**
 * A claim is a lease: the save holding it renews it every CLAIM_RENEW_MS, so one older than CLAIM_LEASE_MS belongs to a
 * process that died (or lost the database), and another save may take the upload over; so may one whose process is known
 * to be gone (its mark in the claim, ctx.liveness). On PostgreSQL other processes' saves hold claims too, so no process
 * may free them all at its start.
 */
export const CLAIM_LEASE_MS = 2 * 60 * 1000;
export const CLAIM_RENEW_MS = 30 * 1000;

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

/** A claim this save holds: renewed until it is dropped (the save failed) or ended (the upload is used up). */
interface HeldClaim {
  drop(): Promise<void>;
  end(): void;
}

/** A claim's value: when it was taken or last renewed, and the mark of the process holding it (ctx.liveness). */
const claimStamp = (mark: string) => `${new Date().toISOString()}|${mark}`;
const holderOf = (claimedAt: string) => claimedAt.split("|")[1];

/**
 * Takes the upload for this save, atomically: of several requests naming it at once, exactly one gets it. A claim past its
 * lease, or held by a process that no longer runs (one killed mid-save, on PostgreSQL), is taken over.
 */
async function takeClaim(ctx: AppContext, actor: Actor, id: string): Promise<HeldClaim> {
  const mark = await ctx.liveness.mine();
  const at = claimStamp(mark);
  const stale = new Date(Date.now() - CLAIM_LEASE_MS).toISOString();
  const taken = await ctx.db
    .updateTable("uploads")
    .set({ claimed_at: at })
    .where("id", "=", id)
    .where("user_id", "=", actor.userId)
    .where((eb) => eb.or([eb("claimed_at", "is", null), eb("claimed_at", "<", stale)]))
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) === 1) return keepClaim(ctx, id, at, mark);
  const row = await ctx.db.selectFrom("uploads").select(["user_id", "claimed_at"]).where("id", "=", id).executeTakeFirst();
  if (row?.user_id !== actor.userId) throw notFound("The upload");
  const holder = row.claimed_at && holderOf(row.claimed_at);
  if (holder && holder !== mark && !(await ctx.liveness.alive(holder))) {
    const over = await ctx.db.updateTable("uploads").set({ claimed_at: at }).where("id", "=", id).where("claimed_at", "=", row.claimed_at).executeTakeFirst();
    if (Number(over.numUpdatedRows) === 1) return keepClaim(ctx, id, at, mark);
  }
  throw claimedElsewhere(id);
}

/** Renews the claim taken at `at` while the save runs; each renewal, and the drop, names the claim by its latest value. */
function keepClaim(ctx: AppContext, id: string, at: string, mark: string): HeldClaim {
  let current = at;
  let renewing: Promise<void> = Promise.resolve();
  const renew = async () => {
    const next = claimStamp(mark);
    const kept = await ctx.db.updateTable("uploads").set({ claimed_at: next }).where("id", "=", id).where("claimed_at", "=", current).executeTakeFirst();
    if (Number(kept.numUpdatedRows) === 1) current = next;
    else ctx.log.warn({ id }, "an upload's claim was lost while its save ran");
  };
  const timer = setInterval(() => {
    renewing = renewing.then(renew).catch((err: unknown) => ctx.log.warn({ err, id }, "an upload's claim could not be renewed"));
  }, CLAIM_RENEW_MS);
  timer.unref();
  return {
    end: () => clearInterval(timer),
    async drop() {
      clearInterval(timer);
      await renewing;
      await ctx.db.updateTable("uploads").set({ claimed_at: null }).where("id", "=", id).where("claimed_at", "=", current).execute();
    },
  };
}

/**
 * Turns a finished resumable upload into content for a version, exactly like a multipart file. Only
 * the user who started the upload can claim it, one save at a time; an unfinished upload is refused with 409.
 */
export async function claimUpload(ctx: AppContext, actor: Actor, id: string): Promise<ClaimedUpload> {
  if (!isUploadId(id) || (await uploadOwner(ctx, id)) !== actor.userId) throw notFound("The upload");
  const claim = await takeClaim(ctx, actor, id);
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
        claim.end();
        await ctx.db.deleteFrom("uploads").where("id", "=", id).execute();
        // What cannot be removed now expires with tus's clean-up of old uploads.
        await store.remove(id).catch((err: unknown) => ctx.log.warn({ err, id }, "a saved upload could not be removed"));
      },
      giveBack: () => claim.drop(),
    };
  } catch (err) {
    await claim.drop();
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

/**
 * At start on SQLite this process is the archive's only one and runs no save yet, so no claim is held: a save cut off by a
 * crash can be retried at once. On PostgreSQL other processes' saves hold claims; a dead process's run out with their lease.
 */
export async function releaseClaimsAtStart(ctx: AppContext, engine: Engine): Promise<void> {
  if (engine !== "sqlite") return;
  await ctx.db.updateTable("uploads").set({ claimed_at: null }).where("claimed_at", "is not", null).execute();
}
