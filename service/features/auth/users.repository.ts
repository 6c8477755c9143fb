import { sql } from "kysely";
import type { Executor } from "../../db/database.ts";

export interface SignInUser {
  id: string;
  email: string;
  active: boolean;
}

/**
 * The user an identity provider's e-mail address belongs to, compared without regard to case; an active
 * user wins over a deactivated one with the same address. Null when no user has it.
 */
export async function findUserByEmail(db: Executor, email: string): Promise<SignInUser | null> {
  const row = await db
    .selectFrom("users")
    .select(["id", "email", "active"])
    .where(sql<string>`lower(email)`, "=", email.toLowerCase())
    .orderBy("active", "desc")
    .executeTakeFirst();
  return row ? { id: row.id, email: row.email, active: row.active === 1 } : null;
}
