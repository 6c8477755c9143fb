import { sql, type Kysely } from "kysely";

// A token set through the environment (IMS_ADMIN_TOKEN, IMS_DEMO_TOKEN_<LOGIN>) is valid only while the
// variable holds it, so each such token remembers its variable. Tokens from before were labelled with it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("api_tokens").addColumn("env_variable", "text").execute();
  await db
    .updateTable("api_tokens")
    .set({ env_variable: sql`label` })
    .where((eb) => eb.or([eb("label", "=", "IMS_ADMIN_TOKEN"), eb("label", "like", "IMS_DEMO_TOKEN_%")]))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("api_tokens").dropColumn("env_variable").execute();
}
