import type { Kysely } from "kysely";

// Nobody pastes a token any more. A person signed in to the web view lets an Office add-in in: the page hands
// the add-in a one-time code through Office's dialog, which the add-in redeems with its PKCE verifier for a
// credential of its own (device_sign_ins; only hashes are kept). The Gmail add-on signs in with the user's
// Google ID token: a Google account no user's e-mail address answers to is linked to a person once they confirm
// a link request in the web view (user_identities: issuer + subject, so Microsoft and other providers fit too).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("device_sign_ins")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // outlook, word, excel, powerpoint
    .addColumn("client", "text", (c) => c.notNull())
    // sha256 of the one-time code and the PKCE challenge (S256) it is bound to; the code lives for minutes.
    .addColumn("code_hash", "text", (c) => c.notNull().unique())
    .addColumn("code_challenge", "text", (c) => c.notNull())
    .addColumn("code_expires_at", "text", (c) => c.notNull())
    // sha256 of the add-in's credential, set when the code is redeemed; null before, and for a code never redeemed.
    .addColumn("token_hash", "text", (c) => c.unique())
    .addColumn("user_agent", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("redeemed_at", "text")
    .addColumn("last_used_at", "text")
    .addColumn("revoked_at", "text")
    .execute();
  await db.schema.createIndex("device_sign_ins_user").on("device_sign_ins").columns(["user_id", "created_at"]).execute();

  await db.schema
    .createTable("user_identities")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // The identity provider's issuer and its stable id for the account (OpenID Connect `iss` and `sub`).
    .addColumn("issuer", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    // The account's address when it was linked: for people to recognise it, never to sign in by.
    .addColumn("email", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text")
    .addUniqueConstraint("user_identities_account", ["issuer", "subject"])
    .execute();
  await db.schema.createIndex("user_identities_user").on("user_identities").column("user_id").execute();

  await db.schema
    .createTable("identity_link_requests")
    // sha256 of the token in the link the add-on opens.
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("issuer", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .addColumn("used_by", "text")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("identity_link_requests").execute();
  await db.schema.dropTable("user_identities").execute();
  await db.schema.dropTable("device_sign_ins").execute();
}
