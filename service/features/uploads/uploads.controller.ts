import { randomUUID } from "node:crypto";
import { Router, type Request, type Response } from "express";
import { FileStore } from "@tus/file-store";
import { Server, EVENTS } from "@tus/server";
import type { AppContext } from "../../context.ts";
import { Problem } from "../../http/problem.ts";
import type { Actor } from "../access/actor.ts";
import { uploadOwner } from "./uploads.service.ts";

export const UPLOADS_PATH = "/api/uploads";
const USER_HEADER = "x-ims-upload-user";

/**
 * Resumable uploads with the tus 1.0 protocol (creation, termination, expiration). Office hands files
 * over in 4 MB slices and Apps Script calls are limited to 50 MB / 30 s, so large files arrive as a
 * series of PATCH requests. A finished upload is then saved with POST /api/documents {upload: id}.
 */
export function uploadsRouter(ctx: AppContext): { router: Router; cleanUp(): Promise<number> } {
  const tus = new Server({
    path: UPLOADS_PATH,
    datastore: new FileStore({ directory: ctx.config.uploadDir, expirationPeriodInMilliseconds: 24 * 3600 * 1000 }),
    maxSize: ctx.config.maxUploadBytes,
    relativeLocation: true,
    respectForwardedHeaders: true,
    namingFunction: () => randomUUID(),
    async onUploadCreate(req, upload) {
      const userId = req.headers.get(USER_HEADER);
      if (!userId) throw { status_code: 401, body: "Sign in first.\n" };
      const filename = upload.metadata?.filename;
      if (!filename) throw { status_code: 400, body: "Upload-Metadata must name the file: filename <base64>.\n" };
      await ctx.db.insertInto("uploads").values({ id: upload.id, user_id: userId, created_at: new Date().toISOString() }).execute();
      return {};
    },
  });
  tus.on(EVENTS.POST_TERMINATE, (_req, _res, id) => {
    void ctx.db.deleteFrom("uploads").where("id", "=", id).execute();
  });

  const router = Router();
  const handle = async (req: Request, res: Response) => {
    const actor = res.locals.actor as Actor | undefined;
    if (!actor) throw new Problem(401, "unauthenticated", "Sign in: send an API token as 'Authorization: Bearer …'.");
    const id = typeof req.params.id === "string" ? req.params.id : undefined;
    if (id && (await uploadOwner(ctx, id)) !== actor.userId) throw new Problem(404, "not_found", "The upload was not found.");
    // The upload's owner travels to the tus hooks in a header no client can set.
    req.headers[USER_HEADER] = actor.userId;
    req.url = req.originalUrl;
    await tus.handle(req, res);
  };
  router.post(UPLOADS_PATH, handle);
  router.all(`${UPLOADS_PATH}/:id`, handle);

  return {
    router,
    async cleanUp() {
      const removed = await tus.cleanUpExpiredUploads();
      const cutoff = new Date(Date.now() - 48 * 3600 * 1000).toISOString();
      await ctx.db.deleteFrom("uploads").where("created_at", "<", cutoff).execute();
      return removed;
    },
  };
}
