import type { Generated, Selectable } from "kysely";

export interface DocumentTable {
  id: string;
  title: string;
  status: "draft" | "final";
  document_type_id: string;
  category: string;
  owner_id: string;
  case_id: string | null;
  access_group_id: string | null;
  document_date: string | null;
  disposal_date: string | null;
  current_version_id: string | null;
  created_at: string;
  created_by: string;
  changed_at: string;
  changed_by: string;
  /** Moves on with every change to the document; its ETag is made from it (see etagOf). */
  revision: Generated<number>;
}
export interface DocumentHistoryTable {
  id: string;
  document_id: string;
  field: string;
  old_value: string | null;
  new_value: string | null;
  actor_id: string;
  at: string;
}
export interface AttachmentTable {
  id: string;
  document_id: string;
  title: string;
  /** Order among the document's attachments, from 0. */
  position: number;
  current_version_id: string | null;
  created_at: string;
  created_by: string;
}
export interface VersionTable {
  id: string;
  document_id: string;
  /** The document's own id for its content, or an attachment's id. */
  subject_id: string;
  major: number;
  minor: number;
  filename: string;
  /** The name as sent, when it had to be made safe (path separators, control characters, length); null otherwise. */
  original_filename: string | null;
  media_type: string;
  size: number;
  sha256: string;
  author_id: string;
  created_at: string;
  comment: string;
}
export interface CommentTable {
  id: string;
  document_id: string;
  author_id: string;
  body: string;
  created_at: string;
}
export interface DocumentReferenceTable {
  id: string;
  from_document_id: string;
  to_document_id: string;
  kind: string;
  created_at: string;
  created_by: string;
}
export interface IdempotencyKeyTable {
  user_id: string;
  key: string;
  document_id: string;
  created_at: string;
}
export type DocumentRow = Selectable<DocumentTable>;
export type VersionRow = Selectable<VersionTable>;
