import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type { MailLookup, MailPart, MailView } from "../../../shared/api/types.ts";
import { messageIdsIn, normaliseMessageId } from "../../../shared/flow/naming.ts";
import { safeFileName } from "../../../shared/flow/safe-names.ts";
import type { AppContext } from "../../context.ts";
import type { Executor } from "../../db/database.ts";
import { enqueueJob } from "../../jobs/jobs.ts";
import { caseVisibleTo, documentVisibleTo, type Visible } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import type { DocumentRow } from "../documents/documents.table.ts";
import { rawHeaders } from "./header-text.ts";
import { parseInWorker } from "./mail-parser-pool.ts";
import type { MailParseStatus, MailPartRow } from "./mail.table.ts";
import { DEFAULT_READ_LIMITS, PART_PLACEHOLDER, type ParsedAddress, type ParsedMail, type ParsedPart } from "./parsed-mail.ts";
import { mailFormatOf, type MailFormat } from "./read-mail.ts";
export const PARSE_MAIL_JOB = "mail.parse";

/** What a client can tell about a mail when saving it (Outlook and Gmail know these before the service parses). */
export interface MailHints {
  messageId?: string;
  conversationId?: string;
}

/** A saved file recognised as mail, with what its first bytes already tell. */
export interface RecognisedMail {
  format: MailFormat;
  /** From the header block (MIME) or the client's hint; null when neither has one. */
  messageId: string | null;
}

const HEAD_BYTES = 64 * 1024;

/** Only files named or typed as mail, or typed as nothing in particular, are worth reading the first bytes of. */
const mayBeMail = (filename: string, mediaType: string) =>
  /\.(eml|msg)$/i.test(filename) || ["message/rfc822", "application/vnd.ms-outlook", "application/octet-stream"].includes(mediaType);

/**
 * Whether a saved file is a mail, by its first bytes (an Outlook .msg is an OLE file; a MIME message may be
 * named .msg or come as octet-stream), and its Message-ID when the header block says it: what recognising a
 * mail filed before needs, read before the save's transaction without reading the whole file.
 */
export async function recogniseMail(ctx: AppContext, content: { sha256: string; size: number; filename: string; mediaType: string }, hints: MailHints) {
  if (content.size === 0 || !mayBeMail(content.filename, content.mediaType)) return null;
  const stream = await ctx.blobs.open(content.sha256, { start: 0, end: Math.min(content.size, HEAD_BYTES) - 1 });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const head = Buffer.concat(chunks);
  const format = mailFormatOf(head.subarray(0, 4096), content.filename, content.mediaType);
  if (!format) return null;
  let messageId = normaliseMessageId(hints.messageId);
  if (format === "mime") {
    const end = [head.indexOf("\r\n\r\n"), head.indexOf("\n\n")].filter((i) => i >= 0).sort((a, b) => a - b)[0];
    const id = rawHeaders(end === undefined ? head : head.subarray(0, end + 2)).get("message-id")?.[0];
    messageId = normaliseMessageId(id?.toString("latin1")) ?? messageId;
  }
  return { format, messageId } satisfies RecognisedMail;
}

/** Records a saved mail in the save's transaction and queues reading it. */
export async function registerMail(
  db: Executor,
  documentId: string,
  versionId: string,
  mail: RecognisedMail,
  hints: MailHints,
  options: { contentSha256: string; titleFromSubject: boolean },
): Promise<void> {
  // recogniseMail took the header's Message-ID, else the client's hint.
  const messageId = mail.messageId;
  await db
    .insertInto("mail_messages")
    .values({
      document_id: documentId,
      message_id: messageId,
      in_reply_to: null,
      references: "[]",
      from_address: null,
      from_name: null,
      to: "[]",
      cc: "[]",
      sent_at: null,
      subject: null,
      conversation_id: hints.conversationId ?? null,
      parsed: 0,
      filed_at: new Date().toISOString(),
      body_text: null,
      body_html: null,
      title_from_subject: options.titleFromSubject ? 1 : 0,
      content_sha256: options.contentSha256,
    })
    .execute();
  if (messageId) await db.insertInto("mail_thread_ids").values({ message_id: messageId, document_id: documentId }).execute();
  await enqueueJob(db, PARSE_MAIL_JOB, { documentId, versionId, format: mail.format });
}

