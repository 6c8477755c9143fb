import type * as msgreader from "@kenjiuno/msgreader";
import type { FieldsData } from "@kenjiuno/msgreader";
import iconv from "iconv-lite";
import { createRequire } from "node:module";
import { messageIdsIn, normaliseMessageId, parseHeaderBlock } from "../../../shared/flow/naming.ts";
import { emptyMail, type ParsedAddress, type ParsedMail, type ParsedPart, type PartKind, type ReadLimits } from "./parsed-mail.ts";
import { encodingOfCodePage, mediaTypeFromName } from "./outlook-types.ts";

// An Outlook .msg (an OLE compound file of MAPI properties) read into a ParsedMail with msgreader. The
// library trusts the file: it follows sector chains and the directory tree without looking for loops, so
// the reader it builds is guarded here before it reads a byte, and everything it throws becomes a problem.

// Required, not imported: the package is CommonJS marked __esModule, and loaders disagree on what its default
// import is (tsx under mocha gives the class, plain Node the exports object). TypeScript types the default
// import as the exports object, hence `msgreader.default` for what require() returns.
const { default: MsgReader } = createRequire(import.meta.url)("@kenjiuno/msgreader") as typeof msgreader.default;
type MsgReader = InstanceType<typeof MsgReader>;

const OLE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** Whether the bytes start as an OLE compound file (what Outlook saves a .msg as). */
export const isOleCompoundFile = (content: Buffer): boolean =>
  content.length >= OLE_SIGNATURE.length && content.subarray(0, OLE_SIGNATURE.length).equals(OLE_SIGNATURE);

/** What is left of limits.maxParts and limits.maxBytes; shared by a message and the ones embedded in it. */
interface Budget {
  parts: number;
  bytes: number;
}

/** The parts of msgreader's compound-file reader that walk chains and trees (private in its typings). */
interface DirectoryEntry {
  type: number;
  previousProperty: number;
  nextProperty: number;
  childProperty: number;
  sizeBlock: number;
}
interface CompoundFileReader {
  getNextBlockInner(offset: number, table: number[]): number;
  getBlockAt(offset: number): Int32Array;
  readProperty(entry: DirectoryEntry): Uint8Array;
  createPropertyHierarchy(entries: DirectoryEntry[], node: DirectoryEntry): void;
}

const NO_INDEX = -1;
const STORAGE = 1;

/** Throws when the directory tree, walked from the root as msgreader walks it, reaches an entry twice or points outside. */
function assertDirectoryIsATree(entries: DirectoryEntry[]): void {
  if (!entries[0]) throw new Error("the compound file has no root directory entry");
  const seen = new Set<number>([0]);
  const pending = [entries[0].childProperty];
  while (pending.length > 0) {
    const index = pending.pop()!;
    if (index === NO_INDEX) continue;
    const entry = entries[index];
    if (!entry) throw new Error("a directory entry points outside the directory");
    if (seen.has(index)) throw new Error("the directory tree loops");
    seen.add(index);
    pending.push(entry.previousProperty, entry.nextProperty);
    if (entry.type === STORAGE) pending.push(entry.childProperty);
  }
}

/**
 * Makes msgreader's reader stop, by throwing, where a crafted file would make it loop or allocate without end:
 * a sector chain longer than the file has sectors, a directory tree with a cycle, a stream larger than the file.
 * Returns what to call before each msgreader call, since every call walks the chains it needs afresh.
 */
function guardAgainstLoops(msg: MsgReader, fileSize: number): () => void {
  const reader = (msg as unknown as { reader: CompoundFileReader }).reader;
  const original = Object.getPrototypeOf(reader) as CompoundFileReader;
  // One call walks each chain at most a few times; a 64-byte mini sector is the smallest link a chain has.
  const maxSteps = 8 * (Math.ceil(fileSize / 64) + 64);
  let steps = 0;
  const step = () => {
    if (++steps > maxSteps) throw new Error("a sector chain loops");
  };
  reader.getNextBlockInner = function (offset, table) {
    step();
    return original.getNextBlockInner.call(this, offset, table);
  };
  reader.getBlockAt = function (offset) {
    step();
    return original.getBlockAt.call(this, offset);
  };
  reader.readProperty = function (entry) {
    if (entry && entry.sizeBlock > fileSize) throw new Error("a stream claims more bytes than the file holds");
    return original.readProperty.call(this, entry);
  };
  reader.createPropertyHierarchy = function (entries, node) {
    if (node === entries[0]) assertDirectoryIsATree(entries);
    original.createPropertyHierarchy.call(this, entries, node);
  };
  return () => {
    steps = 0;
  };
}

