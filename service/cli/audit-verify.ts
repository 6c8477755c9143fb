import fs from "node:fs";
import path from "node:path";
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/dialect.ts";
import { auditFiles } from "../features/audit/audit-files.ts";
import { verifyArchive } from "../features/audit/verify-archive.ts";
import { runCommand } from "./run-command.ts";

// `npm run audit:verify [-- --checkpoints FILE ...]`: verifies the archive the service's configuration points
// at: the keyed chain, the signed checkpoints (its own and copies kept elsewhere), and the versions against
// the log. Exit codes: 0 everything verifies, 1 there are findings, 2 it could not be checked at all.
// It only reads: no migrations, no bootstrap, and a missing database is reported, never created.

const USAGE = "usage: npm run audit:verify [-- --checkpoints FILE ...]";

function checkpointFiles(args: string[]): string[] {
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--checkpoints" && args[i + 1]) files.push(path.resolve(args[++i]));
    else if (arg.startsWith("--checkpoints=")) files.push(path.resolve(arg.slice("--checkpoints=".length)));
    else throw new Error(`unknown argument "${arg}"\n${USAGE}`);
  }
  return files;
}

async function main(): Promise<number> {
  const config = loadConfig();
  const files = checkpointFiles(process.argv.slice(2));
  if (!config.databaseUrl && !fs.existsSync(config.databaseFile)) {
    process.stderr.write(`error: no database at ${config.databaseFile} (set DATA_DIR to the service's data directory)\n`);
    return 2;
  }
  const opened = openDatabase(config, { readOnly: true });
  try {
    const report = await verifyArchive(opened.db, config, { checkpointFiles: files });
    const newest = report.newestCheckpoint;
    const checkpoint = newest ? `newest checkpoint: row ${newest.seq} at ${newest.at}` : "no checkpoint yet";
    if (report.ok) {
      process.stdout.write(`ok: ${report.count} events, head ${report.head}\n${checkpoint}\n`);
      if (!fs.existsSync(auditFiles(config.auditDir).chainKey))
        process.stdout.write(`note: the chain is not keyed yet (no key in ${config.auditDir}); the service keys it when it starts\n`);
      return 0;
    }
    for (const f of report.findings) process.stdout.write(`${f.kind}${f.seq !== undefined ? ` (row ${f.seq})` : ""}: ${f.message}\n`);
    process.stdout.write(`broken: ${report.findings.length} finding${report.findings.length === 1 ? "" : "s"} in ${report.count} events; ${checkpoint}\n`);
    return 1;
  } finally {
    await opened.close();
  }
}

runCommand(main, "error: the archive could not be verified", 2);
