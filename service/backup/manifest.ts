import fsp from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { fsyncDir, fsyncFile } from "./files.ts";

// What a backup directory holds. It has the layout of a data directory, so the archive checks that run on
// a data directory run on a backup as it is:
//   ims-case.sqlite               the database, copied with SQLite's online backup (one file, no -wal)
//   blobs/ab/cd/<sha256>          every blob the copied database references, named by its content
//   audit/<file>                  the audit directory: chain key, checkpoint signing keys, checkpoints
//   manifest.json                 written last: every file above with its size and sha256

export const MANIFEST_FILE = "manifest.json";
export const DATABASE_FILE = "ims-case.sqlite";
export const BLOB_DIR = "blobs";
export const AUDIT_DIR = "audit";

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "a sha256 in lower-case hex");

const manifestFileSchema = z.object({ path: z.string().min(1), size: z.number().int().nonnegative(), sha256 });

export const manifestSchema = z.object({
  format: z.literal("ims-case-backup"),
  version: z.literal(1),
  startedAt: z.string(),
  finishedAt: z.string(),
  source: z.object({ dataDir: z.string(), host: z.string() }),
  /** The audit chain as the copied database holds it: the number of events and the hash of the last one. */
  audit: z.object({ count: z.number().int().nonnegative(), head: z.string() }),
  files: z.array(manifestFileSchema),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestFile = z.infer<typeof manifestFileSchema>;

export type BackupPart = { kind: "database" } | { kind: "blob"; sha256: string } | { kind: "audit"; name: string };

const BLOB_PATH = /^blobs\/([0-9a-f]{2})\/([0-9a-f]{2})\/([0-9a-f]{64})$/;
const AUDIT_PATH = /^audit\/([A-Za-z0-9_-][A-Za-z0-9._-]*)$/;

/** Where a blob lives inside a backup (the blob store's own layout, relative to the backup). */
export const blobPathInBackup = (sha: string) => [BLOB_DIR, sha.slice(0, 2), sha.slice(2, 4), sha].join("/");

/** What a manifest path is; undefined for anything else, so a manifest cannot name a file outside the backup. */
export function partOf(relPath: string): BackupPart | undefined {
  if (relPath === DATABASE_FILE) return { kind: "database" };
  const blob = BLOB_PATH.exec(relPath);
  if (blob && blob[3].startsWith(blob[1] + blob[2])) return { kind: "blob", sha256: blob[3] };
  const audit = AUDIT_PATH.exec(relPath);
  // A temporary file (`name.<pid>.tmp`: a key being written) is not part of the audit directory yet.
  if (audit && !audit[1].endsWith(".tmp")) return { kind: "audit", name: audit[1] };
  return undefined;
}

/** A manifest that does not hold up, or a backup without one. */
export class ManifestProblem extends Error {}

/** Reads and checks the manifest of the backup in `dir`: its shape, and that every path is one a backup has. */
export async function readManifest(dir: string): Promise<Manifest> {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await fsp.readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new ManifestProblem(`${file} is missing: this is not a complete backup (the manifest is written last, so a backup that stopped part-way has none)`);
    }
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ManifestProblem(`${file} is not valid JSON`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ManifestProblem(`${file} is not an IMS Case backup manifest: ${first.path.join(".") || "(top)"}: ${first.message}`);
  }
  const manifest = parsed.data;
  const seen = new Set<string>();
  for (const f of manifest.files) {
    const part = partOf(f.path);
    if (!part) throw new ManifestProblem(`${file} names "${f.path}", which is not a file a backup holds`);
    if (seen.has(f.path)) throw new ManifestProblem(`${file} names "${f.path}" twice`);
    seen.add(f.path);
    if (part.kind === "blob" && part.sha256 !== f.sha256) throw new ManifestProblem(`${file} gives ${f.path} the sha256 ${f.sha256}, not the one in its name`);
  }
  if (!seen.has(DATABASE_FILE)) throw new ManifestProblem(`${file} lists no ${DATABASE_FILE}`);
  return manifest;
}

/** Writes the manifest durably and atomically: it appears whole or not at all. */
export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const file = path.join(dir, MANIFEST_FILE);
  const tmp = `${file}.tmp`;
  await fsp.writeFile(tmp, JSON.stringify(manifest, null, 2) + "\n", { flag: "wx", mode: 0o600 });
  await fsyncFile(tmp);
  await fsp.rename(tmp, file);
  await fsyncDir(dir);
}
