import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { Router, type Request, type Response } from "express";
import { Server, EVENTS } from "@tus/server";
import { NodeRequest, sendNodeResponse } from "srvx/node";
import type { AppContext } from "../../context.ts";
import { badRequest, notFound, Problem } from "../../http/problem.ts";
import type { Actor } from "../access/actor.ts";
import { uploadStore } from "./upload-store.ts";
import { isUploadId, uploadOwner } from "./uploads.service.ts";
import { tusProblem } from "./tus-problems.ts";

export const UPLOADS_PATH = "/api/uploads";
/** POST: an upload fetched from Microsoft Graph (graph.controller.ts); no tus upload is called "graph". */
export const GRAPH_IMPORT_PATH = `${UPLOADS_PATH}/graph`;
// Headers only this router sets: whose upload it is, and which upload was checked. Whatever a client
// sends under these names is removed first.
const USER_HEADER = "x-ims-upload-user";
const ID_HEADER = "x-ims-upload-id";
const OVERRIDE_HEADER = "x-http-method-override";
const INTERNAL = new Set([USER_HEADER, ID_HEADER, OVERRIDE_HEADER]);

/** What each address of the upload API answers; tus's GET download of a raw upload is not among them. */
const UPLOAD_METHODS = ["HEAD", "PATCH", "DELETE"] as const;
type UploadMethod = (typeof UPLOAD_METHODS)[number];

/**
 * The method a request to /api/uploads/{id} stands for. tus 1.0 lets clients that cannot send HEAD, PATCH
 * or DELETE (Apps Script's UrlFetchApp has no HEAD) send GET or POST with X-HTTP-Method-Override instead.
 */
function uploadMethod(req: Request): UploadMethod {
  const override = req.get(OVERRIDE_HEADER)?.trim().toUpperCase();
  const method = req.method.toUpperCase();
  if (override !== undefined) {
    if (method !== "GET" && method !== "POST") throw badRequest("invalid_method_override", "X-HTTP-Method-Override is only honoured on GET and POST.");
    if (!(UPLOAD_METHODS as readonly string[]).includes(override)) {
      throw badRequest("invalid_method_override", `X-HTTP-Method-Override must be HEAD, PATCH or DELETE, not "${override.slice(0, 20)}".`);
    }
    return override as UploadMethod;
  }
  if ((UPLOAD_METHODS as readonly string[]).includes(method)) return method as UploadMethod;
  throw notAllowed("HEAD, PATCH, DELETE", `${method} is not a tus operation on an upload; a raw upload cannot be downloaded, save it as a document first.`);
}

const notAllowed = (allow: string, detail: string) => new Problem(405, "method_not_allowed", detail, {}, { Allow: allow });

/**
 * Hands the request to tus exactly as it was checked: the method it stands for, a URL holding only the
 * checked upload id (tus takes the id from the last segment of the whole URL, query string included), and
 * the owner in a header no client can set. @tus/server reads headers from rawHeaders, so both are rewritten.
 */
function asChecked(req: Request, actor: Actor, method: string, url: string, id?: string): void {
  const keep: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!INTERNAL.has(req.rawHeaders[i].toLowerCase())) keep.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
  }
  keep.push(USER_HEADER, actor.userId);
  if (id) keep.push(ID_HEADER, id);
  req.rawHeaders.splice(0, req.rawHeaders.length, ...keep);
  for (const name of INTERNAL) delete req.headers[name];
  req.headers[USER_HEADER] = actor.userId;
  if (id) req.headers[ID_HEADER] = id;
  req.method = method;
  req.url = url;
}

/**
 * Resumable uploads with the tus 1.0 protocol (creation, termination, expiration). Office hands files
 * over in 4 MB slices and Apps Script calls are limited to 50 MB / 30 s, so large files arrive as a
 * series of PATCH requests. A finished upload is then saved with POST /api/documents {upload: id}.
 */
export function uploadsRouter(ctx: AppContext): { router: Router; cleanUp(): Promise<number> } {
  if (!ctx.config.uploadsInS3) fs.mkdirSync(ctx.config.uploadDir, { recursive: true, mode: 0o700 });
  const tus = new Server({
    path: UPLOADS_PATH,
    datastore: uploadStore(ctx.config),
    maxSize: ctx.config.maxUploadBytes,
    relativeLocation: true,
    respectForwardedHeaders: true,
    // The API is same-origin (task panes and the web view are served by this service): no CORS grants.
    allowedOrigins: [],
    namingFunction: () => randomUUID(),
    // Only ever the id this router checked against the upload's owner, never one read from the URL.
    getFileIdFromRequest: (req) => req.headers.get(ID_HEADER) ?? undefined,
    async onUploadCreate(req, upload) {
      const userId = req.headers.get(USER_HEADER);
      if (!userId) throw { status_code: 401, body: "Sign in first.\n" };
      const filename = upload.metadata?.filename;
      if (!filename) throw { status_code: 400, body: "Upload-Metadata must name the file: filename <base64>.\n" };
      await ctx.db.insertInto("uploads").values({ id: upload.id, user_id: userId, created_at: new Date().toISOString(), claimed_at: null }).execute();
      return {};
    },
  });
  tus.on(EVENTS.POST_TERMINATE, (_req, _res, id) => {
    ctx.db
      .deleteFrom("uploads")
      .where("id", "=", id)
      .execute()
      .catch((err: unknown) => ctx.log.error({ err }, "an abandoned upload's row could not be removed"));
  });

  const signedIn = (res: Response): Actor => {
    const actor = res.locals.actor as Actor | undefined;
    if (!actor) throw new Problem(401, "unauthenticated", "Sign in: send an API token as 'Authorization: Bearer …'.");
    return actor;
  };

  /** tus answers in its own Response; its errors leave as problem+json like every other error. */
  const run = async (req: Request, res: Response, sentAs: string) => {
    const answer = await tus.handleWeb(new NodeRequest({ req, res }));
    if (answer.status < 400) return sendNodeResponse(res, answer);
    // The refusal goes back as an answer to the method the client sent: a GET standing for HEAD gets its body.
    req.method = sentAs;
    const tusResumable = answer.headers.get("tus-resumable");
    if (tusResumable) res.setHeader("Tus-Resumable", tusResumable);
    if (answer.headers.get("connection") === "close") res.setHeader("Connection", "close");
    throw tusProblem(answer.status, await answer.text());
  };

  const router = Router();
  router.all(UPLOADS_PATH, async (req, res) => {
    const actor = signedIn(res);
    const method = req.method.toUpperCase();
    if (method !== "OPTIONS" && method !== "POST")
      throw notAllowed("OPTIONS, POST", `${method} is not a tus operation on ${UPLOADS_PATH}; start an upload with POST.`);
    if (req.get(OVERRIDE_HEADER) !== undefined) throw badRequest("invalid_method_override", `X-HTTP-Method-Override is only honoured on ${UPLOADS_PATH}/{id}.`);
    asChecked(req, actor, method, UPLOADS_PATH);
    await run(req, res, method);
  });
  router.all(`${UPLOADS_PATH}/:id`, async (req, res, next) => {
    if (req.path === GRAPH_IMPORT_PATH) return next();
    const actor = signedIn(res);
    const id = req.params.id;
    // Someone else's upload is not there for this user, whatever the method.
    if (!isUploadId(id) || (await uploadOwner(ctx, id)) !== actor.userId) throw notFound("The upload");
    const method = uploadMethod(req);
    const sentAs = req.method;
    asChecked(req, actor, method, `${UPLOADS_PATH}/${id}`, id);
    await run(req, res, sentAs);
  });

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
