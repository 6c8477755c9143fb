import { sql } from "kysely";
import type { Logger } from "pino";
import type { Db, Executor } from "../../db/database.ts";
import { removeCodes, removeWords, writeCodes, writeWords } from "../../db/full-text.ts";
import { indexText } from "./search-text.ts";
import type { SearchDirtyTable } from "./search.table.ts";

// Brings stale index rows up to date: every task, case, document and contact the triggers noted in
// search_dirty is read from the live tables and written to its FTS5 table again (or taken out, when it is
// gone), with its numbers and codes in the trigram table; a document's body is the extracted text of its
// current file and its attachments' (content_texts). Run before each
// search, so a search sees every change committed before it, and in the background after saves.

type Kind = SearchDirtyTable["kind"];
const FTS = { case: "fts_cases", document: "fts_documents", task: "fts_tasks", contact: "fts_contacts" } as const;

/** Upper bound on the text one object puts in the index (its title, details and content together). */
const MAX_INDEXED_CHARS = 2_000_000;

interface IndexedText {
  title: string;
  meta: string;
  body: string;
  /** Numbers and codes, for the trigram index (part of a number finds it); empty when there are none. */
  codes?: string;
}

async function caseText(db: Executor, id: string): Promise<IndexedText | undefined> {
  const c = await db
    .selectFrom("cases")
    .leftJoin("journal_plan", "journal_plan.code", "cases.journal_code")
    .select(["cases.number", "cases.title", "cases.metadata", "cases.journal_code", "journal_plan.title as journal_title"])
    .where("cases.id", "=", id)
    .executeTakeFirst();
  if (!c) return undefined;
  const parties = await db
    .selectFrom("case_parties")
    .innerJoin("contacts", "contacts.id", "case_parties.contact_id")
    .select("contacts.name")
    .where("case_parties.case_id", "=", id)
    .execute();
  return {
    title: `${c.number} ${c.title}`,
    meta: [c.journal_code, c.journal_title ?? "", metadataText(c.metadata), ...parties.map((p) => p.name)].join("\n"),
    body: "",
    codes: `${c.number} ${c.journal_code}`,
  };
}

async function documentText(db: Executor, id: string): Promise<IndexedText | undefined> {
  const d = await db
    .selectFrom("documents")
    .innerJoin("document_types", "document_types.id", "documents.document_type_id")
    .select(["documents.title", "documents.category", "document_types.name as type_name"])
    .where("documents.id", "=", id)
    .executeTakeFirst();
  if (!d) return undefined;
  const [parties, attachments, mail, parts, texts] = await Promise.all([
    db
      .selectFrom("document_parties")
      .innerJoin("contacts", "contacts.id", "document_parties.contact_id")
      .select("contacts.name")
      .where("document_id", "=", id)
      .execute(),
    db.selectFrom("attachments").select("title").where("document_id", "=", id).orderBy("position").execute(),
    db.selectFrom("mail_messages").select(["subject", "from_name", "from_address", "to", "cc", "body_text"]).where("document_id", "=", id).executeTakeFirst(),
    db.selectFrom("mail_parts").select("filename").where("document_id", "=", id).orderBy("position").execute(),
    currentTexts(db, id),
  ]);
  const meta = [d.type_name, d.category, ...parties.map((p) => p.name), ...attachments.map((a) => a.title), ...parts.map((p) => p.filename)];
  if (mail) meta.push(mail.subject ?? "", mail.from_name ?? "", mail.from_address ?? "", addressesText(mail.to), addressesText(mail.cc));
  // The document's own file first, then its attachments'; a mail not yet extracted has its parsed body meanwhile.
  const ownText = texts.find((t) => t.own)?.text;
  const body = [ownText ?? mail?.body_text ?? "", ...texts.filter((t) => !t.own).map((t) => t.text)].join("\n\n");
  return { title: d.title, meta: meta.join("\n"), body };
}

