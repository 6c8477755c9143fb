import { createCipheriv, createHash, randomUUID, type Hash } from "node:crypto";
import http, { type IncomingHttpHeaders } from "node:http";

// Content and clients for tests that push real volumes through a running service: the bytes are
// generated as they are sent, so neither the test nor the service ever holds a whole file.

const CHUNK = 256 * 1024;
const BLOCK = 16;

/** Deterministic pseudo-random content of any size (AES-256-CTR over zeros), readable from any offset. */
export class GeneratedContent {
  private readonly key: Buffer;
  constructor(
    readonly size: number,
    seed: string,
  ) {
    this.key = createHash("sha256").update(seed).digest();
  }

  /** The bytes from `start` to `end`, in chunks of at most 256 KB. */
  async *chunks(start = 0, end = this.size): AsyncGenerator<Buffer> {
    const firstBlock = Math.floor(start / BLOCK);
    const iv = Buffer.alloc(16);
    iv.writeBigUInt64BE(BigInt(firstBlock), 8);
    const cipher = createCipheriv("aes-256-ctr", this.key, iv);
    let skip = start - firstBlock * BLOCK;
    const zeros = Buffer.alloc(CHUNK);
    for (let at = start; at < end;) {
      const take = Math.min(CHUNK - skip, end - at);
      const out = cipher.update(zeros.subarray(0, take + skip)).subarray(skip);
      skip = 0;
      at += out.length;
      yield out;
    }
  }

  /** sha256 of the whole content, generated once more. */
  async sha256(): Promise<string> {
    const hash = createHash("sha256");
    for await (const c of this.chunks()) hash.update(c);
    return hash.digest("hex");
  }
}

/** Passes chunks on, adding each to `hash` as it goes out. */
export async function* hashing(chunks: AsyncIterable<Buffer>, hash: Hash): AsyncGenerator<Buffer> {
  for await (const c of chunks) {
    hash.update(c);
    yield c;
  }
}

export interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json(): any;
}

export interface SendOptions {
  method?: string;
  token?: string;
  headers?: Record<string, string | number>;
  /** JSON to send, or a body to stream (then give Content-Length in headers, or it goes chunked). */
  json?: unknown;
  body?: Buffer | AsyncIterable<Buffer>;
  /** Receives the response body instead of it being collected (downloads). */
  sink?: (chunk: Buffer) => void;
  /** Aborting it cuts the connection, like a client that goes away mid-upload. */
  signal?: AbortSignal;
}

export const keepAlive = new http.Agent({ keepAlive: true });

/**
 * One HTTP request over a keep-alive agent. A response that arrives before the body is fully sent (413,
 * an idempotent replay) is returned, and the rest of the body is dropped.
 */
export function send(url: string, opts: SendOptions = {}): Promise<HttpReply> {
  const headers: Record<string, string | number> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body = opts.body;
  if (opts.json !== undefined) {
    body = Buffer.from(JSON.stringify(opts.json));
    headers["content-type"] = "application/json";
  }
  if (Buffer.isBuffer(body)) headers["content-length"] = body.length;
  return new Promise((resolve, reject) => {
    let answered = false;
    let sent = false;
    const req = http.request(url, { method: opts.method ?? "GET", headers, agent: keepAlive, signal: opts.signal }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => (opts.sink ? opts.sink(c) : parts.push(c)));
      res.on("end", () => {
        // A connection whose request body was cut short cannot carry another request.
        if (!sent) req.destroy();
        const buf = Buffer.concat(parts);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buf, json: () => JSON.parse(buf.toString("utf8")) });
      });
      res.on("close", () => {
        if (!res.complete) reject(new Error(`${opts.method ?? "GET"} ${url}: the response was cut off`));
      });
    });
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    if (body === undefined || Buffer.isBuffer(body)) {
      sent = true;
      return void req.end(body);
    }
    const chunks = body;
    void (async () => {
      try {
        for await (const c of chunks) {
          if (answered || req.destroyed) return;
          if (!req.write(c)) await drained(req);
        }
        sent = true;
        req.end();
      } catch (err) {
        req.destroy(err as Error);
      }
    })();
  });
}

function drained(req: http.ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off("drain", done);
      req.off("close", done);
      resolve();
    };
    req.on("drain", done);
    req.on("close", done);
  });
}

export interface NewDocumentMetadata {
  documentTypeId: string;
  caseId?: string;
  title?: string;
}

