import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { BlobMissing, diskBlobStore } from "../blobs/blob-store.ts";
import type { Config } from "../config.ts";
import { openSqlite } from "../db/dialect.ts";
import { GENESIS_HASH } from "../features/audit/audit.service.ts";
import { copyHashed, eachLimited, formatBytes, formatSeconds, fsyncDir, fsyncFile, hashFile, isEmptyOrMissing, wholeLines, type FileDigest } from "./files.ts";
import { AUDIT_DIR, BLOB_DIR, blobPathInBackup, DATABASE_FILE, partOf, writeManifest, type Manifest, type ManifestFile } from "./manifest.ts";

// A backup taken while the service runs. The order is what makes it whole: the database first (one
// consistent snapshot), then exactly the blobs that snapshot references (blobs are written before the row
// that names them and never change, so every one is there), then the audit directory, the manifest last.
// Copying blobs/ before the database, or the .sqlite file without its WAL, loses saves.

export type BackupSource = Pick<Config, "dataDir" | "databaseFile" | "blobDir" | "auditDir">;

export interface BackupSummary {
  dest: string;
  manifest: Manifest;
  database: FileDigest;
  blobs: { count: number; bytes: number };
  auditFiles: string[];
  durationMs: number;
}

/** A backup that could not be completed; nothing that looks like a backup is left at the destination. */
export class BackupFailed extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `${problems.length} problems:\n  ${problems.join("\n  ")}`);
  }
}

const BLOB_COPIES_AT_ONCE = 4;

interface ReferencedBlob {
  sha256: string;
  size: number;
  documentId: string;
}

/** Where the backup is built: beside `dest` as `dest.partial` and renamed at the end, or in `dest` itself when it exists empty. */
async function prepareDestination(dest: string, dataDir: string): Promise<{ work: string; finish(): Promise<void>; abandon(): Promise<void> }> {
  const inside = path.relative(dataDir, dest);
  if (!inside.startsWith("..") && !path.isAbsolute(inside))
    throw new BackupFailed([`${dest} is inside the data directory ${dataDir}; put the backup elsewhere`]);
  if (fs.existsSync(dest)) {
    if (!fs.statSync(dest).isDirectory()) throw new BackupFailed([`${dest} exists and is not a directory`]);
    if (!(await isEmptyOrMissing(dest))) throw new BackupFailed([`${dest} is not empty; a backup goes into a new or empty directory`]);
    return {
      work: dest,
      finish: async () => {},
      // It was empty: everything in it now is this backup's.
      abandon: async () => {
        for (const name of await fsp.readdir(dest)) await fsp.rm(path.join(dest, name), { recursive: true, force: true });
      },
    };
  }
  const partial = `${dest}.partial`;
  if (fs.existsSync(partial)) throw new BackupFailed([`${partial} exists (left by a backup that did not finish?); remove it first`]);
  await fsp.mkdir(path.dirname(dest), { recursive: true });
  await fsp.mkdir(partial, { mode: 0o700 });
  return {
    work: partial,
    async finish() {
      await fsp.rename(partial, dest);
      await fsyncDir(path.dirname(dest));
    },
    abandon: () => fsp.rm(partial, { recursive: true, force: true }),
  };
}

