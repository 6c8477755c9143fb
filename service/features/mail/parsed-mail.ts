// What the service reads out of a saved mail, whatever it came as: a MIME message (.eml), an Outlook
// .msg (OLE compound file), or a winmail.dat (TNEF) inside either. Each reader produces this shape; the
// parse job stores it (mail_messages, mail_parts) and the document view shows it. Names and subjects
// here are decoded text as the sender meant it, not yet made safe for a file system.

export interface ParsedAddress {
  name: string;
  /** Lower-case. */
  address: string;
}

export interface ParsedMail {
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  subject: string | null;
  from: ParsedAddress | null;
  to: ParsedAddress[];
  cc: ParsedAddress[];
  /** ISO 8601, or null when the mail has no readable date. */
  sentAt: string | null;
  /** The plain-text body, if the mail has one. */
  text: string | null;
  /** The HTML body as sent (unsanitised), if the mail has one. */
  html: string | null;
  parts: ParsedPart[];
  /** What could not be read, in English, for the parse outcome (e.g. "part 3: invalid base64"). Empty: all of it was read. */
  problems: string[];
}

export type PartKind =
  /** A file attached to the mail. */
  | "file"
  /** An image or other part the body shows in place (Content-ID, Content-Disposition: inline). */
  | "inline"
  /** An attached or forwarded message (message/rfc822, an embedded Outlook item); `message` holds it read. */
  | "message"
  /** A calendar invitation or answer (text/calendar, application/ics). */
  | "calendar";

export interface ParsedPart {
  kind: PartKind;
  /** The decoded file name as the sender gave it; null when the part has none. */
  filename: string | null;
  /** Lower-case type/subtype; application/octet-stream when unknown. */
  mediaType: string;
  /** Without angle brackets; null when the part has none. */
  contentId: string | null;
  /** The part's bytes, decoded from its transfer encoding. */
  content: Buffer;
  /** For kind "message": the message read in turn (its own parts nested). */
  message?: ParsedMail;
}

/** An empty mail: what a reader starts from and returns, with a problem, when nothing can be read. */
export function emptyMail(): ParsedMail {
  return {
    messageId: null,
    inReplyTo: null,
    references: [],
    subject: null,
    from: null,
    to: [],
    cc: [],
    sentAt: null,
    text: null,
    html: null,
    parts: [],
    problems: [],
  };
}

/** Where the parse worker points an inline image before the parts have ids: PART_PLACEHOLDER + the part's index. */
export const PART_PLACEHOLDER = "/__ims_mail_part__/";
/** The most of a body (text or sanitised HTML) kept with a mail, in characters. */
export const MAX_BODY_CHARS = 2_000_000;

/** Limits every reader keeps, so no mail can take unbounded memory or time. */
export interface ReadLimits {
  /** How deep messages may nest (a forward of a forward of …). */
  maxDepth: number;
  /** How many parts one mail may yield in all, nested ones included. */
  maxParts: number;
  /** How many bytes all parts together may hold once decoded. */
  maxBytes: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = { maxDepth: 8, maxParts: 1000, maxBytes: 512 * 1024 * 1024 };
