// Names and titles cleaned so they never block a save: whatever a mail or a file system hands over is made
// storable, showable and downloadable; the caller keeps the original as metadata when it changed.

/**
 * The longest file name, in UTF-8 bytes: ext4, XFS, Btrfs and ZFS allow 255 bytes, NTFS and APFS 255 UTF-16
 * units or characters. A name of at most 255 UTF-8 bytes fits all of them (UTF-8 is never shorter than
 * UTF-16), so a downloaded or exported file keeps its name wherever it lands; 255 characters of æøå would not.
 */
export const MAX_FILE_NAME = 255;

/** The longest title, in UTF-16 units as zod counts them: the `Title` schema's max (shared/api/schemas/common.ts). */
export const MAX_TITLE = 500;

const DEFAULT_FILE_NAME = "IMS Case";

// Line breaks and tabs separate words, so they become a space rather than gluing two words together.
const LINE_BREAKS = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
// C0, DEL and C1 controls, zero-width and directional marks, bidi embeddings, overrides and isolates, the BOM
// and the Arabic letter mark: invisible, and the bidi ones can show "faktura\u202efdp.exe" as "fakturaexe.pdf".
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c]/g;
// A surrogate without its partner cannot be encoded as UTF-8 (encodeURIComponent throws on it).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// A base character with its combining marks is cut as one. At most 30 marks go with it (Unicode's stream-safe
// limit, UAX #15), so one pathological sequence cannot be larger than any budget it is cut to.
const CHARACTER = /\P{M}\p{M}{0,30}|\p{M}{1,30}/gsu;
// An extension is short and has no spaces; a longer tail after the last dot is part of the name.
const EXTENSION = /\.[^.\s]{1,16}$/u;
// Windows refuses these as a name, with or without an extension ("CON.txt", "com1 .pdf").
const DEVICE_NAME = /^(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])\s*(\.|$)/iu;

/** The text without controls and invisible formatting characters, well-formed and in NFC. */
function visibleText(text: string): string {
  return text.replace(LONE_SURROGATE, "\ufffd").replace(LINE_BREAKS, " ").replace(INVISIBLE, "").normalize("NFC");
}

function utf8Bytes(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

const utf16Units = (text: string): number => text.length;

/** The longest start of `text` whose size is within `budget`, cut between characters (see CHARACTER). */
function cutToFit(text: string, budget: number, size: (text: string) => number): string {
  if (size(text) <= budget) return text;
  let kept = "";
  let used = 0;
  for (const [character] of text.matchAll(CHARACTER)) {
    used += size(character);
    if (used > budget) break;
    kept += character;
  }
  return kept;
}

function splitExtension(name: string): { stem: string; extension: string } {
  const extension = EXTENSION.exec(name)?.[0] ?? "";
  return { stem: name.slice(0, name.length - extension.length), extension };
}

/** The name within MAX_FILE_NAME bytes; the extension is kept, so the file still opens with the right program. */
function shortened(name: string): string {
  if (utf8Bytes(name) <= MAX_FILE_NAME) return name;
  const { stem, extension } = splitExtension(name);
  return cutToFit(stem, MAX_FILE_NAME - utf8Bytes(extension), utf8Bytes).replace(/[\s.]+$/u, "") + extension;
}

/**
 * A file name safe to store, show and download: path separators (/ \) replaced by "-", controls and invisible
 * formatting characters removed (line breaks and tabs become a space), lone surrogates replaced, NFC,
 * surrounding whitespace and trailing dots trimmed (quotes, colons and question marks stay: they are common in
 * Danish names, the archive never writes a name to a file system, and browsers adapt names when saving),
 * leading dots removed (they hide a file), a device name (CON, PRN, AUX, NUL, COM1…, LPT1…) prefixed with "_",
 * shortened to MAX_FILE_NAME bytes keeping the extension; nothing left ("", ".", "..") gives the fallback, and
 * a name that is only an extension (".pdf") gets the fallback before it.
 */
export function safeFileName(name: string, fallback = DEFAULT_FILE_NAME): string {
  const cleaned = visibleText(name)
    .replace(/[/\\]/g, "-")
    .trim()
    .replace(/[\s.]+$/u, "");
  if (!cleaned) return safeFileName(fallback);
  const { stem, extension } = splitExtension(cleaned);
  const named = (stem.replace(/^[\s.]+/u, "") || safeFileName(fallback)) + extension;
  return shortened(DEVICE_NAME.test(named) ? `_${named}` : named);
}

/** Whether the name is already safe, i.e. safeFileName leaves it as it is (otherwise keep the original as metadata). */
export const isSafeFileName = (name: string): boolean => safeFileName(name) === name;

/**
 * A title as the archive keeps it: controls and invisible formatting characters removed, NFC, whitespace
 * runs collapsed to one space, trimmed, at most MAX_TITLE characters cut between characters; "" when nothing
 * visible is left, so the caller chooses what to call it.
 */
export function cleanTitle(title: string): string {
  const cleaned = visibleText(title).replace(/\s+/gu, " ").trim();
  return cutToFit(cleaned, MAX_TITLE, utf16Units).trimEnd();
}

// Letters that decomposition does not reduce to ASCII, or that a Danish, German or Swedish reader spells out.
const ASCII_SPELLINGS: Record<string, string> = {
  æ: "ae",
  ø: "oe",
  å: "aa",
  Æ: "Ae",
  Ø: "Oe",
  Å: "Aa",
  ä: "ae",
  ö: "oe",
  ü: "ue",
  Ä: "Ae",
  Ö: "Oe",
  Ü: "Ue",
  ß: "ss",
  ẞ: "SS",
  œ: "oe",
  Œ: "Oe",
  ð: "d",
  Ð: "D",
  þ: "th",
  Þ: "Th",
  đ: "d",
  Đ: "D",
  ł: "l",
  Ł: "L",
  ı: "i",
};
const SPELLED_OUT = new RegExp(`[${Object.keys(ASCII_SPELLINGS).join("")}]`, "gu");

/**
 * The name in printable ASCII, for Content-Disposition's filename= that clients without RFC 5987 use:
 * æ→ae, ø→oe, å→aa (and ä ö ü ß …), other accents dropped (é→e), anything else non-ASCII → "_",
 * " → ' and \ → - so the quoted value needs no escapes.
 */
export function asciiFileName(name: string): string {
  return visibleText(name)
    .replace(SPELLED_OUT, (letter) => ASCII_SPELLINGS[letter])
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/"/g, "'")
    .replace(/\\/g, "-")
    .replace(/[^\x20-\x7e]/gu, "_");
}
