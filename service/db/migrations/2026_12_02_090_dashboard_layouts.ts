import type { Kysely } from "kysely";

// Each person's dashboard: which panels it shows and in which order (features/dashboard).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("dashboard_layouts")
    .addColumn("user_id", "text", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
    .addColumn("panels", "text", (c) => c.notNull())
    .addColumn("changed_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("dashboard_layouts").execute();
}
