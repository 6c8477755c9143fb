import { parentPort, workerData } from "node:worker_threads";
import { extractText } from "./extract.ts";
import { ExtractError, type ExtractedText, type ExtractLimits, type ExtractStatus } from "./limits.ts";

// A worker thread of the extraction pool (pool.ts): it reads one file at a time, as long as the pool lives.
// Its JavaScript heap is capped by the thread's resource limits; the buffers a reader allocates (pdf.js
// inflates into typed arrays) are not, so the thread watches its own heap and buffers and tells the pool
// when they pass the budget, and the pool ends it.

export interface ExtractWorkerSetup {
  /** Bytes of JavaScript heap and buffers together that one file may take. */
  memoryBudgetBytes: number;
}

export interface ExtractTask {
  id: number;
  bytes: Uint8Array;
  file: { filename: string; mediaType: string };
  limits?: Partial<ExtractLimits>;
}

export type ExtractAnswer =
  | { kind: "ready" }
  | { kind: "done"; id: number; result: ExtractedText }
  | { kind: "refused"; id: number; status: ExtractStatus; reason: string }
  | { kind: "over-memory"; id: number; bytes: number };

const port = parentPort!;
const { memoryBudgetBytes } = workerData as ExtractWorkerSetup;
const post = (answer: ExtractAnswer) => port.postMessage(answer);

// Between the steps of a reader (pdf.js yields to the event loop as it parses a page), often enough that a
// stream inflating at a gigabyte a second is caught within a few tens of megabytes.
const MEMORY_CHECK_MS = 20;

let current: { id: number; reported: boolean } | undefined;

setInterval(() => {
  if (!current || current.reported) return;
  // In a worker thread these are its own isolate's: its heap, and the buffers (external) it holds.
  const { heapUsed, external } = process.memoryUsage();
  if (heapUsed + external <= memoryBudgetBytes) return;
  current.reported = true;
  post({ kind: "over-memory", id: current.id, bytes: heapUsed + external });
}, MEMORY_CHECK_MS).unref();

port.on("message", async (task: ExtractTask) => {
  current = { id: task.id, reported: false };
  try {
    const bytes = Buffer.from(task.bytes.buffer, task.bytes.byteOffset, task.bytes.byteLength);
    post({ kind: "done", id: task.id, result: await extractText(bytes, task.file, task.limits) });
  } catch (error) {
    if (error instanceof ExtractError) post({ kind: "refused", id: task.id, status: error.status, reason: error.reason });
    else post({ kind: "refused", id: task.id, status: "failed", reason: `the extractor failed: ${error instanceof Error ? error.message : String(error)}` });
  } finally {
    current = undefined;
  }
});

post({ kind: "ready" });
