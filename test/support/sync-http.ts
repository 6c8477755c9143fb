import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";

// Synchronous HTTP for fakes of synchronous APIs (Apps Script's UrlFetchApp): a worker thread makes the
// request while the calling thread waits on a SharedArrayBuffer with Atomics.wait, then takes the answer
// off a MessagePort. While it waits the calling thread's event loop stands still, so the server it talks
// to must run on another thread or in another process.

export interface SyncHttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

export interface SyncHttpResponse {
  status: number;
  /** Header names in lower case, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** The request never got an answer (refused, reset, timed out), with the system's reason. */
export class SyncHttpError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = "SyncHttpError";
  }
}

const WORKER = `
const { parentPort } = require("node:worker_threads");
const http = require("node:http");
const https = require("node:https");
parentPort.on("message", ({ request, port, signal, timeoutMs }) => {
  let answered = false;
  const answer = (result) => {
    if (answered) return;
    answered = true;
    port.postMessage(result);
    port.close();
    const flag = new Int32Array(signal);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  try {
    const url = new URL(request.url);
    const req = (url.protocol === "https:" ? https : http).request(url, { method: request.method, headers: request.headers, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => answer({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", (e) => answer({ error: e.message, code: e.code }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error("timed out after " + timeoutMs + " ms"), { code: "ETIMEDOUT" })));
    req.on("error", (e) => answer({ error: e.message, code: e.code }));
    req.end(request.body ? Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength) : undefined);
  } catch (e) {
    answer({ error: String(e && e.message || e), code: e && e.code });
  }
});
`;

export interface SyncHttpClient {
  /** Sends the request and blocks this thread until the answer is complete. */
  request(request: SyncHttpRequest): SyncHttpResponse;
  close(): Promise<void>;
}

export function syncHttpClient(options: { timeoutMs?: number } = {}): SyncHttpClient {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const worker = new Worker(WORKER, { eval: true });
  worker.unref();
  return {
    request(request) {
      const signal = new SharedArrayBuffer(4);
      const { port1, port2 } = new MessageChannel();
      try {
        worker.postMessage({ request, port: port2, signal, timeoutMs }, [port2]);
        if (Atomics.wait(new Int32Array(signal), 0, 0, timeoutMs + 5_000) === "timed-out")
          throw new SyncHttpError(`no answer from ${request.url}`, "ETIMEDOUT");
        const received = receiveMessageOnPort(port1)?.message as (SyncHttpResponse & { error?: undefined }) | { error: string; code?: string } | undefined;
        if (!received) throw new SyncHttpError(`the HTTP worker sent nothing for ${request.url}`, undefined);
        if (received.error !== undefined) throw new SyncHttpError(received.error, received.code);
        const ok = received as SyncHttpResponse;
        return { status: ok.status, headers: ok.headers, body: Buffer.from(ok.body.buffer, ok.body.byteOffset, ok.body.byteLength) };
      } finally {
        port1.close();
      }
    },
    async close() {
      await worker.terminate();
    },
  };
}
