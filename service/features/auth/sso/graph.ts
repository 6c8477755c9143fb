import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import tls from "node:tls";
import { ConfidentialClientApplication, InteractionRequiredAuthError, ProtocolMode, ServerError, type INetworkModule } from "@azure/msal-node";
import { decodeJwt } from "jose";
import type { EntraConfig } from "../../../config-sso.ts";
import { Problem } from "../../../http/problem.ts";
import type { GraphSource } from "../../../../shared/api/schemas/graph.ts";

// Microsoft Graph on the signed-in person's behalf: the task pane's access token (audience this API) is exchanged for a
// Graph token with the on-behalf-of grant (@azure/msal-node), and the mail or file is read from Graph as a stream.

const MICROSOFT_HOSTS = /(^|\.)(login\.microsoftonline\.(com|us)|login\.microsoft\.com|login\.partner\.microsoftonline\.cn|login\.chinacloudapi\.cn)$/;
const TOKEN_TIMEOUT_MS = 30_000;
const REDIRECTS = 3;

export const graphNeedsMicrosoft = () =>
  new Problem(
    403,
    "graph_needs_microsoft",
    "Fetching from Microsoft Graph needs a pane signed in with Microsoft (Entra ID), not an API token or another sign-in.",
  );
const graphForbidden = (detail: string, extra: Record<string, unknown> = {}) =>
  new Problem(
    403,
    "graph_forbidden",
    `Microsoft Graph refused to hand it over on your behalf: ${detail} An administrator must grant IMS Case the Graph permissions (admin consent).`,
    extra,
  );
const graphUnavailable = (detail: string) =>
  new Problem(503, "graph_unavailable", `Microsoft Graph cannot be reached right now (${detail}); try again shortly.`);
const graphFailed = (detail: string) => new Problem(502, "graph_failed", `Microsoft Graph did not hand the content over: ${detail}`);

/** Who can ask Graph: the configuration's app registration with a credential, and the CAs to trust besides the system's. */
export interface GraphAccess {
  config: EntraConfig;
  ca: string | undefined;
}

const tlsOptions = (url: URL, ca: string | undefined) => (ca && url.protocol === "https:" ? { ca: [...tls.rootCertificates, ca] } : {});

class TokenEndpointUnreachable extends Error {}

/** msal-node's HTTP through node's https with the configured CAs (its default, fetch, takes none). */
function msalNetwork(ca: string | undefined): INetworkModule {
  const send = (url: string, method: string, options?: { headers?: Record<string, string>; body?: string }) =>
    new Promise<{ headers: Record<string, string>; body: never; status: number }>((resolve, reject) => {
      const target = new URL(url);
      const req = (target.protocol === "https:" ? https : http).request(
        target,
        { method, headers: { Accept: "application/json", ...options?.headers }, timeout: TOKEN_TIMEOUT_MS, ...tlsOptions(target, ca) },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => {
            text += c;
            if (text.length > 1024 * 1024) req.destroy(new TokenEndpointUnreachable(`${target.origin} answered more than 1 MB`));
          });
          res.on("end", () => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
            try {
              resolve({ headers, body: JSON.parse(text) as never, status: res.statusCode ?? 0 });
            } catch {
              reject(new TokenEndpointUnreachable(`${target.origin} answered no JSON (${res.statusCode})`));
            }
          });
          res.on("error", (err) => reject(new TokenEndpointUnreachable(err.message)));
        },
      );
      req.on("timeout", () => req.destroy(new TokenEndpointUnreachable(`${target.origin} did not answer in time`)));
      req.on("error", (err) => reject(err instanceof TokenEndpointUnreachable ? err : new TokenEndpointUnreachable(err.message)));
      req.end(options?.body);
    });
  return {
    sendGetRequestAsync: (url, options) => send(url, "GET", options),
    sendPostRequestAsync: (url, options) => send(url, "POST", options),
  };
}

/** The tenant of a caller's access token (verified already by the authenticator that let the request in). */
export function tenantOf(accessToken: string): string {
  const tid = decodeJwt(accessToken).tid;
  if (typeof tid !== "string" || !/^[0-9a-f-]{36}$/i.test(tid)) throw graphNeedsMicrosoft();
  return tid.toLowerCase();
}

/**
 * A Graph token for the caller, by the on-behalf-of grant at the caller's tenant: the caller's own access token is the assertion.
 * The token endpoint's refusal (consent missing, assertion not acceptable) is 403 graph_forbidden; no answer is 503.
 */
