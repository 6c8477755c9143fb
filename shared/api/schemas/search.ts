import { z } from "zod";
import { Id, Timestamp } from "./common.ts";
import { CaseRef } from "./cases.ts";

// Free-text search (fritekstsøgning): words found in cases and documents — titles, numbers, details, parties
// and the text of mail — stemmed for Danish, so "kvælstofudledningen" finds "kvælstofudledning". Only what
// the caller may see is ranked, counted or shown.

export const SearchKind = z.enum(["cases", "documents"]);
export type SearchKind = z.infer<typeof SearchKind>;

/** GET /api/search: every word must occur (in any form), "quoted words" in that order, `skov*` as a prefix. */
export const SearchQuery = z.object({
  q: z.string().max(10_000).describe("What to search for; anything may be typed, none of it is syntax that can fail"),
  kind: SearchKind.optional().describe("Only this group (for VIS ALLE); both when omitted"),
  limit: z.coerce.number().int().min(1).max(100).default(5),
});

/** A piece of a snippet: the text as it stands, `hit` where a searched word was found. */
export const SnippetPart = z.strictObject({ text: z.string(), hit: z.boolean() });
export type SnippetPart = z.infer<typeof SnippetPart>;

export const CaseHit = z.strictObject({ case: CaseRef, status: z.enum(["active", "closed"]), changedAt: Timestamp, snippet: z.array(SnippetPart) });
export const DocumentHit = z.strictObject({
  document: z.strictObject({ id: Id, title: z.string() }),
  case: CaseRef.nullable(),
  status: z.enum(["draft", "final"]),
  changedAt: Timestamp,
  snippet: z.array(SnippetPart),
});
export type CaseHit = z.infer<typeof CaseHit>;
export type DocumentHit = z.infer<typeof DocumentHit>;

/** How many the caller may see match, counted up to `SEARCH_COUNT_CAP`; `capped` when there are more. */
export const HitCount = z.strictObject({ count: z.number().int(), capped: z.boolean() });
export const SEARCH_COUNT_CAP = 1000;

export const SearchResults = z.strictObject({
  q: z.string(),
  cases: z.strictObject({ ...HitCount.shape, items: z.array(CaseHit) }),
  documents: z.strictObject({ ...HitCount.shape, items: z.array(DocumentHit) }),
});
export type SearchResults = z.infer<typeof SearchResults>;
