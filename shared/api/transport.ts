import { platformFetch, type FetchAnswer, type FetchLike } from "../platform.ts";

/** One HTTP exchange, small enough that fetch, Office and Apps Script's UrlFetchApp can all implement it. */
export interface HttpRequest {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE" | "HEAD";
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface HttpResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  text: string;
}

/** Throws NetworkError when no answer came back at all (so the request may or may not have arrived). */
export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NetworkError";
  }
}

/** A transport over the standard fetch API (browsers, Office task panes, Node 20). */
export function fetchTransport(fetchImpl: FetchLike = platformFetch): Transport {
  return async (request) => {
    let res: FetchAnswer;
    try {
      res = await fetchImpl(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
      });
    } catch (err) {
      throw new NetworkError(err instanceof Error ? err.message : String(err));
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    return { status: res.status, headers, text: request.method === "HEAD" ? "" : await res.text() };
  };
}
