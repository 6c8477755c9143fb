import { z } from "zod";
import { Id, IsoDate, nameAField, page, pageQuery, QueryBoolean, someField, Timestamp, Title } from "./common.ts";
import { CaseStatus } from "./cases.ts";
import { MailView } from "./mail.ts";
import { RetentionRule } from "./reference.ts";

// Documents, their versions, attachments (bilag), comments and references.

export const DocumentStatus = z.enum(["draft", "final"]);
export const REFERENCE_KINDS = ["reply_to", "relates_to", "replaces", "appendix_to"] as const;
export const ReferenceKind = z.enum(REFERENCE_KINDS);
export type ReferenceKind = z.infer<typeof ReferenceKind>;

const Comment = z.string().max(2000);

// ---- requests

export const NewDocumentMetadata = z.strictObject({
  title: Title.optional(),
  documentTypeId: Id,
  caseId: Id.nullish(),
  status: DocumentStatus.optional(),
  documentDate: IsoDate.optional(),
  accessGroupId: Id.optional(),
  comment: Comment.optional(),
  attachments: z
    .array(z.strictObject({ title: Title.optional() }))
    .max(50)
    .optional(),
  mail: z.strictObject({ messageId: z.string().max(1000).optional(), conversationId: z.string().max(500).optional() }).optional(),
  /** A mail filed in this case already (same Message-ID, or the same bytes) is refused with 409 mail_already_filed unless this is true. */
  allowDuplicate: z.boolean().optional(),
});
export type NewDocumentMetadata = z.input<typeof NewDocumentMetadata>;

/** The id of a finished resumable upload (see /api/uploads). */
export const UploadRef = z.uuid();

/** POST /api/documents as JSON: the content was sent before through a resumable upload. */
export const NewDocumentFromUpload = NewDocumentMetadata.omit({ attachments: true }).extend({
  upload: UploadRef,
  attachments: z
    .array(z.strictObject({ upload: UploadRef, title: Title.optional() }))
    .max(50)
    .optional(),
});
export type NewDocumentFromUploads = z.input<typeof NewDocumentFromUpload>;

export const NewVersionMetadata = z.strictObject({ comment: Comment.optional() });
export const NewAttachmentMetadata = z.strictObject({ title: Title.optional(), comment: Comment.optional() });
/** POST /api/documents/{id}/versions as JSON. */
export const NewVersionFromUpload = NewVersionMetadata.extend({ upload: UploadRef });
/** POST /api/documents/{id}/attachments as JSON. */
export const NewAttachmentFromUpload = NewAttachmentMetadata.extend({ upload: UploadRef });

/** PATCH /api/documents/{id}: the fields to change; status "final" makes the next major version. */
export const DocumentPatch = z
  .strictObject({
    title: Title.optional(),
    status: DocumentStatus.optional(),
    documentTypeId: Id.optional(),
    documentDate: IsoDate.nullable().optional(),
    accessGroupId: Id.nullable().optional(),
  })
  .refine(someField, nameAField);
export type DocumentPatch = z.input<typeof DocumentPatch>;

export const FileIntoCase = z.strictObject({ caseId: Id });
export const NewComment = z.strictObject({ body: z.string().trim().min(1).max(10000) });
export const NewReference = z.strictObject({ toDocumentId: Id, kind: ReferenceKind });
export const DocumentIdParams = z.object({ id: Id });
export const AttachmentParams = z.object({ id: Id, attachmentId: Id });
export const ReferenceParams = z.object({ id: Id, referenceId: Id });
export const MailPartParams = z.object({ id: Id, partId: Id });
export const PartContentQuery = z.object({ inline: z.enum(["0", "1", "true", "false"]).optional() });
export const ContentQuery = z.object({
  version: z
    .string()
    .regex(/^\d{1,6}\.\d{1,6}$/, "a version number like 1.0 or 2.3")
    .optional(),
  inline: z.enum(["0", "1", "true", "false"]).optional(),
});
export const DocumentListQuery = z.object({
  caseId: z.string().optional(),
  floating: QueryBoolean.optional(),
  /** Only my own documents: with floating, my inbox of floating documents. */
  mine: QueryBoolean.optional(),
  ...pageQuery,
});
export const DeleteDocumentQuery = z.object({ reason: z.string().max(500).optional() });
export const IdempotencyKey = z
  .string()
  .min(8)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces");

// ---- responses