/** The extracted text of a document's current file and its attachments' current files, the document's own first. */
export function currentTexts(db: Executor, documentId: string) {
  return db
    .selectFrom("versions")
    .innerJoin("content_texts", "content_texts.sha256", "versions.sha256")
    .leftJoin("attachments", "attachments.current_version_id", "versions.id")
    .leftJoin("documents", "documents.current_version_id", "versions.id")
    .select(["content_texts.text", sql<boolean>`documents.id IS NOT NULL`.as("own")])
    .where("versions.document_id", "=", documentId)
    .where((eb) => eb.or([eb("documents.id", "is not", null), eb("attachments.id", "is not", null)]))
    .where("content_texts.status", "=", "done")
    .orderBy("attachments.position")
    .execute();
}

async function taskText(db: Executor, id: string): Promise<IndexedText | undefined> {
  const t = await db
    .selectFrom("tasks")
    .leftJoin("cases", "cases.id", "tasks.case_id")
    .leftJoin("documents", "documents.id", "tasks.document_id")
    .select(["tasks.title", "tasks.description", "cases.number as case_number", "cases.title as case_title", "documents.title as document_title"])
    .where("tasks.id", "=", id)
    .executeTakeFirst();
  if (!t) return undefined;
  return { title: t.title, meta: [t.case_number ?? "", t.case_title ?? "", t.document_title ?? ""].join("\n"), body: t.description };
}

async function contactText(db: Executor, id: string): Promise<IndexedText | undefined> {
  const c = await db
    .selectFrom("contacts")
    .select(["name", "address", "cvr", "phone", "note"])
    .where("id", "=", id)
    .where("merged_into", "is", null)
    .executeTakeFirst();
  if (!c) return undefined;
  const emails = await db.selectFrom("contact_emails").select("email").where("contact_id", "=", id).orderBy("position").execute();
  return {
    title: c.name,
    meta: [...emails.map((e) => e.email), addressText(c.address), c.cvr ?? "", c.phone ?? ""].join("\n"),
    body: c.note,
    codes: [c.cvr ?? "", c.phone?.replace(/[\s-]/g, "") ?? ""].join(" "),
  };
}

function addressText(json: string | null): string {
  if (!json) return "";
  try {
    return Object.values(JSON.parse(json) as Record<string, unknown>)
      .filter((v) => typeof v === "string")
      .join(" ");
  } catch {
    return "";
  }
}

/** The values of a case's custom fields (a JSON object), as words. */
function metadataText(json: string): string {
  try {
    const values = Object.values(JSON.parse(json) as Record<string, unknown>);
    return values
      .flat()
      .filter((v) => typeof v === "string" || typeof v === "number")
      .join("\n");
  } catch {
    return "";
  }
}

function addressesText(json: string): string {
  try {
    return (JSON.parse(json) as Array<{ name?: string; address?: string }>).map((a) => `${a.name ?? ""} ${a.address ?? ""}`).join("\n");
  } catch {
    return "";
  }
}

const TEXT_OF: Record<Kind, (db: Executor, id: string) => Promise<IndexedText | undefined>> = {
  case: caseText,
  document: documentText,
  task: taskText,
  contact: contactText,
};

/** Writes one object's index row again from the live tables, or removes it when the object is gone. */
async function reindex(db: Executor, kind: Kind, id: string): Promise<void> {
  const fts = FTS[kind];
  const text = await TEXT_OF[kind](db, id);
  const row = await db.selectFrom("search_rows").select("rowid").where("kind", "=", kind).where("object_id", "=", id).executeTakeFirst();
  if (row) {
    await removeWords(db, fts, row.rowid);
    await removeCodes(db, row.rowid);
  }
  if (!text) {
    if (row) await db.deleteFrom("search_rows").where("rowid", "=", row.rowid).execute();
    return;
  }
  let rowid = row?.rowid;
  if (rowid === undefined) {
    const inserted = await db.insertInto("search_rows").values({ kind, object_id: id }).returning("rowid").executeTakeFirstOrThrow();
    rowid = inserted.rowid;
  }
  const title = indexText(text.title);
  const meta = indexText(text.meta);
  const body = indexText(text.body.slice(0, Math.max(0, MAX_INDEXED_CHARS - text.title.length - text.meta.length)));
  await writeWords(db, fts, rowid, { title, meta, body });
  const codes = text.codes?.trim();
  if (codes) await writeCodes(db, rowid, codes.toLocaleLowerCase("da"));
}

