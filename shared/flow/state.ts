import type { Message } from "../i18n/index.ts";
import type { CaseSummary, CaseTemplate, DocumentDetails, DocumentType } from "../api/types.ts";

export type { Message };

export type Step = "case" | "type" | "metadata" | "saving" | "done";

export interface MailInfo {
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  from?: string;
  to: string[];
  cc: string[];
  /** The display names the mail gives its addresses, by lower-case address (for "create contact"). */
  names?: Record<string, string>;
  /** ISO date-time the mail was sent. */
  date?: string;
  subject?: string;
  /** Outlook's conversation id: an extra hint for the case proposal. */
  conversationId?: string;
}

export interface CapturedAttachment {
  id: string;
  filename: string;
  mediaType: string;
  size: number;
  inline: boolean;
}

/** What a host adapter captured: the mail or document to save, described without its bytes. */
export interface Capture {
  kind: "mail" | "document";
  /** Suggested title: the mail's subject or the file's name. */
  title: string;
  filename: string;
  mediaType: string;
  size?: number;
  mail?: MailInfo;
  attachments: CapturedAttachment[];
  /** Set when the open file came from IMS Case: offers "save as new version". */
  existingDocumentId?: string;
  /** The ETag the file had when it left IMS Case, so a newer version elsewhere is not overwritten. */
  existingEtag?: string;
  /** Whether the host can also give a PDF rendition. */
  pdfAvailable: boolean;
}

export type AttachmentChoice = "attachment" | "document" | "skip";

export type Target = { kind: "case"; case: CaseSummary } | { kind: "floating" };

export interface Proposal {
  case: CaseSummary;
  reason: "thread" | "sender" | "conversation";
}

export interface AlreadyFiled {
  documentId: string;
  case: { id: string; number: string; title: string } | null;
}

export interface NewCaseDraft {
  templateId: string;
  title: string;
  fields: Record<string, string>;
}

/** The whole save flow as plain, serialisable data: Office renders it with React, Google with cards. */
export interface FlowState {
  step: Step;
  capture: Capture;
  query: string;
  suggestions: CaseSummary[];
  recent: CaseSummary[];
  proposal: Proposal | null;
  alreadyFiled: AlreadyFiled | null;
  target: Target | null;
  templates: CaseTemplate[];
  documentTypes: DocumentType[];
  documentTypeId: string | null;
  title: string;
  status: "draft" | "final";
  documentDate: string;
  comment: string;
  attachmentChoices: Record<string, AttachmentChoice>;
  savePdf: boolean;
  /** "new version of the document this file came from" instead of a new document. */
  asNewVersion: boolean;
  /** The document this file came from, as the service knows it now (for "save as new version"). */
  existing: { title: string; version: string; caseLabel: string | null } | null;
  newCase: NewCaseDraft | null;
  errors: Record<string, Message>;
  progress: { sent: number; total: number; retrying: number } | null;
  result: SaveResult | null;
  failure: Message | null;
  /** Kept across retries of one save so the service never stores it twice; renewed by "save another". */
  idempotencyKey: string;
}

export interface SaveResult {
  document: DocumentDetails;
  /** Attachments saved as documents of their own. */
  separate: DocumentDetails[];
  caseLabel: string | null;
}
