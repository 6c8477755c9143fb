import type { ErrorRequestHandler } from "express";
import { ZodError } from "zod";
import type { Logger } from "pino";

/** An error a client can act on: a stable `code`, an HTTP status, and a sentence a person can read. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  409: "Conflict",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  428: "Precondition Required",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export const notFound = (what: string) => new Problem(404, "not_found", `${what} was not found.`);
export const forbidden = (detail: string) => new Problem(403, "forbidden", detail);
export const badRequest = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new Problem(400, code, detail, extra);
export const unprocessable = (code: string, detail: string, extra?: Record<string, unknown>) =>
  new Problem(422, code, detail, extra);

export function validationProblem(error: ZodError, where: string): Problem {
  const errors = error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join("."),
    message: i.message,
  }));
  const first = errors[0];
  return new Problem(400, "invalid_request", `Invalid ${where}: ${first.path} — ${first.message}`, { errors });
}

/** Every error leaves as application/problem+json (RFC 9457). */
export function problemHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let problem: Problem;
    if (err instanceof Problem) problem = err;
    else if (err instanceof ZodError) problem = validationProblem(err, "request");
    else if (err?.type === "entity.parse.failed") problem = badRequest("malformed_json", "The request body is not valid JSON.");
    else if (err?.type === "entity.too.large") problem = new Problem(413, "too_large", "The request body is too large.");
    else {
      log.error({ err, url: req.originalUrl }, "unhandled error");
      problem = new Problem(500, "internal_error", "Something went wrong on the server; nothing was saved.");
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
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
          instance: req.originalUrl,
          ...problem.extra,
        }),
      );
  };
}
