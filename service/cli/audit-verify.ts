import fs from "node:fs";
import { loadConfig } from "../config.ts";
import { openSqlite } from "../db/dialect.ts";
import { verifyAuditChain } from "../features/audit/audit.service.ts";

// `npm run audit:verify`: checks the audit chain of the archive the service's configuration points at.
// Exit codes: 0 the chain verifies, 1 it is broken, 2 it could not be checked at all.
// It only reads: no migrations, no bootstrap, and a missing database is reported, never created.

async function main(): Promise<number> {
  const config = loadConfig();
  if (!fs.existsSync(config.databaseFile)) {
    process.stderr.write(`error: no database at ${config.databaseFile} (set DATA_DIR to the service's data directory)\n`);
    return 2;
  }
  const opened = openSqlite(config.databaseFile, { readOnly: true });
  try {
    const report = await verifyAuditChain(opened.db);
    if (report.ok) {
      process.stdout.write(`ok: ${report.count} events, head ${report.head}\n`);
      return 0;
    }
    process.stdout.write(`broken at row ${report.brokenAt}: ${report.reason}\n`);
    return 1;
  } finally {
    await opened.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`error: the audit chain could not be read: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
