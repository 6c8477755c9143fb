import { createRequire } from "node:module";
import os from "node:os";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { ExtractAnswer, ExtractTask, ExtractWorkerSetup } from "./extract-worker.ts";
import { ExtractError, type ExtractedText, type ExtractLimits } from "./limits.ts";

// Reads files in long-lived worker threads, so that a hostile file costs a thread, never the service. Each
// file is bounded in time (the thread is ended when it takes too long), in JavaScript heap (the thread's
// resource limits) and in memory as a whole. A heap limit does not count buffers, and pdf.js inflates
// streams into typed arrays, so two watches bound those: each thread reports when its own heap and buffers
// pass the budget, and the pool samples the process's resident memory, which catches what grows between a
// thread's checks. A process-wide sample cannot say which of several busy threads grew, so all of them are
// ended and each file is read again alone: only a file over the budget on its own is marked failed.

export interface ExtractPoolOptions {
  /** Worker threads; by default one less than the processors, at least 1 and at most 2. */
  size?: number;
  /** Each thread's JavaScript heap (old generation), in MiB. */
  heapMb?: number;
  /** How long one file may take to read, in milliseconds. */
  timeoutMs?: number;
  /** Memory, heap and buffers, that the pool's reading may take over the process's own, in MiB: per file, and all threads together. */
  memoryBudgetMb?: number;
}

export interface ExtractPool {
  /** The file's text, read in a worker thread; rejects with ExtractError for the file, with Error when the pool cannot read at all. */
  extract(bytes: Buffer, file: { filename: string; mediaType: string }, limits?: Partial<ExtractLimits>): Promise<ExtractedText>;
  /** Ends every thread; what was waiting or being read is rejected. */
  close(): Promise<void>;
}

export const DEFAULT_POOL_OPTIONS = { heapMb: 256, timeoutMs: 60_000, memoryBudgetMb: 512 };

const defaultSize = (): number => Math.max(1, Math.min(2, os.availableParallelism() - 1));

// The pool's own look at the process's memory, between the threads' looks at their own.
const RSS_SAMPLE_MS = 25;
const MiB = 1024 * 1024;

