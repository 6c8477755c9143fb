import { ApiError, type ImsClient } from "./client.ts";
import type { GraphSource } from "./schemas/graph.ts";
import { base64, utf8 } from "./encoding.ts";
import { defaultRetry, isTransient, withRetry, type RetryPolicy } from "./retry.ts";

export { defaultRetry, withRetry, type RetryPolicy } from "./retry.ts";

/** Something whose bytes can be read slice by slice: an Office file, a Gmail message, a Drive export. */
export interface ContentSource {
  filename: string;
  mediaType: string;
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Releases the host's handle (Office's file must be closed whatever happens). */
  close?(): Promise<void>;
}

/**
 * Content the service fetches itself into a finished upload, where the host cannot hand the bytes over (Outlook without Mailbox 1.14,
 * Excel on the web): the save names the upload it answers instead of sending slices.
 */
export interface ServiceImport {
  filename: string;
  mediaType: string;
  /** Asks the service for the content; a retry with the same key answers the same upload. */
  importInto(client: ImsClient, idempotencyKey: string): Promise<{ uploadId: string; size: number; filename: string }>;
}

/** Where a part of a save comes from: bytes the host hands over, or content the service fetches itself. */
export type PartSource = ContentSource | ServiceImport;

/** Whether the part is fetched by the service rather than sent by the client. */
export const isServiceImport = (source: PartSource): source is ServiceImport => "importInto" in source;

/** A mail or file the service fetches from Microsoft Graph on the signed-in person's behalf (POST /api/uploads/graph). */
export function graphSource(source: GraphSource, filename: string, mediaType: string): ServiceImport {
  return { filename, mediaType, importInto: (client, key) => client.importFromGraph({ source, filename, mediaType }, key) };
}

export interface UploadOptions {
  /** Office hands over files in 4 MB slices; Apps Script's UrlFetch takes at most 50 MB a call. */
  chunkSize?: number;
  retry?: RetryPolicy;
  onProgress?(sent: number, total: number): void;
  onRetry?(attempt: number, error: unknown): void;
}

const TUS = { "Tus-Resumable": "1.0.0" };
export const DEFAULT_CHUNK = 4 * 1024 * 1024;

/**
 * Sends content through the service's resumable upload (tus 1.0) in slices, resuming from the offset the
 * server confirms after any interruption. Resolves with the upload id to save as a document or version.
 */
export async function uploadResumable(client: ImsClient, source: ContentSource, options: UploadOptions = {}): Promise<string> {
  const chunk = options.chunkSize ?? DEFAULT_CHUNK;
  const retry = options.retry ?? defaultRetry;
  const metadata = `filename ${base64(utf8(source.filename))},filetype ${base64(utf8(source.mediaType))}`;
  const created = await withRetry(
    () => client.send("POST", "/api/uploads", { headers: { ...TUS, "Upload-Length": String(source.size), "Upload-Metadata": metadata } }),
    retry,
    options.onRetry,
  );
  const location = created.headers["location"];
  if (!location) throw new ApiError(502, "no_upload_location", "The service did not say where to send the upload.", null);
  const id = location.replace(/\/+$/, "").split("/").pop()!;
  let offset = 0;
  let failures = 0;
  options.onProgress?.(0, source.size);
  while (offset < source.size) {
    const bytes = await source.read(offset, Math.min(chunk, source.size - offset));
    try {
      const res = await client.send("PATCH", location, {
        headers: { ...TUS, "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream" },
        body: bytes,
      });
      offset = Number(res.headers["upload-offset"] ?? offset + bytes.length);
      failures = 0;
      options.onProgress?.(offset, source.size);
    } catch (err) {
      const offsetConflict = err instanceof ApiError && err.status === 409;
      if (!offsetConflict && !isTransient(err)) throw err;
      failures++;
      if (failures >= retry.attempts) throw err;
      options.onRetry?.(failures, err);
      await retry.sleep(retry.delayMs(failures));
      // Ask the server how much it has; continue from there.
      const head = await withRetry(() => client.send("HEAD", location, { headers: TUS }), retry, options.onRetry);
      offset = Number(head.headers["upload-offset"] ?? offset);
    }
  }
  return id;
}

/** A source over bytes already in memory (small files, tests, Apps Script blobs). */
export function bytesSource(bytes: Uint8Array, filename: string, mediaType: string): ContentSource {
  return { filename, mediaType, size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) };
}
