import { sql } from "kysely";
import type { Logger } from "pino";
import type { Db, Executor } from "../../db/database.ts";
import { indexText } from "./search-text.ts";
import type { SearchDirtyTable } from "./search.table.ts";

// Brings stale index rows up to date: every case and document the triggers noted in search_dirty is read
// from the live tables and written to its FTS5 table again (or taken out, when it is gone). Run before each
// search, so a search sees every change committed before it, and in the background after saves.

type Kind = SearchDirtyTable["kind"];
const FTS = { case: "fts_cases", document: "fts_documents" } as const;

/** Upper bound on the text one object puts in the index (its title, details and content together). */
const MAX_INDEXED_CHARS = 2_000_000;

interface IndexedText {
  title: string;
  meta: string;
  body: string;
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
  const [parties, attachments, mail, parts] = await Promise.all([
    db
      .selectFrom("document_parties")
      .innerJoin("contacts", "contacts.id", "document_parties.contact_id")
      .select("contacts.name")
      .where("document_id", "=", id)
      .execute(),
    db.selectFrom("attachments").select("title").where("document_id", "=", id).orderBy("position").execute(),
    db.selectFrom("mail_messages").select(["subject", "from_name", "from_address", "to", "cc", "body_text"]).where("document_id", "=", id).executeTakeFirst(),
    db.selectFrom("mail_parts").select("filename").where("document_id", "=", id).orderBy("position").execute(),
  ]);
  const meta = [d.type_name, d.category, ...parties.map((p) => p.name), ...attachments.map((a) => a.title), ...parts.map((p) => p.filename)];
  if (mail) meta.push(mail.subject ?? "", mail.from_name ?? "", mail.from_address ?? "", addressesText(mail.to), addressesText(mail.cc));
  return { title: d.title, meta: meta.join("\n"), body: mail?.body_text ?? "" };
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

const TEXT_OF: Record<Kind, (db: Executor, id: string) => Promise<IndexedText | undefined>> = { case: caseText, document: documentText };

/** Writes one object's index row again from the live tables, or removes it when the object is gone. */
async function reindex(db: Executor, kind: Kind, id: string): Promise<void> {
  const fts = sql.table(FTS[kind]);
  const text = await TEXT_OF[kind](db, id);
  const row = await db.selectFrom("search_rows").select("rowid").where("kind", "=", kind).where("object_id", "=", id).executeTakeFirst();
  if (row) await sql`DELETE FROM ${fts} WHERE rowid = ${row.rowid}`.execute(db);
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
  await sql`INSERT INTO ${fts} (rowid, title, meta, body) VALUES (${rowid}, ${title}, ${meta}, ${body})`.execute(db);
}

/** Objects re-indexed in one transaction: short enough not to hold up a save for long. */
const BATCH = 500;

/**
 * Re-indexes up to `limit` stale objects in one transaction; returns how many. A row noted again while this
 * runs stays noted (it is deleted only as it was read).
 */
async function indexBatch(db: Db, limit: number): Promise<number> {
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
  /** Checked between batches: stop early, leaving the rest noted. */
  stopping?: () => boolean;
  onProgress?: (done: number) => void;
}

/** Re-indexes what is stale, batch by batch, until nothing is (or `max` is reached); returns how many. */
export async function indexStale(db: Db, { max = Infinity, stopping, onProgress }: CatchUpOptions = {}): Promise<number> {
  let done = 0;
  while (done < max && !stopping?.()) {
    const n = await indexBatch(db, Math.min(BATCH, max - done));
    if (!n) break;
    done += n;
    onProgress?.(done);
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
export function startSearchIndexer(db: Db, log: Logger, intervalMs = 2000): SearchIndexer {
  let running: Promise<void> | null = null;
  let stopped = false;
  const onProgress = (done: number) => done % 10_000 < BATCH && log.info({ indexed: done }, "search index: catching up");
  const tick = () => {
    if (running || stopped) return;
    running = indexStale(db, { stopping: () => stopped, onProgress })
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
