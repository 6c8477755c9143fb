import type { ContentSource } from "../../../shared/index.ts";
import { officeCall } from "./office-async.ts";

export const SLICE_SIZE = 4 * 1024 * 1024;

/**
 * The open document's bytes as Office hands them over: in slices of up to 4 MB, read on demand (also
 * again, when an upload resumes from an earlier offset). `close()` must always be called: Office keeps
 * at most two files open and refuses further getFileAsync calls otherwise.
 */
export async function openOfficeFile(fileType: Office.FileType, filename: string, mediaType: string): Promise<ContentSource> {
  const file = await officeCall<Office.File>((cb) => Office.context.document.getFileAsync(fileType, { sliceSize: SLICE_SIZE }, cb));
  let closed = false;
  const cache = new Map<number, Uint8Array>();
  let sliceLength = 0;

  async function slice(index: number): Promise<Uint8Array> {
    const hit = cache.get(index);
    if (hit) return hit;
    const s = await officeCall<Office.Slice>((cb) => file.getSliceAsync(index, cb));
    const bytes = s.data instanceof Uint8Array ? s.data : Uint8Array.from(s.data as ArrayLike<number>);
    if (index === 0) sliceLength = bytes.length;
    // Keep only the slice being read: a resumed upload rarely steps back more than one.
    cache.clear();
    cache.set(index, bytes);
    return bytes;
  }

  return {
    filename,
    mediaType,
    size: file.size,
    async read(offset, length) {
      const out = new Uint8Array(Math.max(0, Math.min(length, file.size - offset)));
      let written = 0;
      if (!sliceLength) await slice(0);
      while (written < out.length) {
        const at = offset + written;
        const index = Math.floor(at / sliceLength);
        const bytes = await slice(index);
        const start = at - index * sliceLength;
        const take = Math.min(bytes.length - start, out.length - written);
        if (take <= 0) break;
        out.set(bytes.subarray(start, start + take), written);
        written += take;
      }
      return out;
    },
    async close() {
      if (closed) return;
      closed = true;
      await officeCall<void>((cb) => file.closeAsync(cb));
    },
  };
}
