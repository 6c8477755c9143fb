import { z } from "zod";
import type { AnyRoute, ResponseSpec } from "./route.ts";

type Json = Record<string, unknown>;

/** One answer of an operation whose protocol is defined elsewhere (tus): no zod schema, headers that matter. */
export interface ProtocolResponse {
  description: string;
  headers?: Record<string, string>;
  /** Whether a problem+json body comes with it; by default refusals have one and successes have none. */
  problem?: boolean;
}

/** An operation whose protocol is defined elsewhere (tus uploads), described by its feature. */
export interface ProtocolOperation {
  tag: string;
  summary: string;
  description?: string;
  auth: "user" | "admin" | "none";
  parameters?: Json[];
  requestBody?: Json;
  responses: Record<number, ProtocolResponse>;
}

export type ProtocolPaths = Record<string, Record<string, ProtocolOperation>>;

/** Every tag an operation may carry, with what it groups; an undeclared tag fails the OpenAPI lint test. */
const TAGS: Record<string, string> = {
  service: "The service itself: liveness and this document.",
  auth: "Signing people in to the web view: e-mail address and password, invitations, sign-out, password changes and one's sessions (an httpOnly cookie).",
  reference:
    "Reference data every client needs for the save flow: the signed-in user, case templates, document types, retention rules, journal plan and access groups.",
  cases: "Cases (sager): create, find, change, close and reopen.",
  documents: "Documents, their versions, attachments (bilag), comments and references; saves are idempotent with Idempotency-Key.",
  uploads: "Resumable uploads (tus 1.0) of large files, saved afterwards as documents, versions or attachments by naming the upload id.",
  mail: "Mail lookups before a save: filed already, and which case the thread proposes.",
  contacts:
    "Contacts (kontakter: persons and organisations; CPR numbers sealed, shown masked, revealed only by an audited request), party roles, and the parties (parter) of cases and documents.",
  tasks: "Tasks (opgaver) on cases and documents for a user or a group: mine, a record's; create, change (If-Match), complete, comment.",
  notifications:
    "Notifications (notifikationer) of changes on the cases one follows: mine newest first, the unread count to poll (ETag, 304), mark read; follow and unfollow a case.",
  search:
    "Free-text search (fritekstsøgning) of cases and documents: Danish stemming, prefixes and phrases, ranked with recency, counted and snippeted only over what the caller may see. " +
    "Advanced search (avanceret søgning) of cases, documents, contacts or tasks by conditions, in chosen columns and order; saved searches, private or shared with a group; " +
    "both exported as CSV, every row the caller may see.",
  audit: "The audit log of a case or document, and verification of its chain.",
  admin: "Administration (administrators only): users and tokens, groups, access groups, templates, document types, retention rules and the journal plan.",
};

const tagOrder = Object.keys(TAGS);

/** Answer headers whose values are integers; the others are strings. */
const INTEGER_HEADERS = new Set(["Retry-After", "Upload-Offset", "Upload-Length", "Tus-Max-Size", "Content-Length"]);

const problemSchema = {
  type: "object",
  description: "RFC 9457 problem details; some problems carry more members (errors, maxBytes, …).",
  properties: {
    type: { type: "string", format: "uri" },
    title: { type: "string" },
    status: { type: "integer" },
    code: { type: "string", description: "Stable, machine-readable error code." },
    detail: { type: "string", description: "What went wrong and what to fix." },
    instance: { type: "string" },
    errors: {
      type: "array",
      description: "With invalid_request: each value that is not valid.",
      items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } }, required: ["path", "message"] },
    },
  },
  required: ["type", "title", "status", "code", "detail"],
};
const PROBLEM = { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } };
const BINARY = { type: "string", format: "binary" };

const jsonSchema = (schema: z.ZodType, io: "input" | "output") => z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" });

/** An answer while it is being put together: why it comes (one sentence per reason), its headers and body. */
interface Answer {
  reasons: string[];
  headers: Record<string, string>;
  content?: Json;
}

