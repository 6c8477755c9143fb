import fs from "node:fs";
import path from "node:path";
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/dialect.ts";
import { auditFiles } from "../features/audit/audit-files.ts";
import { readChainTrust } from "../features/audit/chain-key.ts";
import { appendCheckpoint, readSigningKey, signVerifiedHead, startingPoint } from "../features/audit/checkpoints.ts";
import { runCommand } from "./run-command.ts";

// `npm run audit:checkpoint [-- --out FILE]`: signs a checkpoint of the audit chain's current head, after
// checking the rows since the last checkpoint, and appends it to DATA_DIR/audit/checkpoints.jsonl and to
// FILE (a copy kept elsewhere: another disk, a mounted share, a file cron ships off the machine).
// Exit codes: 0 written, 1 the chain does not verify (nothing is signed), 2 it could not be done.
// The database is only read; the service may keep running.

const USAGE = "usage: npm run audit:checkpoint [-- --out FILE]";

function outFile(args: string[]): string | undefined {
  if (args.length === 0) return undefined;
  if (args.length === 2 && args[0] === "--out") return path.resolve(args[1]);
  if (args.length === 1 && args[0].startsWith("--out=")) return path.resolve(args[0].slice("--out=".length));
  throw new Error(`unexpected arguments "${args.join(" ")}"\n${USAGE}`);
}

async function main(): Promise<number> {
  const config = loadConfig();
  const out = outFile(process.argv.slice(2));
  if (!config.databaseUrl && !fs.existsSync(config.databaseFile)) {
    process.stderr.write(`error: no database at ${config.databaseFile} (set DATA_DIR to the service's data directory)\n`);
    return 2;
  }
  const { trust, problems } = readChainTrust(config.auditDir);
  const signing = readSigningKey(config.auditDir);
  if (problems.length || !trust.secret || !signing) {
    const why = problems.map((p) => p.message).join("; ") || `no chain key and signing key in ${config.auditDir} (the service makes them when it first starts)`;
    process.stderr.write(`error: cannot sign a checkpoint: ${why}\n`);
    return 2;
  }
  const own = auditFiles(config.auditDir).checkpoints;
  const opened = openDatabase(config, { readOnly: true });
  try {
    const { from } = await startingPoint(opened.db, own, signing);
    const signed = await signVerifiedHead(opened.db, trust, signing, from);
    if (signed.broken) {
      process.stdout.write(`broken_row (row ${signed.broken.seq}): ${signed.broken.message}\nno checkpoint written; run npm run audit:verify\n`);
      return 1;
    }
    const targets = [own, ...(out && out !== own ? [out] : [])];
    for (const file of targets) appendCheckpoint(file, signed.checkpoint);
    const c = signed.checkpoint;
    process.stdout.write(`checkpoint: row ${c.seq}, head ${c.head}, at ${c.at}; appended to ${targets.join(" and ")}\n`);
    return 0;
  } finally {
    await opened.close();
  }
}

runCommand(main, "error: no checkpoint written", 2);