export interface SaveOptions {
  token: string;
  filename?: string;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** POST /api/documents as multipart/form-data, the file part streamed from `content`. */
export function saveMultipart(
  base: string,
  metadata: NewDocumentMetadata,
  content: AsyncIterable<Buffer> | Iterable<Buffer>,
  size: number,
  opts: SaveOptions,
): Promise<HttpReply> {
  const boundary = `----ims-${randomUUID()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(metadata)}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${opts.filename ?? "content.bin"}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const headers: Record<string, string | number> = {
    "content-type": `multipart/form-data; boundary=${boundary}`,
    "content-length": head.length + size + tail.length,
  };
  if (opts.idempotencyKey) headers["idempotency-key"] = opts.idempotencyKey;
  async function* body() {
    yield head;
    yield* content;
    yield tail;
  }
  return send(`${base}/api/documents`, { method: "POST", token: opts.token, headers, body: body(), signal: opts.signal });
}

const TUS = { "tus-resumable": "1.0.0" };

/** A minimal tus 1.0 client: create, resume (HEAD), and PATCH slices. */
export const tus = {
  async create(base: string, token: string, size: number, filename: string): Promise<HttpReply & { id?: string }> {
    const meta = `filename ${Buffer.from(filename).toString("base64")},filetype ${Buffer.from("application/octet-stream").toString("base64")}`;
    const reply = await send(`${base}/api/uploads`, { method: "POST", token, headers: { ...TUS, "upload-length": size, "upload-metadata": meta } });
    const location = reply.headers.location;
    return { ...reply, id: location ? location.split("/").pop() : undefined };
  },

  /** The upload's current offset, or undefined when the service does not know it. */
  async offset(base: string, token: string, id: string): Promise<number | undefined> {
    const reply = await send(`${base}/api/uploads/${id}`, { method: "HEAD", token, headers: TUS });
    return reply.status === 200 ? Number(reply.headers["upload-offset"]) : undefined;
  },

  patch(base: string, token: string, id: string, offset: number, slice: AsyncIterable<Buffer>, length: number, signal?: AbortSignal): Promise<HttpReply> {
    return send(`${base}/api/uploads/${id}`, {
      method: "PATCH",
      token,
      headers: { ...TUS, "upload-offset": offset, "content-type": "application/offset+octet-stream", "content-length": length },
      body: slice,
      signal,
    });
  },

  /** Sends bytes `from`…`size` in slices, each read from `source`; stops at the first refused slice and returns it. */
  async upload(base: string, token: string, id: string, size: number, from: number, sliceBytes: number, source: ContentSource): Promise<HttpReply | undefined> {
    for (let at = from; at < size; at += sliceBytes) {
      const end = Math.min(at + sliceBytes, size);
      const reply = await tus.patch(base, token, id, at, source(at, end), end - at);
      if (reply.status !== 204) return reply;
    }
    return undefined;
  },
};

/** Where the bytes from `start` to `end` of an upload come from. */
export type ContentSource = (start: number, end: number) => AsyncIterable<Buffer>;

/** Saves content through a resumable upload in slices, then POST /api/documents {upload}. */
export async function saveViaTus(
  base: string,
  metadata: NewDocumentMetadata,
  size: number,
  source: ContentSource,
  opts: SaveOptions & { sliceBytes: number },
): Promise<HttpReply> {
  const created = await tus.create(base, opts.token, size, opts.filename ?? "content.bin");
  if (created.status !== 201 || !created.id) return created;
  const refused = await tus.upload(base, opts.token, created.id, size, 0, opts.sliceBytes, source);
  if (refused) return refused;
  return saveUpload(base, metadata, created.id, opts);
}

/** POST /api/documents naming a finished resumable upload. */
export function saveUpload(base: string, metadata: NewDocumentMetadata, upload: string, opts: SaveOptions): Promise<HttpReply> {
  const headers: Record<string, string> = opts.idempotencyKey ? { "idempotency-key": opts.idempotencyKey } : {};
  return send(`${base}/api/documents`, { method: "POST", token: opts.token, headers, json: { ...metadata, upload } });
}

/** Downloads a document's content, hashing it as it streams in. */
export async function downloadSha256(base: string, token: string, documentId: string): Promise<{ status: number; sha256: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  const reply = await send(`${base}/api/documents/${documentId}/content`, {
    token,
    sink: (c) => {
      size += c.length;
      hash.update(c);
    },
  });
  return { status: reply.status, sha256: hash.digest("hex"), size };
}
