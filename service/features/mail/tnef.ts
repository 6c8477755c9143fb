import iconv from "iconv-lite";
import { messageIdsIn, normaliseMessageId } from "../../../shared/flow/naming.ts";
import { emptyMail, type ParsedMail, type ParsedPart, type PartKind, type ReadLimits } from "./parsed-mail.ts";
import { encodingOfCodePage, mediaTypeFromName } from "./outlook-types.ts";

// A winmail.dat (TNEF, [MS-OXTNEF]) read into a ParsedMail: what Outlook and Exchange send when they pack a
// rich-text message, its attachments and their long names into one application/ms-tnef part. Hand-written
// because the format is small and fixed while the npm reader loses long names and attachments. The stream
// is untrusted: every length is checked against the bytes there are, values stay views into the input
// until they are returned, and a damaged stream yields what was read before the damage, with a problem.

const SIGNATURE = 0x223e9f78;
/** The signature and the legacy key that follows it. */
const STREAM_HEADER_BYTES = 6;
/** Level (1), id (4) and length (4) before an attribute's data; its checksum (2) after. */
const ATTRIBUTE_HEADER_BYTES = 9;
const CHECKSUM_BYTES = 2;

const LEVEL_MESSAGE = 1;
const LEVEL_ATTACHMENT = 2;

/** TNEF attributes, by the low word of their id (the high word repeats the attribute's type). */
const ATT = {
  subject: 0x8004,
  dateSent: 0x8005,
  body: 0x800c,
  attachData: 0x800f,
  attachTitle: 0x8010,
  attachRendData: 0x9002,
  msgProps: 0x9003,
  attachment: 0x9005,
  oemCodepage: 0x9007,
} as const;
const ATTRIBUTE_NAMES = new Map<number, string>(Object.entries(ATT).map(([name, id]) => [id, `att${name[0].toUpperCase()}${name.slice(1)}`]));

/** MAPI property ids ([MS-OXPROPS]) this reader looks at. */
const PR = {
  subject: 0x0037,
  clientSubmitTime: 0x0039,
  body: 0x1000,
  html: 0x1013,
  internetMessageId: 0x1035,
  internetReferences: 0x1039,
  inReplyTo: 0x1042,
  displayName: 0x3001,
  attachData: 0x3701,
  attachFilename: 0x3704,
  attachMethod: 0x3705,
  attachLongFilename: 0x3707,
  attachMimeTag: 0x370e,
  attachContentId: 0x3712,
  attachFlags: 0x3714,
  internetCodepage: 0x3fde,
  messageCodepage: 0x3ffd,
  attachmentHidden: 0x7ffe,
} as const;
const FIRST_NAMED_PROPERTY = 0x8000;
const ATTACH_EMBEDDED_MSG = 5;
/** PR_ATTACH_FLAGS: the attachment is referenced from the HTML body. */
const ATT_MHTML_REF = 0x4;
/** A PT_OBJECT value (an embedded message, an OLE object's storage) starts with the interface id it was saved through. */
const IID_BYTES = 16;

const PT_STRING8 = 0x001e;
const PT_UNICODE = 0x001f;
const PT_BINARY = 0x0102;
const PT_OBJECT = 0x000d;
const PT_LONG = 0x0003;
const PT_BOOLEAN = 0x000b;
const PT_SYSTIME = 0x0040;
const MULTI_VALUED = 0x1000;
/** Value sizes of the fixed-length types (before padding to 4 bytes); every other type is counted. */
const FIXED_SIZES = new Map([
  [0x0002, 2], // PT_I2
  [PT_LONG, 4],
  [0x0004, 4], // PT_R4
  [0x0005, 8], // PT_DOUBLE
  [0x0006, 8], // PT_CURRENCY
  [0x0007, 8], // PT_APPTIME
  [0x000a, 4], // PT_ERROR
  [PT_BOOLEAN, 2],
  [0x0014, 8], // PT_I8
  [PT_SYSTIME, 8],
  [0x0048, 16], // PT_CLSID
]);
const COUNTED_TYPES = new Set([PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT]);

