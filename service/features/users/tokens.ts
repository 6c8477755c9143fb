import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { Db, Executor } from "../../db/database.ts";
import { recordAudit } from "../audit/audit.service.ts";

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * Issues a new API token; only its hash is stored, the token itself is returned once. `envVariable` names
 * the environment variable the token came from, so the token can be retired when the variable changes.
 */
export async function issueApiToken(
  db: Executor,
  userId: string,
  label: string,
  token?: string,
  envVariable: string | null = null,
): Promise<{ id: string; token: string }> {
  const value = token ?? `ims_${randomBytes(24).toString("base64url")}`;
  const id = randomUUID();
  await db
    .insertInto("api_tokens")
    .values({
      id,
      user_id: userId,
      token_hash: hashToken(value),
      label,
      created_at: new Date().toISOString(),
      last_used_at: null,
      revoked_at: null,
      env_variable: envVariable,
    })
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

/** Environment variable → the token it holds now (undefined: not set). */
export type EnvTokenValues = Record<string, string | undefined>;

/**
 * Revokes every token that came from an environment variable which no longer holds it (changed or removed),
 * each with a `token.retire` audit event naming the variable. `only` limits this to one variable.
 * The same value as before retires nothing.
 */
export async function retireEnvTokens(db: Db, current: EnvTokenValues, only?: string): Promise<number> {
  let query = db
    .selectFrom("api_tokens")
    .select(["id", "user_id", "label", "token_hash", "env_variable"])
    .where("env_variable", "is not", null)
    .where("revoked_at", "is", null);
  if (only) query = query.where("env_variable", "=", only);
  let retired = 0;
  for (const token of await query.execute()) {
    const variable = token.env_variable!;
    const value = current[variable];
    if (value !== undefined && hashToken(value) === token.token_hash) continue;
    await db.transaction().execute(async (trx) => {
      await trx.updateTable("api_tokens").set({ revoked_at: new Date().toISOString() }).where("id", "=", token.id).execute();
      const details = { tokenId: token.id, label: token.label, variable, reason: value === undefined ? "removed" : "changed" };
      await recordAudit(trx, { actor: null, action: "token.retire", objectType: "user", objectId: token.user_id, details });
    });
    retired++;
  }
  return retired;
}

export type EnvTokenOutcome =
  /** The variable holds the token it held before. */
  | "kept"
  | "issued"
  /** The value is another user's token; it is left with them. */
  | "held_by_another_user"
  /** The value was revoked (or retired) before; a revoked token never comes back. */
  | "revoked";

/**
 * Makes the value of `variable` an API token of `userId`: the token the variable held before is retired,
 * the new one issued and audited (`token.issue`, never the token itself).
 */
export async function issueEnvToken(db: Db, variable: string, userId: string, token: string): Promise<EnvTokenOutcome> {
  await retireEnvTokens(db, { [variable]: token }, variable);
  const existing = await db
    .selectFrom("api_tokens")
    .select(["id", "user_id", "revoked_at", "env_variable"])
    .where("token_hash", "=", hashToken(token))
    .executeTakeFirst();
  if (existing?.revoked_at) return "revoked";
  if (existing && existing.user_id !== userId) return "held_by_another_user";
  if (existing) {
    // A token of this user that was issued otherwise and is now set in the environment is from there on.
    if (existing.env_variable !== variable) await db.updateTable("api_tokens").set({ env_variable: variable }).where("id", "=", existing.id).execute();
    return "kept";
  }
  await db.transaction().execute(async (trx) => {
    const issued = await issueApiToken(trx, userId, variable, token, variable);
    await recordAudit(trx, {
      actor: null,
      action: "token.issue",
      objectType: "user",
      objectId: userId,
      details: { tokenId: issued.id, label: variable, variable },
    });
  });
  return "issued";
}

/** Generates a token for `userId` and audits it; the token is returned once, to be shown to whoever starts the service. */
export async function issueGeneratedToken(db: Db, userId: string, label: string): Promise<string> {
  return db.transaction().execute(async (trx) => {
    const issued = await issueApiToken(trx, userId, label);
    await recordAudit(trx, { actor: null, action: "token.issue", objectType: "user", objectId: userId, details: { tokenId: issued.id, label } });
    return issued.token;
  });
}

/** Whether some active administrator holds an API token that is not revoked. */
export async function anAdministratorHasToken(db: Executor): Promise<boolean> {
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