const require = createRequire(import.meta.url);
const entry = new URL("./extract-worker.ts", import.meta.url).href;
// tsx's ESM API (its "./esm/api" import condition), found from its package.json, which works from ESM and CJS alike.
const tsx = new URL("./dist/esm/api/index.mjs", pathToFileURL(require.resolve("tsx/package.json"))).href;
// pdf.js (3 MB of JavaScript) is loaded before tsx is registered: loaded through tsx's loader, one thread
// held some 400 MiB instead of 90. The TypeScript that imports it later finds it loaded.
const preloaded = ["pdfjs-dist/legacy/build/pdf.mjs", "pdfjs-dist/legacy/build/pdf.worker.mjs"].map(
  (specifier) => pathToFileURL(require.resolve(specifier)).href,
);
// The thread runs TypeScript as the service does (tsx), registered before the entry is imported.
const boot =
  `Promise.all(${JSON.stringify(preloaded)}.map((url) => import(url)))` +
  `.then(() => import(${JSON.stringify(tsx)}))` +
  `.then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;

interface Job {
  id: number;
  bytes: Buffer;
  file: { filename: string; mediaType: string };
  limits?: Partial<ExtractLimits>;
  resolve: (text: ExtractedText) => void;
  reject: (error: Error) => void;
  /** Ended once beside other files for the process's memory: read again with no other file beside it. */
  alone: boolean;
}

/** One worker thread and the file it is reading. */
interface Lane {
  worker: Worker;
  ready: boolean;
  /** The process's resident memory when the thread was started, to tell its own start-up from the files' growth. */
  rssAtSpawn: number;
  job?: Job;
  timer?: NodeJS.Timeout;
  /** The thread's last error event, which says why it stopped when it stops by itself. */
  error?: Error;
}

export function createExtractPool(options: ExtractPoolOptions = {}): ExtractPool {
  const size = Math.max(1, options.size ?? defaultSize());
  const { heapMb, timeoutMs, memoryBudgetMb } = { ...DEFAULT_POOL_OPTIONS, ...withoutUndefined(options) };
  const budgetBytes = memoryBudgetMb * MiB;
  const setup: ExtractWorkerSetup = { memoryBudgetBytes: budgetBytes };
  const overMemory = () => new ExtractError("failed", `needed more than ${memoryBudgetMb} MiB of memory`);
  const overHeap = () => new ExtractError("failed", `needed more than ${heapMb} MiB of JavaScript heap`);
  const tooSlow = () => new ExtractError("failed", `took longer than ${timeoutMs / 1000} s`);

  const lanes: Lane[] = [];
  const queue: Job[] = [];
  const stopping = new Set<Promise<number>>();
  let nextId = 1;
  let closed = false;
  /** The process's resident memory before the threads began the files they are reading; the lowest seen since. */
  let baseline: number | undefined;

  const busy = () => lanes.filter((lane): lane is Lane & { job: Job } => lane.job !== undefined);

  function spawn(): void {
    const worker = new Worker(boot, {
      eval: true,
      workerData: setup,
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: Math.min(32, Math.max(4, Math.floor(heapMb / 8))) },
    });
    // An idle thread keeps no process alive; one reading a file does, until the file is read.
    worker.unref();
    const lane: Lane = { worker, ready: false, rssAtSpawn: process.memoryUsage.rss() };
    lanes.push(lane);
    worker.on("message", (answer: ExtractAnswer) => answered(lane, answer));
    worker.on("error", (error) => (lane.error = error));
    worker.on("exit", (code) => exited(lane, code));
  }

  function answered(lane: Lane, answer: ExtractAnswer): void {
    if (answer.kind === "ready") {
      lane.ready = true;
      // A thread starting while files are read takes some 90 MiB of its own: not theirs to answer for.
      if (busy().length > 0 && baseline !== undefined) baseline += Math.max(0, process.memoryUsage.rss() - lane.rssAtSpawn);
      pump();
      return;
    }
    const job = lane.job;
    if (!job || job.id !== answer.id) return;
    if (answer.kind === "over-memory") return stop(lane, { fail: overMemory() });
    finish(lane);
    if (answer.kind === "done") job.resolve(answer.result);
    else job.reject(new ExtractError(answer.status, answer.reason));
    pump();
  }

  /** The lane has no file any more: its timer is stopped and it keeps the process alive no longer. */
  function finish(lane: Lane): void {
    clearTimeout(lane.timer);
    lane.job = undefined;
    lane.worker.unref();
  }

  /** Ends a lane's thread and settles its file: failed, or back to the front of the queue to be read alone. */
  function stop(lane: Lane, outcome: { fail: ExtractError } | { again: true }): void {
    const job = lane.job;
    finish(lane);
    lanes.splice(lanes.indexOf(lane), 1);
    const stopped = lane.worker.terminate();
    stopping.add(stopped);
    void stopped.finally(() => stopping.delete(stopped));
    if (job && "fail" in outcome) job.reject(outcome.fail);
    if (job && "again" in outcome) queue.unshift({ ...job, alone: true });
    pump();
  }

  function exited(lane: Lane, code: number): void {
    if (!lanes.includes(lane)) return;
    const job = lane.job;
    finish(lane);
    lanes.splice(lanes.indexOf(lane), 1);
    const why = lane.error?.message ?? `exit code ${code}`;
    if (job)
      job.reject(
        (lane.error as { code?: string } | undefined)?.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? overHeap()
          : new ExtractError("failed", `the extractor stopped: ${why}`),
      );
    // A thread that stops before it is ready will not start the next time either: the files waiting are not to blame.
    if (!lane.ready) for (const waiting of queue.splice(0)) waiting.reject(new Error(`the extraction thread did not start: ${why}`));
    pump();
  }

  function start(lane: Lane, job: Job): void {
    if (busy().length === 0) baseline = process.memoryUsage.rss();
    lane.job = job;
    lane.worker.ref();
    lane.timer = setTimeout(() => stop(lane, { fail: tooSlow() }), timeoutMs);
    // A copy of exactly the file's bytes, handed over: a Buffer is often a view of a larger shared one.
    const bytes = new Uint8Array(job.bytes);
    lane.worker.postMessage({ id: job.id, bytes, file: job.file, limits: job.limits } satisfies ExtractTask, [bytes.buffer]);
  }

  /** Starts what can start: in queue order, and a file to be read alone only when no other is being read. */
  function pump(): void {
    while (!closed && queue.length > 0) {
      const running = busy();
      if (running.some((lane) => lane.job.alone) || (queue[0].alone && running.length > 0)) return;
      const idle = lanes.filter((lane) => !lane.job);
      const lane = idle.find((l) => l.ready);
      if (!lane) {
        const wanted = queue[0].alone ? 1 : queue.length;
        if (lanes.length >= size || idle.length >= wanted) return;
        spawn();
        continue;
      }
      start(lane, queue.shift()!);
    }
  }

  const watch = setInterval(() => {
    const running = busy();
    if (running.length === 0 || baseline === undefined) return;
    const rss = process.memoryUsage.rss();
    // The lowest seen: memory a just-ended thread still held when the files began is not counted for them.
    baseline = Math.min(baseline, rss);
    if (rss - baseline <= budgetBytes) return;
    for (const lane of running) stop(lane, running.length === 1 || lane.job.alone ? { fail: overMemory() } : { again: true });
  }, RSS_SAMPLE_MS);
  watch.unref();

  return {
    extract(bytes, file, limits) {
      if (closed) return Promise.reject(new Error("the extraction pool is closed"));
      return new Promise<ExtractedText>((resolve, reject) => {
        queue.push({ id: nextId++, bytes, file, limits, resolve, reject, alone: false });
        pump();
      });
    },
    async close() {
      closed = true;
      clearInterval(watch);
      const closing = new Error("the extraction pool is closed");
      for (const job of queue.splice(0)) job.reject(closing);
      for (const lane of lanes.splice(0)) {
        lane.job?.reject(closing);
        finish(lane);
        stopping.add(lane.worker.terminate());
      }
      await Promise.all(stopping);
    },
  };
}

function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
