import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Options } from "pino-http";

// Credentials and what replays a request: never logged, at any level.
const SECRET_HEADERS = ["authorization", "proxy-authorization", "cookie", "set-cookie", "idempotency-key", "x-api-key"];

/** Log paths pino blanks out wherever a logged request or response carries them (a second line of defence). */
export const LOG_REDACTIONS = SECRET_HEADERS.flatMap((h) => [`req.headers["${h}"]`, `res.headers["${h}"]`]);

const MAX_PATH = 200;

// Query parameters that carry a secret or a CPR number: blanked even in the debug log's URL.
const SECRET_PARAMS = new Set(["cpr", "token", "code"]);

/** The URL with the values of secret query parameters replaced, so not even debug logging writes them. */
export function redactedUrl(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split("&")
    .map((pair) => {
      const name = pair.split("=")[0] ?? "";
      let key = name;
      try {
        key = decodeURIComponent(name.replace(/\+/g, " "));
      } catch {
        // an undecodable name is logged as it came
      }
      return SECRET_PARAMS.has(key.toLowerCase()) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, q)}?${params.join("&")}`;
}

/**
 * What the request log says about each request. At info: method, path without its query, status, time
 * and the client address. Query strings (titles, search words), Upload-Metadata (file names), Content-
 * Disposition and the other headers are personal data, so they are logged only when debug is on;
 * credentials never.
 */
export function requestLogOptions(log: Logger): Pick<Options, "serializers"> {
  const debug = () => log.isLevelEnabled("debug");
  return {
    serializers: {
      req(req: { id: unknown; method: string; raw: IncomingMessage & { originalUrl?: string; ip?: string } }) {
        const url = req.raw.originalUrl ?? req.raw.url ?? "";
        const path = url.split("?")[0];
        const base = { id: req.id, method: req.method, path: path.length > MAX_PATH ? `${path.slice(0, MAX_PATH)}…` : path, remoteAddress: req.raw.ip };
        return debug() ? { ...base, url: redactedUrl(url), headers: withoutSecrets(req.raw.headers) } : base;
      },
      res(res: { statusCode: number; raw: ServerResponse }) {
        return debug() ? { statusCode: res.statusCode, headers: withoutSecrets(res.raw.getHeaders()) } : { statusCode: res.statusCode };
      },
    },
  };
}

function withoutSecrets(headers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !SECRET_HEADERS.includes(name.toLowerCase())));
}
