import type { Kysely } from "kysely";

// People sign in to the web view with their e-mail address and a password (argon2id, features/auth/passwords.ts),
// or first through an invitation an administrator sends. A signed-in browser holds a session: a random token in
// an httpOnly cookie, of which the database keeps only the hash, revocable, with idle and absolute expiry.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("user_passwords")
    .addColumn("user_id", "text", (c) => c.primaryKey().references("users.id").onDelete("cascade"))
    .addColumn("hash", "text", (c) => c.notNull())
    // 1: a temporary password an administrator set; it must be changed before anything else.
    .addColumn("must_change", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("set_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("user_invites")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("created_by", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .execute();

  await db.schema
    .createTable("web_sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // How the session was opened (password, invite); sign-in with Microsoft and Google adds theirs.
    .addColumn("method", "text", (c) => c.notNull())
    .addColumn("user_agent", "text")
    .addColumn("ip", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("last_seen_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("revoked_at", "text")
    .execute();
  await db.schema.createIndex("web_sessions_user").on("web_sessions").columns(["user_id", "created_at"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("web_sessions").execute();
  await db.schema.dropTable("user_invites").execute();
  await db.schema.dropTable("user_passwords").execute();
}
