import fsp from "node:fs/promises";
import path from "node:path";
import type { AppContext } from "../../context.ts";
import { notFound, Problem } from "../../http/problem.ts";
import { checkFilename, mediaTypeOf } from "../../http/multipart.ts";
import type { Actor } from "../access/actor.ts";
import type { IncomingContent } from "../documents/documents.service.ts";

const UPLOAD_ID = /^[0-9a-f-]{36}$/;

/** A finished resumable upload, taken into the blob store; `release` removes the upload once the save has committed. */
export interface ClaimedUpload {
  content: IncomingContent;
  release(): Promise<void>;
}

export async function uploadOwner(ctx: AppContext, id: string): Promise<string | undefined> {
  if (!UPLOAD_ID.test(id)) return undefined;
  const row = await ctx.db.selectFrom("uploads").select("user_id").where("id", "=", id).executeTakeFirst();
  return row?.user_id;
}

/**
 * Turns a finished resumable upload into content for a version, exactly like a multipart file. Only
 * the user who started the upload can claim it; an unfinished upload is refused with 409.
 */
export async function claimUpload(ctx: AppContext, actor: Actor, id: string): Promise<ClaimedUpload> {
  if ((await uploadOwner(ctx, id)) !== actor.userId) throw notFound("The upload");
  const file = path.join(ctx.config.uploadDir, id);
  const info = JSON.parse(await fsp.readFile(`${file}.json`, "utf8").catch(() => "null")) as {
    size?: number;
    offset?: number;
    metadata?: Record<string, string | null>;
  } | null;
  if (!info) throw notFound("The upload");
  const stat = await fsp.stat(file).catch(() => null);
  if (!stat || info.size === undefined || stat.size !== info.size) {
    throw new Problem(409, "upload_incomplete", `The upload has ${stat?.size ?? 0} of ${info.size ?? "?"} bytes; finish it before saving.`);
  }
  const filename = checkFilename(info.metadata?.filename ?? undefined);
  const blob = await ctx.blobs.putFile(file);
  return {
    content: { blob, filename, mediaType: mediaTypeOf(info.metadata?.filetype ?? undefined) },
    async release() {
      await ctx.db.deleteFrom("uploads").where("id", "=", id).execute();
      await fsp.rm(file, { force: true });
      await fsp.rm(`${file}.json`, { force: true });
    },
  };
}

/** Claims several uploads; if one fails, the ones already taken are given back to the sweep. */
export async function claimUploads(ctx: AppContext, actor: Actor, ids: string[]): Promise<ClaimedUpload[]> {
  const claimed: ClaimedUpload[] = [];
  for (const id of ids) claimed.push(await claimUpload(ctx, actor, id));
  return claimed;
}
