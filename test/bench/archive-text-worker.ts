import { createHash } from "node:crypto";
import { parentPort, workerData } from "node:worker_threads";
import { danishVocabulary, type KindKey, type TextRequest, type WrittenTexts } from "./archive-text.ts";

// A thread writing documents' texts for the bench archive's generator (archive-text.ts's textWriters), and
// the sha256 of each: the content its current version names.

const vocabulary = danishVocabulary(workerData as Record<KindKey, string[]>);
parentPort!.on("message", ({ id, requests }: { id: number; requests: TextRequest[] }) => {
  const out: WrittenTexts = { texts: [], sha256: [], words: [] };
  for (const request of requests) {
    const { text, words } = vocabulary.write(request);
    out.texts.push(text);
    out.sha256.push(createHash("sha256").update(text, "utf8").digest("hex"));
    out.words.push(words);
  }
  parentPort!.postMessage({ id, ...out });
});
parentPort!.postMessage({ ready: true });
