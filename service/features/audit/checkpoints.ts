import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import fs from "node:fs";
import readline from "node:readline";
import type { Executor } from "../../db/database.ts";
import { appendLines, auditFiles, ensureAuditDir, readIfExists, writeNewFile } from "./audit-files.ts";
import { GENESIS, walkChain, type ChainBreak, type ChainPoint, type ChainTrust } from "./chain-walk.ts";

// A checkpoint says "at this time the chain had `seq` rows ending in `head`", signed with Ed25519. Kept
// outside the database (and shipped elsewhere), it shows a chain that was cut short, rolled back or rewritten.

export interface Checkpoint {
  seq: number;
  head: string;
  at: string;
  /** The first keyed row: a checkpoint also vouches for where the plain rows end. */
  keyedFrom: number;
  /** The signing key's id (from its public key). */
  keyId: string;
  signature: string;
}

export interface PublicKey {
  key: KeyObject;
  id: string;
}
export interface SigningKey extends PublicKey {
  privateKey: KeyObject;
}

const keyIdOf = (publicKey: KeyObject) =>
  createHash("sha256")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest("hex")
    .slice(0, 16);

const signedBytes = (c: Omit<Checkpoint, "signature">) =>
  Buffer.from(`ims-case audit checkpoint v1\n${JSON.stringify([c.seq, c.head, c.at, c.keyedFrom, c.keyId])}`);

/** The signing key pair, made at the first start. A public key without its private key is a lost key: restore it, do not replace it silently. */
export function openSigningKey(auditDir: string): SigningKey {
  // Processes starting at once on a new archive: the one whose key is linked into place first wins, and the others read it.
  for (let attempt = 1; ; attempt++) {
    try {
      return loadOrMakeSigningKey(auditDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST" || attempt === 3) throw err;
    }
  }
}

function loadOrMakeSigningKey(auditDir: string): SigningKey {
  ensureAuditDir(auditDir);
  const existing = readSigningKey(auditDir);
  if (existing) return existing;
  const files = auditFiles(auditDir);
  if (fs.existsSync(files.publicKey)) {
    throw new Error(
      `${files.signingKey} is missing but ${files.publicKey} is there; restore the signing key from the backup (or move the public key away to start a new one)`,
    );
  }
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  writeNewFile(files.signingKey, privateKey.export({ type: "pkcs8", format: "pem" }), 0o600);
  writeNewFile(files.publicKey, publicKey.export({ type: "spki", format: "pem" }), 0o644);
  return { privateKey, key: publicKey, id: keyIdOf(publicKey) };
}

export function readSigningKey(auditDir: string): SigningKey | null {
  const files = auditFiles(auditDir);
  const pem = readIfExists(files.signingKey);
  if (!pem) return null;
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  if (!fs.existsSync(files.publicKey)) {
    try {
      writeNewFile(files.publicKey, publicKey.export({ type: "spki", format: "pem" }), 0o644);
    } catch (err) {
      // Written meanwhile by another process from the same private key.
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  return { privateKey, key: publicKey, id: keyIdOf(publicKey) };
}

export function readPublicKey(auditDir: string): PublicKey | null {
  const pem = readIfExists(auditFiles(auditDir).publicKey);
  if (!pem) return null;
  const key = createPublicKey(pem);
  return { key, id: keyIdOf(key) };
}

export function signCheckpoint(signing: SigningKey, point: ChainPoint, keyedFrom: number, at = new Date()): Checkpoint {
  const unsigned = { seq: point.seq, head: point.head, at: at.toISOString(), keyedFrom, keyId: signing.id };
  return { ...unsigned, signature: sign(null, signedBytes(unsigned), signing.privateKey).toString("base64") };
}

/** Why `value` is not a checkpoint signed with `publicKey`, or null when it is one. */
export function checkpointProblem(value: unknown, publicKey: PublicKey | null): string | null {
  const c = value as Partial<Checkpoint> | null;
  const wellFormed =
    typeof c === "object" &&
    c !== null &&
    Number.isInteger(c.seq) &&
    (c.seq as number) >= 0 &&
    typeof c.head === "string" &&
    /^[0-9a-f]{64}$/.test(c.head) &&
    typeof c.at === "string" &&
    Number.isInteger(c.keyedFrom) &&
    typeof c.keyId === "string" &&
    typeof c.signature === "string";
  if (!wellFormed) return "it is not a checkpoint (seq, head, at, keyedFrom, keyId, signature)";
  if (!publicKey) return "there is no checkpoint-signing.pub.pem to check its signature with";
  if (c.keyId !== publicKey.id) return `it is signed by key ${c.keyId}, not by this archive's checkpoint key ${publicKey.id}`;
  const ok = verify(null, signedBytes(c as Checkpoint), publicKey.key, Buffer.from(c.signature as string, "base64"));
  return ok ? null : "its signature does not match: the line was changed after it was signed";
}

export function appendCheckpoint(file: string, checkpoint: Checkpoint): void {
  appendLines(file, `${JSON.stringify(checkpoint)}\n`);
}

/** The lines of a checkpoint file one by one (never the whole file at once), with their line numbers. */
export async function* checkpointLines(file: string): AsyncGenerator<{ line: number; text: string }> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, "utf8"), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim()) yield { line, text };
  }
}

