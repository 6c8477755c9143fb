import { createHash } from "node:crypto";
import type { Executor } from "../../db/database.ts";
import { lockAuditChain } from "../../db/dialect.ts";
import type { Actor } from "../access/actor.ts";
import type { AuditEventRow } from "./audit.table.ts";

export const GENESIS_HASH = "0".repeat(64);

export interface AuditEntry {
  actor: Actor | null;
  action: string;
  objectType: string;
  objectId: string | null;
  details: Record<string, unknown>;
}

/** The exact bytes a row's hash covers, independent of column order or the database's formatting. */
export function canonicalRow(row: Omit<AuditEventRow, "prev_hash" | "hash">): string {
  return JSON.stringify([row.seq, row.at, row.actor_id, row.action, row.object_type, row.object_id, row.details]);
}

export function chainHash(prevHash: string, canonical: string): string {
  return createHash("sha256").update(prevHash).update(canonical).digest("hex");
}

/**
 * Appends one event to the chain. Call it inside the transaction that makes the change, so the change
 * and its audit row commit together or not at all.
 */
export async function recordAudit(db: Executor, entry: AuditEntry): Promise<void> {
  await lockAuditChain(db);
  const last = await db
    .selectFrom("audit_events")
    .select(["seq", "hash"])
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
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
  await db
    .insertInto("audit_events")
    .values({ ...row, prev_hash, hash: chainHash(prev_hash, canonicalRow(row)) })
    .execute();
}

export type ChainReport =
  | { ok: true; count: number; head: string }
  | { ok: false; count: number; brokenAt: number; reason: string };

/** Walks the whole chain in order and reports the first row that does not follow from the one before. */
export async function verifyAuditChain(db: Executor, batchSize = 5000): Promise<ChainReport> {
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  let count = 0;
  for (;;) {
    const rows = await db
      .selectFrom("audit_events")
      .selectAll()
      .where("seq", ">=", expectedSeq)
      .orderBy("seq")
      .limit(batchSize)
      .execute();
    for (const row of rows) {
      if (row.seq !== expectedSeq) {
        return { ok: false, count, brokenAt: expectedSeq, reason: `row ${expectedSeq} is missing (next is ${row.seq})` };
      }
      if (row.prev_hash !== prevHash) {
        return { ok: false, count, brokenAt: row.seq, reason: `row ${row.seq} does not link to the row before it` };
      }
      if (chainHash(row.prev_hash, canonicalRow(row)) !== row.hash) {
        return { ok: false, count, brokenAt: row.seq, reason: `row ${row.seq} was changed after it was written` };
      }
      prevHash = row.hash;
      expectedSeq++;
      count++;
    }
    if (rows.length < batchSize) return { ok: true, count, head: prevHash };
  }
}

export interface AuditEventView {
  seq: number;
  at: string;
  actor: { id: string; name: string } | null;
  action: string;
  objectType: string;
  objectId: string | null;
  details: Record<string, unknown>;
}

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
