import type { Executor } from "../../db/database.ts";

// The dashboard_layouts table; only the dashboard feature reads and writes it.

export async function findLayout(db: Executor, userId: string): Promise<string | undefined> {
  return (await db.selectFrom("dashboard_layouts").select("panels").where("user_id", "=", userId).executeTakeFirst())?.panels;
}

export async function saveLayout(db: Executor, userId: string, panels: string, now: string): Promise<void> {
  await db
    .insertInto("dashboard_layouts")
    .values({ user_id: userId, panels, changed_at: now })
    .onConflict((oc) => oc.column("user_id").doUpdateSet({ panels, changed_at: now }))
    .execute();
}
