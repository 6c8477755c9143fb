import type { Kysely } from "kysely";

// Single sign-on (features/auth/sso): the web view's sign-ins in progress at an identity provider, and which
// account a session or group membership came from.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("sso_states")
    // sha256 of the `state` sent to the provider; the value itself is only in the redirect and a cookie.
    .addColumn("state_hash", "text", (c) => c.primaryKey())
    .addColumn("provider", "text", (c) => c.notNull())
    // sign-in, or link: the signed-in person connects the account to themselves.
    .addColumn("mode", "text", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.references("users.id").onDelete("cascade"))
    .addColumn("code_verifier", "text", (c) => c.notNull())
    .addColumn("nonce", "text", (c) => c.notNull())
    .addColumn("return_to", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sso_states_expiry").on("sso_states").column("expires_at").execute();

  // The account a web session was opened with, so signing out can offer the provider's sign-out too.
  await db.schema.alterTable("web_sessions").addColumn("identity_id", "text").execute();
  // Memberships the directory confers (IMS_SSO_GROUPS) are marked, so a sign-in removes only those it once added.
  await db.schema
    .alterTable("group_members")
    .addColumn("via_sso", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("group_members").dropColumn("via_sso").execute();
  await db.schema.alterTable("web_sessions").dropColumn("identity_id").execute();
  await db.schema.dropTable("sso_states").execute();
}
