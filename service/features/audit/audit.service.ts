import type { AuditEvent } from "../../../shared/api/types.ts";
import type { Executor } from "../../db/database.ts";
import { lockAuditChain } from "../../db/dialect.ts";
import type { Actor } from "../access/actor.ts";
import { canonicalRow, chainHash, chainKeyOf, GENESIS_HASH, keyedHash } from "./chain.ts";

export { canonicalRow, chainHash, GENESIS_HASH };

export interface AuditEntry {
  actor: Actor | null;
  action: string;
  objectType: string;
  objectId: string | null;
  details: Record<string, unknown>;
}

/**
 * Appends one event to the chain. Call it inside the transaction that makes the change, so the change
 * and its audit row commit together or not at all. The row is keyed with the chain key the database
 * handle carries (see openAuditTrail); a handle without it may only extend a chain that was never keyed.
 */
export async function recordAudit(db: Executor, entry: AuditEntry): Promise<void> {
  // Reading the head and appending after it must be one step, also for events with no change of their own
  // (a view, a refusal): two such writes side by side would otherwise take the same sequence number.
  if (!db.isTransaction) return db.transaction().execute((trx) => recordAudit(trx, entry));
  await lockAuditChain(db);
  const key = chainKeyOf(db);
  const last = await db.selectFrom("audit_events").select(["seq", "hash"]).orderBy("seq", "desc").limit(1).executeTakeFirst();
  if (!key && last) await requireUnkeyedChain(db, last.seq);
  const row = {
    seq: (last?.seq ?? 0) + 1,
    at: new Date().toISOString(),
    actor_id: entry.actor?.userId ?? null,
    action: entry.action,
    object_type: entry.objectType,
    object_id: entry.objectId,
    details: JSON.stringify(entry.details),
  };
  const prev_hash = last?.hash ?? GENESIS_HASH;
  const hash = key ? keyedHash(key.secret, prev_hash, canonicalRow(row)) : chainHash(prev_hash, canonicalRow(row));
  await db
    .insertInto("audit_events")
    .values({ ...row, prev_hash, hash })
    .execute();
}

/** Whoever lacks the key cannot extend a keyed chain: its last row is not a plain sha256 row. */
async function requireUnkeyedChain(db: Executor, lastSeq: number): Promise<void> {
  const last = await db.selectFrom("audit_events").selectAll().where("seq", "=", lastSeq).executeTakeFirstOrThrow();
  if (chainHash(last.prev_hash, canonicalRow(last)) !== last.hash) {
    throw new Error("The audit chain is keyed: write to it through the database handle the service opened (openAuditTrail), which carries the chain key.");
  }
}

/** An audit event as the API sends it (shared/api/schemas/audit.ts). */
export type AuditEventView = AuditEvent;

/** Events about one object, newest first, after a cursor (a seq). */
export async function listAuditEvents(
  db: Executor,
  objectType: string,
  objectIds: string[],
  before: number | undefined,
  limit: number,
): Promise<AuditEventView[]> {
  let q = db
    .selectFrom("audit_events")
    .leftJoin("users", "users.id", "audit_events.actor_id")
    .select([
      "audit_events.seq",
      "audit_events.at",
      "audit_events.actor_id",
      "users.name as actor_name",
      "audit_events.action",
      "audit_events.object_type",
      "audit_events.object_id",
      "audit_events.details",
    ])
    .where("audit_events.object_type", "=", objectType)
    .where("audit_events.object_id", "in", objectIds)
    .orderBy("audit_events.seq", "desc")
    .limit(limit);
  if (before !== undefined) q = q.where("audit_events.seq", "<", before);
  const rows = await q.execute();
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at,
    actor: r.actor_id ? { id: r.actor_id, name: r.actor_name ?? "" } : null,
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    details: JSON.parse(r.details),
  }));
}
