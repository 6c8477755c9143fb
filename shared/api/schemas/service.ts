import { z } from "zod";

/** GET /api/health. */
export const Health = z.strictObject({ status: z.literal("ok") });

/** GET /api/openapi.json: an OpenAPI 3.1 document (its own schema is OpenAPI's). */
export const OpenApiDocument = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.record(z.string(), z.unknown())),
});
