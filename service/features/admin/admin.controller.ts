import type { AppContext } from "../../context.ts";
import type { AnyRoute } from "../../http/route.ts";
import { filingRuleRoutes } from "./filing-rules.controller.ts";
import { peopleRoutes } from "./people.controller.ts";

/** Administration: users, groups, access groups, templates, document types, retention rules, journal plan, tokens. */
export function adminRoutes(ctx: AppContext): AnyRoute[] {
  return [...peopleRoutes(ctx), ...filingRuleRoutes(ctx)];
}
