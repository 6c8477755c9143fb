import path from "node:path";
import { parseArgs } from "node:util";
import { formatBytes, formatSeconds } from "../backup/files.ts";
import { checkBackup, restoreArchive, RestoreRefused, type RestoreReport } from "../backup/restore.ts";
import { loadConfig } from "../config.ts";
import { runCommand } from "./run-command.ts";

// `npm run restore -- SRC [--data-dir DIR] [--checkpoints FILE]...`: restores the backup in SRC into an empty
// data directory (DATA_DIR, or --data-dir) after verifying all of it; `--check` only verifies SRC where it lies.
// Exit codes: 0 restored (or verified), 1 refused or a check failed (nothing is left in the target), 2 wrong usage.

const USAGE = "usage: npm run restore -- SRC [--data-dir DIR] [--checkpoints FILE]... | npm run restore -- SRC --check [--checkpoints FILE]...";

function report(r: RestoreReport, what: string): void {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const m = r.manifest;
  out(`${what}: backup of ${m.source.dataDir} on ${m.source.host}, taken ${m.startedAt}`);
  out(`  ${r.files} files, ${formatBytes(r.bytes)}: every sha256 matches the manifest, every blob its name`);
  out(`  audit chain: ${r.verification.count} events verify, head ${r.verification.head}; business data agrees with the log`);
  if (r.ignored.length) out(`  not in the manifest, left out: ${r.ignored.join(", ")}`);
  out(r.position);
  const later = r.laterCheckpoints === 1 ? "1 checkpoint past the copy's end was" : `${r.laterCheckpoints} checkpoints past the copy's end were`;
  if (r.laterCheckpoints) out(`  ${later} left out of the restored checkpoints.jsonl: the events they seal are not in this copy`);
  out(`took ${formatSeconds(r.durationMs)}`);
}

async function main(): Promise<number> {
  let args: { src: string; dataDir?: string; checkpoints: string[]; check: boolean };
  try {
    const { positionals, values } = parseArgs({
      allowPositionals: true,
      options: { "data-dir": { type: "string" }, checkpoints: { type: "string", multiple: true }, check: { type: "boolean" } },
    });
    if (positionals.length !== 1) throw new Error("give exactly one backup directory");
    if (values.check && values["data-dir"]) throw new Error("--check verifies the backup where it lies; it takes no --data-dir");
    args = {
      src: positionals[0],
      dataDir: values["data-dir"],
      checkpoints: (values.checkpoints ?? []).map((f) => path.resolve(f)),
      check: Boolean(values.check),
    };
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const progress = (line: string) => process.stdout.write(`  ${line}\n`);
  try {
    if (args.check) {
      report(await checkBackup(args.src, { checkpointFiles: args.checkpoints, progress }), "backup verifies");
      return 0;
    }
    const config = loadConfig(args.dataDir ? { ...process.env, DATA_DIR: args.dataDir } : process.env);
    if (config.s3) {
      process.stderr.write(`S3_BUCKET is set: a backup is restored into a data directory whose content lies on disk; unset the S3_ variables to restore\n`);
      return 2;
    }
    process.stdout.write(`restoring ${path.resolve(args.src)} into ${config.dataDir}\n`);
    report(await restoreArchive(args.src, config, { checkpointFiles: args.checkpoints, progress }), `restored into ${config.dataDir}`);
    return 0;
  } catch (err) {
    if (!(err instanceof RestoreRefused)) throw err;
    process.stderr.write(`${args.check ? "backup does not verify" : "restore refused, nothing was restored"}: ${err.message}\n`);
    return 1;
  }
}

runCommand(main, "restore failed, nothing was restored", 1);