/** Whether the bytes start with the TNEF signature (0x223E9F78, little-endian). */
export const isTnef = (content: Buffer): boolean => content.length >= 4 && content.readUInt32LE(0) === SIGNATURE;

/** One MAPI property: its type without the multi-valued flag, and a view of each value's bytes. */
interface MapiProperty {
  type: number;
  values: Buffer[];
}
type MapiProperties = Map<number, MapiProperty>;

/** A stream's attributes by level, each a view into the stream: the message's, and one map per attachment. */
interface TnefAttributes {
  message: Map<number, Buffer>;
  attachments: Map<number, Buffer>[];
}

/** What is left of limits.maxParts and limits.maxBytes; shared by a message and the ones embedded in it. */
interface Budget {
  parts: number;
  bytes: number;
}

const hex = (value: number, digits: number) => `0x${value.toString(16).toUpperCase().padStart(digits, "0")}`;
const attributeName = (id: number) => ATTRIBUTE_NAMES.get(id & 0xffff) ?? `attribute ${hex(id, 8)}`;

/** 16-bit sum of the data bytes, as the writer computed it. */
function checksumOf(data: Buffer): number {
  let sum = 0;
  for (const byte of data) sum = (sum + byte) & 0xffff;
  return sum;
}

/**
 * Splits the stream into its attributes. An attachment starts at its attAttachRendData. A stream cut inside an
 * attachment's attribute loses that attachment (what it lacks may be its name or its data); a cut or an unknown
 * level ends the walk, with what came before kept.
 */
function attributesOf(content: Buffer, problems: string[]): TnefAttributes {
  const found: TnefAttributes = { message: new Map(), attachments: [] };
  if (content.length < STREAM_HEADER_BYTES) problems.push("TNEF: the stream ends inside its header");
  let offset = STREAM_HEADER_BYTES;
  while (offset < content.length) {
    const level = content[offset];
    const remaining = content.length - offset;
    const id = remaining >= 5 ? content.readUInt32LE(offset + 1) : null;
    const length = remaining >= ATTRIBUTE_HEADER_BYTES ? content.readUInt32LE(offset + 5) : Infinity;
    if (ATTRIBUTE_HEADER_BYTES + length + CHECKSUM_BYTES > remaining) {
      const startsAnAttachment = id !== null && (id & 0xffff) === ATT.attachRendData;
      const lost = level === LEVEL_ATTACHMENT && !startsAnAttachment && found.attachments.pop();
      problems.push(`TNEF: attribute at offset ${offset} runs past the end${lost ? "; the attachment it belongs to is not listed" : ""}`);
      break;
    }
    if (level !== LEVEL_MESSAGE && level !== LEVEL_ATTACHMENT) {
      problems.push(`TNEF: attribute at offset ${offset} has an unknown level (${level}); the rest of the stream is not read`);
      break;
    }
    const data = content.subarray(offset + ATTRIBUTE_HEADER_BYTES, offset + ATTRIBUTE_HEADER_BYTES + length);
    if (checksumOf(data) !== content.readUInt16LE(offset + ATTRIBUTE_HEADER_BYTES + length)) {
      problems.push(`TNEF: checksum mismatch in attribute ${attributeName(id!)} at offset ${offset}; its data is kept`);
    }
    const key = id! & 0xffff;
    if (level === LEVEL_MESSAGE) found.message.set(key, data);
    else {
      if (key === ATT.attachRendData || found.attachments.length === 0) found.attachments.push(new Map());
      found.attachments.at(-1)!.set(key, data);
    }
    offset += ATTRIBUTE_HEADER_BYTES + length + CHECKSUM_BYTES;
  }
  return found;
}

/** Thrown inside a property list that cannot be read on; its message completes "the MAPI properties …". */
class MalformedProperties extends Error {}

/** Reads little-endian values from a view, throwing instead of reading past its end. */
class Cursor {
  offset = 0;
  constructor(private readonly bytes: Buffer) {}

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  take(size: number): Buffer {
    if (size > this.remaining) throw new MalformedProperties("run past the end of their attribute");
    this.offset += size;
    return this.bytes.subarray(this.offset - size, this.offset);
  }