class Answers {
  readonly byStatus = new Map<number, Answer>();

  /** `mode` "fill": the reason only when the status has none yet (what a route declares is more specific); "also": one more reason. */
  add(status: number, reason: string, headers: Record<string, string> = {}, content?: Json, mode: "fill" | "also" = "fill"): this {
    const a = this.byStatus.get(status) ?? { reasons: [], headers: {} };
    if (reason && !a.reasons.includes(reason) && (mode === "also" || a.reasons.length === 0)) a.reasons.push(reason);
    Object.assign(a.headers, headers);
    a.content ??= content;
    this.byStatus.set(status, a);
    return this;
  }

  /** Adds a header to every success that has a body. */
  headerOnSuccess(name: string, description: string): void {
    for (const [status, a] of this.byStatus) if (status >= 200 && status < 300 && a.content) a.headers[name] ??= description;
  }

  toOpenApi(bodiless: boolean): Json {
    const sentence = (s: string) => (/[.!?]$/.test(s) ? s : `${s}.`);
    const sorted = [...this.byStatus.entries()].sort(([a], [b]) => a - b);
    return Object.fromEntries(
      sorted.map(([status, a]) => {
        const headers = Object.fromEntries(
          Object.entries(a.headers).map(([name, description]) => [name, { description, schema: { type: INTEGER_HEADERS.has(name) ? "integer" : "string" } }]),
        );
        return [
          String(status),
          {
            description: a.reasons.map(sentence).join(" "),
            ...(Object.keys(headers).length ? { headers } : {}),
            ...(a.content && !bodiless ? { content: a.content } : {}),
          },
        ];
      }),
    );
  }
}

/**
 * What every /api operation can answer because of where it sits, not what it does: the bearer check runs
 * before any route (a bad token is refused even where none is needed), failed sign-ins are throttled per
 * address, and admin routes refuse everyone else.
 */
function signInAnswers(answers: Answers, auth: "user" | "admin" | "none"): void {
  const wwwAuthenticate = { "WWW-Authenticate": 'Bearer realm="ims-case", with error="invalid_token" when a token was sent' };
  const unauthorized =
    auth === "none"
      ? "A token was sent and it is not valid (`invalid_token`); send a valid one or none"
      : "Not signed in (`unauthenticated`), or the token is not valid (`invalid_token`): unknown, revoked, expired, or its user is deactivated";
  answers.add(401, unauthorized, wwwAuthenticate, PROBLEM);
  const throttled = "This address has made too many failed sign-in attempts (`too_many_requests`); try again after Retry-After seconds";
  answers.add(429, throttled, { "Retry-After": "Seconds until this address may try again" }, PROBLEM);
  if (auth === "admin") answers.add(403, "Only administrators may do this (`admin_only`)", {}, PROBLEM);
}

