import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { diskBlobStore } from "../blobs/blob-store.ts";
import type { Config } from "../config.ts";
import { auditFiles } from "../features/audit/audit-files.ts";
import { checkpointLines } from "../features/audit/checkpoints.ts";
import type { ArchiveVerification } from "../features/audit/verify-archive.ts";
import { copyHashed, eachLimited, formatBytes, formatSeconds, fsyncDir, fsyncFile, hashFile, isEmptyOrMissing, listFiles, type FileDigest } from "./files.ts";
import { AUDIT_DIR, DATABASE_FILE, MANIFEST_FILE, partOf, readManifest, type BackupPart, type Manifest, type ManifestFile } from "./manifest.ts";
import { verifyCopy } from "./verify-copy.ts";

// Restore puts a backup into an empty data directory and proves it whole before it is used: every file
// against the manifest, every blob against its content address, then the database, the audit chain and the
// business data. The database is put in place last, so a restore that stops part-way leaves no archive
// a service could start on by mistake; one that fails a check removes what it restored.

export type RestoreTarget = Pick<Config, "dataDir" | "databaseFile" | "blobDir" | "auditDir">;

export interface RestoreOptions {
  /** Checkpoint files kept elsewhere (shipped copies of checkpoints.jsonl), besides the backup's own. */
  checkpointFiles?: string[];
  progress?: (line: string) => void;
}

export interface RestoreReport {
  manifest: Manifest;
  files: number;
  bytes: number;
  verification: ArchiveVerification;
  /** Where the copy ends against the newest checkpoint known, in one sentence. */
  position: string;
  /** Files in the backup directory that its manifest does not list: not restored. */
  ignored: string[];
  /** Checkpoints in the backup past the end of its chain (written while the backup ran), left out of the restored checkpoints file. */
  laterCheckpoints: number;
  durationMs: number;
}

/** A backup or a target that does not pass; `problems` name each file or check that failed. */
export class RestoreRefused extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `${problems.length} problems:\n  ${problems.join("\n  ")}`);
  }
}

const FILES_AT_ONCE = 4;

/** Where a file of the backup goes, or how it is read when only checking: resolves with the digest of the bytes it passed. */
type Placement = (file: ManifestFile, part: BackupPart, from: string) => Promise<{ digest: FileDigest; undo(): Promise<void> }>;

/** Every file the manifest lists passes `place` and matches its size and sha256 (a blob: the sha256 in its name). */
async function passFiles(src: string, manifest: Manifest, place: Placement): Promise<{ problems: string[]; ignored: string[]; bytes: number }> {
  const problems: string[] = [];
  const listed = new Set(manifest.files.map((f) => f.path));
  const present = new Set(await listFiles(src));
  const ignored = [...present].filter((p) => !listed.has(p) && p !== MANIFEST_FILE);
  let bytes = 0;
  await eachLimited(manifest.files, FILES_AT_ONCE, async (file) => {
    if (!present.has(file.path)) return void problems.push(`${file.path} is listed in the manifest but missing from the backup`);
    const part = partOf(file.path)!;
    try {
      const placed = await place(file, part, path.join(src, file.path));
      const { sha256, size } = placed.digest;
      if (sha256 === file.sha256 && size === file.size) return void (bytes += size);
      await placed.undo();
      problems.push(
        part.kind === "blob"
          ? `${file.path} does not hold the content its name says (sha256 ${sha256}, ${size} bytes): the file was changed or damaged`
          : `${file.path} does not match the manifest (sha256 ${sha256}, ${size} bytes; the manifest says ${file.sha256}, ${file.size} bytes)`,
      );
    } catch (err) {
      problems.push(`${file.path} could not be read: ${(err as Error).message}`);
    }
  });
  return { problems: problems.sort(), ignored, bytes };
}

async function manifestOf(src: string): Promise<Manifest> {
  if (!fs.existsSync(src) || !fs.statSync(src).isDirectory()) throw new RestoreRefused([`${src} is not a directory`]);
  try {
    return await readManifest(src);
  } catch (err) {
    throw new RestoreRefused([(err as Error).message]);
  }
}

/** Checks the backup in `src` where it lies, changing nothing: what restore would verify, without copying. */
export async function checkBackup(src: string, options: RestoreOptions = {}): Promise<RestoreReport> {
  const started = performance.now();
  src = path.resolve(src);
  const manifest = await manifestOf(src);
  const progress = options.progress ?? (() => {});
  const missing = (options.checkpointFiles ?? []).filter((f) => !fs.existsSync(f));
  if (missing.length) throw new RestoreRefused(missing.map((f) => `there is no checkpoint file ${f}`));
  const files = await passFiles(src, manifest, async (_file, _part, from) => ({ digest: await hashFile(from), undo: async () => {} }));
  if (files.problems.length) throw new RestoreRefused(files.problems);
  progress(`files: ${manifest.files.length} (${formatBytes(files.bytes)}) match the manifest (${formatSeconds(performance.now() - started)})`);
  // A backup has the layout of a data directory, so the archive's checks run on it where it lies.
  const layout = { dataDir: src, auditDir: path.join(src, AUDIT_DIR) };
  const copy = await verifyCopy(path.join(src, DATABASE_FILE), layout, manifest, { checkpointFiles: options.checkpointFiles, subject: "the backup" });
  if (copy.problems.length) throw new RestoreRefused(copy.problems);
  return {
    manifest,
    files: manifest.files.length,
    bytes: files.bytes,
    verification: copy.verification,
    position: copy.position,
    ignored: files.ignored,
    laterCheckpoints: 0,
    durationMs: performance.now() - started,
  };
}

