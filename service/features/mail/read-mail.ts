import { readMime } from "./mime-reader.ts";
import { isOleCompoundFile, readOutlookMsg } from "./outlook-msg.ts";
import type { ParsedMail, ReadLimits } from "./parsed-mail.ts";

// Which kind of mail a saved file is, by its bytes first: Outlook saves .msg as an OLE compound file, but
// a MIME message is often named .msg too, and a .eml may come as application/octet-stream.

export type MailFormat = "mime" | "outlook";

const HEADER_LINE = /^[!-9;-~]+:/;
const MAIL_HEADERS = /^(from|to|subject|date|received|message-id|mime-version|return-path|delivered-to|x-mailer|reply-to|content-type):/i;

/** Whether the first bytes read as the header block of a MIME message. */
function looksLikeMime(head: Buffer): boolean {
  const lines = head.toString("latin1").split(/\r?\n/, 40);
  let known = 0;
  for (const line of lines) {
    if (line === "") break;
    if (/^[ \t]/.test(line)) continue;
    if (!HEADER_LINE.test(line) && !/^From /.test(line)) return false;
    if (MAIL_HEADERS.test(line)) known++;
  }
  return known >= 2;
}

/** The mail format of a file from its first bytes (4 KiB are plenty), its name and declared type; null when it is not mail. */
export function mailFormatOf(head: Buffer, filename: string, mediaType: string): MailFormat | null {
  const named = /\.(eml|msg)$/i.test(filename) || mediaType === "message/rfc822" || mediaType === "application/vnd.ms-outlook";
  if (isOleCompoundFile(head)) return /\.msg$/i.test(filename) || mediaType === "application/vnd.ms-outlook" ? "outlook" : null;
  if (looksLikeMime(head)) return named || mediaType === "application/octet-stream" ? "mime" : null;
  // Declared as mail but unreadable as such: it is still filed as mail, and the parse says what is wrong.
  return mediaType === "message/rfc822" || /\.eml$/i.test(filename) ? "mime" : null;
}

export function readMail(content: Buffer, format: MailFormat, limits: ReadLimits): Promise<ParsedMail> {
  return format === "outlook" ? Promise.resolve(readOutlookMsg(content, limits)) : readMime(content, limits);
}
