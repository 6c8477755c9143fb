import type { Request, Response } from "express";
import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { sendStoredFile } from "../../http/download.ts";
import { storedFileResponses } from "../../http/openapi.ts";
import { receiveMultipart, type ReceivedFile } from "../../http/multipart.ts";
import { idempotencyKey } from "../../http/preconditions.ts";
import { decodeCursor, toPage } from "../../http/pagination.ts";
import { badRequest, notFound, Problem, validationProblem } from "../../http/problem.ts";
import { Reply, route } from "../../http/route.ts";
import { requireVisibleDocument } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { findPart, recogniseMail, type MailHints } from "../mail/mail.service.ts";
import { claimUploads, type ClaimedUpload } from "../uploads/uploads.service.ts";
import { uploadClaimRefusals } from "../uploads/uploads.openapi.ts";
import { documentDetails, listDocuments, toDocumentSummary } from "./document-view.ts";
import {
  AttachmentCreated,
  AttachmentParams,
  AttachmentVersionCreated,
  CommentCreated,
  ContentQuery,
  MailPartParams,
  PartContentQuery,
  DeleteDocumentQuery,
  DocumentDetails,
  DocumentListQuery,
  DocumentPage,
  DocumentIdParams,
  DocumentPatch,
  FileIntoCase,
  NewAttachmentMetadata,
  NewComment,
  NewDocumentFromUpload,
  NewDocumentMetadata,
  NewReference,
  NewVersionMetadata,
  ReferenceCreated,
  ReferenceParams,
  UploadRef,
} from "../../../shared/api/schemas/documents.ts";
import {
  deleteDocument,
  documentForIdempotencyKey,
  etagOf,
  isContentReferenced,
  fileDocument,
  prepareDocument,
  saveDocument,
  updateDocument,
  type IncomingContent,
} from "./documents.service.ts";
import { addComment, addReference, removeReference } from "./related.service.ts";
import { addAttachment, addAttachmentVersion, addVersion, checkAttachmentAllowed, checkVersionAllowed, openContent } from "./versions.service.ts";

const multipartBody = (fields: Record<string, unknown>, description: string) => ({
  contentType: "multipart/form-data",
  description: `${description} Alternatively send application/json naming a finished resumable upload (see /api/uploads).`,
  schema: {
    type: "object",
    properties: { metadata: { type: "string", description: "JSON, sent before the file" }, ...fields },
    required: ["metadata", "file"],
  },
});
const binary = { type: "string", format: "binary" };

// Every write to a document may carry If-Match with the ETag last seen, and answers the document's new ETag.
const ifMatchHeader = { "If-Match": "Optional: the document's ETag last seen; 412 when the document has changed since" };
const etagHeader = { ETag: "The document's current ETag, for If-Match on the next change" };
const stale = { 412: { description: "If-Match names an earlier state of the document: problem+json with currentEtag (code precondition_failed)" } };

/** `?inline=1` (or true): the download is shown in place, under the sandboxing CSP, rather than saved. */
const inlineAsked = (query: { inline?: string }) => query.inline === "1" || query.inline === "true";

function parseWith<T extends z.ZodType>(schema: T, json: unknown): z.output<T> {
  const r = schema.safeParse(json);
  if (!r.success) throw validationProblem(r.error, "metadata");
  return r.data;
}

/** Everything content-bearing arrives either as multipart or as JSON naming finished uploads; both end here. */
async function withContent<T>(ctx: AppContext, files: IncomingContent[], claimed: ClaimedUpload[], commit: () => Promise<T>): Promise<T> {
  try {
    const out = await commit();
    await Promise.all(claimed.map((c) => c.release()));
    return out;
  } catch (err) {
    await Promise.allSettled(files.map((f) => ctx.blobs.discard(f.blob, (sha) => isReferenced(ctx, sha))));
    // A refusal is final (the same request would be refused again): the uploads go now instead of lingering
    // until tus's clean-up. After a fault the uploads are given back, so a retry can claim them again.
    const refused = err instanceof Problem && err.status < 500;
    await Promise.allSettled(claimed.map((c) => (refused ? c.release() : c.giveBack())));
    throw err;
  }
}

