import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { MailBody } from "./mail-body.ts";
import type { ParseAnswer, ParseRequest } from "./parse-worker.ts";
import type { ParsedMail, ParsedPart, ReadLimits } from "./parsed-mail.ts";
import type { MailFormat } from "./read-mail.ts";

// Reads a mail in a worker thread, bounded in time and in JavaScript heap; the bytes it may decode are
// bounded by the reader's own limits (ReadLimits.maxBytes), since a heap limit does not count Buffers.

export interface ParseBudget {
  timeoutMs: number;
  heapMb: number;
}

export class MailParseFailed extends Error {}

const entry = new URL("./parse-worker.ts", import.meta.url).href;
// tsx's ESM API (its "./esm/api" import condition), found from its package.json, which works from ESM and CJS alike.
const tsx = new URL("./dist/esm/api/index.mjs", pathToFileURL(createRequire(import.meta.url).resolve("tsx/package.json"))).href;
// The worker runs TypeScript as the service does (tsx), registered before the entry is imported.
const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;

/** Buffers arrive from a worker as plain Uint8Arrays; the rest of the service expects Buffers. */
function revive(mail: ParsedMail): ParsedMail {
  const part = (p: ParsedPart): ParsedPart => ({
    ...p,
    content: Buffer.from(p.content.buffer, p.content.byteOffset, p.content.byteLength),
    ...(p.message ? { message: revive(p.message) } : {}),
  });
  return { ...mail, parts: mail.parts.map(part) };
}

export function parseInWorker(content: Buffer, format: MailFormat, limits: ReadLimits, budget: ParseBudget): Promise<{ mail: ParsedMail; body: MailBody }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(boot, { eval: true, resourceLimits: { maxOldGenerationSizeMb: budget.heapMb } });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      fn();
    };
    const timer = setTimeout(
      () => settle(() => reject(new MailParseFailed(`reading the mail took longer than ${budget.timeoutMs / 1000} s`))),
      budget.timeoutMs,
    );
    worker.on("message", (answer: ParseAnswer) =>
      settle(() =>
        "mail" in answer
          ? resolve({ mail: revive(answer.mail), body: answer.body })
          : reject(new MailParseFailed(`the mail could not be read: ${answer.error}`)),
      ),
    );
    worker.on("error", (err) =>
      settle(() => reject(new MailParseFailed(/heap|memory/i.test(err.message) ? "reading the mail needed more memory than allowed" : err.message))),
    );
    worker.on("exit", (code) => settle(() => reject(new MailParseFailed(`the mail reader stopped (exit ${code})`))));
    worker.postMessage({ content, format, limits } satisfies ParseRequest);
  });
}
