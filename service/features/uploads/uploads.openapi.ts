import type { ProtocolOperation, ProtocolPaths, ProtocolResponse } from "../../http/openapi.ts";
import { UPLOADS_PATH } from "./uploads.controller.ts";

// The tus 1.0 protocol (https://tus.io/protocols/resumable-upload) as this service answers it: creation,
// creation-with-upload, creation-defer-length, termination and expiration. Sign-in (401, 429) is added by
// the document for every operation; what is here is tus's own. Every refusal is problem+json with a code.

const header = (name: string, description: string, required = false, schema: Record<string, unknown> = { type: "string" }) => ({
  name,
  in: "header",
  required,
  description,
  schema,
});
const tusResumable = header("Tus-Resumable", "The protocol version: 1.0.0", true, { type: "string", enum: ["1.0.0"] });
const uploadId = {
  name: "id",
  in: "path",
  required: true,
  description: "The upload's id, from the Location of its creation",
  schema: { type: "string", format: "uuid" },
};
const uploadOffset = header("Upload-Offset", "Where this slice starts; must be the offset the server has (ask with HEAD)", true, {
  type: "integer",
  minimum: 0,
});
const sliceType = header("Content-Type", "application/offset+octet-stream", true, { type: "string", enum: ["application/offset+octet-stream"] });
const deferredLength = header("Upload-Length", "The total size, once known, of an upload created with Upload-Defer-Length", false, {
  type: "integer",
  minimum: 0,
});
const slice = { required: false, content: { "application/offset+octet-stream": { schema: { type: "string", format: "binary" } } } };

const TUS_RESUMABLE = { "Tus-Resumable": "1.0.0" };
const EXPIRES = { "Upload-Expires": "When an unfinished upload is removed (RFC 9110 date)" };

const refusals = {
  tusHeader: "A tus header has a value tus 1.0 does not allow (`invalid_tus_header`, the names in `headers`)",
  version: "Tus-Resumable is missing or is not 1.0.0 (`tus_resumable_required`)",
  notFound: "No upload of yours has this id (`not_found`): unknown, someone else's, saved already or abandoned",
  gone: "The upload expired before it was finished (`upload_gone`); start it again",
  busy: "Another request is writing this upload (`upload_busy`); ask with HEAD where it stands and continue",
};

/** What asking where an upload stands answers (HEAD, or GET/POST with X-HTTP-Method-Override: HEAD). */
const status: Record<number, ProtocolResponse> = {
  200: {
    description: "Where the upload stands, in the headers (no body)",
    headers: {
      ...TUS_RESUMABLE,
      "Upload-Offset": "How many bytes the server has",
      "Upload-Length": "The total size (absent while it is deferred)",
      "Upload-Defer-Length": "1 while the total size is not known yet",
      "Upload-Metadata": "The metadata the upload was created with",
      "Cache-Control": "no-store",
    },
  },
  400: { description: refusals.tusHeader },
  404: { description: refusals.notFound },
  410: { description: refusals.gone },
  412: { description: refusals.version },
};

/** What sending a slice answers (PATCH, or POST with X-HTTP-Method-Override: PATCH). */
const append: Record<number, ProtocolResponse> = {
  204: {
    description: "Stored; the new offset in Upload-Offset",
    headers: { ...TUS_RESUMABLE, "Upload-Offset": "How many bytes the server has now", ...EXPIRES },
  },
  400: {
    description: `Upload-Offset is missing (\`upload_offset_required\`), Upload-Length is missing or not valid for a deferred upload (\`upload_length_required\`), or: ${refusals.tusHeader}`,
  },
  404: { description: refusals.notFound },
  409: { description: `Upload-Offset is not where the upload stands (\`upload_offset_conflict\`), or: ${refusals.busy}` },
  410: { description: refusals.gone },
  412: { description: refusals.version },
  413: { description: "The slice goes past the upload's length (`upload_too_long`) or the maximum upload size (`too_large`)" },
  415: { description: "The slice is not sent as application/offset+octet-stream (`upload_content_type`)" },
};

/** What abandoning an upload answers (DELETE, or GET/POST with X-HTTP-Method-Override: DELETE). */
const terminate: Record<number, ProtocolResponse> = {
  204: { description: "Removed", headers: TUS_RESUMABLE },
  400: { description: refusals.tusHeader },
  404: { description: refusals.notFound },
  409: { description: refusals.busy },
  412: { description: refusals.version },
};

const overrideHeader = header(
  "X-HTTP-Method-Override",
  "The tus method this request stands for, for clients that cannot send it (Apps Script's UrlFetchApp has no HEAD)",
  true,
  { type: "string", enum: ["HEAD", "PATCH", "DELETE"] },
);

