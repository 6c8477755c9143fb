import { z } from "zod";
import type { AnyRoute } from "./route.ts";

const problemSchema = {
  type: "object",
  properties: {
    type: { type: "string" },
    title: { type: "string" },
    status: { type: "integer" },
    code: { type: "string", description: "Stable, machine-readable error code." },
    detail: { type: "string", description: "What went wrong and what to fix." },
    instance: { type: "string" },
  },
  required: ["type", "title", "status", "code", "detail"],
};

const jsonSchema = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" });

function parameters(def: AnyRoute) {
  const out: unknown[] = [];
  for (const [where, schema] of [
    ["path", def.params],
    ["query", def.query],
  ] as const) {
    if (!schema) continue;
    const js = jsonSchema(schema, "input") as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {})) {
      out.push({ name, in: where, required: where === "path" || (js.required ?? []).includes(name), schema: s });
    }
  }
  for (const [name, description] of Object.entries(def.headers ?? {})) {
    out.push({ name, in: "header", required: false, description, schema: { type: "string" } });
  }
  return out;
}

/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests. `protocolPaths`
 * are endpoints whose protocol is defined elsewhere (tus uploads), described by their feature.
 */
export function openApiDocument(routes: readonly AnyRoute[], serverUrl: string, protocolPaths: Record<string, Record<string, unknown>> = {}) {
  const paths: Record<string, Record<string, unknown>> = structuredClone(protocolPaths);
  for (const def of routes) {
    const p = def.path.replace(/:(\w+)/g, "{$1}");
    const op: Record<string, unknown> = {
      tags: [def.tag],
      summary: def.summary,
      operationId: `${def.method}${p.replace(/[{}]/g, "").replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase())}`,
      parameters: parameters(def),
      security: def.auth === "none" ? [] : [{ bearer: [] }],
      responses: Object.fromEntries(
        Object.entries(def.responses).map(([status, r]) => {
          const type = r.contentType ?? (status.startsWith("2") ? "application/json" : "application/problem+json");
          const schema = r.schema ? jsonSchema(r.schema, "output") : status.startsWith("2") ? undefined : problemSchema;
          return [status, { description: r.description, ...(schema ? { content: { [type]: { schema } } } : {}) }];
        }),
      ),
    };
    if (def.body) op.requestBody = { required: true, content: { "application/json": { schema: jsonSchema(def.body, "input") } } };
    if (def.rawBody) {
      op.requestBody = { required: true, description: def.rawBody.description, content: { [def.rawBody.contentType]: { schema: def.rawBody.schema } } };
    }
    (paths[p] ??= {})[def.method] = op;
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "IMS Case archive API",
      version: "1.0.0",
      description: "Cases, documents, versions, attachments, reference data and the audit log of IMS Case.",
    },
    servers: [{ url: serverUrl }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths,
  };
}