/** Objects re-indexed in one transaction: short enough not to hold up a save for long. */
const BATCH = 500;

/**
 * Re-indexes up to `limit` stale objects in one transaction; returns how many. A row noted again while this
 * runs stays noted (it is deleted only as it was read).
 */
async function indexBatch(db: Db, limit: number): Promise<number> {
  // Nothing stale, the usual case before a search: answered without a transaction, which would take the write lock.
  if (!(await db.selectFrom("search_dirty").select("kind").limit(1).executeTakeFirst())) return 0;
  return db.transaction().execute(async (trx) => {
    const stale = await trx.selectFrom("search_dirty").selectAll().limit(limit).execute();
    for (const { kind, object_id } of stale) {
      await reindex(trx, kind, object_id);
      await trx.deleteFrom("search_dirty").where("kind", "=", kind).where("object_id", "=", object_id).execute();
    }
    return stale.length;
  });
}

export interface CatchUpOptions {
  /** Re-index at most this many (a search does not wait for a whole backlog); all when omitted. */
  max?: number;
  /** Objects a transaction re-indexes (default 500). */
  batch?: number;
  /**
   * The share of the time spent indexing while a backlog is worked through, between 0 and 1 (default 1: batch after batch).
   * The service's own indexer answers requests between its batches: after a batch that took t ms it waits t × (1 / pace − 1).
   */
  pace?: number;
  /** Checked between batches: stop early, leaving the rest noted. */
  stopping?: () => boolean;
  onProgress?: (done: number) => void;
}

/** Re-indexes what is stale, batch by batch, until nothing is (or `max` is reached); returns how many. */
export async function indexStale(db: Db, { max = Infinity, batch = BATCH, pace = 1, stopping, onProgress }: CatchUpOptions = {}): Promise<number> {
  let done = 0;
  while (done < max && !stopping?.()) {
    const started = performance.now();
    const n = await indexBatch(db, Math.min(batch, max - done));
    if (!n) break;
    done += n;
    onProgress?.(done);
    // SQLite answers synchronously: without a turn of the event loop between full batches, a backlog of the
    // whole archive would hold up every request until it was through. A catch-up of one batch runs in one go.
    if (n === batch) {
      const rest = pace < 1 ? (performance.now() - started) * (1 / pace - 1) : 0;
      await new Promise((resolve) => (rest > 0 ? setTimeout(resolve, rest) : setImmediate(resolve)));
    }
  }
  return done;
}

export interface SearchIndexer {
  /** Stops looking and waits for the batch being written. */
  stop(): Promise<void>;
}

/**
 * Keeps the index up to date in the background: every few seconds it re-indexes what is stale, logging
 * progress while a large backlog (the whole archive, after the upgrade) is worked through. Stopping between
 * batches loses nothing: what is not yet indexed stays noted in search_dirty.
 */
export function startSearchIndexer(
  db: Db,
  log: Logger,
  { intervalMs = 2000, batch, pace }: { intervalMs?: number } & Pick<CatchUpOptions, "batch" | "pace"> = {},
): SearchIndexer {
  let running: Promise<void> | null = null;
  let stopped = false;
  const onProgress = (done: number) => done % 10_000 < (batch ?? BATCH) && log.info({ indexed: done }, "search index: catching up");
  const tick = () => {
    if (running || stopped) return;
    running = indexStale(db, { batch, pace, stopping: () => stopped, onProgress })
      .then((done) => void (done >= 10_000 && log.info({ indexed: done }, "search index: up to date")))
      .catch((err) => log.error({ err }, "search indexing failed"))
      .finally(() => (running = null));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
