import { parentPort } from "node:worker_threads";
import { mailBody, type MailBody } from "./mail-body.ts";
import { MAX_BODY_CHARS, PART_PLACEHOLDER, type ParsedMail, type ReadLimits } from "./parsed-mail.ts";
import { readMail, type MailFormat } from "./read-mail.ts";

// The worker thread a mail is read in (see mail-parser-pool.ts): a message that makes the reader loop or
// grow is stopped by terminating the thread, and the service carries on. The body is sanitised here too,
// since a large HTML body takes a while; its inline images point at PART_PLACEHOLDER<n> (the mail's n-th
// part) until the parts have ids.

export interface ParseRequest {
  content: Uint8Array;
  format: MailFormat;
  limits: ReadLimits;
}

export type ParseAnswer = { mail: ParsedMail; body: MailBody } | { error: string };

parentPort!.on("message", async (request: ParseRequest) => {
  try {
    const content = Buffer.from(request.content.buffer, request.content.byteOffset, request.content.byteLength);
    const mail = await readMail(content, request.format, request.limits);
    const byCid = new Map<string, number>();
    mail.parts.forEach((p, i) => p.contentId && !byCid.has(p.contentId.toLowerCase()) && byCid.set(p.contentId.toLowerCase(), i));
    const body = mailBody(
      { text: mail.text, html: mail.html },
      (cid) => {
        const i = byCid.get(cid.toLowerCase());
        return i === undefined ? null : `${PART_PLACEHOLDER}${i}`;
      },
      { maxChars: MAX_BODY_CHARS },
    );
    parentPort!.postMessage({ mail, body } satisfies ParseAnswer);
  } catch (err) {
    parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies ParseAnswer);
  }
});
