import { z } from "zod";

// POST /api/uploads/graph: where Office cannot hand the file over (Outlook without Mailbox 1.14, Excel on the web), the service
// fetches it from Microsoft Graph on the signed-in person's behalf into a finished upload, which a save then names like any other.

/** What to fetch: a message of the person's mailbox (its REST id), an item of a drive, or a file by its SharePoint/OneDrive address. */
export const GraphSource = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("message"), id: z.string().min(1).max(512) }),
  z.strictObject({ kind: z.literal("driveItem"), driveId: z.string().min(1).max(512), itemId: z.string().min(1).max(512) }),
  z.strictObject({ kind: z.literal("share"), url: z.url({ protocol: /^https$/ }).max(4000) }),
]);

export const GraphImportRequest = z.strictObject({
  source: GraphSource,
  /** The name to save it under; default: the name Graph gives, else message.eml / document. */
  filename: z.string().min(1).max(255).optional(),
  /** Default: message/rfc822 for a message, else what Graph answers. */
  mediaType: z
    .string()
    .max(200)
    .regex(/^[\w.+-]+\/[\w.+-]+$/, "a media type such as message/rfc822")
    .optional(),
});

/** The finished upload: save it with POST /api/documents {"upload": uploadId}. */
export const GraphImport = z.strictObject({
  uploadId: z.uuid(),
  size: z.number().int().nonnegative(),
  filename: z.string(),
  mediaType: z.string(),
});

export type GraphSource = z.infer<typeof GraphSource>;
export type GraphImportRequest = z.infer<typeof GraphImportRequest>;
export type GraphImport = z.infer<typeof GraphImport>;
