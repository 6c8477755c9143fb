import { cleanTitle, safeFileName } from "../../../shared/flow/safe-names.ts";
import { defaultRetry, titleFromFileName, type Capture, type ContentSource, type RetryPolicy } from "../../../shared/index.ts";
import { wait } from "../../../shared/platform.ts";

// Files a person drops or picks in the browser, as the shared save flow wants them: a capture that
// describes the file and a source its bytes are read from, slice by slice.

/** Slices of 1 MiB: fetch reports no upload progress, so the bar moves once a slice; a cut connection costs at most one. */
export const BROWSER_CHUNK = 1024 * 1024;

const MAIL_TYPES: Record<string, string> = { eml: "message/rfc822", msg: "application/vnd.ms-outlook" };

const extensionOf = (name: string) => /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? "";

/** Whether the file is a saved mail (.eml, .msg): the service reads it as one. */
export const isMailFile = (file: File): boolean => extensionOf(file.name) in MAIL_TYPES || file.type === "message/rfc822";

/** The file's media type as the browser knows it; browsers often know none for .msg. */
export function mediaTypeOf(file: File): string {
  return MAIL_TYPES[extensionOf(file.name)] ?? (file.type || "application/octet-stream");
}

/** The file's name as the page shows it: without bidi overrides or controls that could make "fdp.exe" read as "exe.pdf". */
export const shownName = (file: File): string => safeFileName(file.name);

/**
 * What the shared save flow knows of a dropped file: its name, type and size, the title made from its name.
 * The name goes to the service as it was (the service makes it safe and keeps the original).
 */
export function captureOf(file: File, existing?: { documentId: string; etag: string }): Capture {
  return {
    kind: isMailFile(file) ? "mail" : "document",
    title: cleanTitle(titleFromFileName(shownName(file))),
    filename: file.name,
    mediaType: mediaTypeOf(file),
    size: file.size,
    attachments: [],
    pdfAvailable: false,
    ...(existing ? { existingDocumentId: existing.documentId, existingEtag: existing.etag } : {}),
  };
}

/** The file's bytes for the resumable upload, read one slice at a time (a large file is never held in memory whole). */
export function fileSource(file: File): ContentSource {
  return {
    filename: file.name,
    mediaType: mediaTypeOf(file),
    size: file.size,
    read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()),
  };
}

/** Waits `ms`, and while the browser is offline for as long as it stays so: a phone in a tunnel resumes when it is back. */
function patientSleep(ms: number): Promise<void> {
  if (typeof navigator === "undefined" || navigator.onLine) return wait(ms);
  return new Promise((resolve) => window.addEventListener("online", () => void wait(ms).then(resolve), { once: true }));
}

/** Retries with waits of at most 5 s, and none counted while offline; the upload then goes on from the offset the service confirms. */
export const browserRetry: RetryPolicy = {
  attempts: 10,
  delayMs: (attempt) => Math.min(defaultRetry.delayMs(attempt), 5000),
  sleep: patientSleep,
};

/** A file's size the way people read it: "812 B", "14 kB", "3,4 MB". */
export function formatSize(bytes: number, language: "da" | "en"): string {
  const format = (n: number) => n.toLocaleString(language === "en" ? "en-GB" : "da-DK", { maximumFractionDigits: 1 });
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${format(bytes / 1000)} kB`;
  return `${format(bytes / 1_000_000)} MB`;
}
