import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../service/config.ts";
import { ExtractError } from "../../service/features/search/extract/extract.ts";
import { createExtractPool } from "../../service/features/search/extract/pool.ts";
import { MB } from "../support/child-service.ts";

// Text extraction throughput: every real file of the test corpus and the demo seed (Word, Excel, PowerPoint,
// ODF, PDF, old .doc, mails with attachments) read `passes` times through the extraction pool, made as the
// service makes it (service/features/search/extraction.ts, from the same configuration), all queued at once
// so its threads never wait for the next file.

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CORPUS = ["test/fixtures/corpus", "service/seed/files"];

export interface ExtractionMeasures {
  files: number;
  bytes: number;
  passes: number;
  threads: number;
  seconds: number;
  /** How the reads ended: text, or refused as the extractors refuse a file (failed, skipped). */
  outcomes: Record<"done" | "failed" | "skipped", number>;
}

export async function measureExtraction(passes = 5): Promise<ExtractionMeasures> {
  const files = CORPUS.flatMap((dir) =>
    fs
      .readdirSync(path.join(REPO, dir))
      .filter((name) => !/^(SOURCES\.tsv|README\.md)$/.test(name))
      .map((name) => ({ name, bytes: fs.readFileSync(path.join(REPO, dir, name)) })),
  );
  const { timeoutMs, memoryMb, workers } = loadConfig({}).extraction;
  // The pool's own default when the configuration names none (pool.ts).
  const threads = workers ?? Math.max(1, Math.min(2, os.availableParallelism() - 1));
  const pool = createExtractPool({ size: threads, timeoutMs, memoryBudgetMb: memoryMb, heapMb: Math.min(memoryMb, 1024) });
  const outcomes = { done: 0, failed: 0, skipped: 0 };
  const read = (f: (typeof files)[number]) =>
    pool.extract(f.bytes, { filename: f.name, mediaType: "application/octet-stream" }).then(
      () => void outcomes.done++,
      (err) => {
        if (!(err instanceof ExtractError)) throw err;
        outcomes[err.status]++;
      },
    );
  try {
    // One pass not counted: the threads load their extractors (pdf.js and the rest) once.
    await Promise.all(files.map(read));
    for (const k of Object.keys(outcomes) as Array<keyof typeof outcomes>) outcomes[k] = 0;
    const t = performance.now();
    await Promise.all(Array.from({ length: passes }, () => files.map(read)).flat());
    const seconds = (performance.now() - t) / 1000;
    return { files: files.length, bytes: files.reduce((n, f) => n + f.bytes.length, 0), passes, threads, seconds, outcomes };
  } finally {
    await pool.close();
  }
}

export function extractionRows(m: ExtractionMeasures): Array<[string, string, string]> {
  const reads = m.files * m.passes;
  return [
    [
      `text extraction, ${m.files} corpus files × ${m.passes}, pool of ${m.threads}`,
      `${(reads / m.seconds).toFixed(1)} files/s`,
      `${((m.bytes * m.passes) / MB / m.seconds).toFixed(1)} MB/s; ${m.outcomes.done} read, ${m.outcomes.skipped} skipped, ${m.outcomes.failed} failed (as the extractors answer those files); ${m.seconds.toFixed(1)} s`,
    ],
  ];
}