/** What follows from a route's declaration: its parameters, body, request headers and answers. */
function routeAnswers(def: AnyRoute): Answers {
  const answers = new Answers();
  for (const [status, r] of Object.entries(def.responses as Record<number, ResponseSpec>)) {
    answers.add(Number(status), r.description, r.headers, contentOf(Number(status), r));
  }
  signInAnswers(answers, def.auth ?? "user");

  const invalid: string[] = [];
  if (def.params) invalid.push("a path parameter is not valid, or the path is not valid percent-encoding (`malformed_path`)");
  if (def.query) invalid.push("a query parameter is not valid");
  if (def.body) invalid.push("the body is not JSON (`malformed_json`) or not what the schema says");
  if (def.rawBody?.contentType === "multipart/form-data") {
    invalid.push(
      "the multipart body is malformed (`malformed_multipart`), has a part that is not expected or a second copy of one (`unknown_part`), " +
        "sends a file before its metadata (`metadata_first`), metadata that is not JSON (`malformed_metadata`) or a file without a name (`missing_filename`)",
    );
  }
  if (invalid.length) {
    const why = `The request is not valid (\`invalid_request\`, each value in \`errors\`, unless another code is named): ${invalid.join("; ")}`;
    answers.add(400, why, {}, PROBLEM, "also");
  }

  if (def.body) {
    answers.add(413, "The JSON body is larger than 1 MB (`too_large`)", {}, PROBLEM);
    const notJson =
      "The body is not JSON (`unsupported_media_type`), not in UTF-8 (`unsupported_charset`) " +
      "or compressed in a way the service does not read (`unsupported_content_encoding`)";
    answers.add(415, notJson, {}, PROBLEM);
  }
  if (def.rawBody) {
    answers.add(413, "The body is larger than this operation accepts (`too_large`); nothing was stored", {}, PROBLEM);
    answers.add(
      415,
      "The body's Content-Type is not one this operation takes (see the request body), or its charset is not UTF-8 (`unsupported_charset`)",
      {},
      PROBLEM,
    );
  }
  // A conditional write: a stale If-Match is refused, and every success names the new ETag to send next.
  if (def.headers && "If-Match" in def.headers) {
    const stale = "If-Match is not the current ETag: it was changed since; fetch it again (`precondition_failed`, with `currentEtag`)";
    answers.add(412, stale, { ETag: "The current ETag" }, PROBLEM);
    answers.headerOnSuccess("ETag", "The current ETag; send it as If-Match with the next change");
  }
  return answers;
}

function contentOf(status: number, r: ResponseSpec): Json | undefined {
  if (status === 204 || status === 304) return undefined;
  const type = r.contentType ?? (status < 300 ? "application/json" : "application/problem+json");
  if (r.schema) return { [type]: { schema: jsonSchema(r.schema, "output") } };
  if (type === "application/problem+json") return PROBLEM;
  return { [type]: { schema: /json$/.test(type) ? { type: "object" } : BINARY } };
}

/**
 * What `sendStoredFile` answers (service/http/download.ts): the bytes with a strong ETag from their hash,
 * byte ranges, and conditional requests. Spread into the `responses` of a download route.
 */
export function storedFileResponses(description: string): Record<number, ResponseSpec> {
  const file = {
    "Content-Disposition": "attachment (or inline with ?inline=1) with the file's name (RFC 6266)",
    ETag: "The sha256 of the bytes: the same content has the same ETag",
    "Accept-Ranges": "bytes",
  };
  return {
    200: { description, contentType: "*/*", headers: { ...file, "Content-Length": "Size in bytes" } },
    206: {
      description: "The byte range asked for with Range",
      contentType: "*/*",
      headers: { ...file, "Content-Range": "Which bytes of the whole these are" },
    },
    304: { description: "Not modified: If-None-Match names the current ETag", headers: { ETag: "The sha256 of the bytes" } },
    412: { description: "If-Match names another ETag than the content's" },
    416: {
      description: "Range asks for bytes the content does not have (`range_not_satisfiable`)",
      headers: { "Content-Range": "bytes */size: the size of the whole" },
    },
  };
}

function parameters(def: AnyRoute): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [
    ["path", def.params],
    ["query", def.query],
  ] as const) {
    if (!schema) continue;
    const js = jsonSchema(schema, "input") as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {})) {
      // A repeated query parameter (?where=a&where=b) is an array written out one value at a time.
      const repeated = where === "query" && (s as { type?: unknown }).type === "array" ? { style: "form", explode: true } : {};
      out.push({ name, in: where, required: where === "path" || (js.required ?? []).includes(name), schema: s, ...repeated });
    }
  }
  const headers: Record<string, string> = { ...def.headers };
  // A route answering ranges and 304s takes the request headers that ask for them.
  if (206 in def.responses) {
    headers.Range ??= "bytes=first-last: only these bytes (one range)";
    headers["If-Range"] ??= "An ETag: answer the Range only if the content still has it, else the whole";
  }
  if (304 in def.responses) headers["If-None-Match"] ??= "An ETag the client has: 304 without a body when it is still the current one";
  for (const [name, description] of Object.entries(headers)) out.push({ name, in: "header", required: false, description, schema: { type: "string" } });
  return out;
}

