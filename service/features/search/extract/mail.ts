import type { ParsedAddress, ParsedMail, ParsedPart } from "../../mail/parsed-mail.ts";
import { mailFormatOf, readMail, type MailFormat } from "../../mail/read-mail.ts";
import { BoundedText, ExtractError, type ExtractedText, type ExtractLimits, type InflateBudget } from "./limits.ts";
import { extractHtml } from "./plain.ts";

// A mail's searchable text: subject, sender and recipients, body, the names of its attachments, and the text
// of each attachment read in turn (attached mails too, to limits.maxDepth). The whole mail shares one
// character budget and one inflate budget with everything inside it. An attachment that cannot be read is
// left out and said so; it does not make the mail fail.

export interface InnerFile {
  filename: string;
  mediaType: string;
}

/** How a file inside the mail is read: extractText's own dispatch, handed in so that this file need not import it back. */
export type ReadInnerFile = (bytes: Buffer, file: InnerFile, limits: ExtractLimits, budget: InflateBudget, depth: number) => Promise<ExtractedText>;

interface Reading {
  limits: ExtractLimits;
  budget: InflateBudget;
  readInner: ReadInnerFile;
  text: BoundedText;
  truncated: boolean;
  leftOut: string[];
}

/** The text of a .eml or .msg at `depth` (0: the file itself; 1: attached to it; …). */
export async function extractMail(
  bytes: Buffer,
  file: InnerFile,
  limits: ExtractLimits,
  budget: InflateBudget,
  depth: number,
  readInner: ReadInnerFile,
): Promise<ExtractedText> {
  // A .msg is often a MIME message, and a .eml may come as application/octet-stream: the bytes decide.
  const declared: MailFormat = /\.msg$/i.test(file.filename) || file.mediaType === "application/vnd.ms-outlook" ? "outlook" : "mime";
  const format = mailFormatOf(bytes.subarray(0, 4096), file.filename, file.mediaType) ?? declared;
  // The reader parses attached messages itself, as deep as attachments are read here, and no deeper.
  const mail = await readMail(bytes, format, { maxDepth: Math.max(0, limits.maxDepth - depth), maxParts: limits.maxEntries, maxBytes: limits.maxInputBytes });
  if (isEmpty(mail) && mail.problems.length > 0) throw new ExtractError("failed", `damaged mail: ${mail.problems[0]}`);
  const reading: Reading = { limits, budget, readInner, text: new BoundedText(limits.maxChars), truncated: false, leftOut: [] };
  await readMessage(reading, mail, depth);
  const result = reading.text.result();
  return {
    text: result.text,
    truncated: result.truncated || reading.truncated,
    ...(reading.leftOut.length > 0 ? { leftOut: reading.leftOut } : {}),
  };
}

const isEmpty = (mail: ParsedMail): boolean => !mail.subject && !mail.from && mail.to.length === 0 && !mail.text && !mail.html && mail.parts.length === 0;

const addressLine = (addresses: ParsedAddress[]): string =>
  addresses.map((a) => (a.name && a.name.toLowerCase() !== a.address ? `${a.name} <${a.address}>` : a.address)).join(", ");

const partName = (part: ParsedPart): string => part.filename ?? `an unnamed ${part.mediaType} part`;

async function readMessage(reading: Reading, mail: ParsedMail, depth: number): Promise<void> {
  const { text } = reading;
  for (const line of [mail.subject ?? "", addressLine(mail.from ? [mail.from] : []), addressLine(mail.to), addressLine(mail.cc)]) {
    text.add(line);
    text.add("\n");
  }
  text.add("\n");
  await addBody(reading, mail.text, mail.html);
  await addAttachments(reading, mail, depth + 1);
}

/** The names of a mail's attachments, then each one read at `depth`; and what the mail reader could not read. */
async function addAttachments(reading: Reading, mail: ParsedMail, depth: number): Promise<void> {
  reading.leftOut.push(...mail.problems);
  const names = mail.parts.filter((p) => p.filename).map((p) => p.filename);
  if (names.length > 0) reading.text.add(`\n\n${names.join("\n")}`);
  for (const part of mail.parts) {
    if (reading.text.full) return;
    await readPart(reading, mail, part, depth);
  }
}

async function addBody(reading: Reading, plain: string | null, html: string | null): Promise<void> {
  if (plain) reading.text.add(plain);
  else if (html) {
    const converted = extractHtml(Buffer.from(html, "utf8"), { ...reading.limits, maxChars: reading.text.room });
    reading.text.add(converted.text);
    reading.truncated ||= converted.truncated;
  }
}

/** An attachment at `depth`: an attached message read as part of this one, any other file by its format. */
async function readPart(reading: Reading, mail: ParsedMail, part: ParsedPart, depth: number): Promise<void> {
  const name = partName(part);
  if (depth > reading.limits.maxDepth) {
    reading.leftOut.push(`${name}: inside the file deeper than ${reading.limits.maxDepth} levels, not read`);
    return;
  }
  reading.text.add("\n\n");
  if (part.message && part.kind === "message") {
    await readMessage(reading, part.message, depth);
    return;
  }
  if (part.message) {
    // A winmail.dat: what it carries are the mail's own body (already read, unless it differs) and attachments.
    const carrier = part.message;
    if (carrier.text !== mail.text || carrier.html !== mail.html) await addBody(reading, carrier.text, carrier.html);
    await addAttachments(reading, carrier, depth);
    return;
  }
  try {
    const limits = { ...reading.limits, maxChars: reading.text.room, maxInflatedBytes: Math.max(0, reading.budget.remaining) };
    const file = { filename: part.filename ?? "", mediaType: part.kind === "message" ? "message/rfc822" : part.mediaType };
    const inner = await reading.readInner(part.content, file, limits, reading.budget, depth);
    reading.text.add(inner.text);
    reading.truncated ||= inner.truncated;
    reading.leftOut.push(...(inner.leftOut ?? []).map((note) => `${name}: ${note}`));
  } catch (error) {
    if (!(error instanceof ExtractError)) throw error;
    reading.leftOut.push(`${name}: ${error.status}, ${error.reason}`);
  }
}
