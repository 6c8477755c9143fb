import http from "node:http";
import { Ref, renderJson, resolveText, pct, type Resolution, type Text } from "./fuzz-values.ts";

// A fuzzed request as fast-check generates and shrinks it (references to world objects, multipart parts as
// data), how it becomes bytes on the wire once the world is known, and a plain HTTP client that sends those
// bytes exactly as they are: no normalised paths, no added charset, no re-encoded body.

export type Who = "admin" | "alice" | "bob" | "carl" | "erik" | "anonymous" | "forged";
/** How the Authorization header is written: as clients should, or in one of the ways they get it wrong. */
export type AuthStyle = "bearer" | "lowercase" | "basic" | "bare" | "trailing";

export interface PartSpec {
  /** null: a part without a name in its Content-Disposition. */
  name: string | null;
  filename?: string;
  filenameStar?: string;
  contentType?: string;
  content: { json: unknown } | { text: string } | { bytes: Uint8Array } | { size: number | Ref };
}

export interface MultipartSpec {
  parts: PartSpec[];
  boundary: "ok" | "missing" | "mismatch" | "quoted" | "long";
  newline: "\r\n" | "\n";
  closed: boolean;
  /** Keep only this fraction of the body: a truncated upload whose Content-Length matches what is sent. */
  cut?: number;
  preamble: boolean;
  mediaType: string;
}

export type Encoding = "utf8" | "latin1" | "utf16le" | "bom";
export type Body =
  | { json: unknown; encoding?: Encoding }
  | { text: string; encoding?: Encoding }
  | { multipart: MultipartSpec }
  | { bytes: Uint8Array }
  | { size: number | Ref };

export interface FuzzRequest {
  /** The route (or protocol) the request was made for, e.g. "POST /api/cases". */
  route: string;
  who: Who;
  auth: AuthStyle;
  method: string;
  path: Text;
  headers: Array<[string, Text]>;
  /** A Content-Type for the body; undefined sends none (multipart bodies bring their own). */
  contentType?: string;
  body?: Body;
  chunked: boolean;
  /** Sent on a connection of its own that closes after the answer (streams end differently then). */
  close?: boolean;
}

/** The request as bytes: what is sent, and what a failure report shows. */
export interface WireRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  chunked: boolean;
  close: boolean;
  /** Upload ids the body names, in order (a claim property counts them). */
  uploads: string[];
}

const BOUNDARY = "----ims-fuzz-boundary-7d1e";
const LONG_BOUNDARY = `----${"b".repeat(90)}`;

/** Deterministic filler content of a given size (blobs by size are stored once, which is fine here). */
const filler = (size: number | Ref, r: Resolution) =>
  Buffer.alloc(typeof size === "number" ? size : Math.max(0, Number(size.resolve(r)) || 0), "IMS Case fuzz content. ");

function partBody(content: PartSpec["content"], r: Resolution): Buffer {
  if ("json" in content) return Buffer.from(renderJson(content.json, r), "utf8");
  if ("text" in content) return Buffer.from(content.text, "utf8");
  if ("bytes" in content) return Buffer.from(content.bytes);
  return filler(content.size, r);
}

function multipart(spec: MultipartSpec, r: Resolution): { body: Buffer; contentType: string } {
  const boundary = spec.boundary === "long" ? LONG_BOUNDARY : BOUNDARY;
  const nl = spec.newline;
  const chunks: Buffer[] = [];
  if (spec.preamble) chunks.push(Buffer.from(`This is a preamble a client may send.${nl}`));
  for (const p of spec.parts) {
    let disposition = "form-data";
    if (p.name !== null) disposition += `; name="${p.name}"`;
    if (p.filename !== undefined) disposition += `; filename="${p.filename}"`;
    if (p.filenameStar !== undefined) disposition += `; filename*=${p.filenameStar}`;
    const head = [`--${boundary}`, `Content-Disposition: ${disposition}`, ...(p.contentType ? [`Content-Type: ${p.contentType}`] : [])];
    chunks.push(Buffer.from(head.join(nl) + nl + nl, "utf8"), partBody(p.content, r), Buffer.from(nl));
  }
  if (spec.closed) chunks.push(Buffer.from(`--${boundary}--${nl}`));
  let body = Buffer.concat(chunks);
  if (spec.cut !== undefined) body = body.subarray(0, Math.floor(body.length * spec.cut));
  const param = {
    ok: `; boundary=${boundary}`,
    missing: "",
    mismatch: "; boundary=some-other-boundary",
    quoted: `; boundary="${boundary}"`,
    long: `; boundary=${boundary}`,
  }[spec.boundary];
  return { body, contentType: `${spec.mediaType}${param}` };
}

