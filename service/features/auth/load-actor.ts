import type { Executor } from "../../db/database.ts";
import { accessGroupsOf } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import { findActiveUser } from "../users/users.service.ts";

/** The actor an authenticated user acts as, with their access groups; null when the user is unknown or deactivated. */
export async function loadActor(db: Executor, userId: string): Promise<Actor | null> {
  const user = await findActiveUser(db, userId);
  if (!user) return null;
  return { userId: user.id, name: user.name, email: user.email, role: user.role, accessGroupIds: await accessGroupsOf(db, user.id) };
}
