import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Executor } from "../../db/database.ts";

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** Issues a new API token; only its hash is stored, the token itself is returned once. */
export async function issueApiToken(db: Executor, userId: string, label: string, token?: string): Promise<{ id: string; token: string }> {
  const value = token ?? `ims_${randomBytes(24).toString("base64url")}`;
  const id = randomUUID();
  await db
    .insertInto("api_tokens")
    .values({ id, user_id: userId, token_hash: hashToken(value), label, created_at: new Date().toISOString(), last_used_at: null, revoked_at: null })
    .execute();
  return { id, token: value };
}

export interface TokenUse {
  userId: string;
  tokenId: string;
  /** When the token was used before this request (null: never). */
  lastUsedAt: string | null;
}

/** Finds the active user behind an API token, or null. */
export async function findTokenUser(db: Executor, token: string): Promise<TokenUse | null> {
  const row = await db
    .selectFrom("api_tokens")
    .innerJoin("users", "users.id", "api_tokens.user_id")
    .select(["api_tokens.id", "api_tokens.user_id", "api_tokens.last_used_at"])
    .where("api_tokens.token_hash", "=", hashToken(token))
    .where("api_tokens.revoked_at", "is", null)
    .where("users.active", "=", 1)
    .executeTakeFirst();
  return row ? { userId: row.user_id, tokenId: row.id, lastUsedAt: row.last_used_at } : null;
}

export async function touchToken(db: Executor, tokenId: string, at: string): Promise<void> {
  await db.updateTable("api_tokens").set({ last_used_at: at }).where("id", "=", tokenId).execute();
}
