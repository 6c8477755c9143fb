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

/** Up to `width` characters around the first hit, hits marked; the text's beginning when nothing is hit. */
export function snippetOf(text: string, pattern: RegExp | null, width = 160): SnippetPart[] {
  const flat = text.replace(/\s+/g, " ").trim();
  // search() ignores the pattern's lastIndex and matchAll() works on a copy, so one pattern serves every call.
  const first = pattern ? flat.search(pattern) : -1;
  if (!pattern || first < 0) return flat ? [{ text: cut(flat, 0, width), hit: false }] : [];
  let start = Math.max(0, first - Math.floor(width / 3));
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
  if (start > 0) parts.unshift({ text: "… ", hit: false });
  if (end < flat.length) parts.push({ text: " …", hit: false });
  return parts;
}

const cut = (s: string, from: number, width: number) => (s.length - from > width ? `${s.slice(from, from + width)} …` : s.slice(from));

/** Whether any part is a hit. */
export const hasHit = (parts: readonly SnippetPart[]) => parts.some((p) => p.hit);
