import { z } from "zod";
import { Id, Timestamp } from "./common.ts";
import { CaseRef } from "./cases.ts";

// Free-text search (fritekstsøgning): words found in tasks, cases, documents and contacts — titles, numbers,
// details, parties and the text of every saved file and mail — stemmed for Danish, so "kvælstofudledningen" finds "kvælstofudledning". Only what
// the caller may see is ranked, counted or shown.

export const SearchKind = z.enum(["tasks", "cases", "documents", "contacts"]);
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
export const TaskHit = z.strictObject({
  task: z.strictObject({ id: Id, title: z.string() }),
  case: CaseRef.nullable(),
  status: z.enum(["open", "in_progress", "done"]),
  deadline: z.string().nullable(),
  changedAt: Timestamp,
  snippet: z.array(SnippetPart),
});
export const ContactHit = z.strictObject({
  contact: z.strictObject({ id: Id, name: z.string(), kind: z.enum(["person", "organisation"]) }),
  email: z.string().nullable(),
  changedAt: Timestamp,
  snippet: z.array(SnippetPart),
});
export type TaskHit = z.infer<typeof TaskHit>;
export type ContactHit = z.infer<typeof ContactHit>;

/** How many the caller may see match, counted up to `SEARCH_COUNT_CAP`; `capped` when there are more. */
export const HitCount = z.strictObject({ count: z.number().int(), capped: z.boolean() });
export const SEARCH_COUNT_CAP = 1000;

export const SearchResults = z.strictObject({
  q: z.string(),
  tasks: z.strictObject({ ...HitCount.shape, items: z.array(TaskHit) }),
  cases: z.strictObject({ ...HitCount.shape, items: z.array(CaseHit) }),
  documents: z.strictObject({ ...HitCount.shape, items: z.array(DocumentHit) }),
  contacts: z.strictObject({ ...HitCount.shape, items: z.array(ContactHit) }),
});

/** GET /api/search.csv: every hit of one group, as CSV. */
export const SearchCsvQuery = z.object({ q: SearchQuery.shape.q, kind: SearchKind });
export type SearchResults = z.infer<typeof SearchResults>;
