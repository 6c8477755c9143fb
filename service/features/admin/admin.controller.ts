import type { AppContext } from "../../context.ts";
import type { AnyRoute } from "../../http/route.ts";

/** Administration: users, groups, access groups, templates, document types, retention rules, journal plan, tokens. */
export function adminRoutes(_ctx: AppContext): AnyRoute[] {
  return [];
}
