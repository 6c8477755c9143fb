import type { AdvancedSearch } from "./schemas/advanced-search.ts";

// The query string of an advanced search, apart from its schemas: the API client (which every add-in bundles,
// the Apps Script one included) builds it without loading zod.

/** The query string of an advanced search (without `?`), as GET /api/search/advanced and .csv read it. */
export function advancedSearchQueryString(search: AdvancedSearch, page: { cursor?: string; limit?: number } = {}): string {
  const pairs: Array<[string, string]> = [["target", search.target]];
  for (const c of search.where ?? []) pairs.push(["where", `${c.field}:${c.op}:${c.value ?? ""}`]);
  if (search.columns?.length) pairs.push(["columns", search.columns.join(",")]);
  if (search.sort) pairs.push(["sort", search.sort]);
  if (search.dir) pairs.push(["dir", search.dir]);
  if (page.cursor) pairs.push(["cursor", page.cursor]);
  if (page.limit) pairs.push(["limit", String(page.limit)]);
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
}