/**
 * How far reading a version's text for search has come: pending until read; done; failed (the file is
 * damaged, hostile or too demanding to read: `reason` says which); skipped (it may be fine, but its text
 * cannot be read here: encrypted, an unsupported format, too large).
 */
export const ExtractionStatus = z.strictObject({ status: z.enum(["pending", "done", "failed", "skipped"]), reason: z.string().nullable() });
export type ExtractionStatus = z.infer<typeof ExtractionStatus>;

export const VersionInfo = z.strictObject({
  id: Id,
  version: z.string(),
  filename: z.string(),
  /** The file's name as sent, when it had to be made safe to store; null when it was kept as sent. */
  originalFilename: z.string().nullable(),
  mediaType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  authorId: Id,
  createdAt: Timestamp,
  comment: z.string(),
  /** Whether its text has been read for search. */
  extraction: ExtractionStatus,
});
export type VersionInfo = z.infer<typeof VersionInfo>;

const documentFields = {
  id: Id,
  title: z.string(),
  status: DocumentStatus,
  documentTypeId: Id,
  category: z.string(),
  ownerId: Id,
  caseId: Id.nullable(),
  accessGroupId: Id.nullable(),
  documentDate: z.string().nullable(),
  disposalDate: z.string().nullable(),
  /** The current version, e.g. "1.0" (listings show it beside the status). */
  version: z.string(),
  createdAt: Timestamp,
  createdBy: Id,
  changedAt: Timestamp,
  changedBy: Id,
  /** The name of whoever changed it last, for listings; null when that user no longer exists. */
  changedByName: z.string().nullable(),
  etag: z.string().describe("The document's ETag; send it as If-Match so a change made meanwhile is not overwritten"),
};

/** A document as listings show it. */
export const DocumentSummary = z.strictObject(documentFields);
export type DocumentSummary = z.infer<typeof DocumentSummary>;

export const DocumentComment = z.strictObject({ id: Id, body: z.string(), authorId: Id, authorName: z.string().nullable(), createdAt: Timestamp });
export type DocumentComment = z.infer<typeof DocumentComment>;

export const DocumentReference = z.strictObject({ id: Id, kind: ReferenceKind, documentId: Id, title: z.string(), createdAt: Timestamp });
export type DocumentReference = z.infer<typeof DocumentReference>;

/** One change to a document's metadata, as its history shows it. */
export const DocumentChange = z.strictObject({
  field: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  at: Timestamp,
  actorId: Id.nullable(),
  actorName: z.string().nullable(),
});
export type DocumentChange = z.infer<typeof DocumentChange>;

export const Attachment = z.strictObject({ id: Id, title: z.string(), createdAt: Timestamp, createdBy: Id, versions: z.array(VersionInfo) });
export type Attachment = z.infer<typeof Attachment>;

/** A document with what its page shows. */
export const DocumentDetails = z.strictObject({
  ...documentFields,
  documentType: z.strictObject({ id: Id, name: z.string(), category: z.string(), retention: RetentionRule }),
  case: z.strictObject({ id: Id, number: z.string(), title: z.string(), status: CaseStatus }).nullable(),
  mail: MailView.nullable(),
  currentVersion: VersionInfo,
  versions: z.array(VersionInfo),
  attachments: z.array(Attachment),
  comments: z.array(DocumentComment),
  references: z.strictObject({ outgoing: z.array(DocumentReference), incoming: z.array(DocumentReference) }),
  history: z.array(DocumentChange),
});
export type DocumentDetails = z.infer<typeof DocumentDetails>;

export const DocumentPage = page(DocumentSummary);

/** POST /api/documents/{id}/attachments: the new attachment. */
export const AttachmentCreated = z.strictObject({ id: Id, title: z.string(), version: z.string() });
export type AttachmentCreated = z.infer<typeof AttachmentCreated>;
/** POST /api/documents/{id}/attachments/{attachmentId}/versions: the attachment's new version. */
export const AttachmentVersionCreated = z.strictObject({ id: Id, version: z.string() });
export type AttachmentVersionCreated = z.infer<typeof AttachmentVersionCreated>;
/** POST /api/documents/{id}/comments. */
export const CommentCreated = z.strictObject({ id: Id, body: z.string(), authorId: Id, createdAt: Timestamp });
export type CommentCreated = z.infer<typeof CommentCreated>;
/** POST /api/documents/{id}/references. */
export const ReferenceCreated = z.strictObject({ id: Id, kind: ReferenceKind, documentId: Id, title: z.string() });
export type ReferenceCreated = z.infer<typeof ReferenceCreated>;
