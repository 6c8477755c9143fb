import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

// The audit log's anchors live outside the database, in one directory (Config.auditDir, DATA_DIR/audit by
// default): whoever can rewrite the database file alone can then neither recompute the chain nor sign a head.

export interface AuditFiles {
  /** 32 random bytes: the HMAC key every row's hash is made with. Secret. */
  chainKey: string;
  /** Which rows are keyed (from `keyedFrom` on; the rows before are plain sha256), MAC'd with the chain key. */
  chainMeta: string;
  /** Ed25519 private key (PKCS#8 PEM) that signs checkpoints. Secret. */
  signingKey: string;
  /** Its public key (SPKI PEM): all that is needed to check a checkpoint. */
  publicKey: string;
  /** Signed checkpoints, one JSON object a line, only ever appended to. */
  checkpoints: string;
}

export function auditFiles(auditDir: string): AuditFiles {
  return {
    chainKey: path.join(auditDir, "chain.key"),
    chainMeta: path.join(auditDir, "chain.json"),
    signingKey: path.join(auditDir, "checkpoint-signing.pem"),
    publicKey: path.join(auditDir, "checkpoint-signing.pub.pem"),
    checkpoints: path.join(auditDir, "checkpoints.jsonl"),
  };
}

export function ensureAuditDir(auditDir: string): void {
  fs.mkdirSync(auditDir, { recursive: true, mode: 0o700 });
}

/** The file's bytes, or null when there is no such file. */
export function readIfExists(file: string): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

/**
 * Writes a file that must not exist yet, whole or not at all: the bytes go to a temporary file that is
 * synced and then linked into place, which fails rather than replace a key someone else wrote meanwhile.
 */
export function writeNewFile(file: string, data: string | Buffer, mode: number): void {
  const tmp = `${file}.${randomUUID()}.tmp`;
  const fd = fs.openSync(tmp, "w", mode);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  syncDir(path.dirname(file));
}

/** Appends whole lines and syncs them to disk before returning. */
export function appendLines(file: string, text: string): void {
  const fd = fs.openSync(file, "a", 0o644);
  try {
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Some platforms cannot sync a directory; the file itself is synced.
  }
}
