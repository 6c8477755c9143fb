import { createRequire } from "node:module";
import path from "node:path";
import zlib from "node:zlib";
import type { PDFDocumentProxy, TextContent } from "pdfjs-dist/types/src/display/api.js";
import { BoundedText, ExtractError, mebibytes, spend, type ExtractedText, type ExtractLimits, type InflateBudget } from "./limits.ts";

// A PDF's text through pdf.js, which runs its own "worker" on this thread (the extraction pool already runs
// this in a worker thread of ours). pdf.js inflates streams into typed arrays that no heap limit counts, so the
// streams it would inflate are first inflated here, counted and thrown away, against the inflate budget.

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
let pdfjs: Promise<PdfJs> | undefined;

/**
 * pdf.js with its "worker" on this thread, loaded at the first PDF: a process that only names the extractors
 * (the service, for ExtractError) does not hold pdf.js's 3 MB of JavaScript. The pool's threads load it as they start.
 */
function loadPdfJs(): Promise<PdfJs> {
  // A plain string: the worker build ships no typings, and none are needed of it.
  const worker: string = "pdfjs-dist/legacy/build/pdf.worker.mjs";
  pdfjs ??= import(worker).then((handler) => {
    (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = handler;
    return import("pdfjs-dist/legacy/build/pdf.mjs");
  });
  return pdfjs;
}

// The character maps pdf.js needs to read CID-keyed (Chinese, Japanese, Korean) text; read from disk, never fetched.
const CMAPS = path.join(path.dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json")), "cmaps") + path.sep;

const pdfBomb = (limits: ExtractLimits): ExtractError => new ExtractError("failed", `PDF bomb: its streams inflate past ${mebibytes(limits.maxInflatedBytes)}`);

/** The text of a PDF, page by page, up to limits.maxPages pages and limits.maxChars characters. */
export async function extractPdf(bytes: Buffer, limits: ExtractLimits, budget: InflateBudget): Promise<ExtractedText> {
  await spendOnStreams(bytes, budget, limits);
  const { getDocument, VerbosityLevel } = await loadPdfJs();
  const loading = getDocument({
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    cMapUrl: CMAPS,
    verbosity: VerbosityLevel.ERRORS,
  });
  let pdf: PDFDocumentProxy;
  try {
    pdf = await loading.promise;
  } catch (error) {
    await loading.destroy();
    throw refusalOf(error);
  }
  try {
    const text = new BoundedText(limits.maxChars);
    const pages = Math.min(pdf.numPages, limits.maxPages);
    for (let n = 1; n <= pages && !text.full; n++) {
      const page = await pdf.getPage(n);
      await readPage(page.streamTextContent() as ReadableStream<TextContent>, text);
      page.cleanup();
      text.add("\n\n");
    }
    const result = text.result();
    return { text: result.text, truncated: result.truncated || pdf.numPages > pages };
  } catch (error) {
    throw refusalOf(error);
  } finally {
    await pdf.destroy();
  }
}

async function readPage(stream: ReadableStream<TextContent>, text: BoundedText): Promise<void> {
  const reader = stream.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    for (const item of chunk.value.items) {
      if (!("str" in item)) continue;
      text.add(item.str);
      if (item.hasEOL) text.add("\n");
    }
    // pdf.js stops evaluating the page once its reader is cancelled.
    if (text.full) return reader.cancel(new Error("enough text"));
  }
}

/** pdf.js errors arrive rebuilt from its worker's messages: their name says what they were. */
function refusalOf(error: unknown): ExtractError {
  if (error instanceof ExtractError) return error;
  const name = error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : String(error);
  if (name === "PasswordException") return new ExtractError("skipped", "encrypted", { cause: error });
  return new ExtractError("failed", `damaged PDF: ${message}`, { cause: error });
}

// What a stream's dictionary says about it, read from the text between "obj" and "stream".
const IMAGE_OR_FILE = /\/Subtype\s*\/Image\b|\/Type\s*\/EmbeddedFile\b/;
const FILTERS = /\/Filter\s*(\[[^\]]*\]|\/[A-Za-z0-9]+)/;
const FLATE = new Set(["FlateDecode", "Fl"]);

/**
 * Inflates, and counts against the budget, every Flate-compressed stream pdf.js would inflate to read text:
 * all but pictures and embedded files, each through its leading FlateDecode filters. A stream whose filters
 * come in another order is not counted here; the extraction pool's memory bound is what stops that one.
 */
async function spendOnStreams(bytes: Buffer, budget: InflateBudget, limits: ExtractLimits): Promise<void> {
  for (let at = bytes.indexOf("stream"); at !== -1; at = bytes.indexOf("stream", at + 6)) {
    if (bytes.toString("latin1", Math.max(0, at - 3), at) === "end") continue;
    const start = streamDataStart(bytes, at + 6);
    if (start === undefined) continue;
    const dictionary = bytes.toString("latin1", dictionaryStart(bytes, at), at);
    if (IMAGE_OR_FILE.test(dictionary)) continue;
    const filters = (FILTERS.exec(dictionary)?.[1] ?? "").match(/[A-Za-z0-9]+/g) ?? [];
    const inflations = filters.findIndex((filter) => !FLATE.has(filter));
    const layers = inflations === -1 ? filters.length : inflations;
    if (layers === 0) continue;
    const end = bytes.indexOf("endstream", start);
    const data = bytes.subarray(start, end === -1 ? bytes.length : end);
    spend(budget, await inflatedSize(data, layers, budget.remaining + 1), () => pdfBomb(limits));
  }
}

/** Where a stream's data begins: after "stream" and its end of line (CRLF or LF, and a lone CR as pdf.js allows). */
function streamDataStart(bytes: Buffer, afterKeyword: number): number | undefined {
  if (bytes[afterKeyword] === 0x0d) return bytes[afterKeyword + 1] === 0x0a ? afterKeyword + 2 : afterKeyword + 1;
  if (bytes[afterKeyword] === 0x0a) return afterKeyword + 1;
  return undefined;
}

// A dictionary is rarely longer than this; a longer one is read from its last 64 KB, where /Filter still is in practice.
const MAX_DICTIONARY = 64 * 1024;

function dictionaryStart(bytes: Buffer, streamKeyword: number): number {
  const from = Math.max(0, streamKeyword - MAX_DICTIONARY);
  const obj = bytes.lastIndexOf("obj", streamKeyword);
  return obj >= from ? obj : from;
}

/** How many bytes `data` inflates to through `layers` Flate filters, stopping once past `limit`; damaged data counts what came out. */
function inflatedSize(data: Buffer, layers: number, limit: number): Promise<number> {
  return new Promise((resolve) => {
    const inflaters = Array.from({ length: layers }, () => zlib.createInflate({ finishFlush: zlib.constants.Z_SYNC_FLUSH, chunkSize: 1024 * 1024 }));
    for (let i = 0; i + 1 < layers; i++) inflaters[i].pipe(inflaters[i + 1]);
    const last = inflaters[layers - 1];
    let size = 0;
    const stop = () => {
      for (const inflater of inflaters) inflater.destroy();
      resolve(size);
    };
    last.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) stop();
    });
    last.on("end", stop);
    for (const inflater of inflaters) inflater.on("error", stop);
    inflaters[0].end(data);
  });
}
