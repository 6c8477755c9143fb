import { sql } from "kysely";
import type { Logger } from "pino";
import type { Db, Executor } from "../../db/database.ts";
import { chunks, groupBy } from "../../db/batches.ts";
import { inValues } from "../../db/dialect.ts";
import { removeCodes, removeWords, writeCodes, writeWords, type IndexedWords } from "../../db/full-text.ts";
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

// Each kind's text is read for a whole batch at once, a statement a table, not a statement a table for each object: on
// PostgreSQL each statement is a round trip, and a backlog of a million documents was a few hundred objects a second so.

async function caseTexts(db: Executor, ids: string[]): Promise<Map<string, IndexedText>> {
  const [cases, parties] = await Promise.all([
    db
      .selectFrom("cases")
      .leftJoin("journal_plan", "journal_plan.code", "cases.journal_code")
      .select(["cases.id", "cases.number", "cases.title", "cases.metadata", "cases.journal_code", "journal_plan.title as journal_title"])
      .where(inValues(db, "cases.id", ids))
      .execute(),
    db
      .selectFrom("case_parties")
      .innerJoin("contacts", "contacts.id", "case_parties.contact_id")
      .select(["case_parties.case_id", "contacts.name"])
      .where(inValues(db, "case_parties.case_id", ids))
      .execute(),
  ]);
  const partiesOf = groupBy(parties, (p) => p.case_id);
  return new Map(
    cases.map((c) => [
      c.id,
      {
        title: `${c.number} ${c.title}`,
        meta: [c.journal_code, c.journal_title ?? "", metadataText(c.metadata), ...(partiesOf.get(c.id) ?? []).map((p) => p.name)].join("\n"),
        body: "",
        codes: `${c.number} ${c.journal_code}`,
      },
    ]),
  );
}

async function documentTexts(db: Executor, ids: string[]): Promise<Map<string, IndexedText>> {
  const [documents, parties, attachments, mails, parts, texts] = await Promise.all([
    db
      .selectFrom("documents")
      .innerJoin("document_types", "document_types.id", "documents.document_type_id")
      .select(["documents.id", "documents.title", "documents.category", "document_types.name as type_name"])
      .where(inValues(db, "documents.id", ids))
      .execute(),
    db
      .selectFrom("document_parties")
      .innerJoin("contacts", "contacts.id", "document_parties.contact_id")
      .select(["document_parties.document_id", "contacts.name"])
      .where(inValues(db, "document_parties.document_id", ids))
      .execute(),
    db
      .selectFrom("attachments")
      .select(["document_id", "title"])
      .where(inValues(db, "document_id", ids))
      .orderBy("document_id")
      .orderBy("position")
      .execute(),
    db
      .selectFrom("mail_messages")
      .select(["document_id", "subject", "from_name", "from_address", "to", "cc", "body_text"])
      .where(inValues(db, "document_id", ids))
      .execute(),
    db
      .selectFrom("mail_parts")
      .select(["document_id", "filename"])
      .where(inValues(db, "document_id", ids))
      .orderBy("document_id")
      .orderBy("position")
      .execute(),
    currentTexts(db, ids),
  ]);
  const partiesOf = groupBy(parties, (p) => p.document_id);
  const attachmentsOf = groupBy(attachments, (a) => a.document_id);
  const mailOf = new Map(mails.map((m) => [m.document_id, m]));
  const partsOf = groupBy(parts, (p) => p.document_id);
  const textsOf = groupBy(texts, (t) => t.document_id);
  return new Map(
    documents.map((d) => {
      const mail = mailOf.get(d.id);
      const meta = [
        d.type_name,
        d.category,
        ...(partiesOf.get(d.id) ?? []).map((p) => p.name),
        ...(attachmentsOf.get(d.id) ?? []).map((a) => a.title),
        ...(partsOf.get(d.id) ?? []).map((p) => p.filename),
      ];
      if (mail) meta.push(mail.subject ?? "", mail.from_name ?? "", mail.from_address ?? "", addressesText(mail.to), addressesText(mail.cc));
      // The document's own file first, then its attachments'; a mail not yet extracted has its parsed body meanwhile.
      const own = textsOf.get(d.id) ?? [];
      const ownText = own.find((t) => t.own)?.text;
      const body = [ownText ?? mail?.body_text ?? "", ...own.filter((t) => !t.own).map((t) => t.text)].join("\n\n");
      return [d.id, { title: d.title, meta: meta.join("\n"), body }];
    }),
  );
}

/** The extracted text of each document's current file and its attachments' current files, each document's together. */
function currentTexts(db: Executor, documentIds: string[]) {
  return db
    .selectFrom("versions")
    .innerJoin("content_texts", "content_texts.sha256", "versions.sha256")
    .leftJoin("attachments", "attachments.current_version_id", "versions.id")
    .leftJoin("documents", "documents.current_version_id", "versions.id")
    .select([
      "versions.document_id",
      sql<string>`substr(content_texts.text, 1, ${MAX_INDEXED_CHARS})`.as("text"),
      sql<boolean>`documents.id IS NOT NULL`.as("own"),
    ])
    .where(inValues(db, "versions.document_id", documentIds))
    .where((eb) => eb.or([eb("documents.id", "is not", null), eb("attachments.id", "is not", null)]))
    .where("content_texts.status", "=", "done")
    .orderBy("versions.document_id")
    .orderBy("attachments.position")
    .execute();
}