export async function graphTokenOnBehalfOf(access: GraphAccess, callerToken: string): Promise<string> {
  const ms = access.config;
  if (!ms.credential) {
    throw new Problem(
      503,
      "graph_not_configured",
      "The service has no credential for Microsoft Graph (ENTRA_CLIENT_SECRET or a certificate); ask an administrator.",
    );
  }
  const tid = tenantOf(callerToken);
  const entra = MICROSOFT_HOSTS.test(new URL(ms.authority).hostname);
  const credential = "secret" in ms.credential ? { clientSecret: ms.credential.secret } : { clientCertificate: ms.credential.certificate };
  // A new application per exchange: msal-node would otherwise keep every user's Graph token in its in-memory cache.
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: ms.clientId,
      // Entra: msal appends /v2.0 itself; another OpenID provider standing in for it (tests) is addressed by its issuer.
      authority: entra ? `${ms.authority}/${tid}` : `${ms.authority}/${tid}/v2.0`,
      ...(entra ? {} : { knownAuthorities: [new URL(ms.authority).host] }),
      ...credential,
    },
    system: { networkClient: msalNetwork(access.ca), ...(entra ? {} : { protocolMode: ProtocolMode.OIDC }) },
  });
  try {
    const result = await app.acquireTokenOnBehalfOf({ oboAssertion: callerToken, scopes: ms.graphScopes, skipCache: true });
    if (!result?.accessToken) throw graphFailed("the token endpoint answered no access token.");
    return result.accessToken;
  } catch (err) {
    if (err instanceof Problem) throw err;
    if (err instanceof InteractionRequiredAuthError || err instanceof ServerError) {
      throw graphForbidden("the sign-in service would not exchange your sign-in for a Graph token.", { reason: err.errorCode, subError: err.subError });
    }
    const cause = err instanceof Error ? err : new Error(String(err));
    const unreachable =
      cause instanceof TokenEndpointUnreachable || /network|endpoint_resolution|openid_config/i.test(`${(cause as { errorCode?: string }).errorCode}`);
    throw unreachable ? graphUnavailable(`the sign-in service: ${cause.message.slice(0, 200)}`) : graphFailed(cause.message.slice(0, 200));
  }
}

/** A file's address for Graph's /shares: `u!` and the URL in unpadded base64url. */
export const shareIdOf = (url: string) => `u!${Buffer.from(url, "utf8").toString("base64url")}`;

/** Where Graph serves the bytes of a source. */
export function graphContentUrl(graphUrl: string, source: GraphSource): string {
  const seg = encodeURIComponent;
  switch (source.kind) {
    case "message":
      return `${graphUrl}/me/messages/${seg(source.id)}/$value`;
    case "driveItem":
      return `${graphUrl}/drives/${seg(source.driveId)}/items/${seg(source.itemId)}/content`;
    case "share":
      return `${graphUrl}/shares/${shareIdOf(source.url)}/driveItem/content`;
  }
}

/** The content as Graph streams it; `length` from Content-Length when it sent one. Destroy `body` to stop reading. */
export interface GraphContent {
  body: IncomingMessage;
  length: number | undefined;
  mediaType: string | undefined;
  /** From Content-Disposition, when the download names the file. */
  filename: string | undefined;
}

export interface GraphReadOptions {
  /** Ends the request (the caller went away, the deadline passed). */
  signal?: AbortSignal;
  /** No byte for this long: Graph is taken to be gone. */
  idleMs: number;
}

function get(url: URL, headers: Record<string, string>, ca: string | undefined, options: GraphReadOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = (url.protocol === "https:" ? https : http).request(url, {
      method: "GET",
      headers,
      timeout: options.idleMs,
      signal: options.signal,
      ...tlsOptions(url, ca),
    });
    req.on("response", resolve);
    req.on("timeout", () => req.destroy(graphUnavailable("no answer in time")));
    req.on("error", (err) => {
      const reason: unknown = options.signal?.reason;
      if (options.signal?.aborted) reject(reason instanceof Problem ? reason : graphUnavailable("the fetch was stopped"));
      else reject(err instanceof Problem ? err : graphUnavailable(err.message.slice(0, 200)));
    });
    req.end();
  });
}

const drain = (res: IncomingMessage) => {
  res.resume();
  res.on("error", () => undefined);
};

function dispositionFilename(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(value);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // a malformed one names nothing
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/.exec(value);
  return (plain?.[1] ?? plain?.[2])?.trim() || undefined;
}

/**
 * Opens the source's content on Graph with the Graph token. A redirect (driveItem content answers 302 to a pre-authenticated
 * download URL) is followed without the token. Graph's 404 is 404 graph_not_found; 401/403 are 403 graph_forbidden; 5xx 502; no answer 503.
 */
export async function openGraphContent(access: GraphAccess, graphToken: string, source: GraphSource, options: GraphReadOptions): Promise<GraphContent> {
  let url = new URL(graphContentUrl(access.config.graphUrl, source));
  let headers: Record<string, string> = { Authorization: `Bearer ${graphToken}`, Accept: "*/*" };
  for (let hop = 0; ; hop++) {
    const res = await get(url, headers, access.ca, options);
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location && hop < REDIRECTS) {
      drain(res);
      const next = new URL(res.headers.location, url);
      if (next.protocol !== "https:" && !(next.protocol === "http:" && ["localhost", "127.0.0.1"].includes(next.hostname))) {
        throw graphFailed("it redirected to an address that is not https.");
      }
      url = next;
      // The download address is pre-authenticated; the Graph token goes to Graph only.
      headers = { Accept: "*/*" };
      continue;
    }
    if (status === 200) {
      const length = res.headers["content-length"] === undefined ? undefined : Number(res.headers["content-length"]);
      return {
        body: res,
        length: length !== undefined && Number.isSafeInteger(length) && length >= 0 ? length : undefined,
        mediaType: res.headers["content-type"]?.split(";")[0].trim().toLowerCase() || undefined,
        filename: dispositionFilename(res.headers["content-disposition"]),
      };
    }
    drain(res);
    if (status === 404) {
      throw new Problem(
        404,
        "graph_not_found",
        source.kind === "message" ? "The message was not found in your mailbox (moved or deleted?)." : "The file was not found, or you cannot open it.",
      );
    }
    if (status === 401 || status === 403) throw graphForbidden(`Graph answered ${status}.`, { graphStatus: status });
    if (status === 429 || status === 503) throw graphUnavailable(`Graph answered ${status}`);
    throw graphFailed(`Graph answered ${status}.`);
  }
}
