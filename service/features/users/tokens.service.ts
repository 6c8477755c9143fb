import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { ApiToken, IssuedToken } from "../../../shared/api/types.ts";
import type { Db, Executor } from "../../db/database.ts";
import { notFound, Problem } from "../../http/problem.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import * as tokens from "./tokens.repository.ts";
import { requireUser } from "./users.service.ts";

// API tokens: issued to a user, stored only as a hash, revocable; tokens set in the environment
// (IMS_ADMIN_TOKEN, IMS_DEMO_TOKEN_<LOGIN>) are valid while their variable holds them.

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
const now = () => new Date().toISOString();

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
): Promise<{ id: string; token: string; createdAt: string }> {
  const value = token ?? `ims_${randomBytes(24).toString("base64url")}`;
  const row = {
    id: randomUUID(),
    user_id: userId,
    token_hash: hashToken(value),
    label,
    created_at: now(),
    last_used_at: null,
    revoked_at: null,
    env_variable: envVariable,
  };
  await tokens.insertToken(db, row);
  return { id: row.id, token: value, createdAt: row.created_at };
}

export interface TokenUse {
  userId: string;
  tokenId: string;
  /** When the token was used before this request (null: never). */
  lastUsedAt: string | null;
}

/** Finds the active user behind an API token, or null. */
export async function findTokenUser(db: Executor, token: string): Promise<TokenUse | null> {
  const row = await tokens.findUsableToken(db, hashToken(token));
  return row ? { userId: row.user_id, tokenId: row.id, lastUsedAt: row.last_used_at } : null;
}

export const touchToken = tokens.touchToken;

/** Environment variable → the token it holds now (undefined: not set). */
export type EnvTokenValues = Record<string, string | undefined>;

/**
 * Revokes every token that came from an environment variable which no longer holds it (changed or removed),
 * each with a `token.retire` audit event naming the variable. `only` limits this to one variable.
 * The same value as before retires nothing.
 */
export async function retireEnvTokens(db: Db, current: EnvTokenValues, only?: string): Promise<number> {
  let retired = 0;
  for (const token of await tokens.environmentTokens(db, only)) {
    const variable = token.env_variable!;
    const value = current[variable];
    if (value !== undefined && hashToken(value) === token.token_hash) continue;
    await db.transaction().execute(async (trx) => {
      await tokens.revokeTokenRow(trx, token.id, now());
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
  const existing = await tokens.findTokenByHash(db, hashToken(token));
  if (existing?.revoked_at) return "revoked";
  if (existing && existing.user_id !== userId) return "held_by_another_user";
  if (existing) {
    // A token of this user that was issued otherwise and is now set in the environment is from there on.
    if (existing.env_variable !== variable) await tokens.setTokenVariable(db, existing.id, variable);
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
export const anAdministratorHasToken = tokens.anAdministratorHoldsToken;

/** An administrator issues an API token for an active user. The token is in this answer only; the database keeps its hash. */
export async function issueToken(db: Db, actor: Actor, userId: string, label: string): Promise<IssuedToken> {
  return db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, userId);
    if (user.active !== 1) throw new Problem(409, "user_inactive", `${user.name} is deactivated; activate the user before issuing a token.`);
    const { id, token, createdAt } = await issueApiToken(trx, userId, label);
    await recordAudit(trx, { actor, action: "user.token.issue", objectType: "user", objectId: userId, details: { tokenId: id, label } });
    return { id, userId, label, token, createdAt, lastUsedAt: null, revokedAt: null };
  });
}

/** A user's API tokens: labels and dates, never the tokens. */
export async function listTokens(db: Executor, userId: string): Promise<ApiToken[]> {
  await requireUser(db, userId);
  const rows = await tokens.tokensOfUser(db, userId);
  return rows.map((t) => ({ id: t.id, label: t.label, createdAt: t.created_at, lastUsedAt: t.last_used_at, revokedAt: t.revoked_at }));
}

/** Revokes a token: it is refused from the next request on. Revoking twice is harmless. */
export async function revokeToken(db: Db, actor: Actor, userId: string, tokenId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const token = await tokens.findTokenOfUser(trx, userId, tokenId);
    if (!token) throw notFound("The token");
    if (token.revoked_at) return;
    await tokens.revokeTokenRow(trx, tokenId, now());
    await recordAudit(trx, { actor, action: "user.token.revoke", objectType: "user", objectId: userId, details: { tokenId, label: token.label } });
  });
}
