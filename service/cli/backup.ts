import path from "node:path";
import { parseArgs } from "node:util";
import { backupArchive, BackupFailed } from "../backup/backup.ts";
import { formatBytes, formatSeconds } from "../backup/files.ts";
import { loadConfig } from "../config.ts";
import { runCommand } from "./run-command.ts";

// `npm run backup -- DEST`: backs up the archive under DATA_DIR into DEST (new or empty) while the service
// may go on running. Exit codes: 0 done, 1 the backup failed (nothing is left at DEST), 2 wrong usage.

const USAGE = "usage: npm run backup -- DEST   (DATA_DIR names the archive to back up)";

async function main(): Promise<number> {
  let dest: string;
  try {
    const { positionals } = parseArgs({ allowPositionals: true, options: {} });
    if (positionals.length !== 1) throw new Error("give exactly one destination directory");
    dest = positionals[0];
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  if (config.s3) {
    process.stderr.write(
      `the archive's content is in the object store (bucket ${config.s3.bucket}), not in ${config.blobDir}: this backup copies content from disk only. Back up the bucket with the object store's own tools (versioning or replication) and the database with its own; see "Running at scale" in README.md\n`,
    );
    return 2;
  }
  process.stdout.write(`backing up ${config.dataDir} to ${path.resolve(dest)}\n`);
  try {
    const done = await backupArchive(config, dest, (line) => process.stdout.write(`  ${line}\n`));
    const total = done.manifest.files.reduce((sum, f) => sum + f.size, 0);
    process.stdout.write(
      `backup complete: ${done.dest}: ${done.manifest.files.length} files, ${formatBytes(total)}; audit chain ${done.manifest.audit.count} events, head ${done.manifest.audit.head}; took ${formatSeconds(done.durationMs)}\n`,
    );
    if (done.auditFiles.length) process.stdout.write(`the backup holds the audit chain key: keep it as protected as the archive itself\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof BackupFailed)) throw err;
    process.stderr.write(`backup failed, nothing was kept at ${path.resolve(dest)}: ${err.message}\n`);
    return 1;
  }
}

runCommand(main, "backup failed", 1);