/** Where the same mail is filed already: by Message-ID, or by its bytes when it has none. Every filing, visible or not. */
export async function filingsOf(db: Executor, mail: RecognisedMail, contentSha256: string) {
  let q = db
    .selectFrom("mail_messages")
    .innerJoin("documents", "documents.id", "mail_messages.document_id")
    .select(["documents.id as documentId", "documents.case_id as caseId", "documents.title"]);
  q = mail.messageId ? q.where("mail_messages.message_id", "=", mail.messageId) : q.where("mail_messages.content_sha256", "=", contentSha256);
  return q.orderBy("mail_messages.filed_at").limit(100).execute();
}

export interface ParseMailPayload {
  documentId: string;
  versionId: string;
  format?: MailFormat;
}

/** The stored mail a parse reads: its bytes and what it was saved as. */
export interface MailContent {
  sha256: string;
  size: number;
  filename: string;
  mediaType: string;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const EXTENSIONS: Record<string, string> = {
  "message/rfc822": "eml",
  "text/calendar": "ics",
  "application/pdf": "pdf",
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/gif": "gif",
  "text/plain": "txt",
  "text/html": "html",
  "application/vnd.ms-outlook": "msg",
};

/** A name for a part the sender gave none: by what it is, numbered in the mail. */
function fallbackName(part: ParsedPart, n: number): string {
  const ext = EXTENSIONS[part.mediaType] ?? "bin";
  if (part.kind === "message") return `mail-${n}.${ext}`;
  if (part.kind === "calendar") return `invitation-${n}.ics`;
  return `${part.kind === "inline" ? "image" : "attachment"}-${n}.${ext}`;
}

const addressJson = (a: ParsedAddress | null) => a && { name: a.name, address: a.address };
const messageJson = (m: ParsedMail) =>
  JSON.stringify({ subject: m.subject, from: addressJson(m.from), to: m.to, cc: m.cc, sentAt: m.sentAt, messageId: m.messageId });

export const partUrl = (documentId: string, partId: string) => `/api/documents/${documentId}/mail/parts/${partId}/content`;

type PartRowDraft = MailPartRow;

/** Stores every part's bytes (once per sha256) and returns the rows that list them, nested parts after their parent. */
async function storeParts(ctx: AppContext, documentId: string, versionId: string, parts: ParsedPart[], parentId: string | null, rows: PartRowDraft[]) {
  for (const [i, part] of parts.entries()) {
    const id = randomUUID();
    const blob = await ctx.blobs.put(Readable.from([part.content]), Number.MAX_SAFE_INTEGER);
    const fallback = fallbackName(part, rows.length + 1);
    const filename = safeFileName(part.filename ?? fallback, fallback);
    rows.push({
      id,
      document_id: documentId,
      version_id: versionId,
      parent_id: parentId,
      position: i,
      kind: part.kind,
      filename,
      original_filename: part.filename !== null && part.filename !== filename ? part.filename.slice(0, 2000) : null,
      media_type: part.mediaType,
      size: blob.size,
      sha256: blob.sha256,
      content_id: part.contentId,
      message: part.message ? messageJson(part.message) : null,
    });
    if (part.message) await storeParts(ctx, documentId, versionId, part.message.parts, id, rows);
  }
}

export interface ParseOutcome {
  status: MailParseStatus;
  subject: string | null;
  /** Whether the save gave no title, so the subject should become it. */
  titleFromSubject: boolean;
}

/**
 * The job: reads a saved mail in a bounded worker (headers, bodies, every part down to attached messages and
 * what a winmail.dat carries), stores each part's bytes once, and keeps what it read with the document. The
 * original stays as saved; a mail that cannot be read is marked so, with the reason, and nothing fails.
 */
export async function parseMail(ctx: AppContext, payload: ParseMailPayload, content: MailContent): Promise<ParseOutcome | null> {
  const row = await ctx.db.selectFrom("mail_messages").selectAll().where("document_id", "=", payload.documentId).executeTakeFirst();
  if (!row) return null;
  const titleFromSubject = row.title_from_subject === 1;
  const { maxBytes, timeoutMs, heapMb } = ctx.config.mailParse;
  if (content.size > maxBytes) {
    const problem = `the mail is larger than ${Math.round(maxBytes / 1024 / 1024)} MB (IMS_MAIL_PARSE_MAX_MB): it is kept as saved but not read`;
    await markUnread(ctx.db, payload.documentId, "skipped", problem);
    return { status: "skipped", subject: null, titleFromSubject };
  }
  const bytes = await readAll(await ctx.blobs.open(content.sha256));
  const format = payload.format ?? mailFormatOf(bytes.subarray(0, 4096), content.filename, content.mediaType) ?? "mime";
  let mail: ParsedMail;
  let body: { text: string | null; html: string | null; remoteContentBlocked: number };
  try {
    ({ mail, body } = await parseInWorker(bytes, format, { ...DEFAULT_READ_LIMITS, maxBytes: Math.max(4 * content.size, 1024 * 1024) }, { timeoutMs, heapMb }));
  } catch (err) {
    await markUnread(ctx.db, payload.documentId, "failed", err instanceof Error ? err.message : String(err));
    return { status: "failed", subject: null, titleFromSubject };
  }

  const rows: PartRowDraft[] = [];
  await storeParts(ctx, payload.documentId, payload.versionId, mail.parts, null, rows);
  // The worker pointed inline images at the n-th part of the mail; now the parts have ids.
  const own = rows.filter((r) => r.parent_id === null);
  const placeholder = new RegExp(`${PART_PLACEHOLDER}(\\d+)`, "g");
  const html = body.html?.replace(placeholder, (_, n: string) => (own[Number(n)] ? partUrl(payload.documentId, own[Number(n)].id) : "")) ?? null;
  const status: MailParseStatus = mail.problems.length ? "partial" : "done";
  const messageId = mail.messageId ?? row.message_id;

  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom("mail_parts").where("document_id", "=", payload.documentId).where("version_id", "=", payload.versionId).execute();
    for (let i = 0; i < rows.length; i += 100)
      await trx
        .insertInto("mail_parts")
        .values(rows.slice(i, i + 100))
        .execute();
    await trx
      .updateTable("mail_messages")
      .set({
        message_id: messageId,
        in_reply_to: mail.inReplyTo,
        references: JSON.stringify(mail.references),
        from_address: mail.from?.address ?? null,
        from_name: mail.from?.name ?? null,
        to: JSON.stringify(mail.to),
        cc: JSON.stringify(mail.cc),
        sent_at: mail.sentAt,
        subject: mail.subject,
        parsed: 1,
        parse_status: status,
        parse_problems: JSON.stringify(mail.problems.slice(0, 100)),
        body_text: body.text,
        body_html: html,
        remote_content_blocked: body.remoteContentBlocked,
      })
      .where("document_id", "=", payload.documentId)
      .execute();
    const ids = [...new Set([messageId, mail.inReplyTo, ...mail.references].filter((x): x is string => Boolean(x)))];
    await trx.deleteFrom("mail_thread_ids").where("document_id", "=", payload.documentId).execute();
    if (ids.length)
      await trx
        .insertInto("mail_thread_ids")
        .values(ids.map((message_id) => ({ message_id, document_id: payload.documentId })))
        .execute();
  });
  return { status, subject: mail.subject, titleFromSubject };
}

