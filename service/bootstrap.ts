import type { Logger } from "pino";
import type { Config } from "./config.ts";
import type { Db } from "./db/database.ts";
import { anAdministratorHasToken, issueEnvToken, issueGeneratedToken, retireEnvTokens, type EnvTokenValues } from "./features/users/tokens.service.ts";
import { createUser, findUsersByEmail } from "./features/users/users.service.ts";
import { demoTokenVariable } from "./seed/demo-tokens.ts";

const ADMIN_EMAIL = "admin@ims-case.local";
export const ADMIN_TOKEN_VARIABLE = "IMS_ADMIN_TOKEN";

/** Every token the environment sets, by variable: IMS_ADMIN_TOKEN and the demo users' IMS_DEMO_TOKEN_<LOGIN>. */
export function environmentTokens(config: Config): EnvTokenValues {
  const demo = Object.entries(config.demoTokens).map(([login, token]) => [demoTokenVariable(login), token]);
  return { [ADMIN_TOKEN_VARIABLE]: config.adminToken, ...Object.fromEntries(demo) };
}

/**
 * Makes sure an administrator exists and can sign in. Tokens from the environment are valid while their
 * variable holds them: a changed or removed variable retires its old token (demo users' too, seeded or not).
 * The administrator's token is IMS_ADMIN_TOKEN when set. When no administrator holds a usable token
 * (first start, IMS_ADMIN_TOKEN removed, every token revoked), one is generated and printed once to
 * standard output, never to the log (only its hash is stored, so it cannot be shown again).
 */
export async function ensureAdmin(db: Db, config: Config, log: Logger): Promise<string> {
  let [admin] = await findUsersByEmail(db, [ADMIN_EMAIL]);
  const fresh = !admin;
  if (!admin) admin = await createUser(db, null, { email: ADMIN_EMAIL, name: "Administrator", role: "admin" });
  const retired = await retireEnvTokens(db, environmentTokens(config));
  if (retired) log.info({ retired }, "API tokens from environment variables that changed or were removed are revoked");
  if (config.adminToken) {
    const outcome = await issueEnvToken(db, ADMIN_TOKEN_VARIABLE, admin.id, config.adminToken);
    if (outcome === "revoked") log.warn(`${ADMIN_TOKEN_VARIABLE} holds a token that was revoked before; a revoked token stays revoked, so set a new value.`);
    if (outcome === "held_by_another_user") log.warn(`${ADMIN_TOKEN_VARIABLE} is another user's token; ${ADMIN_EMAIL} gets no token from it.`);
  }
  if (await anAdministratorHasToken(db)) return admin.id;
  if (!admin.active) {
    log.warn(`No active administrator has an API token and ${ADMIN_EMAIL} is deactivated; reactivate it in the database or set up another administrator.`);
  } else {
    const token = await issueGeneratedToken(db, admin.id, fresh ? "first start" : "generated at start: no administrator had a token");
    log.info(`Administrator ${ADMIN_EMAIL} ${fresh ? "created" : "had no usable API token"}; a new API token was printed to standard output (shown once).`);
    process.stdout.write(`\nIMS Case administrator token (shown once, keep it): ${token}\n\n`);
  }
  return admin.id;
}
