import type { Logger } from "pino";
import type { Config } from "../../config.ts";
import type { Db } from "../../db/database.ts";
import { auditFiles } from "./audit-files.ts";
import { withChainKey } from "./chain.ts";
import { openChainKey } from "./chain-key.ts";
import { chainHead, type ChainPoint, type ChainTrust } from "./chain-walk.ts";
import { appendCheckpoint, openSigningKey, signVerifiedHead, startingPoint, type Checkpoint } from "./checkpoints.ts";

export interface AuditTrail {
  /** The database handle to use for everything: it carries the chain key to recordAudit. */
  db: Db;
  /** Signs a checkpoint of the head when it moved since the last one; null when it did not (or the chain is broken). */
  checkpoint(): Promise<Checkpoint | null>;
  /** Stops the periodic checkpoints and writes the last one. Call after the last write, before the database closes. */
  close(): Promise<void>;
}

/**
 * Opens the audit log's anchors for the running service: the chain key (made at the first start, taking
 * over an archive from before keying), the checkpoint signing key, and a checkpoint every
 * `auditCheckpointSeconds` while the head moves.
 */
export async function openAuditTrail(db: Db, config: Pick<Config, "auditDir" | "auditCheckpointSeconds">, log: Logger): Promise<AuditTrail> {
  const { key, created } = await openChainKey(db, config.auditDir);
  const signing = openSigningKey(config.auditDir);
  const file = auditFiles(config.auditDir).checkpoints;
  const trust: ChainTrust = { secret: key.secret, keyedFrom: key.keyedFrom, legacyHead: key.legacyHead };
  if (created)
    log.info(
      { keyId: key.id, keyedFrom: key.keyedFrom },
      key.keyedFrom > 1 ? "audit chain keyed: the rows before stay plain sha256" : "audit chain key created",
    );

  const start = await startingPoint(db, file, signing);
  if (start.disagreeing) {
    log.error(
      { checkpoint: { seq: start.disagreeing.seq, at: start.disagreeing.at } },
      "the database does not hold the head of the newest audit checkpoint (cut short, or an older copy restored?); run `npm run audit:verify`",
    );
  }
  let verified: ChainPoint = start.from;
  let broken = false;
  let queue: Promise<unknown> = Promise.resolve();

  const checkpointNow = async (): Promise<Checkpoint | null> => {
    if (broken) return null;
    const head = await chainHead(db);
    if (head.seq === verified.seq && head.head === verified.head) return null;
    const signed = await signVerifiedHead(db, trust, signing, verified);
    if (signed.broken) {
      broken = true;
      log.error({ row: signed.broken.seq }, `audit chain broken, no further checkpoints are signed: ${signed.broken.message}; run \`npm run audit:verify\``);
      return null;
    }
    appendCheckpoint(file, signed.checkpoint);
    verified = { seq: signed.checkpoint.seq, head: signed.checkpoint.head };
    return signed.checkpoint;
  };
  // One at a time: a periodic checkpoint and the one at shutdown never interleave.
  const checkpoint = () => {
    const next = queue.then(checkpointNow);
    queue = next.catch(() => undefined);
    return next;
  };

  // The rows from before keying are vouched for at once, so the boundary is signed before anything follows it.
  if (created && key.keyedFrom > 1) await checkpoint();

  const timer =
    config.auditCheckpointSeconds > 0
      ? setInterval(() => void checkpoint().catch((err: unknown) => log.error({ err }, "audit checkpoint failed")), config.auditCheckpointSeconds * 1000)
      : undefined;
  timer?.unref();

  let closed: Promise<void> | undefined;
  return {
    db: withChainKey(db, key),
    checkpoint,
    close() {
      closed ??= (async () => {
        clearInterval(timer);
        await checkpoint().catch((err: unknown) => log.error({ err }, "audit checkpoint at shutdown failed"));
      })();
      return closed;
    },
  };
}