const isReferenced = (ctx: AppContext, sha256: string) => isContentReferenced(ctx.db, sha256);

function receive<M>(ctx: AppContext, req: Request, fileFields: string[], maxFiles: number, metadata: (json: unknown) => Promise<M>, metadataOptional = false) {
  return receiveMultipart(req, ctx.blobs, (sha) => isReferenced(ctx, sha), {
    fileFields,
    maxFiles,
    maxBytes: ctx.config.maxUploadBytes,
    metadata,
    metadataOptional,
  });
}

const toContent = (f: ReceivedFile): IncomingContent => ({ blob: f.blob, filename: f.filename, originalFilename: f.originalFilename, mediaType: f.mediaType });

function requireOneFile(files: ReceivedFile[], field = "file"): ReceivedFile {
  const main = files.filter((f) => f.field === field);
  if (main.length !== 1) throw badRequest("missing_file", `Send exactly one '${field}' part with the content.`);
  return main[0];
}

/**
 * One piece of new content for an existing document: JSON naming a finished resumable upload, or
 * multipart. `allowed` runs before any byte is accepted, so a refused request stores nothing.
 */
async function receiveOne<S extends z.ZodObject>(ctx: AppContext, req: Request, actor: Actor, schema: S, allowed: () => Promise<void>) {
  if (req.is("application/json")) {
    const body = parseWith(schema.extend({ upload: UploadRef }), req.body);
    await allowed();
    const claimed = await claimUploads(ctx, actor, [body.upload as string]);
    return { content: claimed[0].content, claimed, metadata: body as z.output<S> };
  }
  // New content for an existing document needs nothing but the file; its metadata part may be left out.
  const { metadata, files } = await receive(
    ctx,
    req,
    ["file"],
    1,
    async (json) => {
      const m = parseWith(schema, json);
      await allowed();
      return m;
    },
    true,
  );
  return { content: toContent(requireOneFile(files)), claimed: [] as ClaimedUpload[], metadata: (metadata ?? {}) as z.output<S> };
}

/** A document as a reply, with its ETag in the header too. */
function withEtag<T extends { etag: string }>(res: Response, doc: T): T {
  res.setHeader("ETag", doc.etag);
  return doc;
}

