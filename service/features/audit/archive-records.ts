import type { Kysely } from "kysely";
import { chunks, groupBy } from "../../db/batches.ts";
import type { Database, Executor } from "../../db/database.ts";
import type { AuditEventRow } from "./audit.table.ts";

// The business data must agree with what the log recorded when it was made: each version's sha256 and size
// as its event wrote them, and no document gone without a document.delete event. Read in batches by key,
// never a whole table at once.

export type Report = (finding: { kind: string; message: string; seq?: number }) => void;

const CONTENT_EVENTS = ["document.create", "version.create", "attachment.create", "attachment.version"] as const;
const IN_LIST = 500;

interface Recorded {
  sha256: unknown;
  size: unknown;
  seq: number;
  action: string;
}

interface VersionFacts {
  document_id: string;
  subject_id: string;
  major: number;
  minor: number;
  sha256: string;
  size: number;
  created_at: string;
}

function detailsOf(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Documents whose document.create is among `rows` but which are gone without a document.delete event. */
export async function checkDeletedDocuments(db: Executor, rows: AuditEventRow[], report: Report): Promise<void> {
  const created = new Map(
    rows.filter((r) => r.action === "document.create" && r.object_type === "document" && r.object_id).map((r) => [r.object_id as string, r.seq]),
  );
  for (const ids of chunks([...created.keys()], IN_LIST)) {
    const present = new Set((await db.selectFrom("documents").select("id").where("id", "in", ids).execute()).map((d) => d.id));
    const gone = ids.filter((id) => !present.has(id));
    if (!gone.length) continue;
    const deleted = await db
      .selectFrom("audit_events")
      .select("object_id")
      .where("object_type", "=", "document")
      .where("object_id", "in", gone)
      .where("action", "=", "document.delete")
      .execute();
    const audited = new Set(deleted.map((d) => d.object_id));
    for (const id of gone.filter((g) => !audited.has(g))) {
      const seq = created.get(id)!;
      report({ kind: "unaudited_delete", seq, message: `document ${id} (created at row ${seq}) is gone, and the log has no document.delete event for it` });
    }
  }
}

/** Runs `read` in one read transaction, so its queries see one state of the archive even while the service writes. */
function inSnapshot<T>(db: Executor, read: (db: Executor) => Promise<T>): Promise<T> {
  return db.isTransaction ? read(db) : (db as Kysely<Database>).transaction().execute(read);
}

/** Every document's versions against the content its events recorded, `batchSize` documents at a time. */
export async function checkVersionsAgainstLog(db: Executor, report: Report, batchSize = 200): Promise<void> {
  let after = "";
  for (;;) {
    // A version and its event commit together: read both (and the documents) in one snapshot, or a save in between looks like a finding.
    const batch = await inSnapshot(db, async (snap) => {
      const docs = await snap.selectFrom("documents").select(["id", "created_at"]).where("id", ">", after).orderBy("id").limit(batchSize).execute();
      if (!docs.length) return null;
      const ids = docs.map((d) => d.id);
      const versions = await snap
        .selectFrom("versions")
        .select(["document_id", "subject_id", "major", "minor", "sha256", "size", "created_at"])
        .where("document_id", "in", ids)
        .orderBy("document_id")
        .orderBy("subject_id")
        .orderBy("major")
        .orderBy("minor")
        .execute();
      const events = await snap
        .selectFrom("audit_events")
        .select(["seq", "object_id", "action", "details"])
        .where("object_type", "=", "document")
        .where("object_id", "in", ids)
        .where("action", "in", CONTENT_EVENTS)
        .orderBy("seq")
        .execute();
      return { docs, versions, events };
    });
    if (!batch) return;
    const { docs, versions, events } = batch;
    after = docs[docs.length - 1].id;
    const versionsOf = groupBy(versions, (v) => v.document_id);
    const eventsOf = groupBy(events, (e) => e.object_id ?? "");
    for (const doc of docs) checkDocument(doc, versionsOf.get(doc.id) ?? [], eventsOf.get(doc.id) ?? [], report);
    if (docs.length < batchSize) return;
  }
}

const label = (v: Pick<VersionFacts, "major" | "minor">) => `${v.major}.${v.minor}`;

function checkDocument(
  doc: { id: string; created_at: string },
  versions: VersionFacts[],
  events: Array<{ seq: number; action: string; details: string }>,
  report: Report,
): void {
  const recorded = new Map<string, Recorded>();
  const record = (subject: unknown, version: unknown, seq: number, action: string, d: Record<string, unknown>) =>
    recorded.set(`${String(subject)}@${String(version)}`, { sha256: d.sha256, size: d.size, seq, action });
  // Attachments saved with the document: its event has their number; their content only if it lists them.
  let savedWithDocument = 0;
  let created = false;
  for (const e of events) {
    const d = detailsOf(e.details);
    if (e.action === "document.create") {
      created = true;
      record(doc.id, "1.0", e.seq, e.action, d);
      const listed = Array.isArray(d.attachmentContents) ? (d.attachmentContents as Array<Record<string, unknown>>) : [];
      for (const a of listed) record(a.attachmentId, "1.0", e.seq, e.action, a);
      savedWithDocument = typeof d.attachments === "number" ? d.attachments - listed.length : 0;
    } else if (e.action === "version.create") record(doc.id, d.version, e.seq, e.action, d);
    else if (e.action === "attachment.create") record(d.attachmentId, "1.0", e.seq, e.action, d);
    else record(d.attachmentId, d.version, e.seq, e.action, d);
  }
  if (!created) report({ kind: "unaudited_document", message: `document ${doc.id} has no document.create event in the log` });

  const what = (v: Pick<VersionFacts, "subject_id" | "major" | "minor">) =>
    v.subject_id === doc.id ? `version ${label(v)} of document ${doc.id}` : `version ${label(v)} of attachment ${v.subject_id} of document ${doc.id}`;
  const seen = new Set<string>();
  let previous: VersionFacts | null = null;
  for (const v of versions) {
    const before: VersionFacts | null = previous?.subject_id === v.subject_id ? previous : null;
    previous = v;
    const key = `${v.subject_id}@${label(v)}`;
    const r = recorded.get(key);
    if (r) {
      seen.add(key);
      const at = `${r.action}, row ${r.seq}`;
      if (r.sha256 !== v.sha256)
        report({ kind: "version_mismatch", seq: r.seq, message: `${what(v)} has sha256 ${v.sha256}, the log recorded ${String(r.sha256)} (${at})` });
      if (typeof r.size === "number" && r.size !== v.size)
        report({ kind: "version_mismatch", seq: r.seq, message: `${what(v)} has ${v.size} bytes, the log recorded ${r.size} (${at})` });
      continue;
    }
    if (v.subject_id === doc.id && v.minor === 0 && v.major >= 2) {
      // Marking a document final makes the next major version of the same content: it must equal the one before.
      if (!before) report({ kind: "unaudited_version", message: `${what(v)} is not in the log and follows no version it could have been made final from` });
      else if (before.sha256 !== v.sha256 || before.size !== v.size) {
        report({
          kind: "version_mismatch",
          message: `${what(v)} (made final from ${label(before)}) has sha256 ${v.sha256} and ${v.size} bytes, but ${label(before)} has ${before.sha256} and ${before.size}`,
        });
      }
      continue;
    }
    if (v.subject_id !== doc.id && label(v) === "1.0" && savedWithDocument > 0 && v.created_at === doc.created_at) {
      savedWithDocument--;
      continue;
    }
    report({ kind: "unaudited_version", message: `${what(v)} is not in the log: no event recorded its creation` });
  }
  for (const [key, r] of recorded) {
    if (seen.has(key)) continue;
    const [subject, version] = key.split("@");
    const named = subject === doc.id ? `version ${version} of document ${doc.id}` : `version ${version} of attachment ${subject} of document ${doc.id}`;
    report({ kind: "missing_version", seq: r.seq, message: `the log records ${named} (${r.action}, row ${r.seq}), but the archive has no such version` });
  }
}