function requestBody(def: AnyRoute): Json | undefined {
  if (def.rawBody) return { required: true, description: def.rawBody.description, content: { [def.rawBody.contentType]: { schema: def.rawBody.schema } } };
  if (def.body) return { required: true, content: { "application/json": { schema: jsonSchema(def.body, "input") } } };
  return undefined;
}

/** getApiDocumentsIdContent for GET /api/documents/{id}/content: unique because method and path are. */
export function operationIdOf(method: string, path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0].toUpperCase() + w.slice(1)).join("");
}

const security = (auth: "user" | "admin" | "none" = "user") => (auth === "none" ? [] : [{ bearer: [] }]);

function protocolOperation(method: string, path: string, op: ProtocolOperation): Json {
  const answers = new Answers();
  for (const [status, r] of Object.entries(op.responses)) {
    const withProblem = r.problem ?? Number(status) >= 400;
    answers.add(Number(status), r.description, r.headers, withProblem ? PROBLEM : undefined);
  }
  signInAnswers(answers, op.auth);
  return {
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    operationId: operationIdOf(method, path),
    parameters: op.parameters ?? [],
    security: security(op.auth),
    ...(op.requestBody ? { requestBody: op.requestBody } : {}),
    responses: answers.toOpenApi(method === "head"),
  };
}

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. What an operation
 * answers because of its declaration (sign-in, admin, parameters, bodies, If-Match) is derived here, so a new
 * route is documented completely by declaring only what is its own. `protocolPaths` are endpoints whose
 * protocol is defined elsewhere (tus uploads), described by their feature.
 */
export function openApiDocument(routes: readonly AnyRoute[], serverUrl: string, protocolPaths: ProtocolPaths = {}) {
  const paths: Record<string, Record<string, Json>> = {};
  const usedTags = new Set<string>();
  for (const [p, ops] of Object.entries(protocolPaths)) {
    for (const [method, op] of Object.entries(ops)) {
      (paths[p] ??= {})[method] = protocolOperation(method, p, op);
      usedTags.add(op.tag);
    }
  }
  for (const def of routes) {
    const p = def.path.replace(/:(\w+)/g, "{$1}");
    const body = requestBody(def);
    (paths[p] ??= {})[def.method] = {
      tags: [def.tag],
      summary: def.summary,
      operationId: operationIdOf(def.method, p),
      parameters: parameters(def),
      security: security(def.auth),
      ...(body ? { requestBody: body } : {}),
      responses: routeAnswers(def).toOpenApi(false),
    };
    usedTags.add(def.tag);
  }
  const server = serverUrl.replace(/\/+$/, "");
  return {
    openapi: "3.1.0",
    info: {
      title: "IMS Case archive API",
      version: "1.0.0",
      description:
        "Cases, documents, versions, attachments, reference data and the audit log of IMS Case. Every refusal is " +
        "application/problem+json (RFC 9457) with a stable `code` a client can act on and a `detail` a person can read.",
      license: { name: "MIT", identifier: "MIT" },
      contact: { name: "The administrators of this IMS Case archive", url: `${server}/` },
    },
    servers: [{ url: server, description: "This archive service" }],
    // In the order of TAGS; a tag missing there is listed without a description, which the lint test refuses.
    tags: [...usedTags].sort((a, b) => tagOrder.indexOf(a) - tagOrder.indexOf(b)).map((name) => ({ name, ...(TAGS[name] ? { description: TAGS[name] } : {}) })),
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "An API token issued by an administrator, or a configured single sign-on ID token." },
      },
      schemas: { Problem: problemSchema },
    },
    paths,
  };
}
