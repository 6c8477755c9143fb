import { AdvancedSearchQuery, AdvancedSearchResults } from "../../../../shared/api/schemas/advanced-search.ts";
import type { AppContext } from "../../../context.ts";
import { route } from "../../../http/route.ts";
import { advancedExport } from "../csv/search-exports.ts";
import { exportLanguage, sendCsv } from "../csv/csv-response.ts";
import { advancedSearch } from "./advanced.service.ts";
import { planSearch, searchOfQuery } from "./search-plan.ts";

const refused = {
  400: {
    description:
      "The search cannot run: a field the target does not have (unknown_search_field), an operator its type does not allow (search_operator_not_allowed), " +
      "a value its type cannot hold (invalid_search_value), a condition not written field:op:value, a column or sort that cannot be one (invalid_search), " +
      "too many or too long conditions (invalid_request); `errors` names the part to mend",
  },
};

export function advancedSearchRoutes(ctx: AppContext) {
  return [
    route({
      method: "get",
      path: "/api/search/advanced",
      tag: "search",
      summary:
        "Advanced search of cases, documents, contacts or tasks one may see: conditions (where=field:op:value, all must hold), chosen columns and sort; a page at a time, counted up to 1,000",
      query: AdvancedSearchQuery,
      responses: {
        200: { description: "A page of rows, their cells in the order of the columns; nextCursor continues the same search", schema: AdvancedSearchResults },
        400: { description: `${refused[400].description}; or a cursor from another sort (cursor_sort_mismatch) or not from this service (invalid_cursor)` },
      },
      handle: ({ actor, query }) => advancedSearch(ctx.db, actor, query),
    }),
    route({
      method: "get",
      path: "/api/search/advanced.csv",
      tag: "search",
      summary:
        "Every row of an advanced search (not one page) as CSV: UTF-8 with BOM, ';' separated, a header row of the column names in the language of Accept-Language (Danish unless English is preferred)",
      query: AdvancedSearchQuery,
      responses: {
        200: {
          description: "The rows as CSV, sent as they are read",
          contentType: "text/csv",
          headers: { "Content-Disposition": "attachment, with a file name" },
        },
        ...refused,
      },
      async handle({ actor, query, req, res }) {
        const plan = await planSearch(ctx.db, searchOfQuery(query), "query");
        await sendCsv(res, await advancedExport(ctx.db, actor, plan, exportLanguage(req)));
      },
    }),
  ];
}
