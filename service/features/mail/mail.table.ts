import type { Selectable } from "kysely";

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
}
export interface MailThreadIdTable {
  message_id: string;
  document_id: string;
}
export type MailMessageRow = Selectable<MailMessageTable>;