async function markUnread(db: Executor, documentId: string, status: MailParseStatus, problem: string): Promise<void> {
  await db
    .updateTable("mail_messages")
    .set({ parsed: 1, parse_status: status, parse_problems: JSON.stringify([problem]) })
    .where("document_id", "=", documentId)
    .execute();
}

/** Whether any mail part names this content (the blob sweep keeps it). */
export async function isPartContent(db: Executor, sha256: string): Promise<boolean> {
  return Boolean(await db.selectFrom("mail_parts").select("id").where("sha256", "=", sha256).limit(1).executeTakeFirst());
}

/** One part of a visible document's mail, for its download; undefined when there is none. */
export function findPart(db: Executor, doc: Visible<DocumentRow>, partId: string): Promise<MailPartRow | undefined> {
  return db.selectFrom("mail_parts").selectAll().where("document_id", "=", doc.id).where("id", "=", partId).executeTakeFirst();
}

/** A saved mail as the document page shows it. */
export type { MailView };

const toPart = (p: MailPartRow, attachmentBySha: Map<string, string>): MailPart => ({
  id: p.id,
  parentId: p.parent_id,
  kind: p.kind,
  name: p.filename,
  originalName: p.original_filename,
  mediaType: p.media_type,
  size: p.size,
  sha256: p.sha256,
  contentId: p.content_id,
  contentUrl: partUrl(p.document_id, p.id),
  // Only the mail's own parts can be what a client uploaded beside it.
  attachmentId: p.parent_id === null ? (attachmentBySha.get(p.sha256) ?? null) : null,
  message: p.message ? JSON.parse(p.message) : null,
});

