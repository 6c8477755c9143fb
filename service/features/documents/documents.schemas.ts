import { z } from "zod";
import { REFERENCE_KINDS } from "./related.service.ts";

const id = z.string().min(1).max(100);
const isoDate = z.iso.date();

export const NewDocumentMetadata = z.strictObject({
  title: z.string().trim().min(1).max(500).optional(),
  documentTypeId: id,
  caseId: id.nullish(),
  status: z.enum(["draft", "final"]).optional(),
  documentDate: isoDate.optional(),
  accessGroupId: id.optional(),
  comment: z.string().max(2000).optional(),
  attachments: z.array(z.strictObject({ title: z.string().trim().min(1).max(500).optional() })).max(50).optional(),
  mail: z.strictObject({ messageId: z.string().max(1000).optional(), conversationId: z.string().max(500).optional() }).optional(),
});

/** The id of a finished resumable upload (see /api/uploads). */
export const UploadRef = z.string().uuid();

/** POST /api/documents as JSON: the content was sent before through a resumable upload. */
export const NewDocumentFromUpload = NewDocumentMetadata.omit({ attachments: true }).extend({
  upload: UploadRef,
  attachments: z.array(z.strictObject({ upload: UploadRef, title: z.string().trim().min(1).max(500).optional() })).max(50).optional(),
});

export const NewVersionMetadata = z.strictObject({ comment: z.string().max(2000).optional() });

export const NewAttachmentMetadata = z.strictObject({ title: z.string().trim().min(1).max(500).optional(), comment: z.string().max(2000).optional() });

export const DocumentPatch = z
  .strictObject({
    title: z.string().trim().min(1).max(500).optional(),
    status: z.enum(["draft", "final"]).optional(),
    documentTypeId: id.optional(),
    documentDate: isoDate.nullable().optional(),
    accessGroupId: id.nullable().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, "name at least one field to change");

export const FileIntoCase = z.strictObject({ caseId: id });
export const NewComment = z.strictObject({ body: z.string().trim().min(1).max(10000) });
export const NewReference = z.strictObject({ toDocumentId: id, kind: z.enum(REFERENCE_KINDS) });
export const DocumentIdParams = z.object({ id });
export const AttachmentParams = z.object({ id, attachmentId: id });
export const ReferenceParams = z.object({ id, referenceId: id });
export const ContentQuery = z.object({
  version: z.string().regex(/^\d{1,6}\.\d{1,6}$/, "a version number like 1.0 or 2.3").optional(),
  inline: z.enum(["0", "1", "true", "false"]).optional(),
});
export const IdempotencyKey = z.string().min(8).max(200).regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces");
