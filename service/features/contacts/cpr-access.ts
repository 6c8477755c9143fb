import type { Db } from "../../db/database.ts";
import { unprocessable } from "../../http/problem.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { requireUser } from "../users/users.service.ts";
import type { Role } from "../users/users.table.ts";

// Who may reveal CPR numbers besides administrators: the caseworkers an administrator allowed
// (users.cpr_access). The flag is the contacts feature's rule, kept on the user's row.

/** Refuses to allow an external partner to see CPR numbers: `role` is the user's role after the change. */
export function requireCprAccessAllowed(role: Role, allowed: boolean): void {
  if (allowed && role === "external") throw unprocessable("cpr_access_for_external", "An external partner cannot be allowed to see CPR numbers.");
}

/** Allows or stops a user revealing CPR numbers; audited when it changes (actor null: the system, e.g. demo data). */
export async function setCprAccess(db: Db, actor: Actor | null, userId: string, allowed: boolean): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, userId);
    requireCprAccessAllowed(user.role, allowed);
    const value = allowed ? 1 : 0;
    if (user.cpr_access === value) return;
    await trx.updateTable("users").set({ cpr_access: value }).where("id", "=", userId).execute();
    await recordAudit(trx, {
      actor,
      action: "user.cpr_access",
      objectType: "user",
      objectId: userId,
      details: { cprAccess: { from: user.cpr_access === 1, to: allowed } },
    });
  });
}