/**
 * The mail of a visible document, or null when it is not a mail: headers, parts (of the version read),
 * body, the thread's other filed mails and the same mail's other filings, both among what the actor may see.
 */
export async function mailOf(db: Executor, actor: Actor, doc: Visible<DocumentRow>, attachmentBySha: Map<string, string>): Promise<MailView | null> {
  const m = await db.selectFrom("mail_messages").selectAll().where("document_id", "=", doc.id).executeTakeFirst();
  if (!m) return null;
  const [parts, thread, alsoFiled] = await Promise.all([
    db.selectFrom("mail_parts").selectAll().where("document_id", "=", doc.id).orderBy("parent_id").orderBy("position").execute(),
    threadOf(db, actor, doc.id),
    m.message_id || m.content_sha256 ? otherFilings(db, actor, doc.id, m.message_id, m.content_sha256) : Promise.resolve([]),
  ]);
  return {
    messageId: m.message_id,
    inReplyTo: m.in_reply_to,
    references: JSON.parse(m.references),
    from: m.from_address ? { name: m.from_name ?? "", address: m.from_address } : null,
    to: JSON.parse(m.to),
    cc: JSON.parse(m.cc),
    sentAt: m.sent_at,
    subject: m.subject,
    conversationId: m.conversation_id,
    parsed: m.parsed === 1,
    parse: { status: m.parse_status, problems: JSON.parse(m.parse_problems) },
    body: { text: m.body_text, html: m.body_html, remoteContentBlocked: m.remote_content_blocked },
    parts: orderTree(parts).map((p) => toPart(p, attachmentBySha)),
    thread,
    alsoFiled,
  };
}

/** Parts in reading order: each part followed by those it contains. */
function orderTree(parts: MailPartRow[]): MailPartRow[] {
  const children = new Map<string | null, MailPartRow[]>();
  for (const p of parts) children.set(p.parent_id, [...(children.get(p.parent_id) ?? []), p]);
  const out: MailPartRow[] = [];
  const walk = (parent: string | null) => {
    for (const p of (children.get(parent) ?? []).sort((a, b) => a.position - b.position)) {
      out.push(p);
      walk(p.id);
    }
  };
  walk(null);
  return out;
}

/** The other filed mails that share a Message-ID with this one (its thread), newest first, that the actor may see. */
async function threadOf(db: Executor, actor: Actor, documentId: string) {
  const rows = await db
    .selectFrom("mail_thread_ids as mine")
    .innerJoin("mail_thread_ids as theirs", "theirs.message_id", "mine.message_id")
    .innerJoin("documents", "documents.id", "theirs.document_id")
    .innerJoin("mail_messages", "mail_messages.document_id", "documents.id")
    .leftJoin("cases", "cases.id", "documents.case_id")
    .where("mine.document_id", "=", documentId)
    .where("theirs.document_id", "!=", documentId)
    .where(documentVisibleTo(actor) as never)
    .select([
      "documents.id as documentId",
      "documents.title",
      "mail_messages.subject",
      "mail_messages.from_address",
      "mail_messages.from_name",
      "mail_messages.sent_at",
      "cases.id as caseId",
      "cases.number as caseNumber",
      "cases.title as caseTitle",
    ])
    .distinct()
    .orderBy("mail_messages.sent_at", "desc")
    .limit(200)
    .execute();
  return rows.map((r) => ({
    documentId: r.documentId,
    title: r.title,
    subject: r.subject,
    from: r.from_address ? { name: r.from_name ?? "", address: r.from_address } : null,
    sentAt: r.sent_at,
    case: r.caseId ? { id: r.caseId, number: r.caseNumber!, title: r.caseTitle! } : null,
  }));
}

