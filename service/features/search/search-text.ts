import { stemmer } from "@orama/stemmers/danish";
import type { MatchNode, MatchQuery, MatchTerm } from "../../db/full-text.ts";

// How text becomes what the full-text index holds, and how a query becomes what the index is asked. SQLite cannot
// run a Danish stemmer inside FTS5 (better-sqlite3 registers no tokenizers), so both sides are stemmed here, with
// Snowball's Danish stemmer (the one PostgreSQL's `danish` configuration runs): the index holds each word's stem, in
// order, and a query looks for the stems of its words. Both engines then only split on spaces (FTS5's unicode61,
// keeping diacritics; PostgreSQL's `simple` configuration), so they hold the same terms and answer alike.

/** Longest word kept: longer runs are not words (base64, hashes) and only bloat the index. */
const MAX_WORD = 60;
/** What a query may hold: more words than this are ignored, a longer query is cut. */
const MAX_QUERY_TERMS = 16;
export const MAX_QUERY_LENGTH = 1000;

/** One word as the index spells it: lower-case Danish, "aa" written "å" (Aarhus and Århus are one word). */
export function normalizeWord(word: string): string {
  return word.normalize("NFC").toLocaleLowerCase("da").replaceAll("aa", "å");
}

/** The stem of a normalized word; numbers and codes are kept as they are. */
export function stemOf(word: string): string {
  return /\p{N}/u.test(word) ? word : stemmer(word);
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Each word of the text, normalized, in order. */
export function* wordsOf(text: string): Generator<string> {
  for (const [raw] of text.matchAll(WORD)) if (raw.length <= MAX_WORD) yield normalizeWord(raw);
}

/** The text as the index holds it: the stems of its words, space-separated, in order (so phrases still match). */
export function indexText(text: string): string {
  const stems: string[] = [];
  for (const word of wordsOf(text)) stems.push(stemOf(word));
  return stems.join(" ");
}

export interface QueryTerm {
  /** The stem searched for (or the prefix, when `prefix`). */
  stem: string;
  prefix: boolean;
  /** The word as typed, normalized: for highlighting. */
  word: string;
}
/** Words inside one pair of double quotes must follow one another. */
export type QueryPart = { phrase: QueryTerm[] } | { term: QueryTerm };

/**
 * Reads what a person typed: words (all must occur, in any order), "quoted phrases", and a word ending in
 * `*` as a prefix. Everything else — operators, parentheses, column filters, `^`, stray quotes — is just
 * text between words, so no query string can be an FTS5 syntax error.
 */
export function parseQuery(q: string): QueryPart[] {
  const parts: QueryPart[] = [];
  const text = q.slice(0, MAX_QUERY_LENGTH);
  let terms = 0;
  const termsOf = (chunk: string): QueryTerm[] => {
    const found: QueryTerm[] = [];
    for (const m of chunk.matchAll(/([\p{L}\p{N}]+)(\*?)/gu)) {
      if (m[1].length > MAX_WORD || terms >= MAX_QUERY_TERMS) continue;
      terms++;
      const word = normalizeWord(m[1]);
      const prefix = m[2] === "*";
      // A prefix is not stemmed past what was typed: "skovrejs*" finds every word that begins so.
      found.push({ word, prefix, stem: prefix ? word : stemOf(word) });
    }
    return found;
  };
  const push = (found: QueryTerm[]) => {
    if (found.length > 1) parts.push({ phrase: found });
    else if (found.length) parts.push({ term: found[0] });
  };
  // Quoted runs are phrases; an unclosed quote runs to the end.
  text.split('"').forEach((piece, i) => {
    if (i % 2 === 1) return push(termsOf(piece));
    // Outside quotes, words joined without a space ("17.01.00", "20240115-0001", "E-4711") are a code:
    // its parts in order, and a code with digits may be typed in part ("20240115-00" finds the case).
    for (const chunk of piece.split(/\s+/)) {
      const found = termsOf(chunk);
      const last = found.at(-1);
      if (found.length > 1 && last && /\p{N}/u.test(chunk) && !last.prefix) found[found.length - 1] = { ...last, prefix: true, stem: last.word };
      push(found);
    }
  });
  return parts;
}

const asTerm = (t: QueryTerm): MatchTerm => ({ stem: t.stem, prefix: t.prefix });

/** Letters a Danish stem may have lost from the end of a word ("optagelse" is indexed as "optag"). */
const MAX_SUFFIX = 6;

/**
 * A prefix on its own: the index holds stems, and a stem may be shorter than what was typed ("optagels*"
 * must find "optagelse", indexed "optag"). So it also matches a stem that the typed prefix begins with,
 * down to three letters — every word that begins with the prefix is found, at the cost of some that share
 * only its stem.
 */
function prefixAlone(t: QueryTerm): MatchNode {
  if (/\p{N}/u.test(t.stem)) return { term: asTerm(t) };
  const shorter: MatchTerm[] = [];
  for (let n = Math.max(3, t.stem.length - MAX_SUFFIX); n < t.stem.length; n++) shorter.push({ stem: t.stem.slice(0, n), prefix: false });
  return shorter.length ? { anyOf: [asTerm(t), ...shorter] } : { term: asTerm(t) };
}

/** What the index is asked for parsed parts, or null when nothing searchable remains. */
export function matchQuery(parts: QueryPart[]): MatchQuery | null {
  if (!parts.length) return null;
  return parts.map((p) => ("phrase" in p ? { phrase: p.phrase.map(asTerm) } : p.term.prefix ? prefixAlone(p.term) : { term: asTerm(p.term) }));
}

/** Every term of the parts, phrases flattened: what a snippet highlights. */
export function termsOfParts(parts: QueryPart[]): QueryTerm[] {
  return parts.flatMap((p) => ("phrase" in p ? p.phrase : [p.term]));
}
