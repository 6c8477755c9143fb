import type { Readable } from "node:stream";
import { MailParser, type AddressObject, type HeaderValue, type Headers } from "mailparser";
import type { MailAddress, MailView } from "../../../shared/api/types.ts";
import { messageIdsIn, normaliseMessageId } from "../../../shared/flow/naming.ts";

export type { MailAddress };

/** The headers of a saved mail that thread it and describe it: the API's mail view without what the service adds. */
export type MailHeaders = Omit<MailView, "conversationId" | "parsed">;

function addresses(value: HeaderValue | undefined): MailAddress[] {
  if (!value) return [];
  const objects = (Array.isArray(value) ? value : [value]) as AddressObject[];
  const out: MailAddress[] = [];
  const walk = (list: AddressObject["value"]) => {
    for (const a of list ?? []) {
      if (a.address) out.push({ name: a.name ?? "", address: a.address.toLowerCase() });
      if (a.group) walk(a.group);
    }
  };
  for (const o of objects) if (o && typeof o === "object" && "value" in o) walk(o.value);
  return out;
}

export function headersFrom(h: Headers): MailHeaders {
  const date = h.get("date");
  const sent = date instanceof Date && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
  const subject = h.get("subject");
  return {
    messageId: normaliseMessageId(h.get("message-id") as string | undefined),
    inReplyTo: messageIdsIn(h.get("in-reply-to"))[0] ?? null,
    references: messageIdsIn(h.get("references")),
    from: addresses(h.get("from"))[0] ?? null,
    to: addresses(h.get("to")),
    cc: addresses(h.get("cc")),
    sentAt: sent,
    subject: typeof subject === "string" ? subject : null,
  };
}

/**
 * Reads only the header block of an .eml stream with mailparser (RFC 2047 words, address lists, dates)
 * and stops there, destroying the stream, so a 40 MB message costs no more than its headers.
 */
export function readMailHeaders(input: Readable): Promise<MailHeaders> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser({ skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
    let done = false;
    const finish = (err: unknown, headers?: MailHeaders) => {
      if (done) return;
      done = true;
      input.destroy();
      parser.removeAllListeners("data");
      parser.destroy();
      if (err) reject(err);
      else resolve(headers!);
    };
    parser.on("headers", (h: Headers) => finish(null, headersFrom(h)));
    parser.on("data", (part: { type: string; content?: { resume(): void }; release?: () => void }) => {
      if (part.type === "attachment") part.release?.();
    });
    parser.on("error", (err: unknown) => finish(err));
    parser.on("end", () => finish(new Error("the message has no header block")));
    input.on("error", (err) => finish(err));
    input.pipe(parser);
  });
}
