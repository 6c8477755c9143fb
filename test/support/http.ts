import { createHash } from "node:crypto";
import http from "node:http";
import type { Response } from "superagent";

/** Collects a response body as raw bytes; use with supertest's `.buffer(true).parse(binary)`. */
export function binary(res: Response, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on("data", (c: Buffer) => chunks.push(c));
  stream.on("end", () => cb(null, Buffer.concat(chunks)));
}

export const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

export const bearer = { type: "bearer" } as const;

// A tiny tus 1.0.0 client: enough of the protocol to drive the service the way the add-ins do.

const TUS = { "Tus-Resumable": "1.0.0" };
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

export interface TusClient {
  /** POST creation; returns the upload's URL and id. */
  create(length: number, filename: string, filetype?: string): Promise<{ url: string; id: string; res: globalThis.Response }>;
  /** PATCH one slice at `offset`. */
  patch(url: string, offset: number, slice: Buffer): Promise<globalThis.Response>;
  head(url: string): Promise<globalThis.Response>;
  options(): Promise<globalThis.Response>;
  terminate(url: string): Promise<globalThis.Response>;
  /** Creates an upload and sends `content` in slices of `sliceSize`; returns the upload id. */
  upload(content: Buffer, filename: string, filetype: string, sliceSize?: number): Promise<string>;
  /**
   * Starts a PATCH that promises `declared` bytes but only sends `part`, then lets the test cut the
   * connection — a client losing its network mid-slice.
   */
  startPatch(url: string, offset: number, declared: number, part: Buffer): { cut(): void; done: Promise<void> };
}

export function tusClient(baseUrl: string, token: string): TusClient {
  const auth = { Authorization: `Bearer ${token}` };
  const abs = (url: string) => new URL(url, baseUrl).toString();
  const client: TusClient = {
    async create(length, filename, filetype) {
      const metadata = [`filename ${b64(filename)}`, ...(filetype ? [`filetype ${b64(filetype)}`] : [])].join(",");
      const res = await fetch(abs("/api/uploads"), {
        method: "POST",
        headers: { ...TUS, ...auth, "Upload-Length": String(length), "Upload-Metadata": metadata },
      });
      const location = res.headers.get("location") ?? "";
      return { url: abs(location), id: location.split("/").pop() ?? "", res };
    },
    patch: (url, offset, slice) =>
      fetch(abs(url), {
        method: "PATCH",
        headers: { ...TUS, ...auth, "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream" },
        body: new Uint8Array(slice),
      }),
    head: (url) => fetch(abs(url), { method: "HEAD", headers: { ...TUS, ...auth } }),
    options: () => fetch(abs("/api/uploads"), { method: "OPTIONS", headers: { ...auth } }),
    terminate: (url) => fetch(abs(url), { method: "DELETE", headers: { ...TUS, ...auth } }),
    async upload(content, filename, filetype, sliceSize = 256 * 1024) {
      const { url, id, res } = await client.create(content.length, filename, filetype);
      if (res.status !== 201) throw new Error(`tus creation answered ${res.status}: ${await res.text()}`);
      for (let offset = 0; offset < content.length; offset += sliceSize) {
        const r = await client.patch(url, offset, content.subarray(offset, offset + sliceSize));
        if (r.status !== 204) throw new Error(`tus PATCH at ${offset} answered ${r.status}: ${await r.text()}`);
      }
      return id;
    },
    startPatch(url, offset, declared, part) {
      const req = http.request(abs(url), {
        method: "PATCH",
        headers: {
          ...TUS,
          ...auth,
          "Upload-Offset": String(offset),
          "Content-Type": "application/offset+octet-stream",
          "Content-Length": String(declared),
        },
      });
      const done = new Promise<void>((resolve) => {
        req.on("error", () => resolve());
        req.on("close", () => resolve());
        req.on("response", (res) => res.resume());
      });
      req.write(part);
      return { cut: () => req.destroy(), done };
    },
  };
  return client;
}
