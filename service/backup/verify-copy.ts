import type { Config } from "../config.ts";
import { openSqlite } from "../db/dialect.ts";
import { verifyArchive, type ArchiveFinding, type ArchiveVerification } from "../features/audit/verify-archive.ts";
import { partOf, type Manifest } from "./manifest.ts";

// The checks a copy of the archive (a backup as it lies, or a restored data directory) must pass once its
// files are known to be the ones the manifest lists: the database is sound, every version has its blob, the
// audit chain and the business data verify, and where the copy stands against the newest checkpoint.

export interface CopyVerification {
  verification: ArchiveVerification;
  /** Where the copy ends against the newest checkpoint known, in one sentence. */
  position: string;
  problems: string[];
}

/** A copy taken before the newest checkpoint ends before it: that is what a backup is, not a fault. */
const isOlderThanCheckpoint = (f: ArchiveFinding, v: ArchiveVerification) =>
  f.kind === "truncated" && v.newestCheckpoint !== null && v.newestCheckpoint.seq > v.count;

/** Checks the database file `databaseFile` of a copy whose blobs and audit files are in `config`'s directories. */
export async function verifyCopy(
  databaseFile: string,
  config: Pick<Config, "dataDir" | "auditDir">,
  manifest: Manifest,
  options: { checkpointFiles?: string[]; subject: string },
): Promise<CopyVerification> {
  const problems: string[] = [];
  const opened = openSqlite(databaseFile, { readOnly: true });
  try {
    const integrity = await opened.integrityCheck();
    if (integrity !== "ok") problems.push(`the database fails SQLite's integrity check: ${integrity}`);

    const blobs = new Map<string, number>();
    for (const f of manifest.files) if (partOf(f.path)?.kind === "blob") blobs.set(f.sha256, f.size);
    const versions = await opened.db.selectFrom("versions").select(["id", "document_id", "sha256", "size"]).execute();
    for (const v of versions) {
      const size = blobs.get(v.sha256);
      if (size === undefined) problems.push(`version ${v.id} of document ${v.document_id} has no content in the backup (blob ${v.sha256})`);
      else if (size !== v.size) problems.push(`version ${v.id} of document ${v.document_id} records ${v.size} bytes, its blob ${v.sha256} has ${size}`);
    }

    const verification = await verifyArchive(opened.db, config, { checkpointFiles: options.checkpointFiles });
    if (verification.count !== manifest.audit.count || verification.head !== manifest.audit.head) {
      problems.push(
        `the database holds ${verification.count} audit events ending in ${verification.head}; the manifest recorded ${manifest.audit.count} ending in ${manifest.audit.head}`,
      );
    }
    for (const f of verification.findings) {
      if (!isOlderThanCheckpoint(f, verification)) problems.push(`audit: ${f.message}`);
    }
    return { verification, position: describePosition(options.subject, verification), problems };
  } finally {
    await opened.close();
  }
}

/** "restored archive ends at audit event 1234; newest checkpoint known is 1300 (…): 66 events after the backup are not in this copy" */
export function describePosition(subject: string, v: Pick<ArchiveVerification, "count" | "newestCheckpoint">): string {
  const ends = `${subject} ends at audit event ${v.count}`;
  const cp = v.newestCheckpoint;
  if (!cp) return `${ends}; no checkpoint is known (give --checkpoints FILE with a copy kept elsewhere), so whether events came after it cannot be told`;
  if (cp.seq > v.count) return `${ends}; newest checkpoint known is ${cp.seq} (${cp.at}): ${cp.seq - v.count} events after the backup are not in this copy`;
  if (cp.seq === v.count) return `${ends} and matches the newest checkpoint known (${cp.at})`;
  return `${ends}; newest checkpoint known is ${cp.seq} (${cp.at}): the ${v.count - cp.seq} events after it are not yet confirmed by any checkpoint`;
}