/** Restores the backup in `src` into `target`, whose data directory (and audit directory) must be empty or missing. */
export async function restoreArchive(src: string, target: RestoreTarget, options: RestoreOptions = {}): Promise<RestoreReport> {
  const started = performance.now();
  src = path.resolve(src);
  const progress = options.progress ?? (() => {});
  const refusals: string[] = [];
  for (const dir of new Set([target.dataDir, target.auditDir])) {
    if (!(await isEmptyOrMissing(dir))) refusals.push(`${dir} is not empty: restore goes into an empty data directory (move the old one aside first)`);
  }
  for (const file of options.checkpointFiles ?? []) if (!fs.existsSync(file)) refusals.push(`there is no checkpoint file ${file}`);
  if (refusals.length) throw new RestoreRefused(refusals);
  const manifest = await manifestOf(src);

  // Both were empty or missing: whatever is in them from here on is this restore's, and goes if it fails.
  const made = [target.dataDir, target.auditDir].filter((d) => !fs.existsSync(d));
  await fsp.mkdir(target.dataDir, { recursive: true });
  await fsp.mkdir(target.auditDir, { recursive: true, mode: 0o700 });
  const undoAll = async () => {
    for (const dir of [target.auditDir, target.dataDir]) {
      if (made.includes(dir)) await fsp.rm(dir, { recursive: true, force: true });
      else for (const name of await fsp.readdir(dir).catch(() => [] as string[])) await fsp.rm(path.join(dir, name), { recursive: true, force: true });
    }
  };

  const restoringDb = `${target.databaseFile}.restoring`;
  try {
    const blobs = diskBlobStore(target.blobDir);
    const files = await passFiles(src, manifest, async (_file, part, from) => {
      if (part.kind === "blob") {
        // Through the blob store itself: streamed, hashed, fsynced and committed under the sha256 of what arrived.
        const stored = await blobs.put(fs.createReadStream(from, { highWaterMark: 1 << 20 }), Number.POSITIVE_INFINITY);
        return { digest: stored, undo: () => blobs.discard(stored, async () => false) };
      }
      const to = part.kind === "database" ? restoringDb : path.join(target.auditDir, part.name);
      return { digest: await copyHashed(from, to, { mode: 0o600 }), undo: () => fsp.rm(to, { force: true }) };
    });
    if (files.problems.length) throw new RestoreRefused(files.problems);
    await fsyncTree(target.blobDir);
    await fsyncDir(target.auditDir);
    progress(
      `files: ${manifest.files.length} (${formatBytes(files.bytes)}) copied, each matching the manifest (${formatSeconds(performance.now() - started)})`,
    );

    const copy = await verifyCopy(restoringDb, target, manifest, { checkpointFiles: options.checkpointFiles, subject: "restored archive" });
    if (copy.problems.length) throw new RestoreRefused(copy.problems);

    const laterCheckpoints = await keepCheckpointsUpTo(auditFiles(target.auditDir).checkpoints, copy.verification.count);
    await fsp.rename(restoringDb, target.databaseFile);
    await fsyncDir(path.dirname(target.databaseFile));
    return {
      manifest,
      files: manifest.files.length,
      bytes: files.bytes,
      verification: copy.verification,
      position: copy.position,
      ignored: files.ignored,
      laterCheckpoints,
      durationMs: performance.now() - started,
    };
  } catch (err) {
    await undoAll().catch(() => undefined);
    throw err;
  }
}

/** fsyncs every directory under `root` (the blob store's fan-out), so each new name is durable. */
async function fsyncTree(root: string): Promise<void> {
  if (!fs.existsSync(root)) return;
  for (const entry of await fsp.readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory()) await fsyncTree(path.join(root, entry.name));
  }
  await fsyncDir(root);
}

/**
 * Leaves out of the restored checkpoints file those past the restored chain's end. They describe events this
 * copy does not have; kept, every later check would call the copy truncated, and once the restored archive
 * writes its own event of that number, forged. Restore has reported them. Returns how many were left out.
 */
async function keepCheckpointsUpTo(file: string, count: number): Promise<number> {
  if (!fs.existsSync(file)) return 0;
  const kept: string[] = [];
  let dropped = 0;
  for await (const { text: line } of checkpointLines(file)) {
    const seq = checkpointSeq(line);
    if (seq !== undefined && seq > count) dropped++;
    else kept.push(line);
  }
  if (!dropped) return 0;
  const tmp = `${file}.tmp`;
  await fsp.writeFile(tmp, kept.map((l) => `${l}\n`).join(""), { flag: "wx", mode: 0o600 });
  await fsyncFile(tmp);
  await fsp.rename(tmp, file);
  await fsyncDir(path.dirname(file));
  return dropped;
}

function checkpointSeq(line: string): number | undefined {
  try {
    const seq = (JSON.parse(line) as { seq?: unknown }).seq;
    return typeof seq === "number" ? seq : undefined;
  } catch {
    return undefined;
  }
}