/** What the copied database references and where its audit chain ends. */
async function readSnapshot(file: string): Promise<{ blobs: ReferencedBlob[]; audit: Manifest["audit"]; problems: string[] }> {
  const opened = openSqlite(file, { readOnly: true });
  try {
    // versions.sha256 and mail_parts.sha256 are the columns that name a blob (see isContentReferenced in the documents service).
    const named = (table: "versions" | "mail_parts") =>
      opened.db
        .selectFrom(table)
        .select(["sha256", "size", (eb) => eb.fn.min("document_id").as("document_id")])
        .groupBy(["sha256", "size"])
        .execute();
    const seen = new Set<string>();
    const rows = [...(await named("versions")), ...(await named("mail_parts"))]
      // A mail part with the bytes of a version is one blob, not a conflict.
      .filter((r) => !seen.has(`${r.sha256}/${r.size}`) && seen.add(`${r.sha256}/${r.size}`))
      .sort((a, b) => (a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0));
    const blobs = new Map<string, ReferencedBlob>();
    const problems: string[] = [];
    for (const r of rows) {
      const known = blobs.get(r.sha256);
      if (known) problems.push(`the database gives blob ${r.sha256} two sizes (${known.size} and ${r.size} bytes)`);
      else blobs.set(r.sha256, { sha256: r.sha256, size: r.size, documentId: r.document_id });
    }
    const count = await opened.db
      .selectFrom("audit_events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    const last = await opened.db.selectFrom("audit_events").select("hash").orderBy("seq", "desc").limit(1).executeTakeFirst();
    return { blobs: [...blobs.values()], audit: { count: Number(count.n), head: last?.hash ?? GENESIS_HASH }, problems };
  } finally {
    await opened.close();
  }
}

/** Copies each referenced blob, checking its bytes against its content address on the way. */
async function copyBlobs(source: BackupSource, work: string, blobs: ReferencedBlob[]): Promise<{ files: ManifestFile[]; problems: string[] }> {
  const store = diskBlobStore(source.blobDir);
  const files: ManifestFile[] = [];
  const problems: string[] = [];
  const dirs = new Set<string>();
  await eachLimited(blobs, BLOB_COPIES_AT_ONCE, async (blob) => {
    const rel = blobPathInBackup(blob.sha256);
    const to = path.join(work, rel);
    await fsp.mkdir(path.dirname(to), { recursive: true });
    dirs.add(path.dirname(to));
    try {
      const copied = await copyHashed(await store.open(blob.sha256), to);
      if (copied.sha256 !== blob.sha256 || copied.size !== blob.size) {
        problems.push(
          `blob ${blob.sha256} (document ${blob.documentId}) is damaged in the archive: its content has sha256 ${copied.sha256} and ${copied.size} bytes, the database expects ${blob.size}`,
        );
        await fsp.rm(to, { force: true });
        return;
      }
      files.push({ path: rel, ...copied });
    } catch (err) {
      problems.push(
        err instanceof BlobMissing
          ? `blob ${blob.sha256} (document ${blob.documentId}) is missing from ${source.blobDir} (if the document was deleted during the backup, run it again)`
          : `blob ${blob.sha256} could not be copied: ${(err as Error).message}`,
      );
    }
  });
  // New names are durable once their directories are synced: blobs/ab/cd, blobs/ab, blobs.
  for (const dir of [...dirs, ...new Set([...dirs].map((d) => path.dirname(d)))]) await fsyncDir(dir);
  if (dirs.size) await fsyncDir(path.join(work, BLOB_DIR));
  return { files: files.sort((a, b) => a.path.localeCompare(b.path)), problems };
}

/** The audit directory's files (chain key, signing keys, checkpoints): the backup needs them to be verified, and so holds secrets. */
async function copyAuditDir(auditDir: string, work: string): Promise<{ files: ManifestFile[]; skipped: string[] }> {
  const files: ManifestFile[] = [];
  const skipped: string[] = [];
  if (!fs.existsSync(auditDir)) return { files, skipped };
  const target = path.join(work, AUDIT_DIR);
  await fsp.mkdir(target, { mode: 0o700 });
  for (const entry of await fsp.readdir(auditDir, { withFileTypes: true })) {
    const rel = `${AUDIT_DIR}/${entry.name}`;
    if (!entry.isFile() || !partOf(rel)) {
      skipped.push(entry.name);
      continue;
    }
    const shape = entry.name.endsWith(".jsonl") ? wholeLines() : undefined;
    files.push({ path: rel, ...(await copyHashed(path.join(auditDir, entry.name), path.join(target, entry.name), { mode: 0o600, shape })) });
  }
  await fsyncDir(target);
  return { files, skipped };
}

/**
 * Backs up the archive at `source` into `dest` (new or empty) while the service may go on writing.
 * `progress` hears one line per finished step.
 */
export async function backupArchive(source: BackupSource, dest: string, progress: (line: string) => void = () => {}): Promise<BackupSummary> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  dest = path.resolve(dest);
  if (!fs.existsSync(source.databaseFile)) throw new BackupFailed([`no database at ${source.databaseFile} (set DATA_DIR to the service's data directory)`]);
  const destination = await prepareDestination(dest, source.dataDir);
  try {
    const dbCopy = path.join(destination.work, DATABASE_FILE);
    const opened = openSqlite(source.databaseFile, { readOnly: true });
    try {
      await opened.backup(dbCopy);
    } finally {
      await opened.close();
    }
    await fsyncFile(dbCopy);
    const database = await hashFile(dbCopy);
    const snapshot = await readSnapshot(dbCopy);
    progress(`database: ${formatBytes(database.size)}, ${snapshot.audit.count} audit events, ${snapshot.blobs.length} blobs referenced (${seconds(started)})`);

    const blobs = await copyBlobs(source, destination.work, snapshot.blobs);
    const problems = [...snapshot.problems, ...blobs.problems];
    if (problems.length) throw new BackupFailed(problems);
    const blobBytes = blobs.files.reduce((sum, f) => sum + f.size, 0);
    progress(`blobs: ${blobs.files.length} files, ${formatBytes(blobBytes)}, each checked against its sha256 (${seconds(started)})`);

    const audit = await copyAuditDir(source.auditDir, destination.work);
    progress(
      audit.files.length
        ? `audit: ${audit.files.map((f) => path.basename(f.path)).join(", ")} from ${source.auditDir}${audit.skipped.length ? ` (left out: ${audit.skipped.join(", ")})` : ""}`
        : `audit: no audit directory at ${source.auditDir}; the backup holds no chain key or checkpoints`,
    );

    const manifest: Manifest = {
      format: "ims-case-backup",
      version: 1,
      startedAt,
      finishedAt: new Date().toISOString(),
      source: { dataDir: source.dataDir, host: os.hostname() },
      audit: snapshot.audit,
      files: [{ path: DATABASE_FILE, ...database }, ...blobs.files, ...audit.files],
    };
    await writeManifest(destination.work, manifest);
    await destination.finish();
    return {
      dest,
      manifest,
      database,
      blobs: { count: blobs.files.length, bytes: blobBytes },
      auditFiles: audit.files.map((f) => f.path),
      durationMs: performance.now() - started,
    };
  } catch (err) {
    await destination.abandon().catch(() => undefined);
    throw err;
  }
}

const seconds = (since: number) => formatSeconds(performance.now() - since);