  u16 = () => this.take(2).readUInt16LE(0);
  u32 = () => this.take(4).readUInt32LE(0);

  /** Skips the padding that rounds a value of `size` bytes up to 4; a writer may leave it off the very end. */
  skipPadding(size: number): void {
    this.offset = Math.min(this.bytes.length, this.offset + ((4 - (size % 4)) % 4));
  }
}

/** A named property's name (GUID, kind, then a number or a padded UTF-16 string); the reader only skips it. */
function skipPropertyName(cursor: Cursor): void {
  cursor.take(16);
  const kind = cursor.u32();
  if (kind === 0) cursor.u32();
  else if (kind === 1) {
    const size = cursor.u32();
    cursor.take(size);
    cursor.skipPadding(size);
  } else throw new MalformedProperties(`hold a named property of unknown kind ${kind}`);
}

/** One property into `into` (named ones are read past: their ids mean something only within the stream). */
function readProperty(cursor: Cursor, into: MapiProperties): void {
  const tagType = cursor.u16();
  const id = cursor.u16();
  if (id >= FIRST_NAMED_PROPERTY) skipPropertyName(cursor);
  const type = tagType & ~MULTI_VALUED;
  const counted = COUNTED_TYPES.has(type);
  const fixedSize = FIXED_SIZES.get(type);
  if (!counted && fixedSize === undefined) throw new MalformedProperties(`hold a property of unknown type ${hex(tagType, 4)}`);
  const count = counted || tagType & MULTI_VALUED ? cursor.u32() : 1;
  // Every value takes at least 4 bytes, so a count beyond that is damage, not a reason to loop.
  if (count > cursor.remaining / 4) throw new MalformedProperties("run past the end of their attribute");
  const values: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const size = counted ? cursor.u32() : fixedSize!;
    values.push(cursor.take(size));
    cursor.skipPadding(size);
  }
  if (id < FIRST_NAMED_PROPERTY) into.set(id, { type, values });
}

/** The MAPI properties an attribute holds (attMsgProps, attAttachment); those before any damage when it is damaged. */
function propertiesOf(data: Buffer | undefined, where: string, problems: string[]): MapiProperties {
  const properties: MapiProperties = new Map();
  if (!data) return properties;
  const cursor = new Cursor(data);
  let read = 0;
  try {
    const count = cursor.u32();
    for (; read < count; read++) readProperty(cursor, properties);
  } catch (err) {
    if (!(err instanceof MalformedProperties)) throw err;
    problems.push(`TNEF: the MAPI properties of ${where} ${err.message}; ${read} of them were read`);
  }
  return properties;
}

const firstValue = (properties: MapiProperties, id: number, type: number) => {
  const property = properties.get(id);
  return property?.type === type ? property.values[0] : undefined;
};

function longOf(properties: MapiProperties, id: number): number | null {
  const value = firstValue(properties, id, PT_LONG);
  return value ? value.readUInt32LE(0) : null;
}

const booleanOf = (properties: MapiProperties, id: number): boolean => (firstValue(properties, id, PT_BOOLEAN)?.readUInt16LE(0) ?? 0) !== 0;

const binaryOf = (properties: MapiProperties, id: number): Buffer | undefined => firstValue(properties, id, PT_BINARY);

/** 8-bit text up to its terminating NUL, in the stream's code page. */
const string8 = (bytes: Buffer, encoding: string) => iconv.decode(bytes.subarray(0, bytes.includes(0) ? bytes.indexOf(0) : bytes.length), encoding);

/** A string property, PT_UNICODE or PT_STRING8 (in `encoding`); null when the message has none. */
function textOf(properties: MapiProperties, id: number, encoding: string): string | null {
  const unicode = firstValue(properties, id, PT_UNICODE);
  if (unicode) return unicode.toString("utf16le").replace(/\0+$/, "");
  const ansi = firstValue(properties, id, PT_STRING8);
  return ansi ? string8(ansi, encoding) : null;
}

