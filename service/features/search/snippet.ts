import type { SnippetPart } from "../../../shared/api/types.ts";
import type { QueryTerm } from "./search-text.ts";

// A snippet is found in the original text, not in the index (which holds stems): every word that begins with
// a searched stem is a hit, "å" also written "aa". It is returned as parts, so the page shows the text as
// text and only marks the hits; nothing in it is ever read as HTML.

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Words that begin with any of the terms' stems, anywhere in a text. */
export function hitPattern(terms: readonly QueryTerm[]): RegExp | null {
  const stems = [...new Set(terms.map((t) => t.stem).filter(Boolean))];
  if (!stems.length) return null;
  const alternatives = stems.map((s) => escape(s).replaceAll("å", "(?:å|aa)"));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join("|")})[\\p{L}\\p{N}]*`, "giu");
}

const flatten = (s: string) => s.replace(/\s+/g, " ");
/** Whether `text` holds anything but white space from `from` on (to `to`, exclusive, when given). */
function textIn(text: string, from: number, to = text.length): boolean {
  const other = /\S/g;
  other.lastIndex = from;
  return other.test(text) && other.lastIndex <= to;
}

/**
 * Up to `width` characters around the first hit, hits marked; the text's beginning when nothing is hit. Only
 * the stretch around the hit is read, so a long text costs its search for the hit and no more.
 */
export function snippetOf(text: string, pattern: RegExp | null, width = 160): SnippetPart[] {
  // search() ignores the pattern's lastIndex and matchAll() works on a copy, so one pattern serves every call.
  const first = pattern ? text.search(pattern) : -1;
  if (!pattern || first < 0) {
    const head = flatten(text.slice(0, 4 * width)).trim();
    const flat = head.length >= width || 4 * width >= text.length ? head : flatten(text).trim();
    return flat ? [{ text: cut(flat, 0, width), hit: false }] : [];
  }
  // The flattened text from a little before the hit to a little after it, the hit at `hit`; a word cut at
  // the beginning is left out (its end could pass for a hit).
  const from = Math.max(0, first - 2 * width);
  let before = flatten(text.slice(from, first)).trimStart();
  if (from > 0 && !/\s/.test(text[from - 1])) before = before.slice(before.indexOf(" ") + 1);
  const to = Math.min(text.length, first + 2 * width);
  const flat = before + flatten(text.slice(first, to)).trimEnd();
  const hit = before.length;
  let start = Math.max(0, hit - Math.floor(width / 3));
  if (start > 0) start = flat.indexOf(" ", start) + 1 || start;
  const end = Math.min(flat.length, start + width);
  const window = flat.slice(start, end);
  const parts: SnippetPart[] = [];
  let at = 0;
  for (const m of window.matchAll(pattern)) {
    if (m.index > at) parts.push({ text: window.slice(at, m.index), hit: false });
    parts.push({ text: m[0], hit: true });
    at = m.index + m[0].length;
  }
  if (at < window.length) parts.push({ text: window.slice(at), hit: false });
  if (start > 0 || textIn(text, 0, from)) parts.unshift({ text: "… ", hit: false });
  if (end < flat.length || textIn(text, to)) parts.push({ text: " …", hit: false });
  return parts;
}

const cut = (s: string, from: number, width: number) => (s.length - from > width ? `${s.slice(from, from + width)} …` : s.slice(from));

/** Whether any part is a hit. */
export const hasHit = (parts: readonly SnippetPart[]) => parts.some((p) => p.hit);
