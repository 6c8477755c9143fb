import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import path from "node:path";
import type { AppContext } from "../../context.ts";
import type { Executor } from "../../db/database.ts";
import { ensureAuditDir, readIfExists, writeNewFile } from "../audit/audit-files.ts";

// CPR numbers are kept sealed: AES-256-GCM under a key that lives beside the audit chain key (the audit
// directory, which backups copy and restores put back), never in the database. Beside the seal the row keeps
// a keyed digest (HMAC-SHA256) to find a contact by its number, and the masked form lists show. Whoever holds
// only the database file can read neither the numbers nor test guesses against the digests.

const KEY_BYTES = 32;
const SEAL_VERSION = "v1";

/** Where the contact key lives: the audit directory (DATA_DIR/audit unless IMS_AUDIT_DIR says otherwise). */
export const contactKeyFile = (auditDir: string) => path.join(auditDir, "contact.key");

/** The ten digits of a CPR number as typed (DDMMYY-SSSS or DDMMYYSSSS). */
export const cprDigits = (cpr: string) => cpr.trim().replace("-", "");

/** What lists and answers show of a CPR number: the date of birth, never the serial (010190-xxxx). */
export const maskCpr = (cpr: string) => `${cprDigits(cpr).slice(0, 6)}-xxxx`;

/** A CPR number as the reveal answers it: DDMMYY-SSSS. */
const formatCpr = (digits: string) => `${digits.slice(0, 6)}-${digits.slice(6)}`;

/** The archive's contact key: seals, opens and digests CPR numbers. */
export class CprKey {
  readonly #sealKey: Buffer;
  readonly #digestKey: Buffer;

  constructor(secret: Buffer) {
    // Two keys from one secret, so a digest never says anything about a seal made with the same bytes.
    const derive = (info: string) => Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), info, KEY_BYTES));
    this.#sealKey = derive("ims-case cpr seal v1");
    this.#digestKey = derive("ims-case cpr digest v1");
  }

  /** The number sealed for one contact: the contact's id is bound in, so a seal copied to another row does not open. */
  seal(contactId: string, cpr: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#sealKey, iv);
    cipher.setAAD(Buffer.from(contactId, "utf8"));
    const sealed = Buffer.concat([cipher.update(cprDigits(cpr), "utf8"), cipher.final()]);
    return `${SEAL_VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString("base64url")}`;
  }

  /** The number a seal holds (DDMMYY-SSSS); throws when the seal was made with another key or for another contact. */
  open(contactId: string, sealed: string): string {
    const [version, body] = sealed.split(":");
    if (version !== SEAL_VERSION || !body) throw new Error("The CPR seal is not one this service made.");
    const bytes = Buffer.from(body, "base64url");
    const decipher = createDecipheriv("aes-256-gcm", this.#sealKey, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(contactId, "utf8"));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return formatCpr(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString("utf8"));
  }

  /** The keyed digest a contact is found by: the same number always gives the same digest under this key. */
  digest(cpr: string): string {
    return createHmac("sha256", this.#digestKey).update(cprDigits(cpr)).digest("hex");
  }
}

const opened = new Map<string, Promise<CprKey>>();

/**
 * The contact key of the archive whose audit directory is `auditDir`: read, or made (mode 0600) the first
 * time a CPR number is stored or looked up. A missing key is made only while no contact holds a sealed
 * number: one whose key is gone must be restored from the backup, not replaced.
 */
export function cprKeyOf(db: Executor, auditDir: string): Promise<CprKey> {
  const file = contactKeyFile(auditDir);
  let key = opened.get(file);
  if (!key) {
    key = openKey(db, file);
    opened.set(file, key);
    // A failure (a missing key with sealed numbers) is tried again on the next use, after the restore.
    key.catch(() => opened.delete(file));
  }
  return key;
}

function readKey(file: string): Buffer | null {
  const secret = readIfExists(file);
  if (secret && secret.length !== KEY_BYTES) throw new Error(`${file} holds ${secret.length} bytes, not the ${KEY_BYTES} of a contact key`);
  return secret;
}

async function openKey(db: Executor, file: string): Promise<CprKey> {
  const existing = readKey(file);
  if (existing) return new CprKey(existing);
  const sealed = await db.selectFrom("contacts").select("id").where("cpr_sealed", "is not", null).limit(1).executeTakeFirst();
  if (sealed) throw new Error(`${file} is missing but contacts hold sealed CPR numbers; restore the key from the backup`);
  ensureAuditDir(path.dirname(file));
  try {
    writeNewFile(file, randomBytes(KEY_BYTES), 0o600);
  } catch (err) {
    // Another process made it at the same moment: use theirs.
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return new CprKey(readKey(file)!);
}

/** The archive's contact key for the services: opened (or made) on first use, from the context's database and audit directory. */
export const contactKeys =
  (ctx: Pick<AppContext, "db" | "config">): (() => Promise<CprKey>) =>
  () =>
    cprKeyOf(ctx.db, ctx.config.auditDir);
