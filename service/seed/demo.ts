import type { AppContext } from "../context.ts";
import { anyCaseExists } from "../features/cases/cases.service.ts";
import { seedCases } from "./demo-cases.ts";
import { seedTasks } from "./demo-tasks.ts";
import { seedContacts } from "./demo-contacts.ts";
import { seedNotifications } from "./demo-notifications.ts";
import { existingDemoUsers, seedDirectory } from "./demo-directory.ts";
import { ensureDemoTokens } from "./demo-tokens.ts";

/**
 * Demo data on first start: people, access groups, a journal plan excerpt, retention rules, document
 * types, case templates, and the cases and documents of the product's screens, all made through the
 * domain services so they are audited, versioned and have their disposal dates. An archive that has any
 * case already is left alone; only the demo users' tokens from the environment are applied again.
 */
export async function seedDemo(ctx: AppContext): Promise<void> {
  if (await anyCaseExists(ctx.db)) {
    await ensureDemoTokens(ctx, await existingDemoUsers(ctx.db));
    return;
  }
  const directory = await seedDirectory(ctx.db);
  await ensureDemoTokens(ctx, [...directory.users.values()]);
  const seeded = await seedCases(ctx, directory);
  await seedTasks(ctx, directory);
  await seedContacts(ctx, directory);
  await seedNotifications(ctx, directory);
  ctx.log.info(seeded, "demo data seeded");
}
