import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Transform, Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

/** Thrown when content passes the configured maximum; nothing is kept. */
export class BlobTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`The file is larger than the maximum of ${Math.round(limit / 1024 / 1024)} MB.`);
  }
}

export interface StoredBlob {
  sha256: string;
  size: number;
  /** True when this call added the file; false when identical content was already stored. */
  created?: boolean;
}

/** Bytes `start` to `end` of a blob, both included (as in HTTP's Range and fs streams). */
export interface ByteRange {
  start: number;
  end: number;
}

/** Thrown by `open` when the store has no blob with that sha256 (a server fault once a version names it). */
export class BlobMissing extends Error {
  constructor(readonly sha256: string) {
    super(`blob ${sha256} is not in the store`);
  }
}

/**
 * Content-addressed storage of the archive's bytes. It hands out streams, never disk paths, so the disk
 * store below can be replaced by an object store (S3) without touching its callers.
 */
export interface BlobStore {
  /** Streams content into the store; resolves once it is durable under its sha256. */
  put(content: Readable, maxBytes: number): Promise<StoredBlob>;
  /**
   * Takes in a complete file of `size` bytes that lies on local disk (a finished resumable upload), which stays where it is.
   * The disk store links it in when it is on the same disk, hashing it as it reads it once, instead of writing a copy.
   */
  putFile(file: string, size: number): Promise<StoredBlob>;
  /** Removes a blob this request created if nothing references it, after a failed save. */
  discard(blob: StoredBlob, referenced: (sha256: string) => Promise<boolean>): Promise<void>;
  /** The blob's size, or null when the store has no such blob. */
  stat(sha256: string): Promise<{ size: number } | null>;
  /**
   * The blob's bytes (or only `range` of them), once the blob is known to be there: a missing blob rejects
   * with BlobMissing before any byte is promised. The caller consumes or destroys the stream.
   */
  open(sha256: string, range?: ByteRange): Promise<Readable>;
  /**
   * At start, after a crash: removes the temporary files no save can still be writing — every one when this process is the
   * archive's only one (`shared` false), else those older than a day (other processes may be saving).
   */
  clearTemporaryFiles(shared?: boolean): Promise<number>;
  /** Deletes blobs that no version references and that are older than the grace period. */
  sweep(referenced: (sha256: string) => Promise<boolean>, graceSeconds: number): Promise<number>;
}

const SHA256 = /^[0-9a-f]{64}$/;
/** A temporary file older than this belongs to no save still running, in any process. */
export const ABANDONED_MS = 24 * 60 * 60 * 1000;

/** Passes content on while it counts and hashes it; fails with BlobTooLarge past `maxBytes`. */
export class Meter extends Transform {
  size = 0;
  readonly #hash = createHash("sha256");

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null, chunk?: Buffer) => void) {
    this.size += chunk.length;
    if (this.size > this.maxBytes) return done(new BlobTooLarge(this.maxBytes));
    this.#hash.update(chunk);
    done(null, chunk);
  }

  /** The sha256 of everything passed, once the content has ended. */
  sha256(): string {
    return this.#hash.digest("hex");
  }
}

async function fsyncPath(p: string, flags = "r"): Promise<void> {
  const handle = await fsp.open(p, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** A stream that writes to an open file, each chunk whole, and leaves the file open (for its fsync). */
function writerTo(handle: fsp.FileHandle): Writable {
  return new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _enc, done) {
      const rest = async (from: number): Promise<void> => {
        const { bytesWritten } = await handle.write(chunk, from);
        if (from + bytesWritten < chunk.length) await rest(from + bytesWritten);
      };
      rest(0).then(() => done(), done);
    },
  });
}

