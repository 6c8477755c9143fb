import { ApiError } from "./errors.ts";
import { NetworkError, type HttpRequest, type Transport } from "./transport.ts";
import type { ContactCase, ContactDocument } from "./schemas/contacts.ts";
import { advancedSearchQueryString } from "./search-query.ts";
import type { AssignableGroup, TaskListStatus } from "./schemas/tasks.ts";
import type { DeviceCode, DeviceCredential, GoogleLinked, GoogleLinkPending, GoogleLinkRequest, OfficeClient, SignedOut, WebSessions } from "./schemas/auth.ts";
import type { SsoProviders } from "./schemas/sso.ts";
import type { GraphImport, GraphImportRequest } from "./schemas/graph.ts";
import type {
  AccessGroup,
  AdvancedSearch,
  AdvancedSearchResults,
  NewSavedSearch,
  SavedSearch,
  SavedSearchPatch,
  AttachmentCreated,
  AttachmentVersionCreated,
  AuditEvent,
  CaseHistoryEntry,
  CaseListQuery,
  CasePatch,
  CaseSummary,
  CaseTemplate,
  Colleague,
  CommentCreated,
  Contact,
  ContactKind,
  ContactMatch,
  ContactPatch,
  ContactSummary,
  DashboardLayout,
  DocumentDetails,
  DocumentPatch,
  DocumentSummary,
  DocumentType,
  JournalPlanEntry,
  MailLookup,
  MailLookupResult,
  Me,
  NewCase,
  NewContact,
  NewDocumentFromUploads,
  NewParty,
  NewTask,
  Notification,
  Party,
  PartyRole,
  Page,
  ProblemBody,
  ReferenceCreated,
  ReferenceKind,
  RetentionRule,
  Task,
  TaskComment,
  TaskDetails,
  TaskPatch,
  UnreadNotifications,
  SearchKind,
  SearchResults,
  Following,
} from "./types.ts";

export interface ClientOptions {
  /** The service's base URL, e.g. https://imscase.kommune.dk */
  baseUrl: string;
  /**
   * The bearer credential for each request (an API token today; an SSO token later). Without one, requests
   * carry no Authorization header and the browser's session cookie (fetch sends it to its own origin) signs them.
   */
  credential?: () => Promise<string>;
  transport: Transport;
}

/** GET /api/cases: which cases, in which order, from where (`cursor` from the previous page with the same filters and sort). */
export type CaseListOptions = Omit<CaseListQuery, "critical" | "limit"> & { critical?: boolean; limit?: number };

/** What a write to a document or a case may carry: the ETag last seen, so a change made meanwhile is refused (412, ApiError "precondition_failed") instead of overwritten. */
export interface WriteOptions {
  ifMatch?: string;
}

const ifMatchHeader = (options: WriteOptions): Record<string, string> => (options.ifMatch ? { "If-Match": options.ifMatch } : {});

/** The archive service's API, over any transport. */
export class ImsClient {
  constructor(private readonly options: ClientOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl.replace(/\/+$/, "");
  }

  /** Absolute URL for a path under the service. */
  url(path: string): string {
    return /^https?:\/\//.test(path) ? path : `${this.baseUrl}${path}`;
  }

