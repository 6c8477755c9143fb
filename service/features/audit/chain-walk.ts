import type { Executor } from "../../db/database.ts";
import type { AuditEventRow } from "./audit.table.ts";
import { canonicalRow, chainHash, GENESIS_HASH, keyedHash } from "./chain.ts";

/**
 * What a row's hash is checked with. `secret` null: rows from `keyedFrom` on cannot be checked (only their
 * links); `keyedFrom` Infinity: an archive that was never keyed, every row plain sha256.
 */
export interface ChainTrust {
  secret: Buffer | null;
  keyedFrom: number;
  /** The hash of row keyedFrom − 1 when the key was made, if known. */
  legacyHead: string | null;
}

/** A row and the hash the chain had there: a head someone vouched for, or the start. */
export interface ChainPoint {
  seq: number;
  head: string;
}
export const GENESIS: ChainPoint = { seq: 0, head: GENESIS_HASH };

export interface ChainBreak {
  seq: number;
  message: string;
}

export interface ChainWalk {
  /** Rows walked. */
  count: number;
  /** The seq of the last row (the `from` seq when there is none after it). */
  lastSeq: number;
  /** The hash of the last row as stored. */
  head: string;
  /** The first row that does not follow from the one before it. */
  broken: ChainBreak | null;
}

/** Why `row` does not follow from the row before it (expected at `expectedSeq` with hash `prevHash`), or null. */
function breakAt(row: AuditEventRow, expectedSeq: number, prevHash: string, trust: ChainTrust): ChainBreak | null {
  const broken = (message: string, seq = row.seq) => ({ seq, message });
  if (row.seq < expectedSeq) return broken(`row ${row.seq} is out of sequence (expected row ${expectedSeq})`);
  if (row.seq !== expectedSeq) return broken(`row ${expectedSeq} is missing (the next row is ${row.seq})`, expectedSeq);
  if (row.prev_hash !== prevHash) return broken(`row ${row.seq} does not link to the row before it`);
  const canonical = canonicalRow(row);
  if (row.seq < trust.keyedFrom) {
    if (chainHash(row.prev_hash, canonical) !== row.hash) return broken(`row ${row.seq} was changed after it was written`);
    if (row.seq === trust.keyedFrom - 1 && trust.legacyHead !== null && row.hash !== trust.legacyHead) {
      return broken(`row ${row.seq} was changed after the chain was keyed: the key's metadata records another hash for the last row written before it`);
    }
    return null;
  }
  if (!trust.secret || keyedHash(trust.secret, row.prev_hash, canonical) === row.hash) return null;
  if (chainHash(row.prev_hash, canonical) === row.hash) {
    return broken(
      `row ${row.seq} was changed after it was written: its hash is a plain sha256 made without the chain key, and rows from ${trust.keyedFrom} on are keyed`,
    );
  }
  return broken(`row ${row.seq} was changed after it was written: its hash was not made with this archive's chain key`);
}

/**
 * Walks the chain in order from `from` (default: the start) in batches, keyset on seq. It goes on to the
 * end after the first break, so the count, the head and `onBatch` see every row.
 */
export async function walkChain(
  db: Executor,
  trust: ChainTrust,
  options: { from?: ChainPoint; batchSize?: number; onBatch?: (rows: AuditEventRow[]) => Promise<void> } = {},
): Promise<ChainWalk> {
  const from = options.from ?? GENESIS;
  const batchSize = options.batchSize ?? 2000;
  let prevHash = from.head;
  let expectedSeq = from.seq + 1;
  // From the start, rows with a seq below 1 are looked for too: a forged row may hide there.
  let after: number | undefined = from.seq === 0 ? undefined : from.seq;
  const walk: ChainWalk = { count: 0, lastSeq: from.seq, head: from.head, broken: null };
  for (;;) {
    const rows = await db
      .selectFrom("audit_events")
      .selectAll()
      .$if(after !== undefined, (q) => q.where("seq", ">", after!))
      .orderBy("seq")
      .limit(batchSize)
      .execute();
    for (const row of rows) {
      walk.broken ??= breakAt(row, expectedSeq, prevHash, trust);
      prevHash = row.hash;
      expectedSeq = row.seq + 1;
      walk.count++;
      walk.lastSeq = row.seq;
      walk.head = row.hash;
      after = row.seq;
    }
    if (rows.length) await options.onBatch?.(rows);
    if (rows.length < batchSize) return walk;
  }
}

/** The last row's seq and hash: where the chain stands now. */
export async function chainHead(db: Executor): Promise<ChainPoint> {
  const last = await db.selectFrom("audit_events").select(["seq", "hash"]).orderBy("seq", "desc").limit(1).executeTakeFirst();
  return last ? { seq: last.seq, head: last.hash } : GENESIS;
}
