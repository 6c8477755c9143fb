import { z } from "zod";

/** A custom metadata field a case template defines. */
export const MetadataField = z.object({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,62}$/, "use letters, digits and _ (start with a letter)"),
  label: z.string().min(1).max(200),
  type: z.enum(["text", "number", "date", "boolean", "choice"]),
  required: z.boolean().default(false),
  options: z.array(z.string().min(1)).optional(),
});
export type MetadataField = z.infer<typeof MetadataField>;

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
