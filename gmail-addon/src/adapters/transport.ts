import { ApiError, NetworkError, utf8, type HttpRequest, type Transport } from "../../../shared/index.ts";
import { errorText, isQuotaMessage, QuotaError } from "../errors.ts";
import { toByteArray } from "./bytes.ts";

type FetchParams = GoogleAppsScript.URL_Fetch.URLFetchRequestOptions;
type FetchResponse = GoogleAppsScript.URL_Fetch.HTTPResponse;

/** UrlFetchApp.fetch with its exceptions sorted: quotas, the 50 MB payload limit, and no answer at all. */
export function urlFetch(url: string, params: FetchParams): FetchResponse {
  try {
    return UrlFetchApp.fetch(url, params);
  } catch (err) {
    const message = errorText(err);
    if (isQuotaMessage(message)) throw new QuotaError(message);
    if (/Limit Exceeded/i.test(message)) throw new ApiError(413, "urlfetch_limit", message, null);
    throw new NetworkError(message);
  }
}

const METHODS = { GET: "get", POST: "post", PATCH: "patch", PUT: "put", DELETE: "delete" } as const;

/**
 * The shared client's transport over UrlFetchApp: HTTP errors come back as answers (muteHttpExceptions),
 * a missing answer becomes NetworkError and a quota QuotaError. UrlFetchApp cannot send HEAD, which tus
 * uses to ask where an interrupted upload stands: it goes as GET with X-HTTP-Method-Override, which tus
 * servers must honour, so an interrupted upload resumes from the offset the service confirms.
 */
export function urlFetchTransport(): Transport {
  return async (original: HttpRequest) => {
    const request: HttpRequest =
      original.method === "HEAD" ? { ...original, method: "GET", headers: { ...original.headers, "X-HTTP-Method-Override": "HEAD" } } : original;
    const headers: Record<string, string> = {};
    let contentType: string | undefined;
    for (const [name, value] of Object.entries(request.headers)) {
      if (name.toLowerCase() === "content-type") contentType = value;
      else headers[name] = value;
    }
    const params: FetchParams = { method: METHODS[request.method as keyof typeof METHODS], headers, muteHttpExceptions: true, followRedirects: false };
    if (contentType) params.contentType = contentType;
    // Text goes as its UTF-8 bytes too: what charset UrlFetchApp would pick for a string is not ours to guess.
    if (request.body !== undefined) params.payload = toByteArray(typeof request.body === "string" ? utf8(request.body) : request.body);
    const response = urlFetch(request.url, params);
    const lower: Record<string, string> = {};
    const raw = response.getHeaders() as Record<string, string | string[]>;
    for (const name of Object.keys(raw)) lower[name.toLowerCase()] = Array.isArray(raw[name]) ? (raw[name] as string[]).join(", ") : String(raw[name]);
    return { status: response.getResponseCode(), headers: lower, text: response.getContentText() };
  };
}
