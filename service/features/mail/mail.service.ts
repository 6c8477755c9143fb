import type { MailLookup, MailView } from "../../../shared/api/types.ts";
import type { AppContext } from "../../context.ts";
import type { Executor } from "../../db/database.ts";
import { enqueueJob } from "../../jobs/jobs.ts";
import { caseVisibleTo, documentVisibleTo, type Visible } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import type { DocumentRow } from "../documents/documents.table.ts";
import { messageIdsIn, normaliseMessageId } from "../../../shared/flow/naming.ts";
import { readMailHeaders } from "./mail-headers.ts";

export const PARSE_MAIL_JOB = "mail.parse";

/** What a client can tell about a mail when saving it (Outlook and Gmail know these before the service parses). */
export interface MailHints {
  messageId?: string;
  conversationId?: string;
}

export const isMail = (mediaType: string, filename: string) => mediaType === "message/rfc822" || /\.eml$/i.test(filename);

/** Records a saved mail in the save's transaction and queues the parse of its headers. */
export async function registerMail(db: Executor, documentId: string, versionId: string, hints: MailHints): Promise<void> {
  const messageId = normaliseMessageId(hints.messageId);
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
    })
    .execute();
  if (messageId) await db.insertInto("mail_thread_ids").values({ message_id: messageId, document_id: documentId }).execute();
  await enqueueJob(db, PARSE_MAIL_JOB, { documentId, versionId });
}

export interface ParseMailPayload {
  documentId: string;
  versionId: string;
}

/** The job: parse the stored .eml's headers and keep them with the document. */
export async function parseMail(ctx: AppContext, payload: ParseMailPayload, content: { sha256: string }): Promise<void> {
  const h = await readMailHeaders(await ctx.blobs.open(content.sha256));
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("mail_messages").select(["document_id", "message_id"]).where("document_id", "=", payload.documentId).executeTakeFirst();
    if (!row) return;
    const messageId = h.messageId ?? row.message_id;
    await trx
      .updateTable("mail_messages")
      .set({
        message_id: messageId,
        in_reply_to: h.inReplyTo,
        references: JSON.stringify(h.references),
        from_address: h.from?.address ?? null,
        from_name: h.from?.name ?? null,
        to: JSON.stringify(h.to),
        cc: JSON.stringify(h.cc),
        sent_at: h.sentAt,
        subject: h.subject,
        parsed: 1,
      })
      .where("document_id", "=", payload.documentId)
      .execute();
    const ids = [...new Set([messageId, h.inReplyTo, ...h.references].filter((x): x is string => Boolean(x)))];
    await trx.deleteFrom("mail_thread_ids").where("document_id", "=", payload.documentId).execute();
    if (ids.length)
      await trx
        .insertInto("mail_thread_ids")
        .values(ids.map((message_id) => ({ message_id, document_id: payload.documentId })))
        .execute();
  });
}

/** A saved mail's headers as the document page shows them, with the client's hint and whether parsing is done. */
export type { MailView };

/** The mail headers of a visible document, or null when it is not a mail. */
export async function mailOf(db: Executor, doc: Visible<DocumentRow>): Promise<MailView | null> {
  const m = await db.selectFrom("mail_messages").selectAll().where("document_id", "=", doc.id).executeTakeFirst();
  if (!m) return null;
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
  };
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
