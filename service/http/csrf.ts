import type { Request } from "express";
import { Problem } from "./problem.ts";

export type CsrfVerdict = { ok: true } | { ok: false; reason: "cross_site" | "origin_mismatch" | "no_origin" };
type CsrfReason = Extract<CsrfVerdict, { ok: false }>["reason"];
type RequestHeaders = Record<string, string | string[] | undefined>;

// Only these cannot change anything, so they need no proof of where they came from; any other method,
// a made-up one too, is treated as a change.
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
// Sec-Fetch-Site values a browser sends for a request the service's own pages, or the person, started.
const OWN_FETCH_SITES = new Set(["same-origin", "none"]);

const PASS: CsrfVerdict = { ok: true };
const refuse = (reason: CsrfReason): CsrfVerdict => ({ ok: false, reason });

/**
 * Whether a state-changing request (POST, PUT, PATCH, DELETE; safe methods GET/HEAD/OPTIONS always pass) that carries a session cookie
 * comes from the service's own pages. Fetch metadata first: Sec-Fetch-Site "same-origin" passes, "none" (typed into the address bar,
 * a bookmark) passes, "same-site" and "cross-site" are refused. Without Sec-Fetch-Site (older browsers), the Origin header must equal one
 * of `allowedOrigins` (scheme://host[:port], compared case-insensitively, default ports normalised); Origin "null" is refused. With neither
 * header, fall back to Referer's origin; with none of the three, refuse ("no_origin") — browsers that send none of them are out of support.
 *
 * `headers` as Node gives them: lower-case names, a header sent twice as a list. A header that is present but cannot be read (sent twice,
 * an unknown Sec-Fetch-Site value, an Origin that is no URL) refuses; it never falls through to the next, weaker header.
 */
export function checkCsrf(method: string, headers: RequestHeaders, allowedOrigins: string[]): CsrfVerdict {
  if (SAFE_METHODS.has(method.toUpperCase())) return PASS;
  const fetchSite = headerValue(headers, "sec-fetch-site");
  if (fetchSite !== undefined) return OWN_FETCH_SITES.has(fetchSite.trim().toLowerCase()) ? PASS : refuse("cross_site");
  const origin = headerValue(headers, "origin") ?? headerValue(headers, "referer");
  if (origin === undefined) return refuse("no_origin");
  return isAllowed(origin, allowedOrigins) ? PASS : refuse("origin_mismatch");
}

/**
 * The origins a request to this service may come from: the configured public URL's origin, and the origin the request itself was sent to
 * (its Host header with the scheme the request arrived over), so http://localhost:3000 and the public name both work.
 *
 * Trusting the Host header is safe here: a page on another name that resolves to this service (DNS rebinding) gets Host and Origin to
 * agree, but the browser sends the session cookie only to the name that set it, so such a request carries no session to abuse.
 */
export function ownOrigins(publicUrl: string, host: string | undefined, secure: boolean): string[] {
  const candidates = [originOf(publicUrl), host ? originOf(`${secure ? "https" : "http"}://${host}`) : undefined];
  return [...new Set(candidates.filter((o): o is string => o !== undefined))];
}

const REFUSALS: Record<CsrfReason, string> = {
  cross_site: "The change was sent from another site, not from IMS Case's own pages, and was refused. Open IMS Case directly and try again.",
  origin_mismatch:
    "The change was sent from a page at another address than IMS Case and was refused. Open IMS Case at its own address and try again; " +
    "if that is what you did, the server's PUBLIC_URL does not match the address in the browser.",
  no_origin:
    "The browser did not say which page the change came from (no Sec-Fetch-Site, Origin or Referer header), so it was refused. " +
    "Use a current browser and do not block the Referer header for IMS Case.",
};

/** For cookie-authenticated requests only (a bearer token is no ambient credential): refuses a change that did not come from IMS Case's pages. */
export function refuseCrossSite(req: Request, allowedOrigins: string[]): void {
  const verdict = checkCsrf(req.method, req.headers, allowedOrigins);
  if (!verdict.ok) throw new Problem(403, "cross_site_request", REFUSALS[verdict.reason], { reason: verdict.reason });
}

// A header sent twice is joined as Node joins it, so it reads as one value that matches nothing.
function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

function isAllowed(sentOrigin: string, allowedOrigins: string[]): boolean {
  const origin = originOf(sentOrigin);
  return origin !== undefined && allowedOrigins.some((allowed) => originOf(allowed) === origin);
}

/**
 * The web origin of a URL as the URL parser serialises it (scheme and host lower-case, a default port dropped, path gone), or undefined
 * for anything that is not an http(s) URL, "null" included.
 */
function originOf(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.origin : undefined;
}
