import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db, Executor } from "../../db/database.ts";
import { auditFiles, ensureAuditDir, readIfExists, writeNewFile } from "./audit-files.ts";
import { canonicalRow, chainHash, chainKeyId, GENESIS_HASH, type ChainKey } from "./chain.ts";
import type { ChainTrust } from "./chain-walk.ts";

// The chain key and its metadata (chain.json): which rows are keyed. An archive that existed before keying
// keeps its plain sha256 rows up to keyedFrom − 1; chain.json records that boundary and is MAC'd with the key,
// so nobody without the key can move it to pass new rows off as plain ones.

const KEY_BYTES = 32;

interface ChainMeta {
  keyId: string;
  keyedFrom: number;
  legacyHead: string;
  createdAt: string;
  mac: string;
}

const metaMac = (secret: Buffer, m: Omit<ChainMeta, "mac">) =>
  createHmac("sha256", secret)
    .update("ims-case audit chain metadata v1\n")
    .update(JSON.stringify([m.keyId, m.keyedFrom, m.legacyHead, m.createdAt]))
    .digest("hex");

function parseMeta(bytes: Buffer): ChainMeta | null {
  try {
    const m = JSON.parse(bytes.toString("utf8")) as Partial<ChainMeta>;
    const ok =
      typeof m.keyId === "string" &&
      Number.isInteger(m.keyedFrom) &&
      (m.keyedFrom as number) >= 1 &&
      typeof m.legacyHead === "string" &&
      typeof m.createdAt === "string" &&
      typeof m.mac === "string";
    return ok ? (m as ChainMeta) : null;
  } catch {
    return null;
  }
}

/** Whether chain.json was written with this key and not changed since. */
function metaHolds(secret: Buffer, meta: ChainMeta): boolean {
  const expected = Buffer.from(metaMac(secret, meta), "hex");
  const given = Buffer.from(meta.mac, "hex");
  return meta.keyId === chainKeyId(secret) && given.length === expected.length && timingSafeEqual(given, expected);
}

function readSecret(file: string): Buffer | null {
  const secret = readIfExists(file);
  if (secret && secret.length !== KEY_BYTES) throw new Error(`${file} holds ${secret.length} bytes, not the ${KEY_BYTES} of a chain key`);
  return secret;
}

export class ChainKeyRefused extends Error {}

/**
 * The service's chain key: loaded, or made at the first start. Made for an archive that already has rows
 * only when those are all plain sha256 rows (a keyed chain whose key is gone must be restored, not rekeyed).
 */
export async function openChainKey(db: Db, auditDir: string): Promise<{ key: ChainKey; created: boolean }> {
  // Several processes starting at once on a new archive (a scale-out start): one makes the key, and the others, whose
  // link into place fails because it is there, read the one it made.
  for (let attempt = 1; ; attempt++) {
    try {
      return await loadOrMakeChainKey(db, auditDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt === 3) throw err;
    }
  }
}

async function loadOrMakeChainKey(db: Db, auditDir: string): Promise<{ key: ChainKey; created: boolean }> {
  ensureAuditDir(auditDir);
  const files = auditFiles(auditDir);
  let secret = readSecret(files.chainKey);
  const metaBytes = readIfExists(files.chainMeta);
  if (secret && metaBytes) {
    const meta = parseMeta(metaBytes);
    if (!meta || !metaHolds(secret, meta))
      throw new ChainKeyRefused(`${files.chainMeta} was changed or belongs to another key than ${files.chainKey}; restore both from the backup`);
    return { key: { secret, id: meta.keyId, keyedFrom: meta.keyedFrom, legacyHead: meta.legacyHead }, created: false };
  }
  if (!secret && metaBytes)
    throw new ChainKeyRefused(
      `the audit chain is keyed but ${files.chainKey} is missing; restore it from the backup (without it the chain cannot be extended or checked)`,
    );

  const last = await lastRow(db);
  if (last && chainHash(last.prev_hash, canonicalRow(last)) !== last.hash) {
    throw new ChainKeyRefused(
      secret
        ? `${files.chainMeta} is missing and the audit chain already has keyed rows; restore it from the backup`
        : `the audit chain's last row was made with a chain key, but ${files.chainKey} is missing; restore it (and chain.json) from the backup`,
    );
  }
  if (!secret) {
    secret = randomBytes(KEY_BYTES);
    writeNewFile(files.chainKey, secret, 0o600);
  }
  const meta = { keyId: chainKeyId(secret), keyedFrom: (last?.seq ?? 0) + 1, legacyHead: last?.hash ?? GENESIS_HASH, createdAt: new Date().toISOString() };
  writeNewFile(files.chainMeta, `${JSON.stringify({ ...meta, mac: metaMac(secret, meta) }, null, 2)}\n`, 0o600);
  return { key: { secret, id: meta.keyId, keyedFrom: meta.keyedFrom, legacyHead: meta.legacyHead }, created: true };
}

async function lastRow(db: Executor) {
  return db.selectFrom("audit_events").selectAll().orderBy("seq", "desc").limit(1).executeTakeFirst();
}

export interface ChainKeyProblem {
  kind: "missing_key" | "bad_key_metadata";
  message: string;
}

/**
 * What a verifier may trust, read without changing anything. No key and no metadata: an archive from
 * before keying (every row plain sha256). Anything else short of a key with matching metadata is a problem,
 * and the rows are then held to the stricter reading.
 */
export function readChainTrust(auditDir: string): { trust: ChainTrust; keyId: string | null; problems: ChainKeyProblem[] } {
  const files = auditFiles(auditDir);
  const secret = readSecret(files.chainKey);
  const metaBytes = readIfExists(files.chainMeta);
  const meta = metaBytes ? parseMeta(metaBytes) : null;
  if (secret) {
    const keyId = chainKeyId(secret);
    if (!metaBytes) {
      return {
        trust: { secret, keyedFrom: 1, legacyHead: null },
        keyId,
        problems: [{ kind: "bad_key_metadata", message: `${files.chainMeta} is missing: every row is held to the chain key` }],
      };
    }
    if (!meta || !metaHolds(secret, meta)) {
      return {
        trust: { secret, keyedFrom: 1, legacyHead: null },
        keyId,
        problems: [{ kind: "bad_key_metadata", message: `${files.chainMeta} was changed or belongs to another key: every row is held to the chain key` }],
      };
    }
    return { trust: { secret, keyedFrom: meta.keyedFrom, legacyHead: meta.legacyHead }, keyId, problems: [] };
  }
  if (metaBytes) {
    const keyedFrom = meta?.keyedFrom ?? 1;
    return {
      trust: { secret: null, keyedFrom, legacyHead: meta?.legacyHead ?? null },
      keyId: meta?.keyId ?? null,
      problems: [
        { kind: "missing_key", message: `${files.chainKey} is missing: rows from ${keyedFrom} on cannot be checked (restore the key from the backup)` },
      ],
    };
  }
  return { trust: { secret: null, keyedFrom: Infinity, legacyHead: null }, keyId: null, problems: [] };
}