async function otherFilings(db: Executor, actor: Actor, documentId: string, messageId: string | null, contentSha256: string | null) {
  let q = db
    .selectFrom("mail_messages")
    .innerJoin("documents", "documents.id", "mail_messages.document_id")
    .leftJoin("cases", "cases.id", "documents.case_id")
    .where("documents.id", "!=", documentId)
    .where(documentVisibleTo(actor) as never)
    .select(["documents.id as documentId", "cases.id as caseId", "cases.number", "cases.title"]);
  q = messageId ? q.where("mail_messages.message_id", "=", messageId) : q.where("mail_messages.content_sha256", "=", contentSha256!);
  const rows = await q.orderBy("mail_messages.filed_at").limit(100).execute();
  return rows.map((r) => ({ documentId: r.documentId, case: r.caseId ? { id: r.caseId, number: r.number!, title: r.title! } : null }));
}

export type { MailLookup };

/** Visible filed mails joined to their visible, active cases, newest filing first. */
function filedMails(db: Executor, actor: Actor) {
  return db
    .selectFrom("mail_messages")
    .innerJoin("documents", "documents.id", "mail_messages.document_id")
    .innerJoin("cases", "cases.id", "documents.case_id")
    .where(documentVisibleTo(actor) as never)
    .where(caseVisibleTo(actor) as never)
    .where("cases.status", "=", "active")
    .selectAll("cases")
    .orderBy("mail_messages.filed_at", "desc")
    .limit(1);
}

/**
 * Is this mail filed already (by Message-ID), and which case does it belong to: the case its thread was
 * filed in (In-Reply-To, References, or a later reply that names it), else the same Outlook conversation,
 * else the case its sender was last filed in. Only what the actor may see is considered.
 */
export async function lookupMail(db: Executor, actor: Actor, q: MailLookup) {
  const own = normaliseMessageId(q.messageId);
  let alreadyFiled = null;
  if (own) {
    const hit = await db
      .selectFrom("mail_messages")
      .innerJoin("documents", "documents.id", "mail_messages.document_id")
      .leftJoin("cases", "cases.id", "documents.case_id")
      .where(documentVisibleTo(actor) as never)
      .where("mail_messages.message_id", "=", own)
      .select(["documents.id as documentId", "cases.id as caseId", "cases.number", "cases.title"])
      .orderBy("mail_messages.filed_at", "desc")
      .executeTakeFirst();
    if (hit) alreadyFiled = { documentId: hit.documentId, case: hit.caseId ? { id: hit.caseId, number: hit.number!, title: hit.title! } : null };
  }

  const thread = [
    ...new Set([own, ...messageIdsIn(q.inReplyTo), ...(q.references ?? []).flatMap((r) => messageIdsIn(r))].filter((x): x is string => Boolean(x))),
  ];
  let proposal = null;
  if (thread.length) {
    const c = await filedMails(db, actor)
      .where("mail_messages.document_id", "in", (eb) =>
        eb.selectFrom("mail_thread_ids").select("mail_thread_ids.document_id").where("mail_thread_ids.message_id", "in", thread),
      )
      .executeTakeFirst();
    if (c) proposal = { case: c, reason: "thread" as const };
  }
  if (!proposal && q.conversationId) {
    const c = await filedMails(db, actor).where("mail_messages.conversation_id", "=", q.conversationId).executeTakeFirst();
    if (c) proposal = { case: c, reason: "conversation" as const };
  }
  if (!proposal && q.from) {
    const from = q.from.trim().toLowerCase();
    const c = await filedMails(db, actor).where("mail_messages.from_address", "=", from).executeTakeFirst();
    if (c) proposal = { case: c, reason: "sender" as const };
  }
  return { alreadyFiled, proposal };
}
