import { utf8, type ContentSource } from "../../../shared/index.ts";

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

const PIECE = 1024 * 1024;

/**
 * Text (a mail's raw source) as UTF-8 bytes, encoded a piece at a time when read: a 40 MB message never
 * becomes one 40-million-element array, which Apps Script's memory would not forgive.
 */
export function textSource(text: string, filename: string, mediaType: string): ContentSource {
  // Piece boundaries never split a surrogate pair.
  const starts: number[] = [];
  for (let at = 0; at < text.length;) {
    starts.push(at);
    let end = Math.min(text.length, at + PIECE);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end++;
    at = end;
  }
  const pieceText = (i: number) => text.slice(starts[i], i + 1 < starts.length ? starts[i + 1] : text.length);
  const sizes = starts.map((_, i) => utf8(pieceText(i)).length);
  let cached: { index: number; bytes: Uint8Array } | undefined;
  const piece = (i: number) => {
    if (cached?.index !== i) cached = { index: i, bytes: utf8(pieceText(i)) };
    return cached.bytes;
  };
  const size = sizes.reduce((n, s) => n + s, 0);
  return {
    filename,
    mediaType,
    size,
    read: async (offset, length) => {
      const out = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      let pieceStart = 0;
      let written = 0;
      for (let i = 0; i < sizes.length && written < out.length; i++) {
        const pieceEnd = pieceStart + sizes[i];
        const from = offset + written;
        if (from < pieceEnd) {
          const bytes = piece(i);
          const part = bytes.subarray(from - pieceStart, Math.min(sizes[i], from - pieceStart + out.length - written));
          out.set(part, written);
          written += part.length;
        }
        pieceStart = pieceEnd;
      }
      return out;
    },
  };
}
