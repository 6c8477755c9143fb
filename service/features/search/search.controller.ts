import { SearchQuery, SearchResults } from "../../../shared/api/schemas/search.ts";
import type { AppContext } from "../../context.ts";
import { route } from "../../http/route.ts";
import { search } from "./search.service.ts";

export function searchRoutes(ctx: AppContext) {
  return [
    route({
      method: "get",
      path: "/api/search",
      tag: "search",
      summary:
        'Free-text search of the tasks, cases, documents and contacts one may see: every word in any Danish form, "quoted words" in order, word* as a prefix; ranked, counted up to 1,000, with snippets',
      query: SearchQuery,
      responses: { 200: { description: "The hits grouped by kind, best first, each group with its count", schema: SearchResults } },
      handle: ({ actor, query }) => search(ctx.db, actor, query),
    }),
  ];
}
