import iconv from "iconv-lite";
import { convert } from "html-to-text";
import { BoundedText, type ExtractedText, type ExtractLimits } from "./limits.ts";

// Text formats that need no archive: plain text and CSV, HTML, and RTF.

/**
 * Decodes text bytes: a BOM decides when there is one, else UTF-8 when the bytes are valid UTF-8,
 * else windows-1252 (what Danish Windows programs wrote before UTF-8).
 */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder("utf-8").decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return iconv.decode(bytes.subarray(2), "utf16le");
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return iconv.decode(bytes.subarray(2), "utf16be");
  try {
    // stream: true so a multi-byte character cut off at the end of a bounded prefix is not taken for bad UTF-8.
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return iconv.decode(bytes, "windows-1252");
  }
}

// A UTF-16 code unit takes at most three bytes of UTF-8, so this many bytes always hold maxChars characters.
const bytesFor = (maxChars: number): number => maxChars * 3 + 3;

export function extractPlainText(bytes: Buffer, limits: ExtractLimits): ExtractedText {
  const cut = bytes.length > bytesFor(limits.maxChars);
  const text = new BoundedText(limits.maxChars);
  text.add(decodeText(cut ? bytes.subarray(0, bytesFor(limits.maxChars)) : bytes));
  const result = text.result();
  return { text: result.text, truncated: result.truncated || cut };
}

export function extractHtml(bytes: Buffer, limits: ExtractLimits): ExtractedText {
  const html = decodeText(bytes);
  const converted = convert(html, {
    wordwrap: false,
    // html-to-text's own bound: it stops reading beyond this many input characters.
    limits: { maxInputLength: limits.maxInflatedBytes },
    selectors: [
      { selector: "img", format: "skip" },
      { selector: "a", options: { ignoreHref: true } },
      { selector: "script", format: "skip" },
      { selector: "style", format: "skip" },
    ],
  });
  const text = new BoundedText(limits.maxChars);
  text.add(converted);
  const result = text.result();
  return { text: result.text, truncated: result.truncated || html.length > limits.maxInflatedBytes };
}

// Destinations whose content is not the document's text: tables, metadata, pictures, embedded objects.
const RTF_SKIPPED_DESTINATIONS = new Set([
  "fonttbl",
  "colortbl",
  "stylesheet",
  "info",
  "pict",
  "object",
  "themedata",
  "colorschememapping",
  "datastore",
  "listtable",
  "listoverridetable",
  "revtbl",
  "rsidtbl",
  "generator",
  "xmlnstbl",
  "latentstyles",
  "fldinst",
  "filetbl",
]);

const RTF_BREAKS = new Map([
  ["par", "\n"],
  ["line", "\n"],
  ["sect", "\n"],
  ["page", "\n"],
  ["row", "\n"],
  ["tab", "\t"],
  ["cell", "\t"],
  ["emdash", "\u2014"],
  ["endash", "\u2013"],
  ["bullet", "\u2022"],
  ["lquote", "\u2018"],
  ["rquote", "\u2019"],
  ["ldblquote", "\u201C"],
  ["rdblquote", "\u201D"],
]);

interface RtfGroup {
  skipped: boolean;
  /** \ucN: how many fallback characters follow each \uN. */
  unicodeSkip: number;
}

/**
 * The text of an RTF document: control words and non-text destinations dropped, \'hh decoded in the
 * document's ANSI code page (windows-1252 unless \ansicpg says otherwise) and \uN read as Unicode.
 */
export function extractRtf(bytes: Buffer, limits: ExtractLimits): ExtractedText {
  const rtf = bytes.toString("latin1");
  const text = new BoundedText(limits.maxChars);
  let codepage = "windows-1252";
  let pendingBytes: number[] = [];
  const flush = () => {
    if (pendingBytes.length === 0) return;
    text.add(iconv.decode(Buffer.from(pendingBytes), codepage));
    pendingBytes = [];
  };
  const stack: RtfGroup[] = [];
  let group: RtfGroup = { skipped: false, unicodeSkip: 1 };
  let fallbackToSkip = 0;
  // A byte of text (raw or \'hh) joins the pending bytes, unless it is the fallback of a \uN.
  const addByte = (byte: number) => {
    if (fallbackToSkip > 0) fallbackToSkip--;
    else if (!group.skipped) pendingBytes.push(byte);
  };

  let i = 0;
  while (i < rtf.length && !text.full) {
    const ch = rtf[i];
    if (ch === "{") {
      stack.push(group);
      group = { ...group };
      fallbackToSkip = 0;
      i++;
    } else if (ch === "}") {
      group = stack.pop() ?? group;
      fallbackToSkip = 0;
      i++;
    } else if (ch === "\r" || ch === "\n") {
      i++;
    } else if (ch !== "\\") {
      addByte(rtf.charCodeAt(i));
      i++;
    } else {
      const next = rtf[i + 1];
      if (next === "'") {
        const byte = parseInt(rtf.slice(i + 2, i + 4), 16);
        if (!Number.isNaN(byte)) addByte(byte);
        i += 4;
        continue;
      }
      if (next === undefined || !/[a-zA-Z]/.test(next)) {
        // A control symbol: \\ \{ \} are literal, \~ is a no-break space, \* marks an optional destination.
        if (next === "*") group.skipped = true;
        else if (next === "\\" || next === "{" || next === "}") addByte(next.charCodeAt(0));
        else if (next === "~") addByte(0xa0);
        else if (next === "_") addByte(0x2d);
        else if (next === "\n" || next === "\r") addByte(0x0a);
        i += 2;
        continue;
      }
      const match = /^([a-zA-Z]{1,32})(-?\d{1,10})? ?/.exec(rtf.slice(i + 1, i + 48));
      if (!match) {
        i++;
        continue;
      }
      i += 1 + match[0].length;
      const [, word, digits] = match;
      const param = digits === undefined ? undefined : Number(digits);
      if (word === "bin" && param !== undefined && param > 0) {
        i += param;
      } else if (word === "ansicpg" && param !== undefined && iconv.encodingExists(`cp${param}`)) {
        codepage = `cp${param}`;
      } else if (word === "uc" && param !== undefined) {
        group.unicodeSkip = Math.max(0, param);
      } else if (word === "u" && param !== undefined) {
        if (!group.skipped) {
          flush();
          text.add(String.fromCharCode(param < 0 ? param + 65536 : param));
        }
        fallbackToSkip = group.unicodeSkip;
      } else if (RTF_SKIPPED_DESTINATIONS.has(word)) {
        group.skipped = true;
      } else if (!group.skipped && RTF_BREAKS.has(word)) {
        flush();
        text.add(RTF_BREAKS.get(word) ?? "");
      }
    }
    if (pendingBytes.length > 4096) flush();
  }
  flush();
  return text.result();
}