export function documentRoutes(ctx: AppContext) {
  /** After a change to one of a document's parts: the reply is the part, the ETag the document's. */
  const sendDocumentEtag = async (actor: Actor, res: Response, id: string) => {
    res.setHeader("ETag", etagOf(await requireVisibleDocument(ctx.db, actor, id)));
  };
  const recognise = (content: IncomingContent, hints: MailHints | undefined) =>
    recogniseMail(ctx, { ...content.blob, filename: content.filename, mediaType: content.mediaType }, hints ?? {});
  const created = async (actor: Actor, res: Response, id: string, replayed: boolean) => {
    ctx.jobs.kick();
    return new Reply(replayed ? 200 : 201, withEtag(res, await documentDetails(ctx.db, actor, id, { recordView: false })));
  };

  return [
    route({
      method: "post",
      path: "/api/documents",
      tag: "documents",
      summary: "Save a new document (in a case, or floating without one)",
      headers: { "Idempotency-Key": "A key the client keeps for this save; a retry with the same key returns the first document instead of a second one." },
      rawBody: multipartBody(
        { file: binary, attachment: { type: "array", items: binary } },
        "A 'metadata' JSON part, a 'file' part and optional 'attachment' parts.",
      ),
      responses: {
        201: { description: "Saved", headers: etagHeader, schema: DocumentDetails },
        200: { description: "Already saved with this Idempotency-Key", headers: etagHeader, schema: DocumentDetails },
        400: {
          description:
            "Idempotency-Key is not valid (`invalid_idempotency_key`), no 'metadata' part (`missing_metadata`), or not exactly one 'file' (`missing_file`)",
        },
        404: { description: "The case, or a named upload, was not found" },
        ...uploadClaimRefusals,
        409: {
          description: `${uploadClaimRefusals[409].description}; or the mail is filed in this case already (\`mail_already_filed\`, with \`existing\`): send allowDuplicate: true to save it again`,
        },
        422: { description: "Metadata refused" },
      },
      async handle({ actor, req, res }) {
        const key = idempotencyKey(req);
        if (key) {
          const existing = await documentForIdempotencyKey(ctx.db, actor, key);
          if (existing) return created(actor, res, existing, true);
        }
        if (req.is("application/json")) {
          const body = parseWith(NewDocumentFromUpload, req.body);
          // The uploads are claimed first, so a save refused for its metadata discards them too.
          const claimed = await claimUploads(ctx, actor, [body.upload, ...(body.attachments ?? []).map((a) => a.upload)]);
          const contents = claimed.map((c) => c.content);
          const saved = await withContent(ctx, contents, claimed, async () => {
            const prepared = await prepareDocument(ctx.db, actor, { ...body, attachments: body.attachments?.map((a) => ({ title: a.title })) });
            return saveDocument(ctx.db, actor, prepared, contents[0], contents.slice(1), key, await recognise(contents[0], prepared.input.mail));
          });
          return created(actor, res, saved.id, saved.replayed);
        }
        const { metadata: prepared, files } = await receive(ctx, req, ["file", "attachment"], 51, (json) =>
          prepareDocument(ctx.db, actor, parseWith(NewDocumentMetadata, json)),
        );
        const contents = files.map(toContent);
        const saved = await withContent(ctx, contents, [], async () => {
          if (!prepared) throw badRequest("missing_metadata", "Send a 'metadata' JSON part before the file.");
          const main = toContent(requireOneFile(files));
          const mail = await recognise(main, prepared.input.mail);
          return saveDocument(ctx.db, actor, prepared, main, files.filter((f) => f.field === "attachment").map(toContent), key, mail);
        });
        return created(actor, res, saved.id, saved.replayed);
      },
    }),

    route({
      method: "get",
      path: "/api/documents",
      tag: "documents",
      summary: "List visible documents, most recently changed first",
      query: DocumentListQuery,
      responses: { 200: { description: "A page of documents", schema: DocumentPage } },
      async handle({ actor, query }) {
        const after = decodeCursor(query.cursor, 2) as [string, string] | undefined;
        const rows = await listDocuments(ctx.db, actor, {
          caseId: query.caseId,
          floating: query.floating === "true",
          mine: query.mine === "true",
          after,
          limit: query.limit,
        });
        return toPage(rows, query.limit, (d) => [d.changed_at, d.id], toDocumentSummary);
      },
    }),

    route({
      method: "get",
      path: "/api/documents/:id",
      tag: "documents",
      summary: "A document with versions, attachments, comments, references, disposal date and history",
      params: DocumentIdParams,
      responses: {
        200: { description: "The document", headers: { ...etagHeader, "Cache-Control": "no-store" }, schema: DocumentDetails },
        404: { description: "Not found or not visible" },
      },
      async handle({ actor, params, res }) {
        // The ETag covers the document, not the comments and references shown with it, so no copy may be
        // kept and revalidated by it.
        res.setHeader("Cache-Control", "no-store");
        return withEtag(res, await documentDetails(ctx.db, actor, params.id));
      },
    }),

    route({
      method: "patch",
      path: "/api/documents/:id",
      tag: "documents",
      summary: "Change a document's metadata (kept in its history); status final makes the next major version",
      params: DocumentIdParams,
      body: DocumentPatch,
      headers: ifMatchHeader,
      responses: {
        200: { description: "The changed document", headers: etagHeader, schema: DocumentDetails },
        404: { description: "Not found" },
        409: { description: "Conflict" },
        ...stale,
      },
      async handle({ actor, params, body, req, res }) {
        await updateDocument(ctx.db, actor, params.id, body, req.get("If-Match"));
        return withEtag(res, await documentDetails(ctx.db, actor, params.id, { recordView: false }));
      },
    }),

    route({
      method: "delete",
      path: "/api/documents/:id",
      tag: "documents",
      summary: "Delete a document (administrators only; audited)",
      auth: "admin",
      params: DocumentIdParams,
      query: DeleteDocumentQuery,
      headers: ifMatchHeader,
      responses: { 204: { description: "Deleted" }, 404: { description: "Not found" }, ...stale },
      async handle({ actor, params, query, req }) {
        await deleteDocument(ctx.db, actor, params.id, query.reason, req.get("If-Match"));
      },
    }),

    route({
      method: "post",
      path: "/api/documents/:id/versions",
      tag: "documents",
      summary: "Upload new content as the next version; requires If-Match with the current ETag",
      params: DocumentIdParams,
      headers: { "If-Match": "The document's current ETag (required)" },
      rawBody: multipartBody({ file: binary }, "A 'metadata' JSON part ({comment}) and a 'file' part."),
      responses: {
        201: { description: "The document with its new version", headers: etagHeader, schema: DocumentDetails },
        404: { description: "Not found" },
        ...uploadClaimRefusals,
        ...stale,
        428: { description: "If-Match missing" },
      },
      async handle({ actor, params, req, res }) {
        const ifMatch = req.get("If-Match");
        const { content, claimed, metadata } = await receiveOne(ctx, req, actor, NewVersionMetadata, () =>
          checkVersionAllowed(ctx.db, actor, params.id, ifMatch),
        );
        const comment = metadata.comment ?? "";
        await withContent(ctx, [content], claimed, () => addVersion(ctx.db, actor, params.id, ifMatch, content, comment));
        return new Reply(201, withEtag(res, await documentDetails(ctx.db, actor, params.id, { recordView: false })));
      },
    }),

    route({
      method: "get",
      path: "/api/documents/:id/content",
      tag: "documents",
      summary: "Download the document's content (current or a given version); supports Range and If-None-Match",
      params: DocumentIdParams,
      query: ContentQuery,
      responses: { ...storedFileResponses("The bytes"), 404: { description: "Not found" } },
      async handle({ actor, params, query, res }) {
        const v = await openContent(ctx.db, actor, params.id, undefined, query.version);
        await sendStoredFile(res, ctx.blobs, { filename: v.filename, mediaType: v.media_type, sha256: v.sha256 }, inlineAsked(query));
      },
    }),

    route({
      method: "post",
      path: "/api/documents/:id/file",
      tag: "documents",
      summary: "File a floating document into a case",
      params: DocumentIdParams,
      body: FileIntoCase,
      headers: ifMatchHeader,
      responses: {
        200: { description: "The filed document", headers: etagHeader, schema: DocumentDetails },
        404: { description: "Not found" },
        409: { description: "Already filed" },
        ...stale,
        422: { description: "Type not allowed" },
      },
      async handle({ actor, params, body, req, res }) {
        await fileDocument(ctx.db, actor, params.id, body.caseId, req.get("If-Match"));
        return withEtag(res, await documentDetails(ctx.db, actor, params.id, { recordView: false }));
      },
    }),

    route({
      method: "post",
      path: "/api/documents/:id/attachments",
      tag: "documents",
      summary: "Add an attachment (bilag) to a document",
      params: DocumentIdParams,
      rawBody: multipartBody({ file: binary }, "A 'metadata' JSON part ({title}) and a 'file' part."),
      headers: ifMatchHeader,
      responses: {
        201: { description: "The attachment", headers: etagHeader, schema: AttachmentCreated },
        404: { description: "Not found" },
        ...uploadClaimRefusals,
        ...stale,
      },
      async handle({ actor, params, req, res }) {
        const ifMatch = req.get("If-Match");
        const { content, claimed, metadata } = await receiveOne(ctx, req, actor, NewAttachmentMetadata, () =>
          checkAttachmentAllowed(ctx.db, actor, params.id, ifMatch),
        );
        const title = metadata.title;
        const attachment = await withContent(ctx, [content], claimed, () => addAttachment(ctx.db, actor, params.id, title, content, ifMatch));
        await sendDocumentEtag(actor, res, params.id);
        return new Reply(201, attachment);
      },
    }),

    route({
      method: "post",
      path: "/api/documents/:id/attachments/:attachmentId/versions",
      tag: "documents",
      summary: "Upload a new version of an attachment",
      params: AttachmentParams,
      rawBody: multipartBody({ file: binary }, "A 'metadata' JSON part ({comment}) and a 'file' part."),
      headers: ifMatchHeader,
      responses: {
        201: { description: "The attachment's new version", headers: etagHeader, schema: AttachmentVersionCreated },
        404: { description: "Not found" },
        ...uploadClaimRefusals,
        ...stale,
      },
      async handle({ actor, params, req, res }) {
        const ifMatch = req.get("If-Match");
        const { content, claimed, metadata } = await receiveOne(ctx, req, actor, NewVersionMetadata, () =>
          checkAttachmentAllowed(ctx.db, actor, params.id, ifMatch, params.attachmentId),
        );
        const comment = metadata.comment ?? "";
        const version = await withContent(ctx, [content], claimed, () =>
          addAttachmentVersion(ctx.db, actor, params.id, params.attachmentId, content, comment, ifMatch),
        );
        await sendDocumentEtag(actor, res, params.id);
        return new Reply(201, version);
      },
    }),

    route({
      method: "get",
      path: "/api/documents/:id/attachments/:attachmentId/content",
      tag: "documents",
      summary: "Download an attachment (current or a given version)",
      params: AttachmentParams,
      query: ContentQuery,
      responses: { ...storedFileResponses("The bytes"), 404: { description: "Not found" } },
      async handle({ actor, params, query, res }) {
        const v = await openContent(ctx.db, actor, params.id, params.attachmentId, query.version);
        await sendStoredFile(res, ctx.blobs, { filename: v.filename, mediaType: v.media_type, sha256: v.sha256 }, inlineAsked(query));
      },
    }),

    route({
      method: "get",
      path: "/api/documents/:id/mail/parts/:partId/content",
      tag: "documents",
      summary: "Download a part of a saved mail: an attachment, inline image, attached message, invitation, or a file a winmail.dat carried",
      params: MailPartParams,
      query: PartContentQuery,
      responses: { ...storedFileResponses("The part's bytes"), 404: { description: "Not found" } },
      async handle({ actor, params, query, res }) {
        const doc = await requireVisibleDocument(ctx.db, actor, params.id);
        const part = await findPart(ctx.db, doc, params.partId);
        if (!part) throw notFound("The mail part");
        await recordAudit(ctx.db, {
          actor,
          action: "document.download",
          objectType: "document",
          objectId: doc.id,
          details: { mailPartId: part.id, sha256: part.sha256 },
        });
        await sendStoredFile(res, ctx.blobs, { filename: part.filename, mediaType: part.media_type, sha256: part.sha256 }, inlineAsked(query));
      },
    }),

    route({
      method: "post",
      path: "/api/documents/:id/comments",
      tag: "documents",
      summary: "Comment on a document",
      params: DocumentIdParams,
      body: NewComment,
      responses: { 201: { description: "The comment", schema: CommentCreated }, 404: { description: "Not found" } },
      handle: ({ actor, params, body }) => addComment(ctx.db, actor, params.id, body.body),
    }),

    route({
      method: "post",
      path: "/api/documents/:id/references",
      tag: "documents",
      summary: "Refer from this document to another (reply_to, relates_to, replaces, appendix_to)",
      params: DocumentIdParams,
      body: NewReference,
      responses: {
        201: { description: "The reference", schema: ReferenceCreated },
        404: { description: "Not found" },
        409: { description: "Exists" },
        422: { description: "Bad target" },
      },
      handle: ({ actor, params, body }) => addReference(ctx.db, actor, params.id, body.toDocumentId, body.kind),
    }),

    route({
      method: "delete",
      path: "/api/documents/:id/references/:referenceId",
      tag: "documents",
      summary: "Remove a reference",
      params: ReferenceParams,
      responses: { 204: { description: "Removed" }, 404: { description: "Not found" } },
      handle: ({ actor, params }) => removeReference(ctx.db, actor, params.id, params.referenceId),
    }),
  ];
}