function isoDate(ms: number): string | null {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** A PT_SYSTIME (100-ns ticks since 1601, UTC); null when absent or zero. */
function sysTimeOf(properties: MapiProperties, id: number): string | null {
  const ticks = firstValue(properties, id, PT_SYSTIME)?.readBigUInt64LE(0);
  return ticks ? isoDate(Number(ticks / 10000n) - 11644473600000) : null;
}

/** An atpDate attribute: year, month, day, hour, minute, second (and weekday) as 16-bit words; null unless a real date. */
function attributeDate(data: Buffer | undefined): string | null {
  if (!data || data.length < 12) return null;
  const [year, month, day, hour, minute, second] = [0, 2, 4, 6, 8, 10].map((at) => data.readUInt16LE(at));
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const date = new Date(ms);
  const exact = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  return exact && year >= 1970 ? date.toISOString() : null;
}

/** The code page the stream's 8-bit strings are in: attOemCodepage, else the message's own, else Windows-1252. */
function stringEncoding(message: Map<number, Buffer>, properties: MapiProperties): string {
  const oem = message.get(ATT.oemCodepage);
  const codePages = [oem && oem.length >= 4 ? oem.readUInt32LE(0) : null, longOf(properties, PR.messageCodepage), longOf(properties, PR.internetCodepage)];
  for (const codePage of codePages) {
    const encoding = encodingOfCodePage(codePage);
    if (encoding) return encoding;
  }
  return "windows-1252";
}

/** The HTML body: PR_BODY_HTML as text, else PR_HTML as bytes in the message's internet code page. */
function htmlOf(properties: MapiProperties, encoding: string): string | null {
  const bytes = binaryOf(properties, PR.html);
  if (!bytes) return textOf(properties, PR.html, encoding);
  return iconv.decode(bytes, encodingOfCodePage(longOf(properties, PR.internetCodepage)) ?? "utf8");
}

function mediaTypeOf(properties: MapiProperties, filename: string | null, encoding: string): string {
  const tag = textOf(properties, PR.attachMimeTag, encoding)?.trim().toLowerCase();
  if (tag) return tag;
  return mediaTypeFromName(filename);
}

function kindOf(properties: MapiProperties, mediaType: string, filename: string | null, contentId: string | null, html: string | null): PartKind {
  if (mediaType === "text/calendar" || mediaType === "application/ics" || /\.ics$/i.test(filename ?? "")) return "calendar";
  const referenced = booleanOf(properties, PR.attachmentHidden) || ((longOf(properties, PR.attachFlags) ?? 0) & ATT_MHTML_REF) !== 0;
  if (contentId && (referenced || html?.toLowerCase().includes(`cid:${contentId.toLowerCase()}`))) return "inline";
  return "file";
}

/** An embedded message's own TNEF stream: PR_ATTACH_DATA_OBJ after its interface id, or attachment data that is one. */
function embeddedStream(attributes: Map<number, Buffer>, properties: MapiProperties): Buffer | null {
  if (longOf(properties, PR.attachMethod) !== ATTACH_EMBEDDED_MSG) return null;
  const object = firstValue(properties, PR.attachData, PT_OBJECT)?.subarray(IID_BYTES);
  const data = attributes.get(ATT.attachData);
  return [object, data].find((bytes): bytes is Buffer => !!bytes && isTnef(bytes)) ?? null;
}

/** A file's bytes: attAttachData, else PR_ATTACH_DATA_BIN, else an OLE object's storage (PR_ATTACH_DATA_OBJ). */
function attachmentData(attributes: Map<number, Buffer>, properties: MapiProperties): Buffer {
  return (
    attributes.get(ATT.attachData) ??
    binaryOf(properties, PR.attachData) ??
    firstValue(properties, PR.attachData, PT_OBJECT)?.subarray(IID_BYTES) ??
    Buffer.alloc(0)
  );
}

/**
 * The long file name, else the 8.3 one. Outlook titles every attachment without a file name (an embedded message,
 * an OLE object) "Untitled Attachment", so its display name (the message's subject, the object's kind) comes first.
 */
function filenameOf(attributes: Map<number, Buffer>, properties: MapiProperties, encoding: string): string | null {
  const title = attributes.get(ATT.attachTitle);
  const names = [PR.attachLongFilename, PR.attachFilename, PR.displayName].map((id) => textOf(properties, id, encoding));
  return names.find((name) => !!name) || (title && string8(title, encoding)) || null;
}

/** The attachments as parts, in stream order, until limits.maxParts or limits.maxBytes is reached. */
function partsOf(found: TnefAttributes, mail: ParsedMail, encoding: string, limits: ReadLimits, depth: number, budget: Budget): void {
  for (const [i, attributes] of found.attachments.entries()) {
    if (budget.parts <= 0) {
      mail.problems.push(`TNEF: more than ${limits.maxParts} parts; the rest are not listed`);
      return;
    }
    const label = `attachment ${i + 1}`;
    const properties = propertiesOf(attributes.get(ATT.attachment), label, mail.problems);
    const nested = embeddedStream(attributes, properties);
    const data = nested ?? attachmentData(attributes, properties);
    if (data.length > budget.bytes) {
      mail.problems.push(`TNEF: the attachments are larger than the parser reads (${limits.maxBytes} bytes); the rest are not listed`);
      return;
    }
    budget.parts--;
    budget.bytes -= data.length;
    const filename = filenameOf(attributes, properties, encoding);
    const contentId = textOf(properties, PR.attachContentId, encoding)?.trim().replace(/^<|>$/g, "").trim() || null;
    const part: ParsedPart = { kind: "file", filename, mediaType: "application/vnd.ms-tnef", contentId, content: Buffer.from(data) };
    if (!nested) {
      part.mediaType = mediaTypeOf(properties, filename, encoding);
      part.kind = kindOf(properties, part.mediaType, filename, contentId, mail.html);
    } else if (depth + 1 > limits.maxDepth) {
      mail.problems.push(`TNEF: ${label}: an attached message nested deeper than ${limits.maxDepth} levels is kept as a file, not read`);
    } else {
      part.kind = "message";
      part.message = mailOf(nested, limits, depth + 1, budget);
    }
    mail.parts.push(part);
  }
}

/** The message a TNEF stream carries, its attachments counted against the budget it shares with its parent. */
function mailOf(content: Buffer, limits: ReadLimits, depth: number, budget: Budget): ParsedMail {
  const mail = emptyMail();
  if (!isTnef(content)) {
    mail.problems.push("TNEF: the data does not start with the TNEF signature");
    return mail;
  }
  const found = attributesOf(content, mail.problems);
  const properties = propertiesOf(found.message.get(ATT.msgProps), "the message", mail.problems);
  const encoding = stringEncoding(found.message, properties);
  const attribute = (id: number) => {
    const data = found.message.get(id);
    return data ? string8(data, encoding) : null;
  };
  mail.subject = textOf(properties, PR.subject, encoding) ?? attribute(ATT.subject);
  // A message sent as rich text has only PR_RTF_COMPRESSED, which is not unpacked here: its text stays null.
  mail.text = textOf(properties, PR.body, encoding) ?? attribute(ATT.body);
  mail.html = htmlOf(properties, encoding);
  // attMessageID is Exchange's own record key, not an RFC 5322 Message-ID.
  mail.messageId = normaliseMessageId(textOf(properties, PR.internetMessageId, encoding));
  mail.inReplyTo = messageIdsIn(textOf(properties, PR.inReplyTo, encoding) ?? "")[0] ?? null;
  mail.references = messageIdsIn(textOf(properties, PR.internetReferences, encoding) ?? "");
  mail.sentAt = attributeDate(found.message.get(ATT.dateSent)) ?? sysTimeOf(properties, PR.clientSubmitTime);
  partsOf(found, mail, encoding, limits, depth, budget);
  return mail;
}

/**
 * Reads a winmail.dat: the message it carries (subject, plain and HTML bodies, date, Message-ID) and every
 * attachment as a ParsedPart, embedded messages read in turn to limits.maxDepth. Never throws: bytes that are
 * not TNEF give an empty mail with a problem, a damaged stream what was read before the damage.
 */
export function readTnef(content: Buffer, limits: ReadLimits, depth = 0): ParsedMail {
  return mailOf(content, limits, depth, { parts: limits.maxParts, bytes: limits.maxBytes });
}
