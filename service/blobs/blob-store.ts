import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
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

export interface BlobStore {
  /** Streams content into the store; resolves once it is durable on disk under its sha256. */
  put(content: Readable, maxBytes: number): Promise<StoredBlob>;
  /** Adds a complete local file (e.g. a finished resumable upload) to the store, leaving the file itself in place. */
  putFile(file: string): Promise<StoredBlob>;
  /** Removes a blob this request created if nothing references it, after a failed save. */
  discard(blob: StoredBlob, referenced: (sha256: string) => Promise<boolean>): Promise<void>;
  pathOf(sha256: string): string;
  exists(sha256: string): Promise<boolean>;
  /** Removes every temporary file; only safe before any request runs (at start, after a crash). */
  clearTemporaryFiles(): Promise<number>;
  /** Deletes blobs that no version references and that are older than the grace period. */
  sweep(referenced: (sha256: string) => Promise<boolean>, graceSeconds: number): Promise<number>;
}

const SHA256 = /^[0-9a-f]{64}$/;

async function fsyncPath(p: string, flags = "r"): Promise<void> {
  const handle = await fsp.open(p, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
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

  async function commit(tmp: string, sha256: string): Promise<boolean> {
    const final = pathOf(sha256);
    const dir = path.dirname(final);
    await fsp.mkdir(dir, { recursive: true });
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
    await fsp.rename(tmp, final);
    await fsyncPath(dir);
    return true;
  }

  async function hashFile(file: string): Promise<StoredBlob> {
    const hash = createHash("sha256");
    let size = 0;
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    return { sha256: hash.digest("hex"), size };
  }

  return {
    pathOf,

    async put(content, maxBytes) {
      const tmp = path.join(tmpDir, `${randomUUID()}.part`);
      const hash = createHash("sha256");
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length;
          if (size > maxBytes) return done(new BlobTooLarge(maxBytes));
          hash.update(chunk);
          done(null, chunk);
        },
      });
      try {
        const out = fs.createWriteStream(tmp, { flags: "wx" });
        await pipeline(content, meter, out);
        await fsyncPath(tmp, "r+");
        const sha256 = hash.digest("hex");
        return { sha256, size, created: await commit(tmp, sha256) };
      } catch (err) {
        await fsp.rm(tmp, { force: true });
        throw err;
      }
    },

    async putFile(file) {
      const stored = await hashFile(file);
      const tmp = path.join(tmpDir, `${randomUUID()}.part`);
      // A hard link costs nothing and keeps the upload intact until the save commits.
      await fsp.link(file, tmp).catch(() => fsp.copyFile(file, tmp));
      await fsyncPath(tmp, "r+");
      return { ...stored, created: await commit(tmp, stored.sha256) };
    },

    async discard(blob, referenced) {
      if (!blob.created || (await referenced(blob.sha256))) return;
      await fsp.rm(pathOf(blob.sha256), { force: true });
    },

    async exists(sha256) {
      try {
        await fsp.access(pathOf(sha256));
        return true;
      } catch {
        return false;
      }
    },

    async clearTemporaryFiles() {
      const names = await fsp.readdir(tmpDir);
      await Promise.all(names.map((name) => fsp.rm(path.join(tmpDir, name), { force: true, recursive: true })));
      return names.length;
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
