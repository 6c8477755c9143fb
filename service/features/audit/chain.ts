import { createHash, createHmac } from "node:crypto";
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from "kysely";
import type { Db, Executor } from "../../db/database.ts";
import type { AuditEventRow } from "./audit.table.ts";

export const GENESIS_HASH = "0".repeat(64);

/** The exact bytes a row's hash covers, independent of column order or the database's formatting. */
export function canonicalRow(row: Omit<AuditEventRow, "prev_hash" | "hash">): string {
  return JSON.stringify([row.seq, row.at, row.actor_id, row.action, row.object_type, row.object_id, row.details]);
}

/** The hash of a row written before the archive had a chain key: anyone can recompute it, so it proves little alone. */
export function chainHash(prevHash: string, canonical: string): string {
  return createHash("sha256").update(prevHash).update(canonical).digest("hex");
}

/** The hash of a keyed row: only whoever holds the chain key can make one. */
export function keyedHash(secret: Buffer, prevHash: string, canonical: string): string {
  return createHmac("sha256", secret).update(prevHash).update(canonical).digest("hex");
}

/**
 * The key the chain is written with. Rows from `keyedFrom` on are keyed; the rows before it were written
 * before the archive had a key, and `legacyHead` is the hash the last of them had when the key was made.
 */
export interface ChainKey {
  secret: Buffer;
  /** A name for the key that reveals nothing about it. */
  id: string;
  keyedFrom: number;
  legacyHead: string;
}

export const chainKeyId = (secret: Buffer) => createHash("sha256").update("ims-case audit chain key id\n").update(secret).digest("hex").slice(0, 16);

/**
 * Carries the chain key with the database handle the service opened, so every recordAudit call (made with
 * that handle or a transaction of it) finds the key without being handed it. It changes no query.
 */
class ChainKeyPlugin implements KyselyPlugin {
  constructor(readonly key: ChainKey) {}
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

export const withChainKey = (db: Db, key: ChainKey): Db => db.withPlugin(new ChainKeyPlugin(key));

/** The chain key that came with this handle or transaction, if any. */
export function chainKeyOf(db: Executor): ChainKey | undefined {
  return db.getExecutor().plugins.find((p): p is ChainKeyPlugin => p instanceof ChainKeyPlugin)?.key;
}