async function taskTexts(db: Executor, ids: string[]): Promise<Map<string, IndexedText>> {
  const tasks = await db
    .selectFrom("tasks")
    .leftJoin("cases", "cases.id", "tasks.case_id")
    .leftJoin("documents", "documents.id", "tasks.document_id")
    .select(["tasks.id", "tasks.title", "tasks.description", "cases.number as case_number", "cases.title as case_title", "documents.title as document_title"])
    .where(inValues(db, "tasks.id", ids))
    .execute();
  return new Map(
    tasks.map((t) => [t.id, { title: t.title, meta: [t.case_number ?? "", t.case_title ?? "", t.document_title ?? ""].join("\n"), body: t.description }]),
  );
}

async function contactTexts(db: Executor, ids: string[]): Promise<Map<string, IndexedText>> {
  const [contacts, emails] = await Promise.all([
    db
      .selectFrom("contacts")
      .select(["id", "name", "address", "cvr", "phone", "note"])
      .where(inValues(db, "id", ids))
      .where("merged_into", "is", null)
      .execute(),
    db
      .selectFrom("contact_emails")
      .select(["contact_id", "email"])
      .where(inValues(db, "contact_id", ids))
      .orderBy("contact_id")
      .orderBy("position")
      .execute(),
  ]);
  const emailsOf = groupBy(emails, (e) => e.contact_id);
  return new Map(
    contacts.map((c) => [
      c.id,
      {
        title: c.name,
        meta: [...(emailsOf.get(c.id) ?? []).map((e) => e.email), addressText(c.address), c.cvr ?? "", c.phone ?? ""].join("\n"),
        body: c.note,
        codes: [c.cvr ?? "", c.phone?.replace(/[\s-]/g, "") ?? ""].join(" "),
      },
    ]),
  );
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

const TEXTS_OF: Record<Kind, (db: Executor, ids: string[]) => Promise<Map<string, IndexedText>>> = {
  case: caseTexts,
  document: documentTexts,
  task: taskTexts,
  contact: contactTexts,
};

/** Writes the index rows of objects of one kind again from the live tables, and removes those of objects that are gone. */
async function reindex(db: Executor, kind: Kind, ids: string[]): Promise<void> {
  const fts = FTS[kind];
  const texts = await TEXTS_OF[kind](db, ids);
  const rows = await db
    .selectFrom("search_rows")
    .select(["rowid", "object_id"])
    .where("kind", "=", kind)
    .where(inValues(db, "object_id", ids))
    .execute();
  const rowids = new Map(rows.map((r) => [r.object_id, r.rowid]));
  if (rows.length) {
    const old = rows.map((r) => r.rowid);
    await removeWords(db, fts, old);
    await removeCodes(db, old);
  }
  const gone = rows.filter((r) => !texts.has(r.object_id)).map((r) => r.rowid);
  if (gone.length) await db.deleteFrom("search_rows").where("rowid", "in", gone).execute();
  const fresh = ids.filter((id) => texts.has(id) && !rowids.has(id));
  if (fresh.length) {
    const inserted = await db
      .insertInto("search_rows")
      .values(fresh.map((id) => ({ kind, object_id: id })))
      .returning(["rowid", "object_id"])
      .execute();
    for (const r of inserted) rowids.set(r.object_id, r.rowid);
  }
  const words: Array<{ rowid: number; words: IndexedWords }> = [];
  const codes: Array<{ rowid: number; codes: string }> = [];
  for (const [id, text] of texts) {
    const rowid = rowids.get(id)!;
    const title = indexText(text.title);
    const meta = indexText(text.meta);
    const body = indexText(text.body.slice(0, Math.max(0, MAX_INDEXED_CHARS - text.title.length - text.meta.length)));
    words.push({ rowid, words: { title, meta, body } });
    const c = text.codes?.trim();
    if (c) codes.push({ rowid, codes: c.toLocaleLowerCase("da") });
  }
  await writeWords(db, fts, words);
  await writeCodes(db, codes);
}

/** Objects re-indexed in one transaction: short enough not to hold up a save for long. */
const BATCH = 500;
/** Objects whose text is read and written at once: a document's text may be long (each is cut at MAX_INDEXED_CHARS). */
const GROUP: Record<Kind, number> = { case: 250, document: 20, task: 250, contact: 250 };
const KINDS = Object.keys(FTS) as Kind[];

/**
 * Re-indexes up to `limit` stale objects in one transaction; returns how many. A row noted again while this
 * runs stays noted: no other write runs beside this transaction (SQLite has one writer, and PostgreSQL's write
 * transactions take one lock), so what it deletes from the stale list is what it read.
 */
async function indexBatch(db: Db, limit: number): Promise<number> {
  // Nothing stale, the usual case before a search: answered without a transaction, which would take the write lock.
  if (!(await db.selectFrom("search_dirty").select("kind").limit(1).executeTakeFirst())) return 0;
  return db.transaction().execute(async (trx) => {
    const stale = await trx.selectFrom("search_dirty").selectAll().limit(limit).execute();
    for (const kind of KINDS) {
      const ids = stale.filter((s) => s.kind === kind).map((s) => s.object_id);
      if (!ids.length) continue;
      for (const group of chunks(ids, GROUP[kind])) await reindex(trx, kind, group);
      await trx
        .deleteFrom("search_dirty")
        .where("kind", "=", kind)
        .where(inValues(trx, "object_id", ids))
        .execute();
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
