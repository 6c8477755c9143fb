import { z } from "zod";
import { Id } from "./common.ts";
import { CaseRef, CaseSummary } from "./cases.ts";

// Mails: what a saved mail's headers say, and the lookup before a save.

export const MailAddress = z.strictObject({ name: z.string(), address: z.string() });
export type MailAddress = z.infer<typeof MailAddress>;

/** The headers of a saved mail that thread it and describe it; `parsed` is false when the file could not be read as a mail. */
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
