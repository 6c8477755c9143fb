import type { Message, MessageKey } from "../i18n/index.ts";
import { NetworkError } from "./transport.ts";
import type { ProblemBody } from "./types.ts";

/** A refusal from the service: its status, its stable `code`, and its own (English) sentence. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly problem: ProblemBody | null,
  ) {
    super(detail);
    this.name = "ApiError";
  }

  /** Whether trying the same request again may succeed (the service or the network had a hiccup). */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }

  /** The text a person should see for this refusal (see `messageFor`). */
  get messageKey(): MessageKey {
    return problemMessageKey(this.code, this.status);
  }
}

/** A code whose words depend on the status it comes with. */
type ByStatus = { readonly [status: number]: MessageKey; readonly otherwise: MessageKey };

// A refusal the add-in caused by how it asked (a header, a part, a method): nobody at the keyboard can
// mend it, so these share one text and the service's sentence goes along as the detail.
const CLIENT_FAULT = "error.badRequest";

/**
 * Every problem code the service answers, with the text a person sees for it. test/shared/errors.test.ts
 * reads the codes out of service/ and fails when one is missing here or no longer answered.
 */
export const PROBLEM_MESSAGES = {
  // Sign-in and rights
  unauthenticated: "error.unauthorized",
  invalid_token: "error.unauthorized",
  // 401: the signed-in person is no user; 422: a user named in the request is none.
  unknown_user: { 401: "problem.unknown_user.self", otherwise: "problem.unknown_user" },
  sign_in_unavailable: "problem.sign_in_unavailable",
  too_many_requests: "problem.too_many_requests",
  forbidden: "error.forbidden",
  admin_only: "problem.admin_only",
  invalid_credentials: "problem.invalid_credentials",
  wrong_password: "problem.wrong_password",
  password_too_short: "problem.password_too_short",
  password_too_long: "problem.password_too_long",
  password_too_common: "problem.password_too_common",
  password_same_as_email: "problem.password_same_as_email",
  password_change_required: "problem.password_change_required",
  invitation_expired: "problem.invitation_expired",
  cross_site_request: "problem.cross_site_request",
  // Add-ins signing in through the web view
  session_required: "problem.session_required",
  device_code_expired: "problem.device_code_expired",
  link_request_expired: "problem.link_request_expired",
  identity_known: "problem.identity_known",
  tenant_not_allowed: "problem.tenant_not_allowed",
  // Single sign-on: a verified account that is no user's (and may not become one).
  unknown_identity: "problem.unknown_identity",
  not_found: "error.notFound",
  // Cases
  case_closed: "problem.case_closed",
  mail_already_filed: "problem.mail_already_filed",
  case_active: "problem.case_active",
  end_before_start: "problem.end_before_start",
  external_user: "problem.external_user",
  unknown_template: "problem.unknown_template",
  inactive_template: "problem.inactive_template",
  unknown_journal_code: "problem.unknown_journal_code",
  retired_journal_code: "problem.retired_journal_code",
  // Documents
  document_type_not_allowed: "problem.document_type_not_allowed",
  unknown_document_type: "problem.unknown_document_type",
  inactive_document_type: "problem.inactive_document_type",
  unknown_access_group: "problem.unknown_access_group",
  not_in_access_group: "problem.not_in_access_group",
  document_final: "problem.document_final",
  already_filed: "problem.already_filed",
  self_reference: "problem.self_reference",
  unknown_reference_target: "problem.unknown_reference_target",
  reference_exists: "problem.reference_exists",
  invalid_version: "problem.invalid_version",
  content_missing: "problem.content_missing",
  precondition_failed: "error.stale",
  concurrent_change: "problem.concurrent_change",
  invalid_request: "error.invalid",
  // Files on their way in
  upload_incomplete: "problem.upload_incomplete",
  upload_claimed: "problem.upload_claimed",
  upload_gone: "problem.upload_gone",
  upload_busy: "problem.upload_busy",
  upload_offset_conflict: "problem.upload_offset_conflict",
  upload_complete: "problem.upload_complete",
  upload_refused: "problem.upload_refused",
  aborted: "problem.aborted",
  incomplete_body: "problem.aborted",
  too_large: "error.tooLarge",
  // Mail and files fetched from Microsoft Graph on the person's behalf (Outlook without Mailbox 1.14, Excel on the web)
  graph_needs_microsoft: "problem.graph_needs_microsoft",
  graph_forbidden: "problem.graph_forbidden",
  graph_not_found: "problem.graph_not_found",
  graph_unavailable: "problem.graph_unavailable",
  graph_failed: "problem.graph_failed",
  graph_not_configured: "problem.graph_not_configured",
  too_many_files: "problem.too_many_files",
  metadata_too_large: "problem.metadata_too_large",
  missing_filename: "problem.missing_filename",
  // Administration
  already_exists: "problem.already_exists",
  unknown_group: "problem.unknown_group",
  last_admin: "problem.last_admin",
  user_inactive: "problem.user_inactive",
  years_required: "problem.years_required",
  unknown_retention_rule: "problem.unknown_retention_rule",
  retired_before_created: "problem.retired_before_created",
  csv_required: "problem.csv_required",
  invalid_encoding: "problem.invalid_encoding",
  unsupported_charset: "problem.invalid_encoding",
  invalid_csv: "problem.invalid_csv",
  invalid_import_row: "problem.invalid_import_row",
  empty_import: "problem.empty_import",
  // Tasks
  assignee_cannot_see: "problem.assignee_cannot_see",
  deadline_before_start: "problem.deadline_before_start",
  // Contacts and parties
  cpr_access_required: "problem.cpr_access_required",
  too_many_addresses: "problem.too_many_addresses",
  cpr_access_for_external: "problem.cpr_access_for_external",
  no_cpr: "problem.no_cpr",
  contact_field_not_for_kind: "problem.contact_field_not_for_kind",
  unknown_contact: "problem.unknown_contact",
  contact_merged: "problem.contact_merged",
  merge_into_itself: "problem.merge_into_itself",
  contact_kinds_differ: "problem.contact_kinds_differ",
  unknown_party_role: "problem.unknown_party_role",
  inactive_party_role: "problem.inactive_party_role",
  party_role_not_applicable: "problem.party_role_not_applicable",
  party_exists: "problem.party_exists",
  // Advanced and saved searches
  unknown_search_field: "problem.unknown_search_field",
  search_operator_not_allowed: "problem.search_operator_not_allowed",
  invalid_search_value: "problem.invalid_search_value",
  invalid_search: "problem.invalid_search",
  not_in_group: "problem.not_in_group",
  // How the add-in asked
  bad_request: CLIENT_FAULT,
  malformed_json: CLIENT_FAULT,
  malformed_path: CLIENT_FAULT,
  text_with_nul: CLIENT_FAULT,
  unsupported_media_type: CLIENT_FAULT,
  unsupported_content_encoding: CLIENT_FAULT,
  content_length_mismatch: CLIENT_FAULT,
  range_not_satisfiable: CLIENT_FAULT,
  method_not_allowed: CLIENT_FAULT,
  invalid_method_override: CLIENT_FAULT,
  invalid_idempotency_key: CLIENT_FAULT,
  invalid_cursor: CLIENT_FAULT,
  cursor_sort_mismatch: "problem.cursor_sort_mismatch",
  if_match_required: CLIENT_FAULT,
  multipart_required: CLIENT_FAULT,
  malformed_multipart: CLIENT_FAULT,
  missing_metadata: CLIENT_FAULT,
  malformed_metadata: CLIENT_FAULT,
  metadata_first: CLIENT_FAULT,
  unknown_part: CLIENT_FAULT,
  too_many_parts: CLIENT_FAULT,
  missing_file: CLIENT_FAULT,
  upload_used_twice: CLIENT_FAULT,
  tus_resumable_required: CLIENT_FAULT,
  upload_offset_required: CLIENT_FAULT,
  upload_content_type: CLIENT_FAULT,
  upload_length_required: CLIENT_FAULT,
  upload_too_long: CLIENT_FAULT,
  invalid_upload_metadata: CLIENT_FAULT,
  invalid_tus_header: CLIENT_FAULT,
  unsupported_tus_extension: CLIENT_FAULT,
  // The service itself
  internal_error: "problem.internal_error",
  // Only where tests have the service check its answers against their schemas.
  response_contract_broken: "problem.internal_error",
  addins_not_built: "problem.addins_not_built",
} as const satisfies Record<string, MessageKey | ByStatus>;

