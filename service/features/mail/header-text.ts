import { isUtf8 } from "node:buffer";
import chardet from "chardet";
import iconv from "iconv-lite";
import { decode as decodeInCharset, normalizeCharset } from "libmime/lib/charset.js";

// Header text as older clients write it: raw 8-bit bytes in no declared charset, raw bytes inside encoded-words
// (Eudora), UTF-7 words (Outlook 2000), charsets nobody knows (NONE) or that lie (says utf-8, is latin1).
// Header bytes are handled as "byte strings" — latin1 strings, one character per byte — so regular expressions can
// find the structure while every byte survives until it is decoded in the charset it belongs to.

/** Header values longer than this are cut: nobody reads further, and it bounds every scan below. */
const MAX_VALUE_BYTES = 64 * 1024;
/** As mailsplit's maxHeadSize: a header block is not read past this. */
const MAX_BLOCK_BYTES = 1024 * 1024;
/** RFC 2231 continuation segments with a higher index are ignored. */
const MAX_SEGMENT_INDEX = 999;
/** chardet looks at this much of a text it has to guess. */
const GUESS_SAMPLE_BYTES = 64 * 1024;

const ENCODED_WORD = /=\?([^?\s]{1,64})\?([bq])\?([^?]*)\?=/gi;
const FIELD_NAME = /^[!-9;-~]+$/;
// Japanese charsets iconv-lite does not know, which libmime decodes with encoding-japanese.
const JAPANESE_CHARSET = /^jis|^iso-?2022-?jp|^eucjp/i;
// ESC $ B and ESC $ @ switch ISO-2022-JP to JIS X 0208.
const ISO_2022_JP_ESCAPES = ["\x1b$B", "\x1b$@"];
const UTF7_CHARSET = /^(unicode-1-1-)?utf-?7$/i;
// eslint-disable-next-line no-control-regex -- the control characters are what this removes
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

const byteString = (bytes: Buffer) => bytes.toString("latin1");
const bytesOf = (text: string) => Buffer.from(text, "latin1");
const isAscii = (bytes: Buffer) => !bytes.some((b) => b > 0x7f);
/** Text fit to show: control characters (tab aside) removed, outer whitespace trimmed. */
const readable = (text: string) => text.replace(CONTROL_CHARACTERS, "").trim();

