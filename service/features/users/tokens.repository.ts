import type { Selectable } from "kysely";
import type { Executor } from "../../db/database.ts";
import type { ApiTokenTable } from "./users.table.ts";

// The api_tokens table; only the users domain reads and writes it (tokens.service.ts).

export type ApiTokenRow = Selectable<ApiTokenTable>;

export async function insertToken(db: Executor, row: ApiTokenRow): Promise<void> {
  await db.insertInto("api_tokens").values(row).execute();
}

/** The token with this hash, whatever its state. */
export function findTokenByHash(db: Executor, tokenHash: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom("api_tokens").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
}

/** The token with this hash when it is not revoked and its user is active. */
export function findUsableToken(db: Executor, tokenHash: string) {
  return db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .select(["api_tokens.id", "api_tokens.user_id", "api_tokens.last_used_at"])
    .where("api_tokens.token_hash", "=", tokenHash)
    .where("api_tokens.revoked_at", "is", null)
    .where("users.active", "=", 1)
    .executeTakeFirst();
}

export function findTokenOfUser(db: Executor, userId: string, tokenId: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom("api_tokens").selectAll().where("id", "=", tokenId).where("user_id", "=", userId).executeTakeFirst();
}

/** A user's tokens, newest first. */
export function tokensOfUser(db: Executor, userId: string): Promise<ApiTokenRow[]> {
  return db.selectFrom("api_tokens").selectAll().where("user_id", "=", userId).orderBy("created_at", "desc").orderBy("id").execute();
}

/** Tokens that came from an environment variable (one, when `variable` is given) and are not revoked. */
export function environmentTokens(db: Executor, variable?: string): Promise<ApiTokenRow[]> {
  let q = db.selectFrom("api_tokens").selectAll().where("env_variable", "is not", null).where("revoked_at", "is", null);
  if (variable) q = q.where("env_variable", "=", variable);
  return q.execute();
}

export async function touchToken(db: Executor, tokenId: string, at: string): Promise<void> {
  await db.updateTable("api_tokens").set({ last_used_at: at }).where("id", "=", tokenId).execute();
}

export async function revokeTokenRow(db: Executor, tokenId: string, at: string): Promise<void> {
  await db.updateTable("api_tokens").set({ revoked_at: at }).where("id", "=", tokenId).execute();
}

export async function setTokenVariable(db: Executor, tokenId: string, variable: string): Promise<void> {
  await db.updateTable("api_tokens").set({ env_variable: variable }).where("id", "=", tokenId).execute();
}

/** Whether some active administrator holds an API token that is not revoked. */
export async function anAdministratorHoldsToken(db: Executor): Promise<boolean> {
  const row = await db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .select("api_tokens.id")
    .where("users.role", "=", "admin")
    .where("users.active", "=", 1)
    .where("api_tokens.revoked_at", "is", null)
    .limit(1)
    .executeTakeFirst();
  return !!row;
}
