import crypto from "node:crypto";
import { simpleParser } from "mailparser";
import type { FakeMessage } from "./apps-script.ts";

/** A Gmail message made from an .eml: Gmail's view of it (subject, parties, attachments) parsed with mailparser. */
export async function gmailMessageFrom(raw: Buffer, id: string, threadId = `thread-${id}`): Promise<FakeMessage> {
  const parsed = await simpleParser(raw);
  const headers: Record<string, string> = {};
  for (const h of parsed.headerLines) {
    const value = h.line
      .slice(h.line.indexOf(":") + 1)
      .replace(/\r?\n[ \t]+/g, " ")
      .trim();
    headers[h.key] ??= value;
  }
  const text = (a: unknown) => (Array.isArray(a) ? a.map((x) => x.text).join(", ") : ((a as { text?: string } | undefined)?.text ?? ""));
  return {
    id,
    threadId,
    accessToken: `gmail-access-${id}`,
    raw,
    subject: parsed.subject ?? "",
    from: text(parsed.from),
    to: text(parsed.to),
    cc: text(parsed.cc),
    date: parsed.date ?? new Date(),
    headers,
    attachments: parsed.attachments.map((a) => ({
      name: a.filename ?? "",
      contentType: a.contentType,
      bytes: a.content,
      // Gmail's inline images: parts of the message's related body, shown in it.
      inline: Boolean(a.related) || (a.contentDisposition === "inline" && Boolean(a.cid)),
    })),
  };
}

/** A short reply to `original` in the same conversation (In-Reply-To and References), from another sender. */
export function replyTo(original: FakeMessage, id: string): FakeMessage {
  const messageId = `<reply-${id}@example.com>`;
  const parent = original.headers["message-id"];
  const raw = Buffer.from(
    [
      "From: Kirsten Kontor <kirsten@example.com>",
      `To: ${original.from}`,
      `Subject: Re: ${original.subject.replace(/[^\x20-\x7e]/g, "?")}`,
      "Date: Tue, 12 Oct 2021 10:00:00 +0200",
      `Message-ID: ${messageId}`,
      `In-Reply-To: ${parent}`,
      `References: ${parent}`,
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=us-ascii",
      "",
      "Tak, det er modtaget.",
      "",
    ].join("\r\n"),
  );
  return {
    ...original,
    id,
    accessToken: `gmail-access-${id}`,
    raw,
    subject: `Re: ${original.subject}`,
    from: "Kirsten Kontor <kirsten@example.com>",
    headers: { ...original.headers, "message-id": messageId, "in-reply-to": parent, references: parent },
    attachments: [],
  };
}

/** A real-looking mail of about `totalBytes` (7-bit, CRLF), most of it a base64 attachment of random bytes. */
export function largeMessage(id: string, totalBytes: number): FakeMessage {
  const attachmentBytes = Math.floor((totalBytes * 3 * 76) / (4 * 78));
  const payload = crypto.randomBytes(attachmentBytes);
  const b64 = payload.toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  const boundary = "=_ims_large_0123456789";
  const subject = "Måleserie fra vandværket (stor fil)";
  const head = [
    "From: Vandvaerket <drift@vand.example>",
    "To: Alice Sagsbehandler <alice@skole.dk>",
    "Subject: =?UTF-8?Q?M=C3=A5leserie_fra_vandv=C3=A6rket_(stor_fil)?=",
    "Date: Wed, 13 Oct 2021 08:15:00 +0200",
    `Message-ID: <large-${id}@vand.example>`,
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    "",
    `--${boundary}`,
    "Content-Type: text/plain; charset=us-ascii",
    "",
    "Hermed maalingerne for september.",
    "",
    `--${boundary}`,
    'Content-Type: application/octet-stream; name="maalinger.bin"',
    'Content-Disposition: attachment; filename="maalinger.bin"',
    "Content-Transfer-Encoding: base64",
    "",
    "",
  ].join("\r\n");
  const raw = Buffer.concat([Buffer.from(head), Buffer.from(lines.join("\r\n")), Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return {
    id,
    threadId: `thread-${id}`,
    accessToken: `gmail-access-${id}`,
    raw,
    subject,
    from: "Vandvaerket <drift@vand.example>",
    to: "Alice Sagsbehandler <alice@skole.dk>",
    cc: "",
    date: new Date("2021-10-13T06:15:00Z"),
    headers: { "message-id": `<large-${id}@vand.example>`, from: "Vandvaerket <drift@vand.example>" },
    attachments: [{ name: "maalinger.bin", contentType: "application/octet-stream", bytes: payload, inline: false }],
  };
}
