/** Shapes of the archive service's JSON, as every client sees them: derived from the schemas in ./schemas/ (z.infer). */

export type { Page } from "./schemas/common.ts";
export type { Me, Role, RetentionKind, RetentionRule, DocumentType, MetadataField, CaseTemplate, AccessGroup, JournalPlanEntry } from "./schemas/reference.ts";
export type { CaseSummary, NewCase, CasePatch } from "./schemas/cases.ts";
export type { CaseSort, CaseListQuery, CaseHistoryEntry } from "./schemas/cases.ts";
export type { Colleague } from "./schemas/people.ts";
export type { DashboardLayout, DashboardPanelId } from "./schemas/dashboard.ts";
export type {
  VersionInfo,
  ExtractionStatus,
  DocumentSummary,
  DocumentDetails,
  DocumentComment,
  DocumentReference,
  DocumentChange,
  Attachment,
  AttachmentCreated,
  AttachmentVersionCreated,
  CommentCreated,
  ReferenceCreated,
  DocumentPatch,
  NewDocumentMetadata,
  NewDocumentFromUploads,
  ReferenceKind,
} from "./schemas/documents.ts";
export type { MailAddress, MailPart, MailView, MailLookup, MailLookupResult } from "./schemas/mail.ts";
export type { AuditEvent } from "./schemas/audit.ts";
export type { ProblemBody } from "./schemas/problem.ts";
export type {
  User,
  UserDetails,
  ApiToken,
  IssuedToken,
  Group,
  AdminAccessGroup,
  NewUser,
  UserPatch,
  NewRetentionRule,
  RetentionRulePatch,
  NewDocumentType,
  DocumentTypePatch,
  NewTemplate,
  TemplatePatch,
  NewJournalEntry,
  JournalEntryPatch,
  JournalPlanImported,
} from "./schemas/admin.ts";
export type { SignIn, SignedIn, WebSession, Invitation } from "./schemas/auth.ts";
export type {
  ContactKind,
  ContactSummary,
  Contact,
  NewContact,
  ContactPatch,
  ContactMatch,
  PostalAddress,
  PartyRole,
  Party,
  NewParty,
} from "./schemas/contacts.ts";
export type { TaskStatus, TaskAssignee, Task, TaskComment, TaskDetails, NewTask, TaskPatch } from "./schemas/tasks.ts";
export type { NotificationChange, Notification, UnreadNotifications, Following } from "./schemas/notifications.ts";
export type { SearchKind, SnippetPart, CaseHit, DocumentHit, TaskHit, ContactHit, SearchResults } from "./schemas/search.ts";
export type {
  SearchTarget,
  SearchOperator,
  FieldType,
  FieldSpec,
  SearchCondition,
  AdvancedSearch,
  AdvancedSearchResults,
  AdvancedSearchRow,
  Cell,
  SavedSearch,
  NewSavedSearch,
  SavedSearchPatch,
} from "./schemas/advanced-search.ts";