/** The valid checkpoints among the last `bytes` of a checkpoint file, newest last: where the service left off. */
export function recentCheckpoints(file: string, publicKey: PublicKey, bytes = 64 * 1024): Checkpoint[] {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const start = Math.max(0, size - bytes);
    const buf = Buffer.alloc(size - start);
    fs.readSync(fd, buf, 0, buf.length, start);
    const lines = buf.toString("utf8").split("\n");
    if (start > 0) lines.shift();
    return lines.flatMap((text) => {
      try {
        const value: unknown = JSON.parse(text);
        return checkpointProblem(value, publicKey) === null ? [value as Checkpoint] : [];
      } catch {
        return [];
      }
    });
  } finally {
    fs.closeSync(fd);
  }
}

/** The newest recent checkpoint the database still agrees with: rows up to it need no second look. */
export async function startingPoint(db: Executor, file: string, publicKey: PublicKey): Promise<{ from: ChainPoint; disagreeing: Checkpoint | null }> {
  const recent = recentCheckpoints(file, publicKey).sort((a, b) => b.seq - a.seq);
  for (const c of recent) {
    const row = await db.selectFrom("audit_events").select("hash").where("seq", "=", c.seq).executeTakeFirst();
    if (c.seq === 0 || row?.hash === c.head) return { from: { seq: c.seq, head: c.head }, disagreeing: recent[0] === c ? null : recent[0] };
  }
  return { from: GENESIS, disagreeing: recent[0] ?? null };
}

/**
 * Checks the rows written after `from` (a head already vouched for) and signs the head they lead to. A
 * chain that does not verify is not signed: a checkpoint must never vouch for a forged row.
 */
export async function signVerifiedHead(
  db: Executor,
  trust: ChainTrust,
  signing: SigningKey,
  from: ChainPoint,
): Promise<{ checkpoint: Checkpoint; broken?: undefined } | { broken: ChainBreak; checkpoint?: undefined }> {
  if (from.seq > 0) {
    const row = await db.selectFrom("audit_events").select("hash").where("seq", "=", from.seq).executeTakeFirst();
    if (row?.hash !== from.head) return { broken: { seq: from.seq, message: `row ${from.seq} no longer has the hash its checkpoint recorded` } };
  }
  const walk = await walkChain(db, trust, { from });
  if (walk.broken) return { broken: walk.broken };
  if (!Number.isFinite(trust.keyedFrom)) throw new Error("an unkeyed chain is not signed");
  return { checkpoint: signCheckpoint(signing, { seq: walk.lastSeq, head: walk.head }, trust.keyedFrom) };
}