/** Content-addressed files under `root/ab/cd/<sha256>`; temporary files in `root/../tmp` on the same disk. */
export function diskBlobStore(root: string): BlobStore {
  const tmpDir = path.join(path.dirname(root), "tmp");
  fs.mkdirSync(root, { recursive: true });
  fs.mkdirSync(tmpDir, { recursive: true });

  const pathOf = (sha256: string) => {
    if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };

  /** Directories known to exist (and to be durable in their parent); at most 65,536 of them. */
  const made = new Set<string>();
  async function makeDir(dir: string): Promise<void> {
    if (made.has(dir)) return;
    // A directory made now must be durable in its parent too, or a power cut could lose it with the blob in it.
    const first = await fsp.mkdir(dir, { recursive: true });
    if (first) {
      for (let d = dir; d.length >= first.length; d = path.dirname(d)) await fsyncPath(path.dirname(d));
    }
    made.add(dir);
  }

  async function commit(tmp: string, sha256: string): Promise<boolean> {
    const final = pathOf(sha256);
    const dir = path.dirname(final);
    await makeDir(dir);
    try {
      await fsp.access(final);
      // Identical content is stored once. Touch it so a concurrent sweep's grace period starts over.
      const now = new Date();
      await fsp.utimes(final, now, now);
      await fsp.rm(tmp, { force: true });
      return false;
    } catch {
      // not there yet
    }
    await fsp.rename(tmp, final).catch(async (err: NodeJS.ErrnoException) => {
      // Its directory was removed behind the store's back (a restore by hand): made again.
      if (err.code !== "ENOENT" || !made.delete(dir)) throw err;
      await makeDir(dir);
      await fsp.rename(tmp, final);
    });
    await fsyncPath(dir);
    return true;
  }

  return {
    async put(content, maxBytes) {
      const tmp = path.join(tmpDir, `${randomUUID()}.part`);
      const meter = new Meter(maxBytes);
      // Until the pipeline listens, an error of the content (a request body broken off while the file is
      // opened) must not go unheard; the pipeline then sees the stream errored and fails with it.
      const heard = () => {};
      content.on("error", heard);
      try {
        // One handle for writing and the fsync.
        const handle = await fsp.open(tmp, "wx");
        try {
          await pipeline(content, meter, writerTo(handle));
          await handle.sync();
        } finally {
          await handle.close();
        }
        const sha256 = meter.sha256();
        return { sha256, size: meter.size, created: await commit(tmp, sha256) };
      } catch (err) {
        await fsp.rm(tmp, { force: true });
        throw err;
      } finally {
        content.off("error", heard);
      }
    },

    async putFile(file, size) {
      const tmp = path.join(tmpDir, `${randomUUID()}.part`);
      try {
        await fsp.link(file, tmp);
      } catch (err) {
        // Another disk (or a file system without hard links): copied as any content is.
        if (!["EXDEV", "EPERM", "ENOTSUP", "EOPNOTSUPP"].includes((err as NodeJS.ErrnoException).code ?? "")) throw err;
        return this.put(fs.createReadStream(file, { highWaterMark: 1 << 20 }), size);
      }
      try {
        // The link is the same file, complete, that no longer changes: made durable while it is read once to hash it.
        const handle = await fsp.open(tmp, "r");
        const hash = createHash("sha256");
        let read = 0;
        try {
          // Written when the upload was: made as new as content just put, so the sweep's grace period starts now.
          const now = new Date();
          await handle.utimes(now, now);
          const synced = handle.sync();
          try {
            for await (const chunk of handle.createReadStream({ autoClose: false, highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
              read += chunk.length;
              if (read > size) throw new BlobTooLarge(size);
              hash.update(chunk);
            }
          } finally {
            await synced;
          }
          if (read !== size) throw new Error(`the file has ${read} bytes, not the ${size} expected`);
        } finally {
          await handle.close();
        }
        const sha256 = hash.digest("hex");
        return { sha256, size, created: await commit(tmp, sha256) };
      } catch (err) {
        await fsp.rm(tmp, { force: true });
        throw err;
      }
    },

    async discard(blob, referenced) {
      if (!blob.created || (await referenced(blob.sha256))) return;
      await fsp.rm(pathOf(blob.sha256), { force: true });
    },

    async stat(sha256) {
      const found = await fsp.stat(pathOf(sha256)).catch((err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") return null;
        throw err;
      });
      return found && { size: found.size };
    },

    async open(sha256, range) {
      if (range && !(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end) && 0 <= range.start && range.start <= range.end)) {
        throw new RangeError(`not a byte range: ${range.start}-${range.end}`);
      }
      const file = pathOf(sha256);
      const handle = await fsp.open(file, "r").catch((err: NodeJS.ErrnoException) => {
        throw err.code === "ENOENT" ? new BlobMissing(sha256) : err;
      });
      // The stream closes the handle when it ends or is destroyed.
      return handle.createReadStream({ start: range?.start, end: range?.end, highWaterMark: 1 << 16 });
    },

    async clearTemporaryFiles(shared = false) {
      const cutoff = Date.now() - ABANDONED_MS;
      let removed = 0;
      for (const name of await fsp.readdir(tmpDir)) {
        const file = path.join(tmpDir, name);
        if (shared && ((await fsp.stat(file).catch(() => null))?.mtimeMs ?? 0) >= cutoff) continue;
        await fsp.rm(file, { force: true, recursive: true });
        removed++;
      }
      return removed;
    },

    async sweep(referenced, graceSeconds) {
      const cutoff = Date.now() - graceSeconds * 1000;
      let removed = 0;
      for (const a of await fsp.readdir(root)) {
        for (const b of await fsp.readdir(path.join(root, a)).catch(() => [] as string[])) {
          const dir = path.join(root, a, b);
          for (const name of await fsp.readdir(dir).catch(() => [] as string[])) {
            if (!SHA256.test(name)) continue;
            const file = path.join(dir, name);
            const stat = await fsp.stat(file).catch(() => null);
            if (!stat || stat.mtimeMs > cutoff) continue;
            if (await referenced(name)) continue;
            await fsp.rm(file, { force: true });
            removed++;
          }
        }
      }
      // Temporary files left by a crash mid-upload are never referenced.
      for (const name of await fsp.readdir(tmpDir)) {
        const file = path.join(tmpDir, name);
        const stat = await fsp.stat(file).catch(() => null);
        if (stat && stat.mtimeMs <= cutoff) await fsp.rm(file, { force: true });
      }
      return removed;
    },
  };
}
