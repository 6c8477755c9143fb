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

const tusHeader = (name: string, description: string, required = true) => ({ name, in: "header", required, description, schema: { type: "string" } });
const tusResumable = tusHeader("Tus-Resumable", "1.0.0");
const uploadId = { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } };
const op = (summary: string, parameters: unknown[], responses: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  tags: ["uploads"],
  summary,
  parameters,
  security: [{ bearer: [] }],
  responses: Object.fromEntries(Object.entries(responses).map(([status, description]) => [status, { description }])),
  ...extra,
});

/** The tus endpoints in the OpenAPI document; the protocol is tus's, so they are described here rather than by zod routes. */
export const uploadsOpenApiPaths: Record<string, Record<string, unknown>> = {
  [UPLOADS_PATH]: {
    options: op("tus discovery: Tus-Version, Tus-Extension and Tus-Max-Size", [], { 204: "Protocol details in the headers" }),
    post: op(
      "Start a resumable upload (tus creation); the Location header names it",
      [tusResumable, tusHeader("Upload-Length", "Total size in bytes"), tusHeader("Upload-Metadata", "filename <base64>, optionally filetype <base64>")],
      { 201: "Created; Location: /api/uploads/{id}", 400: "No filename in Upload-Metadata", 413: "Larger than the maximum size" },
    ),
  },
  [`${UPLOADS_PATH}/{id}`]: {
    head: op("How many bytes of the upload the server has (Upload-Offset)", [uploadId, tusResumable], { 200: "Upload-Offset and Upload-Length in the headers", 404: "Not found" }),
    patch: op(
      "Send the next slice at Upload-Offset",
      [uploadId, tusResumable, tusHeader("Upload-Offset", "Where this slice starts; must equal the server's offset")],
      { 204: "Stored; the new Upload-Offset in the headers", 404: "Not found", 409: "Upload-Offset is not the server's offset" },
      { requestBody: { required: true, content: { "application/offset+octet-stream": { schema: { type: "string", format: "binary" } } } } },
    ),
    delete: op("Abandon an upload (tus termination)", [uploadId, tusResumable], { 204: "Removed", 404: "Not found" }),
  },
};

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
    // The upload's owner travels to the tus hooks in a header no client can set. @tus/server reads
    // headers from rawHeaders once it has listed them, so the header is replaced there too.
    req.headers[USER_HEADER] = actor.userId;
    const raw = req.rawHeaders.filter((_, i, all) => all[i - (i % 2)].toLowerCase() !== USER_HEADER);
    req.rawHeaders.splice(0, req.rawHeaders.length, ...raw, USER_HEADER, actor.userId);
    req.url = req.originalUrl;
    // tus 1.0: X-HTTP-Method-Override is the request's method, for clients that cannot send HEAD, PATCH
    // or DELETE themselves (Apps Script's UrlFetchApp has no HEAD).
    const override = req.get("X-HTTP-Method-Override")?.toUpperCase();
    if (override && ["HEAD", "PATCH", "DELETE"].includes(override) && (req.method === "GET" || req.method === "POST")) req.method = override;
    await tus.handle(req, res);
  };
  // OPTIONS is how a tus client learns the version, extensions and maximum size.
  router.options(UPLOADS_PATH, handle);
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
