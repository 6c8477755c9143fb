import type { ErrorRequestHandler } from "express";
import { ZodError } from "zod";
import type { Logger } from "pino";
import { isUniqueViolation, isUnstorableText } from "../db/dialect.ts";
import { redactedUrl } from "./request-log.ts";

/** An error a client can act on: a stable `code`, an HTTP status, and a sentence a person can read. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    /** Response headers that belong to the refusal (Allow, Retry-After, …). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  416: "Range Not Satisfiable",
  428: "Precondition Required",
  429: "Too Many Requests",
  460: "Checksum Mismatch",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export const notFound = (what: string) => new Problem(404, "not_found", `${what} was not found.`);
export const forbidden = (detail: string) => new Problem(403, "forbidden", detail);
export const badRequest = (code: string, detail: string, extra?: Record<string, unknown>) => new Problem(400, code, detail, extra);
export const unprocessable = (code: string, detail: string, extra?: Record<string, unknown>) => new Problem(422, code, detail, extra);

/** Turns a unique-constraint failure into 409 naming what already exists; rethrows anything else. */
export function uniqueViolation(err: unknown, what: string): never {
  if (isUniqueViolation(err)) throw new Problem(409, "already_exists", `${what} already exists.`);
  throw err;
}

export function validationProblem(error: ZodError, where: string): Problem {
  const errors = error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join("."),
    message: i.message,
  }));
  const first = errors[0];
  return new Problem(400, "invalid_request", `Invalid ${where}: ${first.path} — ${first.message}`, { errors });
}

/** The 4xx status an error from Express, body-parser or send carries (`status`/`statusCode`), if any. */
function clientErrorStatus(err: unknown): number | undefined {
  const e = err as { status?: unknown; statusCode?: unknown } | null;
  const status = typeof e?.status === "number" ? e.status : typeof e?.statusCode === "number" ? e.statusCode : undefined;
  return status !== undefined && status >= 400 && status < 500 ? status : undefined;
}

// Library errors keep their status and get the archive's code and a sentence saying what to fix.
function clientProblem(status: number, err: { type?: unknown; message?: unknown }): Problem {
  const type = typeof err.type === "string" ? err.type : "";
  if (type === "charset.unsupported")
    return new Problem(415, "unsupported_charset", "Send JSON encoded as UTF-8 (Content-Type: application/json; charset=utf-8).");
  if (type === "encoding.unsupported")
    return new Problem(415, "unsupported_content_encoding", "The Content-Encoding of the body is not supported; send it uncompressed or gzip.");
  if (type === "request.aborted") return badRequest("aborted", "The request body ended before it was complete.");
  if (type === "request.size.invalid") return badRequest("content_length_mismatch", "The body is not as long as Content-Length says.");
  if (err instanceof URIError || /decode param/i.test(String(err.message)))
    return badRequest("malformed_path", "The address has invalid percent-encoding (e.g. %ff); encode it as UTF-8.");
  if (status === 412) return new Problem(412, "precondition_failed", "The content has changed since the ETag you sent in If-Match; fetch it again.");
  if (status === 416)
    return new Problem(416, "range_not_satisfiable", "The requested Range lies outside the content; ask for bytes within its size (see Content-Range).");
  if (status === 413) return new Problem(413, "too_large", "The request is too large.");
  if (status === 415) return new Problem(415, "unsupported_media_type", "The body's Content-Type is not accepted here.");
  return new Problem(status, "bad_request", "The request could not be understood; check its headers and body.");
}

/** Every error leaves as application/problem+json (RFC 9457). */
export function problemHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let problem: Problem;
    if (err instanceof Problem) problem = err;
    else if (err instanceof ZodError) problem = validationProblem(err, "request");
    else if (err?.type === "entity.parse.failed") problem = badRequest("malformed_json", "The request body is not valid JSON.");
    else if (err?.type === "entity.too.large") problem = new Problem(413, "too_large", "The request body is too large.");
    else if (clientErrorStatus(err)) problem = clientProblem(clientErrorStatus(err)!, err);
    else if (isUnstorableText(err))
      problem = badRequest("text_with_nul", "The request holds the character NUL (U+0000), which text in the archive cannot hold; remove it.");
    else {
      log.error({ err, url: redactedUrl(req.originalUrl) }, "unhandled error");
      problem = new Problem(500, "internal_error", "Something went wrong on the server; nothing was saved.");
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
    // RFC 9110: every 401 says how to authenticate.
    if (problem.status === 401 && !res.hasHeader("WWW-Authenticate")) res.setHeader("WWW-Authenticate", 'Bearer realm="ims-case"');
    res
      .status(problem.status)
      .type("application/problem+json")
      .send(
        JSON.stringify({
          type: `https://ims-case.dk/problems/${problem.code}`,
          title: titles[problem.status] ?? "Error",
          status: problem.status,
          code: problem.code,
          detail: problem.detail,
          instance: redactedUrl(req.originalUrl),
          ...problem.extra,
        }),
      );
  };
}