interface OpenMsg {
  fields: FieldsData;
  /** An attachment's bytes (an embedded message re-serialised as a .msg of its own). */
  attachment(att: FieldsData): Uint8Array;
}

/** One msgreader pass; `eightBitAnsi` says whether a non-Unicode (PT_STRING8) property held bytes beyond ASCII. */
function openWith(content: Buffer, ansiEncoding: string | undefined): OpenMsg & { eightBitAnsi: boolean } {
  const exact = content.byteOffset === 0 && content.byteLength === content.buffer.byteLength ? content.buffer : new Uint8Array(content).buffer;
  const msg = new MsgReader(exact as ArrayBuffer);
  const resetSteps = guardAgainstLoops(msg, content.length);
  let properties = 0;
  let eightBitAnsi = false;
  msg.parserConfig = {
    ansiEncoding,
    propertyObserver: (_fields, tag, raw) => {
      properties++;
      if ((tag & 0xffff) === 0x001e && raw?.some((byte) => byte >= 0x80)) eightBitAnsi = true;
    },
  };
  resetSteps();
  const fields = msg.getFileData();
  if (fields.error) throw new Error(fields.error);
  // Bytes that merely start like a compound file can parse into nothing at all.
  if (properties === 0) throw new Error("the file holds no Outlook message properties");
  return {
    fields,
    eightBitAnsi,
    attachment: (att) => {
      resetSteps();
      return msg.getAttachment(att).content;
    },
  };
}

/**
 * Opens the file. msgreader decodes non-Unicode string properties byte for byte (as Latin-1) unless told the
 * code page, which the file itself names; so a file whose ANSI strings go beyond ASCII is read a second time
 * in its own code page (PidTagMessageCodepage, else PidTagInternetCodepage).
 */
function open(content: Buffer): OpenMsg {
  const first = openWith(content, undefined);
  if (!first.eightBitAnsi) return first;
  const encoding = encodingOfCodePage(first.fields.messageCodepage ?? first.fields.internetCodepage);
  if (!encoding) return first;
  try {
    return openWith(content, encoding);
  } catch {
    return first;
  }
}

function isoDate(...candidates: (string | undefined)[]): string | null {
  for (const candidate of candidates) {
    const date = candidate ? new Date(candidate) : null;
    if (date && !Number.isNaN(date.getTime())) return date.toISOString();
  }
  return null;
}

/** The sender; an Exchange-internal sender's address is a directory name, so its SMTP address is taken when the file has it. */
function sender(fields: FieldsData): ParsedAddress | null {
  const exchange = fields.senderAddressType?.toUpperCase() === "EX";
  const address = ((exchange && fields.senderSmtpAddress) || fields.senderEmail || fields.senderSmtpAddress || "").trim().toLowerCase();
  return address ? { name: fields.senderName ?? "", address } : null;
}

function recipients(fields: FieldsData, type: "to" | "cc"): ParsedAddress[] {
  const out: ParsedAddress[] = [];
  for (const recipient of fields.recipients ?? []) {
    if (recipient.recipType !== type) continue;
    const address = (recipient.smtpAddress || recipient.email || "").trim().toLowerCase();
    if (address) out.push({ name: recipient.name ?? "", address });
  }
  return out;
}

/** The HTML body: PidTagBodyHtml as text, else PidTagHtml as bytes in the message's internet code page. */
function htmlBody(fields: FieldsData): string | null {
  if (fields.bodyHtml) return fields.bodyHtml;
  if (!fields.html?.length) return null;
  return iconv.decode(Buffer.from(fields.html), encodingOfCodePage(fields.internetCodepage) ?? "utf8");
}

function mediaTypeOf(att: FieldsData, filename: string | null): string {
  if (att.attachMimeTag?.trim()) return att.attachMimeTag.trim().toLowerCase();
  return mediaTypeFromName(filename ?? att.extension);
}

function kindOf(mediaType: string, filename: string | null, contentId: string | null, hidden: boolean, html: string | null): PartKind {
  if (mediaType === "text/calendar" || mediaType === "application/ics" || /\.ics$/i.test(filename ?? "")) return "calendar";
  if (contentId && (hidden || html?.toLowerCase().includes(`cid:${contentId.toLowerCase()}`))) return "inline";
  return "file";
}

function normaliseContentId(value: string | undefined): string | null {
  const id = (value ?? "").trim().replace(/^<|>$/g, "").trim();
  return id || null;
}

