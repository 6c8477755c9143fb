import { z } from "zod";
import { Id, NamedRef, Timestamp } from "./common.ts";

// The audit log of a case or document, and verification of the archive.

export const AuditQuery = z.object({
  objectType: z.enum(["case", "document"]),
  objectId: Id,
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const AuditEvent = z.strictObject({
  seq: z.number().int(),
  at: Timestamp,
  actor: NamedRef.nullable(),
  action: z.string(),
  objectType: z.string(),
  objectId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditPage = z.strictObject({ items: z.array(AuditEvent), nextCursor: z.string().nullable() });

export const ArchiveFinding = z.strictObject({ kind: z.string(), message: z.string(), seq: z.number().int().optional() });

const verification = {
  count: z.number().int(),
  head: z.string(),
  newestCheckpoint: z.strictObject({ seq: z.number().int(), head: z.string(), at: Timestamp }).nullable(),
  findings: z.array(ArchiveFinding),
};

/** GET /api/audit/verify when everything verifies. */
export const ArchiveVerified = z.strictObject({ status: z.literal("ok"), ...verification });
/** GET /api/audit/verify when something does not (409): every finding, and the first broken row. */
export const ArchiveBroken = z.strictObject({ status: z.literal("broken"), ...verification, brokenAt: z.number().int().optional(), reason: z.string() });
