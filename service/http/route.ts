import type { Request, Response, Router } from "express";
import { z, type ZodType } from "zod";
import type { Actor } from "../features/access/actor.ts";
import { requireAdmin } from "../features/access/policy.ts";
import { Problem, validationProblem } from "./problem.ts";

type Method = "get" | "post" | "put" | "patch" | "delete";

export interface ResponseSpec {
  description: string;
  schema?: ZodType;
  contentType?: string;
  /** Response headers this answer carries, by name: what each says. Those that follow from the route (ETag after If-Match, …) are added by the OpenAPI document. */
  headers?: Record<string, string>;
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  actor: Actor;
  req: Request;
  res: Response;
}

/** A reply whose status differs from the route's usual success status. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

export interface RouteDef<P extends ZodType, Q extends ZodType, B extends ZodType> {
  method: Method;
  /** Express-style path, e.g. /api/cases/:id */
  path: string;
  tag: string;
  summary: string;
  /** "user" (default): any signed-in user; "admin": admins only; "none": no sign-in. */
  auth?: "user" | "admin" | "none";
  params?: P;
  query?: Q;
  body?: B;
  /** Documents a body that the handler reads itself (multipart or raw bytes). */
  rawBody?: { contentType: string; schema: Record<string, unknown>; description: string };
  headers?: Record<string, string>;
  responses: Record<number, ResponseSpec>;
  handle(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<unknown>;
}

/** Declares a route once: the same zod schemas validate requests and describe it in the OpenAPI document. */
export function route<
  P extends ZodType = ZodType<Record<string, never>>,
  Q extends ZodType = ZodType<Record<string, never>>,
  B extends ZodType = ZodType<undefined>,
>(def: RouteDef<P, Q, B>): RouteDef<P, Q, B> {
  return def;
}

// A list of routes holds routes of every schema type; their own declarations stay typed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = RouteDef<any, any, any>;

function parse<T extends ZodType>(schema: T | undefined, value: unknown, where: string) {
  if (!schema) return value;
  const result = schema.safeParse(value);
  if (!result.success) throw validationProblem(result.error, where);
  return result.data;
}

export interface MountOptions {
  /** Tests: every JSON answer is parsed with its route's response schema, and a 2xx must have one; a mismatch is a 500 naming it. */
  validateResponses?: boolean;
}

/**
 * Checks an answer against the contract its route declares, as the client will read it (after JSON). Only
 * tests do this: there a drift between a handler and its schema fails loudly instead of reaching a client.
 */
function checkAnswer(def: AnyRoute, status: number, body: unknown): void {
  const where = `${def.method.toUpperCase()} ${def.path} answered ${status}`;
  const spec = (def.responses as Record<number, ResponseSpec>)[status];
  const fail = (detail: string): never => {
    console.error(`response contract broken: ${detail}`);
    throw new Problem(500, "response_contract_broken", detail);
  };
  if (!spec) return fail(`${where}, which its route does not declare.`);
  if (!spec.schema) {
    if (status >= 200 && status < 300) fail(`${where} with JSON, but its route declares no schema for it.`);
    return;
  }
  const result = spec.schema.safeParse(JSON.parse(JSON.stringify(body)));
  if (!result.success) fail(`${where} with a body its schema refuses:\n${z.prettifyError(result.error)}`);
}

const hasBody = (req: Request) => req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;

export function mountRoutes(router: Router, defs: readonly AnyRoute[], options: MountOptions = {}): void {
  for (const def of defs) {
    const success = Number(Object.keys(def.responses).find((s) => s.startsWith("2")) ?? 200);
    router[def.method](def.path, async (req: Request, res: Response) => {
      const actor = res.locals.actor as Actor | undefined;
      if (def.auth !== "none" && !actor) throw new Problem(401, "unauthenticated", "Sign in: send an API token as 'Authorization: Bearer …'.");
      if (def.auth === "admin") requireAdmin(actor as Actor);
      if (def.body && !def.rawBody && hasBody(req) && !req.is(["application/json", "application/*+json"])) {
        throw new Problem(415, "unsupported_media_type", "Send the body as JSON: Content-Type: application/json.");
      }
      const params = parse(def.params, req.params, "path");
      const query = parse(def.query, req.query, "query");
      const body = def.rawBody ? undefined : parse(def.body, req.body ?? {}, "body");
      const out = await def.handle({ params, query, body, actor: actor as Actor, req, res });
      if (res.headersSent) return;
      if (options.validateResponses && out !== undefined) {
        if (out instanceof Reply) checkAnswer(def, out.status, out.body);
        else checkAnswer(def, success, out);
      }
      if (out instanceof Reply) res.status(out.status).json(out.body);
      else if (out === undefined) res.status(success === 200 ? 204 : success).end();
      else res.status(success).json(out);
    });
  }
}
