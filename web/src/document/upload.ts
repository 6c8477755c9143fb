import { ApiError, NetworkError, type ProblemBody } from "../../../shared/index.ts";

/** What a multipart upload answered: its JSON body and the document's ETag after it. */
export interface Uploaded<T> {
  body: T;
  etag: string | undefined;
}

/**
 * Sends one file to a multipart route of the service (a new version, a new attachment): a 'metadata' JSON
 * part first, as the service reads it before any byte of the file, then the 'file' part. The session cookie
 * signs it; with `ifMatch`, only if the document is still as the page showed it (412 otherwise). A refusal
 * becomes an ApiError, like every other answer of the shared client.
 */
export async function sendFile<T>(path: string, file: File, metadata: Record<string, unknown>, ifMatch?: string): Promise<Uploaded<T>> {
  const form = new FormData();
  form.append("metadata", JSON.stringify(metadata));
  form.append("file", file, file.name);
  let res: Response;
  try {
    res = await fetch(path, {
      method: "POST",
      body: form,
      credentials: "same-origin",
      headers: { Accept: "application/json", ...(ifMatch ? { "If-Match": ifMatch } : {}) },
    });
  } catch (err) {
    throw new NetworkError(err instanceof Error ? err.message : String(err));
  }
  const text = await res.text();
  if (!res.ok) {
    let problem: ProblemBody | null = null;
    try {
      problem = JSON.parse(text) as ProblemBody;
    } catch {
      // Not problem+json (a proxy's page): the status says enough.
    }
    throw new ApiError(res.status, problem?.code ?? `http_${res.status}`, problem?.detail ?? `HTTP ${res.status}`, problem);
  }
  const etag = res.headers.get("ETag") ?? undefined;
  return { body: (text ? JSON.parse(text) : undefined) as T, etag: etag && !etag.startsWith("W/") ? etag : undefined };
}

/** At most this much of a text file is fetched for its preview. */
export const TEXT_PREVIEW_BYTES = 64 * 1024;

/** The first TEXT_PREVIEW_BYTES of a text file as text (a Range request), and whether there is more. */
export async function textPrefix(url: string, size: number, signal?: AbortSignal): Promise<{ text: string; cut: boolean }> {
  let res: Response;
  try {
    res = await fetch(url, { credentials: "same-origin", headers: { Range: `bytes=0-${TEXT_PREVIEW_BYTES - 1}` }, signal });
  } catch (err) {
    throw new NetworkError(err instanceof Error ? err.message : String(err));
  }
  if (!res.ok) throw new ApiError(res.status, `http_${res.status}`, `HTTP ${res.status}`, null);
  const bytes = await firstBytes(res, TEXT_PREVIEW_BYTES);
  return { text: new TextDecoder("utf-8", { fatal: false }).decode(bytes), cut: size > TEXT_PREVIEW_BYTES };
}

/** At most `limit` bytes of an answer's body; a server that ignored Range is not read to the end. */
export async function firstBytes(res: Response, limit: number): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(await res.arrayBuffer()).subarray(0, limit);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  while (length < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  if (length >= limit) await reader.cancel();
  const out = new Uint8Array(Math.min(length, limit));
  let at = 0;
  for (const chunk of chunks) {
    const piece = chunk.subarray(0, out.length - at);
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}
