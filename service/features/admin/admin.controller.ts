import type { AppContext } from "../../context.ts";
import type { AnyRoute } from "../../http/route.ts";
import { accessGroupRoutes } from "./access-groups.admin.ts";
import { documentTypeRoutes } from "./document-types.admin.ts";
import { journalPlanRoutes } from "./journal-plan.admin.ts";
import { partyRoleRoutes } from "./party-roles.admin.ts";
import { retentionRuleRoutes } from "./retention-rules.admin.ts";
import { templateRoutes } from "./templates.admin.ts";
import { userRoutes } from "./users.admin.ts";
import { userIdentityRoutes } from "./user-identities.admin.ts";

// Administration is a floor above the domains: each file here declares one domain's admin routes, and
// composes domain services where a change crosses domains (a new retention rule re-dates documents).

/** Administration: users, groups and tokens, access groups, retention rules, document types, templates, journal plan. */
export function adminRoutes(ctx: AppContext): AnyRoute[] {
  return [
    ...userRoutes(ctx),
    ...userIdentityRoutes(ctx),
    ...accessGroupRoutes(ctx),
    ...retentionRuleRoutes(ctx),
    ...documentTypeRoutes(ctx),
    ...templateRoutes(ctx),
    ...journalPlanRoutes(ctx),
    ...partyRoleRoutes(ctx),
  ];
}