/** An attachment's bytes, counted against the budget; null (with a problem) when they cannot be read or do not fit. */
function attachmentBytes(msg: OpenMsg, att: FieldsData, label: string, limits: ReadLimits, budget: Budget, problems: string[]): Buffer | null {
  const tooLarge = () => problems.push(`${label}: the attachments are larger than the parser reads (${limits.maxBytes} bytes); the rest are not listed`);
  if ((att.contentLength ?? 0) > budget.bytes) {
    tooLarge();
    return null;
  }
  let bytes: Buffer;
  try {
    bytes = Buffer.from(msg.attachment(att));
  } catch (err) {
    problems.push(`${label}: its content could not be read (${err instanceof Error ? err.message : String(err)})`);
    return Buffer.alloc(0);
  }
  if (bytes.length > budget.bytes) {
    tooLarge();
    return null;
  }
  budget.bytes -= bytes.length;
  return bytes;
}

/** The message the fields describe, its attachments read through `msg` (which holds embedded messages too). */
function mailOf(msg: OpenMsg, fields: FieldsData, limits: ReadLimits, depth: number, budget: Budget): ParsedMail {
  const mail = emptyMail();
  const headers = fields.headers ? parseHeaderBlock(fields.headers) : new Map<string, string>();
  mail.subject = fields.subject ?? null;
  mail.from = sender(fields);
  mail.to = recipients(fields, "to");
  mail.cc = recipients(fields, "cc");
  mail.sentAt = isoDate(fields.clientSubmitTime, fields.messageDeliveryTime, fields.creationTime);
  mail.messageId = normaliseMessageId(headers.get("message-id")) ?? normaliseMessageId(fields.messageId);
  mail.inReplyTo = messageIdsIn(headers.get("in-reply-to"))[0] ?? null;
  mail.references = messageIdsIn(headers.get("references"));
  mail.text = fields.body ?? null;
  mail.html = htmlBody(fields);

  for (const [i, att] of (fields.attachments ?? []).entries()) {
    if (budget.parts <= 0) {
      mail.problems.push(`more than ${limits.maxParts} parts; the rest are not listed`);
      break;
    }
    const label = `attachment ${i + 1}`;
    const content = attachmentBytes(msg, att, label, limits, budget, mail.problems);
    if (!content) break;
    budget.parts--;
    mail.parts.push(att.innerMsgContent ? embeddedPart(msg, att, content, label, limits, depth, budget, mail.problems) : filePart(att, content, mail.html));
  }
  return mail;
}

function filePart(att: FieldsData, content: Buffer, html: string | null): ParsedPart {
  const filename = att.fileName || att.fileNameShort || null;
  const mediaType = mediaTypeOf(att, filename);
  const contentId = normaliseContentId(att.pidContentId);
  return { kind: kindOf(mediaType, filename, contentId, att.attachmentHidden === true, html), filename, mediaType, contentId, content };
}

/** An Outlook item attached to the message: read in turn from the same file, kept as a file past limits.maxDepth. */
function embeddedPart(
  msg: OpenMsg,
  att: FieldsData,
  content: Buffer,
  label: string,
  limits: ReadLimits,
  depth: number,
  budget: Budget,
  problems: string[],
): ParsedPart {
  const part: ParsedPart = {
    kind: "message",
    filename: null,
    mediaType: "application/vnd.ms-outlook",
    contentId: normaliseContentId(att.pidContentId),
    content,
  };
  if (depth + 1 > limits.maxDepth) {
    problems.push(`${label}: an attached message nested deeper than ${limits.maxDepth} levels is kept as a file, not read`);
    part.kind = "file";
  } else {
    part.message = mailOf(msg, att.innerMsgContentFields ?? { dataType: "msg" }, limits, depth + 1, budget);
  }
  return part;
}

/**
 * Reads an Outlook .msg: its properties, its plain and HTML bodies, and every attachment as a ParsedPart —
 * embedded Outlook items read in turn (to limits.maxDepth). Never throws: a file msgreader cannot read gives
 * an empty mail with the reason as its problem.
 */
export function readOutlookMsg(content: Buffer, limits: ReadLimits, depth = 0): ParsedMail {
  try {
    const msg = open(content);
    return mailOf(msg, msg.fields, limits, depth, { parts: limits.maxParts, bytes: limits.maxBytes });
  } catch (err) {
    const mail = emptyMail();
    mail.problems.push(`Outlook .msg: the file is damaged or not an Outlook message (${err instanceof Error ? err.message : String(err)})`);
    return mail;
  }
}
