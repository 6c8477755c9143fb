import fs from "node:fs";
import type { Config } from "../../config.ts";
import type { Executor } from "../../db/database.ts";
import { checkDeletedDocuments, checkVersionsAgainstLog } from "./archive-records.ts";
import { auditFiles } from "./audit-files.ts";
import { readChainTrust } from "./chain-key.ts";
import { walkChain, type ChainTrust, type ChainWalk } from "./chain-walk.ts";
import { checkpointLines, checkpointProblem, readPublicKey, type Checkpoint, type PublicKey } from "./checkpoints.ts";

// The one verification of an archive, used by `npm run audit:verify`, GET /api/audit/verify and restore.
// It reads only: the database, the chain key, the public checkpoint key and checkpoint files.

export interface ArchiveFinding {
  kind: "broken_row" | "truncated" | "checkpoint_mismatch" | "bad_checkpoint" | "version_mismatch" | "unaudited_delete" | "unaudited_version" | string;
  message: string;
  seq?: number;
}
export interface ArchiveVerification {
  ok: boolean;
  count: number;
  head: string;
  newestCheckpoint: { seq: number; head: string; at: string } | null;
  findings: ArchiveFinding[];
}

/** Findings of one kind past this many are counted, not listed: a thoroughly rewritten archive must not make an endless report. */
const LISTED_PER_KIND = 50;

const FIRST_KINDS = ["missing_key", "bad_key_metadata", "broken_row", "truncated", "checkpoint_mismatch", "bad_checkpoint"];

class Findings {
  readonly listed: ArchiveFinding[] = [];
  private readonly perKind = new Map<string, number>();
  add = (finding: ArchiveFinding): void => {
    const n = (this.perKind.get(finding.kind) ?? 0) + 1;
    this.perKind.set(finding.kind, n);
    if (n <= LISTED_PER_KIND) this.listed.push(finding);
  };
  /** The chain's own findings first (they explain the others), then the checkpoints', then the business data's. */
  all(): ArchiveFinding[] {
    const more = [...this.perKind].filter(([, n]) => n > LISTED_PER_KIND);
    const all = [...this.listed, ...more.map(([kind, n]) => ({ kind, message: `${n - LISTED_PER_KIND} more ${kind} findings are not listed` }))];
    const rank = (f: ArchiveFinding) => (FIRST_KINDS.includes(f.kind) ? FIRST_KINDS.indexOf(f.kind) : FIRST_KINDS.length);
    return all.sort((a, b) => rank(a) - rank(b));
  }
}

/** `checkpointFiles` defaults to the archive's own checkpoints file; more may be given (copies shipped elsewhere). */
export async function verifyArchive(
  db: Executor,
  config: Pick<Config, "dataDir" | "auditDir">,
  options?: { checkpointFiles?: string[] },
): Promise<ArchiveVerification> {
  const findings = new Findings();
  const { trust, problems } = readChainTrust(config.auditDir);
  problems.forEach(findings.add);

  // Checkpoints before the chain: one the service signs meanwhile is then never ahead of the rows walked.
  const own = auditFiles(config.auditDir).checkpoints;
  const files = [...(fs.existsSync(own) ? [own] : []), ...(options?.checkpointFiles ?? [])];
  const newest = await checkCheckpoints(db, files, readPublicKey(config.auditDir), trust, findings.add);

  const chain = await walkChain(db, trust, { onBatch: (rows) => checkDeletedDocuments(db, rows, findings.add) });
  if (chain.broken) findings.add({ kind: "broken_row", seq: chain.broken.seq, message: chain.broken.message });
  const truncation = truncated(chain, newest, trust);
  if (truncation) findings.add(truncation);

  await checkVersionsAgainstLog(db, findings.add);
  const all = findings.all();
  return {
    ok: all.length === 0,
    count: chain.count,
    head: chain.head,
    newestCheckpoint: newest && { seq: newest.seq, head: newest.head, at: newest.at },
    findings: all,
  };
}

function truncated(chain: ChainWalk, newest: Checkpoint | null, trust: ChainTrust): ArchiveFinding | null {
  const ends = chain.lastSeq === 0 ? "the chain has no rows" : `the chain ends at row ${chain.lastSeq}`;
  if (newest && newest.seq > chain.lastSeq) {
    return {
      kind: "truncated",
      seq: chain.lastSeq + 1,
      message: `${ends}, but the checkpoint of ${newest.at} vouches for ${newest.seq} rows: rows were cut off or deleted, or an older copy was restored`,
    };
  }
  const legacyRows = trust.keyedFrom - 1;
  if (Number.isFinite(legacyRows) && legacyRows > chain.lastSeq) {
    return {
      kind: "truncated",
      seq: chain.lastSeq + 1,
      message: `${ends}, but it already had ${legacyRows} rows when it was keyed: rows were cut off or deleted`,
    };
  }
  return null;
}

/**
 * Each checkpoint line: well formed, signed with this archive's key, and naming the hash its row has. Read
 * line by line; rows are looked up a batch of checkpoints at a time. Returns the newest valid checkpoint.
 */
async function checkCheckpoints(
  db: Executor,
  files: string[],
  publicKey: PublicKey | null,
  trust: ChainTrust,
  report: (f: ArchiveFinding) => void,
): Promise<Checkpoint | null> {
  let newest: Checkpoint | null = null;
  let boundaryDisputed = false;
  const pending: Array<{ checkpoint: Checkpoint; where: string }> = [];
  const flush = async () => {
    if (!pending.length) return;
    const seqs = pending.map((p) => p.checkpoint.seq);
    const rows = await db.selectFrom("audit_events").select(["seq", "hash"]).where("seq", "in", seqs).execute();
    const hashAt = new Map(rows.map((r) => [r.seq, r.hash]));
    for (const { checkpoint: c, where } of pending) {
      const hash = hashAt.get(c.seq);
      // A missing row is the chain's finding (broken_row, truncated); only a different hash is the checkpoint's.
      if (hash !== undefined && hash !== c.head) {
        report({
          kind: "checkpoint_mismatch",
          seq: c.seq,
          message: `the checkpoint of ${c.at} (${where}) says row ${c.seq} has hash ${c.head}, but the archive's row ${c.seq} has ${hash}`,
        });
      }
    }
    pending.length = 0;
  };

  for (const file of files) {
    if (!fs.existsSync(file)) throw new Error(`there is no checkpoint file ${file}`);
    for await (const { line, text } of checkpointLines(file)) {
      const where = `${file}:${line}`;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        report({ kind: "bad_checkpoint", message: `${where} is not a checkpoint: not JSON` });
        continue;
      }
      const problem = checkpointProblem(value, publicKey);
      if (problem) {
        const seq = (value as { seq?: unknown } | null)?.seq;
        report({ kind: "bad_checkpoint", ...(Number.isInteger(seq) ? { seq: seq as number } : {}), message: `${where}: ${problem}` });
        continue;
      }
      const c = value as Checkpoint;
      if (!newest || c.seq > newest.seq) newest = c;
      if (!boundaryDisputed && c.keyedFrom !== trust.keyedFrom) {
        boundaryDisputed = true;
        const ours = Number.isFinite(trust.keyedFrom) ? `the archive's key metadata says ${trust.keyedFrom}` : "the archive has no chain key";
        report({ kind: "bad_key_metadata", message: `the checkpoint of ${c.at} (${where}) says rows are keyed from ${c.keyedFrom} on, but ${ours}` });
      }
      if (c.seq >= 1) {
        pending.push({ checkpoint: c, where });
        if (pending.length >= 500) await flush();
      }
    }
  }
  await flush();
  return newest;
}
