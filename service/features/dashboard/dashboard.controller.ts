import { DashboardLayout } from "../../../shared/api/schemas/dashboard.ts";
import type { AppContext } from "../../context.ts";
import { route } from "../../http/route.ts";
import { dashboardLayout, saveDashboardLayout } from "./dashboard.service.ts";

/** The signed-in person's own dashboard layout; nobody reads or changes another's. */
export function dashboardRoutes(ctx: AppContext) {
  return [
    route({
      method: "get",
      path: "/api/me/dashboard",
      tag: "reference",
      summary: "My dashboard: which panels show, in which order",
      responses: { 200: { description: "The layout", schema: DashboardLayout } },
      handle: ({ actor }) => dashboardLayout(ctx.db, actor.userId),
    }),
    route({
      method: "put",
      path: "/api/me/dashboard",
      tag: "reference",
      summary: "Choose my dashboard's panels and their order",
      body: DashboardLayout,
      responses: { 200: { description: "The layout as it will show", schema: DashboardLayout } },
      handle: ({ actor, body }) => saveDashboardLayout(ctx.db, actor.userId, body),
    }),
  ];
}
