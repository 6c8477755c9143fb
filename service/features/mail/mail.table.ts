import type { Generated, Selectable } from "kysely";

export interface MailMessageTable {
  document_id: string;
  message_id: string | null;
  in_reply_to: string | null;
  /** JSON array of Message-IDs. */
  references: string;
  from_address: string | null;
  from_name: string | null;
  /** JSON arrays of {name, address}. */
  to: string;
  cc: string;
  sent_at: string | null;
  subject: string | null;
  conversation_id: string | null;
  parsed: number;
  filed_at: string;
  /** pending, done (all of it read), partial (read with problems), failed (not readable as mail), skipped (too large). */
  parse_status: Generated<MailParseStatus>;
  /** JSON array of what could not be read. */
  parse_problems: Generated<string>;
  body_text: string | null;
  /** Sanitised HTML (mail-body.ts), cid: images pointing at the part endpoints. */
  body_html: string | null;
  remote_content_blocked: Generated<number>;
  title_from_subject: Generated<number>;
  content_sha256: string | null;
}
export type MailParseStatus = "pending" | "done" | "partial" | "failed" | "skipped";
export interface MailPartTable {
  id: string;
  document_id: string;
  version_id: string;
  parent_id: string | null;
  position: number;
  kind: "file" | "inline" | "message" | "calendar";
  filename: string;
  original_filename: string | null;
  media_type: string;
  size: number;
  sha256: string;
  content_id: string | null;
  /** JSON of an attached message's headers. */
  message: string | null;
}
export interface MailThreadIdTable {
  message_id: string;
  document_id: string;
}
export type MailMessageRow = Selectable<MailMessageTable>;
export type MailPartRow = Selectable<MailPartTable>;
