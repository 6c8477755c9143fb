import { z } from "zod";
import { MetadataField } from "../../../shared/api/schemas/reference.ts";

// A template's custom fields are part of the API (shared/api/schemas/reference.ts); what a case's metadata must be under them is decided here.
export { MetadataField };

const isoDate = z.iso.date();

function fieldSchema(f: MetadataField): z.ZodType {
  switch (f.type) {
    case "text":
      return z.string().max(4000);
    case "number":
      return z.number();
    case "date":
      return isoDate;
    case "boolean":
      return z.boolean();
    case "choice":
      return z.enum((f.options?.length ? f.options : [""]) as [string, ...string[]]);
  }
}

/** The zod schema that a case's custom metadata must satisfy under this template: unknown fields are refused. */
export function metadataSchema(fields: MetadataField[]) {
  const shape: Record<string, z.ZodType> = {};
  for (const f of fields) shape[f.name] = f.required ? fieldSchema(f) : fieldSchema(f).nullish();
  return z.strictObject(shape);
}
