import type { ContentSource } from "../../../shared/index.ts";

// Apps Script hands bytes over as a JavaScript array of signed bytes (Java's byte[]) and takes them back
// the same way; the shared flow works with Uint8Array.

/** Bytes as Apps Script takes them. */
export function toByteArray(bytes: Uint8Array): number[] {
  const out = new Array<number>(bytes.length).fill(0);
  for (let i = 0; i < bytes.length; i++) out[i] = (bytes[i] << 24) >> 24;
  return out;
}

/** Apps Script's bytes from `offset` as a Uint8Array. */
export function fromByteArray(bytes: ArrayLike<number>, offset = 0, length = bytes.length - offset): Uint8Array {
  const n = Math.max(0, Math.min(length, bytes.length - offset));
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = bytes[offset + i] & 255;
  return out;
}

/** Bytes Apps Script handed over, readable slice by slice. */
export function byteArraySource(bytes: ArrayLike<number>, filename: string, mediaType: string): ContentSource {
  return { filename, mediaType, size: bytes.length, read: async (offset, length) => fromByteArray(bytes, offset, length) };
}
