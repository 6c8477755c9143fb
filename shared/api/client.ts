import { ApiError } from "./errors.ts";
import { NetworkError, type HttpRequest, type Transport } from "./transport.ts";
import type {
  AccessGroup,
  CaseSummary,
  CaseTemplate,
  DocumentDetails,
  DocumentType,
  MailLookup,
  MailLookupResult,
  Me,
  NewCase,
  NewDocumentFromUploads,
  Page,
  ProblemBody,
} from "./types.ts";

export interface ClientOptions {
  /** The service's base URL, e.g. https://imscase.kommune.dk */
  baseUrl: string;
  /** The bearer credential for each request (an API token today; an SSO token later). */
  credential: () => Promise<string>;
  transport: Transport;
}

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
    const token = await this.options.credential();
    const response = await this.options.transport({
      method,
      url: this.url(path),
      headers: { Accept: "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}), ...init.headers },
      body: init.body,
    });
    if (response.status >= 200 && response.status < 300) return response;
    let problem: ProblemBody | null = null;
    try {
      problem = JSON.parse(response.text) as ProblemBody;
    } catch {
      problem = null;
    }
    throw new ApiError(response.status, problem?.code ?? `http_${response.status}`, problem?.detail ?? (response.text.slice(0, 300) || `HTTP ${response.status}`), problem);
  }

  async json<T>(method: HttpRequest["method"], path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const res = await this.send(method, path, {
      headers: body === undefined ? headers : { "Content-Type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (res.text ? JSON.parse(res.text) : undefined) as T;
  }

  me(): Promise<Me> {
    return this.json("GET", "/api/me");
  }

  async suggestCases(query: string, limit = 10): Promise<CaseSummary[]> {
    return (await this.json<{ items: CaseSummary[] }>("GET", `/api/cases/suggest?q=${encodeURIComponent(query)}&limit=${limit}`)).items;
  }

  async recentCases(limit = 10): Promise<CaseSummary[]> {
    return (await this.json<Page<CaseSummary>>("GET", `/api/cases?filter=recent&limit=${limit}`)).items;
  }

  getCase(id: string): Promise<CaseSummary> {
    return this.json("GET", `/api/cases/${encodeURIComponent(id)}`);
  }

  createCase(input: NewCase): Promise<CaseSummary> {
    return this.json("POST", "/api/cases", input);
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

  getDocument(id: string): Promise<DocumentDetails> {
    return this.json("GET", `/api/documents/${encodeURIComponent(id)}`);
  }

  /** Saves a document from finished uploads; the idempotency key makes a retried save return the first document. */
  saveDocument(input: NewDocumentFromUploads, idempotencyKey: string): Promise<DocumentDetails> {
    return this.json("POST", "/api/documents", input, { "Idempotency-Key": idempotencyKey });
  }

  /** New content for a document, only if it is still at the version the client last saw (If-Match). */
  addVersion(documentId: string, etag: string, upload: string, comment?: string): Promise<DocumentDetails> {
    return this.json("POST", `/api/documents/${encodeURIComponent(documentId)}/versions`, { upload, ...(comment ? { comment } : {}) }, { "If-Match": etag });
  }

  /** For a mail: is it filed already, and which case does its thread or sender point to? */
  mailLookup(mail: MailLookup): Promise<MailLookupResult> {
    return this.json("POST", "/api/mail/lookup", mail);
  }

  addAttachment(documentId: string, upload: string, title?: string): Promise<{ id: string; title: string; version: string }> {
    return this.json("POST", `/api/documents/${encodeURIComponent(documentId)}/attachments`, { upload, ...(title ? { title } : {}) });
  }
}

export { ApiError, NetworkError };
