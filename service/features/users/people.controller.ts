import { Colleagues, PeopleQuery } from "../../../shared/api/schemas/people.ts";
import type { AppContext } from "../../context.ts";
import { route } from "../../http/route.ts";
import { requireStaff } from "../access/policy.ts";
import { colleagues } from "./users.service.ts";

/** The organisation's people for colleagues: whom a case can name as owner or responsible. */
export function peopleRoutes(ctx: AppContext) {
  return [
    route({
      method: "get",
      path: "/api/users",
      tag: "reference",
      summary: "Active colleagues (staff, not external partners) by name, for naming and picking a case's owner and responsible; q filters by name or e-mail",
      query: PeopleQuery,
      responses: { 200: { description: "Colleagues by name", schema: Colleagues }, 403: { description: "External partners cannot" } },
      async handle({ actor, query }) {
        requireStaff(actor, "listPeople");
        return { items: await colleagues(ctx.db, query.q, query.limit) };
      },
    }),
  ];
}
