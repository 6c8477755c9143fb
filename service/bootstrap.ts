import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Config } from "./config.ts";
import type { Db } from "./db/database.ts";
import { issueApiToken } from "./features/users/tokens.ts";

const ADMIN_EMAIL = "admin@ims-case.local";

/**
 * Makes sure an administrator exists. Its token is IMS_ADMIN_TOKEN when set; otherwise one is generated
 * and printed once (only its hash is stored, so it cannot be shown again).
 */
export async function ensureAdmin(db: Db, config: Config, log: Logger): Promise<string> {
  let admin = await db.selectFrom("users").select("id").where("email", "=", ADMIN_EMAIL).executeTakeFirst();
  const fresh = !admin;
  if (!admin) {
    admin = { id: randomUUID() };
    await db
      .insertInto("users")
      .values({ id: admin.id, email: ADMIN_EMAIL, name: "Administrator", role: "admin", active: 1, created_at: new Date().toISOString() })
      .execute();
  }
  if (config.adminToken) {
    const { findTokenUser } = await import("./features/users/tokens.ts");
    if (!(await findTokenUser(db, config.adminToken))) await issueApiToken(db, admin.id, "IMS_ADMIN_TOKEN", config.adminToken);
  } else if (fresh) {
    const { token } = await issueApiToken(db, admin.id, "first start");
    log.info(`Administrator ${ADMIN_EMAIL} created. API token (shown once): ${token}`);
    process.stdout.write(`\nIMS Case administrator token (shown once, keep it): ${token}\n\n`);
  }
  return admin.id;
}
