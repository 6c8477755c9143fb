import { Colleagues, PeopleQuery } from "../../../shared/api/schemas/people.ts";
import { AssignableGroups } from "../../../shared/api/schemas/tasks.ts";
import type { AppContext } from "../../context.ts";
import { route } from "../../http/route.ts";
import { requireStaff } from "../access/policy.ts";
import { colleagues } from "./users.service.ts";
import { listGroups, usersByIds } from "./users.service.ts";

/** Every group by name with its number of active members (a deactivated member is given no tasks). */
async function assignableGroups(db: AppContext["db"]) {
  const groups = await listGroups(db);
  const members = await usersByIds(db, [...new Set(groups.flatMap((g) => g.members.map((m) => m.id)))]);
  const active = new Set(members.filter((u) => u.active === 1).map((u) => u.id));
  return groups.map((g) => ({ id: g.id, name: g.name, members: g.members.filter((m) => active.has(m.id)).length }));
}

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
    route({
      method: "get",
      path: "/api/groups",
      tag: "reference",
      summary: "The organisation's groups by name, with how many active members each has: for assigning a task to a group",
      responses: { 200: { description: "Groups by name", schema: AssignableGroups }, 403: { description: "External partners cannot" } },
      async handle({ actor }) {
        requireStaff(actor, "listPeople");
        return { items: await assignableGroups(ctx.db) };
      },
    }),
  ];
}
