import type { Kysely, Transaction } from "kysely";
import type { AccessGroupMemberTable, AccessGroupTable } from "../features/access/access.table.ts";
import type { AuditEventTable } from "../features/audit/audit.table.ts";
import type {
  AuthSessionTable,
  DeviceSignInTable,
  IdentityLinkRequestTable,
  UserIdentityTable,
  SsoStateTable,
  UserInviteTable,
  UserPasswordTable,
  WebSessionTable,
} from "../features/auth/auth.table.ts";
import type { DashboardLayoutTable } from "../features/dashboard/dashboard.table.ts";
import type { CaseTable, CaseWordTable, CounterTable, RecentCaseTable } from "../features/cases/cases.table.ts";
import type {
  AttachmentTable,
  CommentTable,
  DocumentHistoryTable,
  DocumentReferenceTable,
  DocumentTable,
  IdempotencyKeyTable,
  VersionTable,
} from "../features/documents/documents.table.ts";
import type { JournalPlanTable } from "../features/journal-plan/journal-plan.table.ts";
import type { DocumentTypeTable, RetentionRuleTable } from "../features/retention/retention.table.ts";
import type { CaseTemplateDocumentTypeTable, CaseTemplateTable } from "../features/templates/templates.table.ts";
import type { MailMessageTable, MailPartTable, MailThreadIdTable } from "../features/mail/mail.table.ts";
import type { JobTable } from "../jobs/jobs.table.ts";
import type {
  CasePartyTable,
  ContactEmailTable,
  ContactTable,
  ContactWordTable,
  DocumentPartyTable,
  PartyRoleTable,
} from "../features/contacts/contacts.table.ts";
import type { TaskCommentTable, TaskTable } from "../features/tasks/tasks.table.ts";
import type { CaseFollowerTable, NotificationTable } from "../features/notifications/notifications.table.ts";
import type { ContentTextTable, FtsCodesTable, FtsTable, SearchDirtyTable, SearchRowTable } from "../features/search/search.table.ts";
import type { SavedSearchTable } from "../features/search/saved/saved-searches.table.ts";
import type { UploadTable } from "../features/uploads/uploads.table.ts";
import type { ApiTokenTable, GroupMemberTable, GroupTable, UserTable } from "../features/users/users.table.ts";

/** Table name → row type, for every table of the archive. */
export interface Database {
  users: UserTable;
  groups: GroupTable;
  group_members: GroupMemberTable;
  api_tokens: ApiTokenTable;
  auth_sessions: AuthSessionTable;
  user_passwords: UserPasswordTable;
  user_invites: UserInviteTable;
  web_sessions: WebSessionTable;
  device_sign_ins: DeviceSignInTable;
  user_identities: UserIdentityTable;
  sso_states: SsoStateTable;
  identity_link_requests: IdentityLinkRequestTable;
  access_groups: AccessGroupTable;
  access_group_members: AccessGroupMemberTable;
  journal_plan: JournalPlanTable;
  retention_rules: RetentionRuleTable;
  document_types: DocumentTypeTable;
  case_templates: CaseTemplateTable;
  case_template_document_types: CaseTemplateDocumentTypeTable;
  counters: CounterTable;
  cases: CaseTable;
  case_words: CaseWordTable;
  recent_cases: RecentCaseTable;
  documents: DocumentTable;
  document_history: DocumentHistoryTable;
  attachments: AttachmentTable;
  versions: VersionTable;
  comments: CommentTable;
  document_references: DocumentReferenceTable;
  idempotency_keys: IdempotencyKeyTable;
  uploads: UploadTable;
  audit_events: AuditEventTable;
  mail_messages: MailMessageTable;
  mail_thread_ids: MailThreadIdTable;
  mail_parts: MailPartTable;
  jobs: JobTable;
  dashboard_layouts: DashboardLayoutTable;
  contacts: ContactTable;
  contact_emails: ContactEmailTable;
  contact_words: ContactWordTable;
  party_roles: PartyRoleTable;
  case_parties: CasePartyTable;
  document_parties: DocumentPartyTable;
  tasks: TaskTable;
  task_comments: TaskCommentTable;
  case_followers: CaseFollowerTable;
  notifications: NotificationTable;
  search_rows: SearchRowTable;
  search_dirty: SearchDirtyTable;
  fts_cases: FtsTable;
  fts_documents: FtsTable;
  fts_tasks: FtsTable;
  fts_contacts: FtsTable;
  fts_codes: FtsCodesTable;
  content_texts: ContentTextTable;
  saved_searches: SavedSearchTable;
}

export type Db = Kysely<Database>;
/** A database handle or an open transaction: repositories accept either. */
export type Executor = Kysely<Database> | Transaction<Database>;