function encodeText(text: string, encoding: Encoding = "utf8"): Buffer {
  if (encoding === "bom") return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]);
  if (encoding === "utf16le") return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
  return Buffer.from(text, encoding);
}

function uploadIdsIn(value: unknown, r: Resolution, out: string[] = []): string[] {
  if (value instanceof Ref) {
    if (value.kind === "upload" && value.field === "id") out.push(value.resolve(r));
  } else if (Array.isArray(value)) value.forEach((v) => uploadIdsIn(v, r, out));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => uploadIdsIn(v, r, out));
  return out;
}

/** Turns a generated request into bytes against the world as it is now. */
export function toWire(req: FuzzRequest, r: Resolution, token: string | undefined): WireRequest {
  const headers: Record<string, string> = {};
  if (token !== undefined) {
    headers.authorization = {
      bearer: `Bearer ${token}`,
      lowercase: `bearer ${token}`,
      basic: `Basic ${Buffer.from(`x:${token}`).toString("base64")}`,
      bare: token,
      trailing: `Bearer ${token} extra`,
    }[req.auth];
  }
  let body: Buffer | undefined;
  let uploads: string[] = [];
  if (req.body && "multipart" in req.body) {
    const m = multipart(req.body.multipart, r);
    body = m.body;
    headers["content-type"] = m.contentType;
    for (const p of req.body.multipart.parts) if ("json" in p.content) uploads = uploads.concat(uploadIdsIn(p.content.json, r));
  } else if (req.body && "json" in req.body) {
    body = encodeText(renderJson(req.body.json, r), req.body.encoding);
    uploads = uploadIdsIn(req.body.json, r);
  } else if (req.body && "text" in req.body) body = encodeText(req.body.text, req.body.encoding);
  else if (req.body && "bytes" in req.body) body = Buffer.from(req.body.bytes);
  else if (req.body && "size" in req.body) body = filler(req.body.size, r);
  if (req.contentType !== undefined) headers["content-type"] = req.contentType;
  for (const [name, value] of req.headers) headers[name.toLowerCase()] = resolveText(value, r);
  return { method: req.method, path: resolveText(req.path, r, pct), headers, body, chunked: req.chunked, close: req.close ?? false, uploads };
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const ANSWER_WITHIN_MS = 5_000;
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** Sends the bytes as they are; rejects when the service gives no answer (connection reset or closed). */
export function send(baseUrl: string, w: WireRequest): Promise<Answer> {
  const url = new URL(baseUrl);
  // Node sends a GET's or HEAD's body without framing unless told: say how long it is, or that it is chunked.
  const framing = w.body ? (w.chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(w.body.length) }) : {};
  return new Promise((resolve, reject) => {
    const connection = w.close ? { connection: "close" } : {};
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: w.method,
        path: w.path,
        headers: { ...framing, ...connection, ...w.headers },
        agent: w.close ? false : agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        const answer = () => ({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        // On a connection of its own, the exchange is over when the connection is.
        res.on("end", () => (w.close ? req.once("close", () => resolve(answer())) : resolve(answer())));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    // Every request is complete when sent, so an answer that does not come is a hang, not a slow client.
    req.setTimeout(ANSWER_WITHIN_MS, () => req.destroy(new Error(`no answer within ${ANSWER_WITHIN_MS / 1000} s`)));
    if (w.body && w.chunked) {
      req.write(w.body);
      req.end();
    } else req.end(w.body);
  });
}

/** The request as a person reads it in a failure report. */
export function describeWire(who: Who, w: WireRequest): string {
  const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
  const headers = Object.entries(w.headers)
    .filter(([k]) => k !== "authorization")
    .map(([k, v]) => `  ${k}: ${clip(v, 200)}`);
  const body = w.body
    ? `\n  body (${w.body.length} bytes${w.chunked ? ", chunked" : ""}${w.close ? ", then the connection closes" : ""}): ${clip(JSON.stringify(w.body.toString("latin1")), 600)}`
    : "";
  return `as ${who}: ${w.method} ${clip(w.path, 300)}${headers.length ? `\n${headers.join("\n")}` : ""}${body}`;
}