/** Codes the shared client makes up itself, for answers the service should not have given. */
export const CLIENT_PROBLEM_MESSAGES = {
  no_upload_location: "error.server",
  // The task pane signed in with Microsoft, but Entra ID gives no token until the person signs in again.
  sso_interaction_required: "error.unauthorized",
} as const satisfies Record<string, MessageKey>;

export type ProblemCode = keyof typeof PROBLEM_MESSAGES;

// For a code no table names (a newer service, a proxy's own error page): what the status says.
const BY_STATUS: Readonly<Record<number, MessageKey>> = {
  401: "error.unauthorized",
  403: "error.forbidden",
  404: "error.notFound",
  409: "error.conflict",
  410: "error.notFound",
  412: "error.stale",
  413: "error.tooLarge",
  422: "error.invalid",
  429: "error.tooManyRequests",
};

const has = (table: object, code: string) => Object.prototype.hasOwnProperty.call(table, code);

/** The text for a problem: by its code, else by its status. */
export function problemMessageKey(code: string, status: number): MessageKey {
  const known: MessageKey | ByStatus | undefined = has(PROBLEM_MESSAGES, code)
    ? PROBLEM_MESSAGES[code as ProblemCode]
    : has(CLIENT_PROBLEM_MESSAGES, code)
      ? CLIENT_PROBLEM_MESSAGES[code as keyof typeof CLIENT_PROBLEM_MESSAGES]
      : undefined;
  if (typeof known === "string") return known;
  if (known) return known[status] ?? known.otherwise;
  if (status >= 500 || status === 408) return "error.server";
  return BY_STATUS[status] ?? "error.badRequest";
}

/**
 * The message to show for any failure: a refusal by its code, no answer as a network problem, anything
 * else as the add-in's own. The service's or the platform's own sentence rides along as `detail`.
 */
export function messageFor(err: unknown): Message {
  if (err instanceof NetworkError) return { key: "error.network", ...(err.message ? { detail: err.message } : {}) };
  if (err instanceof ApiError) return { key: problemMessageKey(err.code, err.status), ...(err.detail ? { detail: err.detail } : {}) };
  return { key: "error.unexpected", detail: err instanceof Error ? err.message : String(err) };
}
