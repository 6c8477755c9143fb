import { createHash } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { PassThrough, Transform, Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

// Files in and out of a backup: streamed (a blob may be hundreds of MB), hashed as the bytes pass, fsynced.

export interface FileDigest {
  size: number;
  sha256: string;
}

const CHUNK = 1 << 20;

export async function fsyncFile(file: string): Promise<void> {
  const handle = await fsp.open(file, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes the entries of a directory (new names, renames) durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function hashingMeter(digest: FileDigest & { hash: ReturnType<typeof createHash> }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      digest.size += chunk.length;
      digest.hash.update(chunk);
      done(null, chunk);
    },
  });
}

/**
 * Copies `from` (a file, or a stream such as a blob from the store) to a new file `to` (never overwriting one),
 * hashing the bytes as they are written; the copy is fsynced before this resolves. `shape` may cut what is
 * copied (see `wholeLines`): the digest is of the copy.
 */
export async function copyHashed(from: string | Readable, to: string, options: { mode?: number; shape?: Transform } = {}): Promise<FileDigest> {
  const digest = { size: 0, sha256: "", hash: createHash("sha256") };
  try {
    await pipeline(
      typeof from === "string" ? fs.createReadStream(from, { highWaterMark: CHUNK }) : from,
      options.shape ?? new PassThrough(),
      hashingMeter(digest),
      fs.createWriteStream(to, { flags: "wx", mode: options.mode ?? 0o644 }),
    );
    await fsyncFile(to);
  } catch (err) {
    await fsp.rm(to, { force: true });
    throw err;
  }
  return { size: digest.size, sha256: digest.hash.digest("hex") };
}

/** Size and sha256 of a file, read as a stream. */
export async function hashFile(file: string): Promise<FileDigest> {
  const digest = { size: 0, sha256: "", hash: createHash("sha256") };
  await pipeline(fs.createReadStream(file, { highWaterMark: CHUNK }), hashingMeter(digest), new Writable({ write: (_c, _e, done) => done() }));
  return { size: digest.size, sha256: digest.hash.digest("hex") };
}

/**
 * Passes only complete lines: an append-only log (checkpoints.jsonl) copied while it is appended to may end
 * in half a line, which is the line being written and is left out.
 */
export function wholeLines(): Transform {
  let pending: Buffer[] = [];
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      const end = chunk.lastIndexOf(0x0a);
      if (end < 0) {
        pending.push(chunk);
        return done();
      }
      const out = Buffer.concat([...pending, chunk.subarray(0, end + 1)]);
      pending = [chunk.subarray(end + 1)];
      done(null, out);
    },
    flush(done) {
      done();
    },
  });
}

/** Every regular file under `dir`, as paths relative to it with forward slashes. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(rel: string): Promise<void> {
    for (const entry of await fsp.readdir(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else out.push(child);
    }
  }
  await walk("");
  return out.sort();
}

/** True when `dir` does not exist or holds nothing. */
export async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await fsp.readdir(dir)).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw err;
  }
}

/** Runs `work` over `items`, at most `width` at a time, in order of start. */
export async function eachLimited<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
}

export const formatBytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KB` : n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(1)} MB` : `${(n / 1024 ** 3).toFixed(2)} GB`;

export const formatSeconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