  /** Sends one request; a non-2xx answer becomes an ApiError, no answer a NetworkError. */
  async send(method: HttpRequest["method"], path: string, init: { headers?: Record<string, string>; body?: string | Uint8Array } = {}) {
    const token = this.options.credential ? await this.options.credential() : "";
    const response = await this.options.transport({
      method,
      url: this.url(path),
      headers: { Accept: "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}), ...init.headers },
      body: init.body,
    });
    if (response.status >= 200 && response.status < 300) return response;
    let problem: ProblemBody | null;
    try {
      problem = JSON.parse(response.text) as ProblemBody;
    } catch {
      problem = null;
    }
    throw new ApiError(
      response.status,
      problem?.code ?? `http_${response.status}`,
      problem?.detail ?? (response.text.slice(0, 300) || `HTTP ${response.status}`),
      problem,
    );
  }

  async json<T>(method: HttpRequest["method"], path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    return (await this.exchange<T>(method, path, body, headers)).body;
  }

  /** A JSON request whose answer also carries an ETag (documents, cases). */
  private async exchange<T>(
    method: HttpRequest["method"],
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ body: T; etag: string | undefined }> {
    const res = await this.send(method, path, {
      headers: body === undefined ? headers : { "Content-Type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { body: (res.text ? JSON.parse(res.text) : undefined) as T, etag: res.headers.etag };
  }

  /** A document or case as answered, its `etag` the one the ETag header named (a weak one, as a proxy may make it, cannot serve If-Match). */
  private async entity<T extends { etag: string }>(
    method: HttpRequest["method"],
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const answer = await this.exchange<T>(method, path, body, headers);
    return answer.etag && !answer.etag.startsWith("W/") ? { ...answer.body, etag: answer.etag } : answer.body;
  }

  me(): Promise<Me> {
    return this.json("GET", "/api/me");
  }

  /** My dashboard: which panels show, in which order. */
  dashboardLayout(): Promise<DashboardLayout> {
    return this.json("GET", "/api/me/dashboard");
  }

  saveDashboardLayout(layout: DashboardLayout): Promise<DashboardLayout> {
    return this.json("PUT", "/api/me/dashboard", layout);
  }

  /** A page of visible cases: all, mine (owner or responsible) or recent (used lately by me), filtered and sorted as asked. */
  listCases(options: CaseListOptions = {}): Promise<Page<CaseSummary>> {
    return this.json("GET", `/api/cases${queryString({ ...options, critical: options.critical === undefined ? undefined : String(options.critical) })}`);
  }

  /** A case by its number (20200108-1459092); 404 when there is none or it is not visible. */
  getCaseByNumber(number: string): Promise<CaseSummary> {
    return this.entity("GET", `/api/cases/${encodeURIComponent(number)}`);
  }

  /** A page of a case's history (created, changed, closed, reopened), newest first. */
  caseHistory(id: string, options: { cursor?: string; limit?: number } = {}): Promise<Page<CaseHistoryEntry>> {
    return this.json("GET", `/api/cases/${encodeURIComponent(id)}/history${queryString(options)}`);
  }

  /** Active colleagues by name (not external partners), whose name or e-mail address contains `q`. */
  async colleagues(q?: string, limit?: number): Promise<Colleague[]> {
    return (await this.json<{ items: Colleague[] }>("GET", `/api/users${queryString({ q: q || undefined, limit })}`)).items;
  }

  async suggestCases(query: string, limit = 10): Promise<CaseSummary[]> {
    return (await this.json<{ items: CaseSummary[] }>("GET", `/api/cases/suggest?q=${encodeURIComponent(query)}&limit=${limit}`)).items;
  }

  async recentCases(limit = 10): Promise<CaseSummary[]> {
    return (await this.json<Page<CaseSummary>>("GET", `/api/cases?filter=recent&limit=${limit}`)).items;
  }

  getCase(id: string): Promise<CaseSummary> {
    return this.entity("GET", `/api/cases/${encodeURIComponent(id)}`);
  }

  createCase(input: NewCase): Promise<CaseSummary> {
    return this.entity("POST", "/api/cases", input);
  }

  /** Changes a case's details; with `ifMatch`, only if nobody changed the case since that ETag. */
  updateCase(id: string, patch: CasePatch, options: WriteOptions = {}): Promise<CaseSummary> {
    return this.entity("PATCH", `/api/cases/${encodeURIComponent(id)}`, patch, ifMatchHeader(options));
  }

  /** Closes a case (today, or on `endDate`); with `ifMatch`, only if nobody changed the case since that ETag. */
  closeCase(id: string, options: WriteOptions & { endDate?: string } = {}): Promise<CaseSummary> {
    return this.entity("POST", `/api/cases/${encodeURIComponent(id)}/close`, options.endDate ? { endDate: options.endDate } : {}, ifMatchHeader(options));
  }

  /** Reopens a closed case; with `ifMatch`, only if nobody changed the case since that ETag. */
  reopenCase(id: string, options: WriteOptions = {}): Promise<CaseSummary> {
    return this.entity("POST", `/api/cases/${encodeURIComponent(id)}/reopen`, undefined, ifMatchHeader(options));
  }

  async templates(): Promise<CaseTemplate[]> {
    return (await this.json<{ items: CaseTemplate[] }>("GET", "/api/templates")).items;
  }

  async documentTypes(templateId?: string): Promise<DocumentType[]> {
    const q = templateId ? `?templateId=${encodeURIComponent(templateId)}` : "";
    return (await this.json<{ items: DocumentType[] }>("GET", `/api/document-types${q}`)).items;
  }

  async accessGroups(): Promise<AccessGroup[]> {
    return (await this.json<{ items: AccessGroup[] }>("GET", "/api/access-groups")).items;
  }

  async retentionRules(): Promise<RetentionRule[]> {
    return (await this.json<{ items: RetentionRule[] }>("GET", "/api/retention-rules")).items;
  }

  async journalPlan(includeRetired = false): Promise<JournalPlanEntry[]> {
    return (await this.json<{ items: JournalPlanEntry[] }>("GET", `/api/journal-plan?includeRetired=${includeRetired}`)).items;
  }

  /** A page of visible documents, most recently changed first: of one case, floating ones, my own, or all. */
  listDocuments(options: { caseId?: string; floating?: boolean; mine?: boolean; cursor?: string; limit?: number } = {}): Promise<Page<DocumentSummary>> {
    return this.json("GET", `/api/documents${queryString(options)}`);
  }

  getDocument(id: string): Promise<DocumentDetails> {
    return this.entity("GET", `/api/documents/${encodeURIComponent(id)}`);
  }

  /** Saves a document from finished uploads; the idempotency key makes a retried save return the first document. */
  saveDocument(input: NewDocumentFromUploads, idempotencyKey: string): Promise<DocumentDetails> {
    return this.entity("POST", "/api/documents", input, { "Idempotency-Key": idempotencyKey });
  }

  /**
   * Has the service fetch a mail or file from Microsoft Graph on the signed-in person's behalf into a finished upload, for a save to
   * name (POST /api/uploads/graph; the pane must be signed in with Microsoft). A retry with the same key answers the same upload.
   */
  importFromGraph(input: GraphImportRequest, idempotencyKey?: string): Promise<GraphImport> {
    return this.json("POST", "/api/uploads/graph", input, idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {});
  }

  /** New content for a document, only if it is still as the client last saw it (If-Match with its ETag). */
  addVersion(documentId: string, etag: string, upload: string, comment?: string): Promise<DocumentDetails> {
    return this.entity("POST", `/api/documents/${encodeURIComponent(documentId)}/versions`, { upload, ...(comment ? { comment } : {}) }, { "If-Match": etag });
  }

  /** Changes a document's metadata; with `ifMatch`, only if nobody changed the document since that ETag. */
  updateDocument(id: string, patch: DocumentPatch, options: WriteOptions = {}): Promise<DocumentDetails> {
    return this.entity("PATCH", `/api/documents/${encodeURIComponent(id)}`, patch, ifMatchHeader(options));
  }

  /** Files a floating document into a case; with `ifMatch`, only if nobody changed the document since that ETag. */
  fileDocument(id: string, caseId: string, options: WriteOptions = {}): Promise<DocumentDetails> {
    return this.entity("POST", `/api/documents/${encodeURIComponent(id)}/file`, { caseId }, ifMatchHeader(options));
  }

  /** For a mail: is it filed already, and which case does its thread or sender point to? */
  mailLookup(mail: MailLookup): Promise<MailLookupResult> {
    return this.json("POST", "/api/mail/lookup", mail);
  }

  /** Adds an attachment; `documentEtag` is the document's ETag after it. With `ifMatch`, only if nobody changed the document since that ETag. */
  async addAttachment(documentId: string, upload: string, title?: string, options: WriteOptions = {}): Promise<AttachmentCreated & { documentEtag?: string }> {
    const answer = await this.exchange<AttachmentCreated>(
      "POST",
      `/api/documents/${encodeURIComponent(documentId)}/attachments`,
      { upload, ...(title ? { title } : {}) },
      ifMatchHeader(options),
    );
    return { ...answer.body, ...(answer.etag ? { documentEtag: answer.etag } : {}) };
  }

  /** A new version of an attachment; `documentEtag` is the document's ETag after it. */
  async addAttachmentVersion(
    documentId: string,
    attachmentId: string,
    upload: string,
    comment?: string,
    options: WriteOptions = {},
  ): Promise<AttachmentVersionCreated & { documentEtag?: string }> {
    const path = `/api/documents/${encodeURIComponent(documentId)}/attachments/${encodeURIComponent(attachmentId)}/versions`;
    const answer = await this.exchange<AttachmentVersionCreated>("POST", path, { upload, ...(comment ? { comment } : {}) }, ifMatchHeader(options));
    return { ...answer.body, ...(answer.etag ? { documentEtag: answer.etag } : {}) };
  }

  addComment(documentId: string, body: string): Promise<CommentCreated> {
    return this.json("POST", `/api/documents/${encodeURIComponent(documentId)}/comments`, { body });
  }

  /** Refers from one document to another. */
  addReference(documentId: string, toDocumentId: string, kind: ReferenceKind): Promise<ReferenceCreated> {
    return this.json("POST", `/api/documents/${encodeURIComponent(documentId)}/references`, { toDocumentId, kind });
  }

  async removeReference(documentId: string, referenceId: string): Promise<void> {
    await this.send("DELETE", `/api/documents/${encodeURIComponent(documentId)}/references/${encodeURIComponent(referenceId)}`);
  }

  /** Deletes a document (administrators only; audited with the reason); with `ifMatch`, only if nobody changed it since that ETag. */
  async deleteDocument(id: string, options: WriteOptions & { reason?: string } = {}): Promise<void> {
    const query = queryString({ reason: options.reason || undefined });
    await this.send("DELETE", `/api/documents/${encodeURIComponent(id)}${query}`, { headers: ifMatchHeader(options) });
  }

  /** Audit events about one case or document, newest first. */
  auditTrail(objectType: "case" | "document", objectId: string, options: { cursor?: string; limit?: number } = {}): Promise<Page<AuditEvent>> {
    return this.json("GET", `/api/audit${queryString({ objectType, objectId, ...options })}`);
  }

  /** One's web sessions and the add-ins signed in as oneself. */
  sessions(): Promise<WebSessions> {
    return this.json("GET", "/api/auth/sessions");
  }

  /** Signs the web view out; a session opened with Microsoft also gets where to sign out of Microsoft (the service answered 204 or 200). */
  async signOut(): Promise<SignedOut> {
    return (await this.json<SignedOut | undefined>("POST", "/api/auth/sign-out")) ?? { providerSignOut: null };
  }

  /** Ends a web session, or signs an add-in out (its credential is refused from then on). */
  async endSession(id: string): Promise<void> {
    await this.send("DELETE", `/api/auth/sessions/${encodeURIComponent(id)}`);
  }

  /** The web view, signed in: a one-time code for the Office add-in that asked with this PKCE challenge (S256). */
  deviceCode(client: OfficeClient, challenge: string): Promise<DeviceCode> {
    return this.json("POST", "/api/auth/devices/codes", { client, challenge });
  }

  /** Which single sign-on the service offers (Microsoft Entra ID, Google) and what a task pane asks Entra for. Needs no credential. */
  ssoProviders(): Promise<SsoProviders> {
    return this.json("GET", "/api/auth/sso");
  }

  /** The Office add-in: its code and the verifier behind the challenge, for its own credential. Needs no credential. */
  redeemDeviceCode(code: string, verifier: string): Promise<DeviceCredential> {
    return this.json("POST", "/api/auth/devices/redeem", { code, verifier });
  }

  /** The Gmail add-on, whose Google account no user answers to: a link for the person to confirm in the web view. */
  startGoogleLink(idToken: string): Promise<GoogleLinkRequest> {
    return this.json("POST", "/api/auth/google-links", { idToken });
  }

  /** The web view, signed in: which Google account a link request would connect. */
  googleLinkRequest(token: string): Promise<GoogleLinkPending> {
    return this.json("POST", "/api/auth/google-links/lookup", { token });
  }

  /** The web view, signed in: the Google account of the request signs in as oneself from now on. */
  confirmGoogleLink(token: string): Promise<GoogleLinked> {
    return this.json("POST", "/api/auth/google-links/confirm", { token });
  }

  // Contacts and parties.

  /** A page of contacts by name; `q` matches name words, e-mail addresses and CVR; `email`/`cpr` look up exactly. */
  listContacts(options: { q?: string; kind?: ContactKind; email?: string; cpr?: string; cursor?: string; limit?: number } = {}): Promise<Page<ContactSummary>> {
    return this.json("GET", `/api/contacts${queryString(options)}`);
  }

  /** A contact; a merged-away contact's id answers its survivor. */
  getContact(id: string): Promise<Contact> {
    return this.entity("GET", `/api/contacts/${encodeURIComponent(id)}`);
  }

  createContact(input: NewContact): Promise<Contact> {
    return this.entity("POST", "/api/contacts", input);
  }

  updateContact(id: string, patch: ContactPatch, options: WriteOptions = {}): Promise<Contact> {
    return this.entity("PATCH", `/api/contacts/${encodeURIComponent(id)}`, patch, ifMatchHeader(options));
  }

  /** The full CPR number, for someone allowed to see it; the reveal and its reason are audited. */
  async revealCpr(id: string, reason: string): Promise<string> {
    return (await this.json<{ cpr: string }>("POST", `/api/contacts/${encodeURIComponent(id)}/cpr`, { reason })).cpr;
  }

  /** Moves the duplicate's parties and history to this contact and retires the duplicate; answers the survivor. */
  mergeContacts(survivorId: string, duplicateId: string): Promise<Contact> {
    return this.entity("POST", `/api/contacts/${encodeURIComponent(survivorId)}/merge`, { duplicateId });
  }

  /** The contacts each address belongs to: for a mail's senders and recipients. */
  async matchContacts(addresses: string[]): Promise<ContactMatch[]> {
    return (await this.json<{ items: ContactMatch[] }>("POST", "/api/contacts/match", { addresses })).items;
  }

  /** The cases one may see that the contact is party to. */
  contactCases(id: string, options: { cursor?: string; limit?: number } = {}): Promise<Page<ContactCase>> {
    return this.json("GET", `/api/contacts/${encodeURIComponent(id)}/cases${queryString(options)}`);
  }

  /** The documents one may see that the contact is party to. */
  contactDocuments(id: string, options: { cursor?: string; limit?: number } = {}): Promise<Page<ContactDocument>> {
    return this.json("GET", `/api/contacts/${encodeURIComponent(id)}/documents${queryString(options)}`);
  }

  async partyRoles(): Promise<PartyRole[]> {
    return (await this.json<{ items: PartyRole[] }>("GET", "/api/party-roles")).items;
  }

  async parties(on: "case" | "document", id: string): Promise<Party[]> {
    return (await this.json<{ items: Party[] }>("GET", `/api/${on === "case" ? "cases" : "documents"}/${encodeURIComponent(id)}/parties`)).items;
  }

  addParty(on: "case" | "document", id: string, party: NewParty): Promise<Party> {
    return this.json("POST", `/api/${on === "case" ? "cases" : "documents"}/${encodeURIComponent(id)}/parties`, party);
  }

  async removeParty(on: "case" | "document", id: string, partyId: string): Promise<void> {
    await this.send("DELETE", `/api/${on === "case" ? "cases" : "documents"}/${encodeURIComponent(id)}/parties/${encodeURIComponent(partyId)}`);
  }

  // Tasks.

  /** A page of tasks: `mine` what is assigned to me or my groups; not done unless `status` says otherwise. */
  listTasks(options: { mine?: boolean; status?: TaskListStatus; cursor?: string; limit?: number } = {}): Promise<Page<Task>> {
    return this.json("GET", `/api/tasks${queryString({ ...options, mine: options.mine === undefined ? undefined : String(options.mine) })}`);
  }

  /** The tasks on a case or a document (all statuses unless asked). */
  recordTasks(on: "case" | "document", id: string, options: { status?: TaskListStatus; cursor?: string; limit?: number } = {}): Promise<Page<Task>> {
    return this.json("GET", `/api/${on === "case" ? "cases" : "documents"}/${encodeURIComponent(id)}/tasks${queryString(options)}`);
  }

  getTask(id: string): Promise<TaskDetails> {
    return this.entity("GET", `/api/tasks/${encodeURIComponent(id)}`);
  }

  createTask(input: NewTask): Promise<TaskDetails> {
    return this.entity("POST", "/api/tasks", input);
  }

  updateTask(id: string, patch: TaskPatch, options: WriteOptions = {}): Promise<TaskDetails> {
    return this.entity("PATCH", `/api/tasks/${encodeURIComponent(id)}`, patch, ifMatchHeader(options));
  }

  addTaskComment(id: string, body: string): Promise<TaskComment> {
    return this.json("POST", `/api/tasks/${encodeURIComponent(id)}/comments`, { body });
  }

  /** The organisation's groups, to assign a task to one. */
  async assignableGroups(): Promise<AssignableGroup[]> {
    return (await this.json<{ items: AssignableGroup[] }>("GET", "/api/groups")).items;
  }

  // Search.

  /** Free-text search of the tasks, cases, documents and contacts one may see, grouped; `kind` for one group only (VIS ALLE). */
  search(q: string, options: { kind?: SearchKind; limit?: number } = {}): Promise<SearchResults> {
    return this.json("GET", `/api/search${queryString({ q, ...options })}`);
  }

  /** Where the CSV of one group of a free-text search is fetched from (every hit, not only the first page). */
  searchCsvUrl(q: string, kind: SearchKind): string {
    return `${this.baseUrl}/api/search.csv${queryString({ q, kind })}`;
  }

  /** One page of an advanced search. */
  advancedSearch(search: AdvancedSearch, page: { cursor?: string; limit?: number } = {}): Promise<AdvancedSearchResults> {
    return this.json("GET", `/api/search/advanced?${advancedSearchQueryString(search, page)}`);
  }

  /** Where the CSV of an advanced search (all of it) is fetched from. */
  advancedSearchCsvUrl(search: AdvancedSearch): string {
    return `${this.baseUrl}/api/search/advanced.csv?${advancedSearchQueryString(search)}`;
  }

  /** The caller's own saved searches and those shared with their groups. */
  async savedSearches(): Promise<SavedSearch[]> {
    return (await this.json<{ items: SavedSearch[] }>("GET", "/api/saved-searches")).items;
  }

  saveSearch(input: NewSavedSearch): Promise<SavedSearch> {
    return this.json("POST", "/api/saved-searches", input);
  }

  changeSavedSearch(id: string, patch: SavedSearchPatch): Promise<SavedSearch> {
    return this.json("PATCH", `/api/saved-searches/${encodeURIComponent(id)}`, patch);
  }

  async deleteSavedSearch(id: string): Promise<void> {
    await this.json("DELETE", `/api/saved-searches/${encodeURIComponent(id)}`);
  }

  // Notifications.

  notifications(options: { unread?: boolean; cursor?: string; limit?: number } = {}): Promise<Page<Notification>> {
    return this.json("GET", `/api/notifications${queryString({ ...options, unread: options.unread === undefined ? undefined : String(options.unread) })}`);
  }

  unreadNotifications(): Promise<UnreadNotifications> {
    return this.json("GET", "/api/notifications/unread");
  }

  /** Marks mine read: all up to and including `upTo` (the newest shown), or the ones named. */
  async markNotificationsRead(which: { upTo: string } | { ids: string[] }): Promise<number> {
    return (await this.json<{ marked: number }>("POST", "/api/notifications/read", which)).marked;
  }

  following(caseId: string): Promise<Following> {
    return this.json("GET", `/api/cases/${encodeURIComponent(caseId)}/following`);
  }

  follow(caseId: string): Promise<Following> {
    return this.json("PUT", `/api/cases/${encodeURIComponent(caseId)}/following`);
  }

  unfollow(caseId: string): Promise<Following> {
    return this.json("DELETE", `/api/cases/${encodeURIComponent(caseId)}/following`);
  }
}

/** `?a=1&b=x` from the options that are set. */
function queryString(options: Record<string, string | number | boolean | undefined>): string {
  const set = Object.entries(options).filter(([, v]) => v !== undefined);
  return set.length ? `?${set.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join("&")}` : "";
}

export { ApiError, NetworkError };
