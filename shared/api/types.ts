/** Shapes of the archive service's JSON, as every client sees them. */

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Me {
  id: string;
  name: string;
  email: string;
  role: "admin" | "caseworker" | "external";
  groups: Array<{ id: string; name: string }>;
  accessGroupIds: string[];
}

export interface CaseSummary {
  id: string;
  number: string;
  title: string;
  status: "active" | "closed";
  startDate: string;
  endDate: string | null;
  ownerId: string;
  responsibleId: string | null;
  templateId: string;
  journalCode: string;
  accessGroupId: string;
  critical: boolean;
  metadata: Record<string, unknown>;
  createdAt: string;
  createdBy: string;
  changedAt: string;
  changedBy: string;
  /** Changes with every change to the case; send it as If-Match so a change made meanwhile is not overwritten. */
  etag: string;
}

export type RetentionKind = "permanent" | "after_case_closed" | "after_document_created" | "review";

export interface DocumentType {
  id: string;
  name: string;
  category: string;
  accessGroupId: string | null;
  active: boolean;
  retention: { id: string; name: string; kind: RetentionKind; years: number | null; da: string; en: string };
}

export interface MetadataField {
  name: string;
  label: string;
  type: "text" | "number" | "date" | "boolean" | "choice";
  required: boolean;
  options?: string[];
}

export interface CaseTemplate {
  id: string;
  name: string;
  accessGroupId: string;
  journalCode: string;
  fields: MetadataField[];
  documentTypeIds: string[];
  active: boolean;
}

export interface AccessGroup {
  id: string;
  name: string;
  description: string;
  member: boolean;
}

export interface VersionInfo {
  id: string;
  version: string;
  filename: string;
  mediaType: string;
  size: number;
  sha256: string;
  authorId: string;
  createdAt: string;
  comment: string;
}

/** A document as listings show it. */
export interface DocumentSummary {
  id: string;
  title: string;
  status: "draft" | "final";
  documentTypeId: string;
  category: string;
  ownerId: string;
  caseId: string | null;
  accessGroupId: string | null;
  documentDate: string | null;
  disposalDate: string | null;
  createdAt: string;
  createdBy: string;
  changedAt: string;
  changedBy: string;
  etag: string;
}

/** A document with what its page shows. */
export interface DocumentDetails extends DocumentSummary {
  documentType: { id: string; name: string; category: string; retention: DocumentType["retention"] };
  case: { id: string; number: string; title: string; status: "active" | "closed" } | null;
  currentVersion: VersionInfo;
  versions: VersionInfo[];
  attachments: Array<{ id: string; title: string; versions: VersionInfo[] }>;
}

export interface NewCase {
  templateId: string;
  title: string;
  metadata?: Record<string, unknown>;
}

/** PATCH /api/cases/{id}: the fields to change. */
export interface CasePatch {
  title?: string;
  ownerId?: string;
  responsibleId?: string | null;
  journalCode?: string;
  critical?: boolean;
  metadata?: Record<string, unknown>;
}

/** PATCH /api/documents/{id}: the fields to change; status "final" makes the next major version. */
export interface DocumentPatch {
  title?: string;
  status?: "draft" | "final";
  documentTypeId?: string;
  documentDate?: string | null;
  accessGroupId?: string | null;
}

/** POST /api/documents as JSON, naming finished resumable uploads. */
export interface NewDocumentFromUploads {
  upload: string;
  documentTypeId: string;
  caseId?: string | null;
  title?: string;
  status?: "draft" | "final";
  documentDate?: string;
  comment?: string;
  attachments?: Array<{ upload: string; title?: string }>;
  mail?: { messageId?: string; conversationId?: string };
}

/** An RFC 9457 problem as the service sends it. */
export interface ProblemBody {
  status: number;
  code: string;
  detail: string;
  errors?: Array<{ path: string; message: string }>;
  currentEtag?: string;
}

/** What a client knows of a mail before saving it. */
export interface MailLookup {
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  from?: string;
  conversationId?: string;
}

export interface MailLookupResult {
  alreadyFiled: { documentId: string; case: { id: string; number: string; title: string } | null } | null;
  proposal: { case: CaseSummary; reason: "thread" | "sender" | "conversation" } | null;
}
