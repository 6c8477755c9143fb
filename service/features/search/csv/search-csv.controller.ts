import { SearchCsvQuery } from "../../../../shared/api/schemas/search.ts";
import type { AppContext } from "../../../context.ts";
import { route } from "../../../http/route.ts";
import { exportLanguage, sendCsv } from "./csv-response.ts";
import { freeTextExport } from "./search-exports.ts";

export function searchCsvRoutes(ctx: AppContext) {
  return [
    route({
      method: "get",
      path: "/api/search.csv",
      tag: "search",
      summary:
        "Every hit of one group of the free-text search (kind), best first, as CSV in that group's default columns: UTF-8 with BOM, ';' separated, a header row in the language of Accept-Language",
      query: SearchCsvQuery,
      responses: {
        200: {
          description: "The hits as CSV, sent as they are read",
          contentType: "text/csv",
          headers: { "Content-Disposition": "attachment, with a file name" },
        },
      },
      async handle({ actor, query, req, res }) {
        await sendCsv(res, await freeTextExport(ctx.db, actor, query.q, query.kind, exportLanguage(req)));
      },
    }),
  ];
}
