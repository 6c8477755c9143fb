import { z } from "zod";
import { Id } from "./common.ts";
import { CaseRef, CaseSummary } from "./cases.ts";

// Mails: what a saved mail's headers say, and the lookup before a save.

export const MailAddress = z.strictObject({ name: z.string(), address: z.string() });
export type MailAddress = z.infer<typeof MailAddress>;

/** How reading a saved mail went: pending (not yet), done, partial (read with problems), failed (not readable as mail), skipped (too large). */
export const MailParseStatus = z.enum(["pending", "done", "partial", "failed", "skipped"]);

/** The headers of an attached message, shown as a mail of its own. */
export const AttachedMessage = z.strictObject({
  subject: z.string().nullable(),
  from: MailAddress.nullable(),
  to: z.array(MailAddress),
  cc: z.array(MailAddress),
  sentAt: z.string().nullable(),
  messageId: z.string().nullable(),
});

/**
 * One part of a saved mail: a file, an inline image, an attached message or a calendar invitation, or what a
 * winmail.dat carries. `parentId` names the attached message (or winmail.dat) it belongs to; null for the
 * mail's own. `attachmentId` names the document's attachment with the same bytes (a client that uploaded
 * it separately), so it is shown once. `name` is safe to store and show; `originalName` is the name as sent
 * when it had to be changed.
 */
export const MailPart = z.strictObject({
  id: Id,
  parentId: Id.nullable(),
  kind: z.enum(["file", "inline", "message", "calendar"]),
  name: z.string(),
  originalName: z.string().nullable(),
  mediaType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  contentId: z.string().nullable(),
  contentUrl: z.string(),
  attachmentId: Id.nullable(),
  message: AttachedMessage.nullable(),
});
export type MailPart = z.infer<typeof MailPart>;

/** Another filed mail of the same thread, among those the user may see. */
export const ThreadMail = z.strictObject({
  documentId: Id,
  title: z.string(),
  subject: z.string().nullable(),
  from: MailAddress.nullable(),
  sentAt: z.string().nullable(),
  case: CaseRef.nullable(),
});

/** The same mail filed elsewhere (another case, or floating), among what the user may see. */
export const OtherFiling = z.strictObject({ documentId: Id, case: CaseRef.nullable() });

/**
 * A saved mail as the document page shows it: the headers that describe and thread it, its parts, its body
 * ready to render (`html` sanitised by the service: no script, no remote content, cid: images pointing at
 * the part endpoints), the thread, and how reading it went. `parsed` is true once it has been read.
 */
export const MailView = z.strictObject({
  messageId: z.string().nullable(),
  inReplyTo: z.string().nullable(),
  references: z.array(z.string()),
  from: MailAddress.nullable(),
  to: z.array(MailAddress),
  cc: z.array(MailAddress),
  sentAt: z.string().nullable(),
  subject: z.string().nullable(),
  conversationId: z.string().nullable(),
  parsed: z.boolean(),
  parse: z.strictObject({ status: MailParseStatus, problems: z.array(z.string()) }),
  body: z.strictObject({ text: z.string().nullable(), html: z.string().nullable(), remoteContentBlocked: z.number().int() }),
  parts: z.array(MailPart),
  thread: z.array(ThreadMail),
  alsoFiled: z.array(OtherFiling),
});
export type MailView = z.infer<typeof MailView>;

/** POST /api/mail/lookup: what a client knows of a mail before saving it. */
export const MailLookup = z.strictObject({
  messageId: z.string().max(1000).optional(),
  inReplyTo: z.string().max(1000).optional(),
  references: z.array(z.string().max(1000)).max(500).optional(),
  from: z.string().max(320).optional(),
  conversationId: z.string().max(500).optional(),
});
export type MailLookup = z.input<typeof MailLookup>;

export const MailLookupResult = z.strictObject({
  alreadyFiled: z.strictObject({ documentId: Id, case: CaseRef.nullable() }).nullable(),
  proposal: z.strictObject({ case: CaseSummary, reason: z.enum(["thread", "sender", "conversation"]) }).nullable(),
});
export type MailLookupResult = z.infer<typeof MailLookupResult>;
