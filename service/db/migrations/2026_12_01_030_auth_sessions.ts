import { sql, type Kysely } from "kysely";

// Whether a use of a credential starts a session (and so is audited as a login) is kept in the database, per
// user and kind of credential, so it survives a restart and holds across several service processes. Token
// uses from before count as the last use of an API-token session, so the upgrade itself logs nobody in again.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("auth_sessions")
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("credential", "text", (c) => c.notNull())
    .addColumn("started_at", "text", (c) => c.notNull())
    .addColumn("last_used_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("auth_sessions_pk", ["user_id", "credential"])
    .execute();
  await sql`
    insert into auth_sessions (user_id, credential, started_at, last_used_at)
    select user_id, 'api-token', max(last_used_at), max(last_used_at) from api_tokens where last_used_at is not null group by user_id
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("auth_sessions").execute();
}