/** The name a declared charset is decoded under, or null when neither iconv-lite nor libmime knows it. */
function knownCharset(declared: string | null): string | null {
  // RFC 2231 §5 lets an encoded-word's charset carry a language: utf-8*da.
  const name = (declared ?? "")
    .trim()
    .replace(/^["']+|["']+$/g, "")
    .replace(/\*.*$/, "");
  // 8-bit bytes under a 7-bit label: the label says nothing about them.
  if (!name || /^(us-)?ascii$/i.test(name)) return null;
  const canonical = normalizeCharset(name); // iso-8859-1 and latin1 become windows-1252, its superset in practice
  return iconv.encodingExists(canonical) || JAPANESE_CHARSET.test(canonical) ? canonical : null;
}

// libmime refuses UTF-7 (it smuggles markup past HTML filters); header text is shown escaped, so it is read here.
const decodeKnown = (bytes: Buffer, charset: string) => (UTF7_CHARSET.test(charset) ? iconv.decode(bytes, charset) : decodeInCharset(bytes, charset));

/** Bytes of no trustworthy charset: UTF-8 when they are valid UTF-8, else windows-1252, else chardet's guess. */
function decodeUndeclared(bytes: Buffer): string {
  if (isUtf8(bytes)) return iconv.decode(bytes, "utf-8");
  const western = iconv.decode(bytes, "windows-1252");
  // windows-1252 leaves five byte values undefined; text holding them was written in something else.
  if (!western.includes("\uFFFD")) return western;
  const guess = knownCharset(chardet.detect(bytes.subarray(0, GUESS_SAMPLE_BYTES)));
  return guess && guess !== "UTF-8" && guess !== "windows-1252" ? decodeKnown(bytes, guess) : western;
}

function decodeDeclared(bytes: Buffer, declaredCharset: string | null): string {
  const charset = knownCharset(declaredCharset);
  if (!charset || charset === "UTF-8") return decodeUndeclared(bytes);
  const text = decodeKnown(bytes, charset);
  // A multi-byte charset marks what it cannot read; valid UTF-8 is then the likelier truth.
  return text.includes("\uFFFD") && isUtf8(bytes) ? iconv.decode(bytes, "utf-8") : text;
}

/** Bytes in a declared charset → text, with the fallbacks: unknown charset → as if undeclared; invalid UTF-8 → windows-1252
 *  (ISO-8859-1 is read as windows-1252, its superset in practice); where neither fits, chardet's best guess. */
export function decodeBytes(bytes: Buffer, declaredCharset: string | null): string {
  try {
    return decodeDeclared(bytes, declaredCharset);
  } catch {
    return byteString(bytes);
  }
}

/**
 * Header text outside encoded-words. Valid UTF-8 wins over the charset the part declares, which often describes only
 * its body; old Japanese clients write raw ISO-2022-JP, 7-bit but for its escape sequences.
 */
function decodeRawText(bytes: Buffer, fallbackCharset: string | null): string {
  if (ISO_2022_JP_ESCAPES.some((escape) => bytes.includes(escape))) return decodeKnown(bytes, "ISO-2022-JP");
  if (isAscii(bytes)) return byteString(bytes);
  return isUtf8(bytes) ? iconv.decode(bytes, "utf-8") : decodeBytes(bytes, fallbackCharset);
}

/** The bytes an encoded-word carries; a raw 8-bit byte written inside a Q word is taken as itself. */
function encodedWordBytes(encoding: string, text: string): Buffer {
  if (encoding.toLowerCase() === "b") return Buffer.from(text.replace(/[^A-Za-z0-9+/]/g, ""), "base64");
  return bytesOf(text.replace(/_/g, " ").replace(/=([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
}

interface HeaderPiece {
  /** The charset of an encoded-word, lower-case; null for text outside encoded-words. */
  charset: string | null;
  bytes: string;
}

/**
 * A header value cut into raw text and encoded-words. The whitespace between two words is dropped (RFC 2047 §6.2),
 * and adjacent words of one charset become one piece, as senders split a word wherever the line ends — in the
 * middle of a UTF-8 sequence too.
 */
function headerPieces(value: string): HeaderPiece[] {
  const pieces: HeaderPiece[] = [];
  const add = (charset: string | null, bytes: string) => {
    const last = pieces.at(-1);
    if (last && last.charset === charset) last.bytes += bytes;
    else if (bytes) pieces.push({ charset, bytes });
  };
  let at = 0;
  for (const word of value.matchAll(ENCODED_WORD)) {
    const between = value.slice(at, word.index);
    if (!(pieces.at(-1)?.charset && /^[ \t\r\n]*$/.test(between))) add(null, between);
    add(word[1].toLowerCase(), byteString(encodedWordBytes(word[2], word[3])));
    at = word.index + word[0].length;
  }
  add(null, value.slice(at));
  return pieces;
}

/** Decodes an unstructured header value (Subject, a display name): RFC 2047 encoded-words in any charset iconv-lite
 *  knows (utf-7 included), raw 8-bit text, and mixtures; adjacent encoded-words joined without the whitespace between. */
export function decodeHeaderText(raw: Buffer, fallbackCharset?: string): string {
  const value = raw.subarray(0, MAX_VALUE_BYTES);
  try {
    const pieces = headerPieces(byteString(value));
    return readable(
      pieces.map((p) => (p.charset ? decodeBytes(bytesOf(p.bytes), p.charset) : decodeRawText(bytesOf(p.bytes), fallbackCharset ?? null))).join(""),
    );
  } catch {
    return readable(byteString(value));
  }
}

/** Splits at each `;` outside a quoted string. */
function splitParameters(value: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted && c === "\\") i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ";" && !quoted) {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}

/** A parameter value without its quotes and quoted-pairs; an unquoted one as it stands, spaces and all. */
function unquote(value: string): string {
  if (!value.startsWith('"')) return value;
  let text = "";
  for (let i = 1; i < value.length && value[i] !== '"'; i++) text += value[i] === "\\" && i + 1 < value.length ? value[++i] : value[i];
  return text;
}

/** The parameters after a structured header's value, by lower-case attribute (the first of duplicates), as byte strings. */
function parameters(value: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of splitParameters(value).slice(1)) {
    const eq = part.indexOf("=");
    const attribute = part.slice(0, Math.max(eq, 0)).trim().toLowerCase();
    if (attribute && !params.has(attribute)) params.set(attribute, unquote(part.slice(eq + 1).trim()));
  }
  return params;
}

interface Segment {
  index: number;
  value: string;
  /** RFC 2231 `*`: percent-encoded, the first segment led by charset'language'. */
  encoded: boolean;
}

/** The RFC 2231 segments of a parameter: name*=…, or name*0*=…; name*1=…; in order. */
function segmentsOf(params: Map<string, string>, name: string): Segment[] {
  const segments: Segment[] = [];
  for (const [attribute, value] of params) {
    const match = /^(.*?)\*(?:(\d{1,4})(\*?))?$/.exec(attribute);
    if (!match || match[1] !== name) continue;
    const index = match[2] === undefined ? 0 : Number(match[2]);
    if (index <= MAX_SEGMENT_INDEX) segments.push({ index, value, encoded: match[2] === undefined || match[3] === "*" });
  }
  return segments.sort((a, b) => a.index - b.index);
}

const percentDecoded = (value: string) => value.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** An RFC 2231 value: the segments' bytes joined before decoding, as a split may fall inside a character. */
function extendedValue(segments: Segment[]): string {
  const lead = segments[0].index === 0 && segments[0].encoded ? /^([^']*)'[^']*'(.*)$/s.exec(segments[0].value) : null;
  const charset = lead?.[1] || null;
  const bytes = segments.map((s, i) => {
    const value = i === 0 && lead ? lead[2] : s.value;
    return s.encoded ? percentDecoded(value) : value;
  });
  // Without a charset the segments are plain text, which some clients fill with encoded-words.
  return charset ? decodeBytes(bytesOf(bytes.join("")), charset) : decodeHeaderText(bytesOf(bytes.join("")));
}

/** A parameter of a structured header (Content-Disposition filename, Content-Type name), raw as it appears in the
 *  header: RFC 2231 (filename*=utf-8''…, with and without continuations filename*0*=…; filename*1=…, language tag),
 *  RFC 2047 encoded-words inside quotes (filename="=?utf-8?B?…?="), raw 8-bit, quoted-pairs. Returns null when absent. */
export function headerParameter(rawHeaderValue: Buffer, name: string): string | null {
  try {
    const params = parameters(byteString(rawHeaderValue.subarray(0, MAX_VALUE_BYTES)));
    const key = name.toLowerCase();
    const segments = segmentsOf(params, key);
    if (segments.length > 0) return readable(extendedValue(segments));
    const plain = params.get(key);
    return plain === undefined ? null : decodeHeaderText(bytesOf(plain));
  } catch {
    return null;
  }
}

const isWhitespace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0a;

function trimBytes(bytes: Buffer): Buffer {
  let start = 0;
  let end = bytes.length;
  while (start < end && isWhitespace(bytes[start])) start++;
  while (end > start && isWhitespace(bytes[end - 1])) end--;
  return bytes.subarray(start, end);
}

/** The lines of a header block without their line ends, up to the empty line that ends it. */
function* headerLines(block: Buffer): Generator<Buffer> {
  for (let at = 0; at < block.length;) {
    const lf = block.indexOf(0x0a, at);
    const end = lf < 0 ? block.length : lf;
    const line = block.subarray(at, end > at && block[end - 1] === 0x0d ? end - 1 : end);
    if (line.length === 0) return;
    yield line;
    at = end + 1;
  }
}

/** The raw header block of a MIME entity (bytes up to the first empty line) → unfolded values by lower-case name, as Buffers. */
export function rawHeaders(headerBlock: Buffer): Map<string, Buffer[]> {
  const headers = new Map<string, Buffer[]>();
  let field: { name: string; lines: Buffer[]; size: number } | null = null;
  const finish = () => {
    if (!field) return;
    const value = trimBytes(Buffer.concat(field.lines).subarray(0, MAX_VALUE_BYTES));
    const values = headers.get(field.name);
    if (values) values.push(value);
    else headers.set(field.name, [value]);
  };
  for (const line of headerLines(headerBlock.subarray(0, MAX_BLOCK_BYTES))) {
    if (line[0] === 0x20 || line[0] === 0x09) {
      // Unfolding removes the line break only (RFC 5322 §2.2.3); the fold's whitespace stays.
      if (field && field.size < MAX_VALUE_BYTES) {
        field.lines.push(line);
        field.size += line.length;
      }
      continue;
    }
    finish();
    const colon = line.indexOf(0x3a);
    const name = byteString(line.subarray(0, Math.max(colon, 0)))
      .trimEnd()
      .toLowerCase();
    // A line with no field name (an mbox "From " line, stray text) is skipped, and so are its folds.
    field = FIELD_NAME.test(name) ? { name, lines: [line.subarray(colon + 1)], size: line.length } : null;
  }
  finish();
  return headers;
}