/** GET and POST stand for HEAD, PATCH or DELETE, and answer what that method answers. */
function overridden(verb: "GET" | "POST"): ProtocolOperation {
  const answers: Record<number, ProtocolResponse> = {};
  for (const part of [status, append, terminate]) {
    for (const [code, r] of Object.entries(part)) {
      const known = answers[Number(code)];
      if (!known) answers[Number(code)] = r;
      else if (!known.description.includes(r.description))
        answers[Number(code)] = { description: `${known.description}. ${r.description}`, headers: { ...known.headers, ...r.headers } };
    }
  }
  answers[200] = { ...status[200], description: "HEAD: where the upload stands, in the headers (no body)" };
  answers[204] = {
    description: "PATCH: the slice is stored (the new Upload-Offset in the headers). DELETE: the upload is removed",
    headers: append[204].headers,
  };
  answers[400] = {
    description: `X-HTTP-Method-Override is not HEAD, PATCH or DELETE (\`invalid_method_override\`). PATCH: ${append[400].description}. HEAD, DELETE: ${refusals.tusHeader}`,
  };
  answers[405] = {
    description: `Without X-HTTP-Method-Override (\`method_not_allowed\`): a raw upload cannot be downloaded; save it as a document first`,
    headers: { Allow: "HEAD, PATCH, DELETE" },
  };
  return {
    tag: "uploads",
    summary: `${verb} standing for HEAD, PATCH or DELETE (X-HTTP-Method-Override)`,
    description:
      "tus 1.0's method override for clients that cannot send HEAD, PATCH or DELETE. The request is that method in every respect " +
      "(headers, owner check, answers); " +
      (verb === "POST" ? "with PATCH the body is the slice." : "GET carries no body, so PATCH through GET sends an empty slice."),
    auth: "user",
    parameters: [
      uploadId,
      overrideHeader,
      tusResumable,
      { ...uploadOffset, required: false, description: "PATCH: where this slice starts" },
      { ...sliceType, required: false, description: "PATCH: application/offset+octet-stream" },
    ],
    ...(verb === "POST" ? { requestBody: slice } : {}),
    responses: answers,
  };
}

/** The tus endpoints in the OpenAPI document; the protocol is tus's, so they are described here rather than by zod routes. */
export const uploadsOpenApiPaths: ProtocolPaths = {
  [UPLOADS_PATH]: {
    options: {
      tag: "uploads",
      summary: "tus discovery: Tus-Version, Tus-Extension and Tus-Max-Size",
      auth: "user",
      responses: {
        204: {
          description: "Protocol details in the headers",
          headers: {
            ...TUS_RESUMABLE,
            "Tus-Version": "1.0.0",
            "Tus-Extension": "creation,creation-with-upload,creation-defer-length,termination,expiration",
            "Tus-Max-Size": "The largest upload in bytes",
          },
        },
        400: { description: "X-HTTP-Method-Override is sent here (`invalid_method_override`); it is only honoured on /api/uploads/{id}" },
      },
    },
    post: {
      tag: "uploads",
      summary: "Start a resumable upload (tus creation); the Location header names it",
      description: 'With a body (creation-with-upload) the first slice is stored at once. Save the finished upload with POST /api/documents {"upload": id}.',
      auth: "user",
      parameters: [
        tusResumable,
        header("Upload-Length", "The total size in bytes (or send Upload-Defer-Length: 1)", false, { type: "integer", minimum: 0 }),
        header("Upload-Defer-Length", "1: the size is sent later, with a PATCH", false, { type: "string", enum: ["1"] }),
        header("Upload-Metadata", "Comma-separated 'key base64value' pairs: filename (required), optionally filetype", true),
        { ...sliceType, required: false, description: "With a first slice in the body: application/offset+octet-stream" },
      ],
      requestBody: slice,
      responses: {
        201: {
          description: "Created; Location names the upload",
          headers: {
            ...TUS_RESUMABLE,
            Location: "/api/uploads/{id}: where to send the slices",
            "Upload-Offset": "With a first slice: how many bytes the server has",
            ...EXPIRES,
          },
        },
        400: {
          description:
            "Neither Upload-Length nor Upload-Defer-Length (`upload_length_required`), Upload-Metadata is malformed (`invalid_upload_metadata`) " +
            `or names no file (\`missing_filename\`), X-HTTP-Method-Override is sent here (\`invalid_method_override\`), or: ${refusals.tusHeader}`,
        },
        412: { description: refusals.version },
        413: { description: "Upload-Length is larger than the maximum upload size (`too_large`)" },
      },
    },
  },
  [`${UPLOADS_PATH}/{id}`]: {
    head: {
      tag: "uploads",
      summary: "How many bytes of the upload the server has (Upload-Offset)",
      auth: "user",
      parameters: [uploadId, tusResumable],
      responses: status,
    },
    patch: {
      tag: "uploads",
      summary: "Send the next slice at Upload-Offset",
      auth: "user",
      parameters: [uploadId, tusResumable, uploadOffset, sliceType, deferredLength],
      requestBody: { ...slice, required: true },
      responses: append,
    },
    delete: { tag: "uploads", summary: "Abandon an upload (tus termination)", auth: "user", parameters: [uploadId, tusResumable], responses: terminate },
    get: overridden("GET"),
    post: overridden("POST"),
  },
};

/** What a save answers when it names finished uploads (claimUploads): spread into the save route's `responses`. */
export const uploadClaimRefusals = {
  409: {
    description:
      "A named upload is not finished (`upload_incomplete`), or another save has it or had it (`upload_claimed`); an upload is saved once. " +
      "An upload named twice in one request is refused with 400 (`upload_used_twice`)",
  },
};
