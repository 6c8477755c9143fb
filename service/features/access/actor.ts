import type { Role } from "../users/users.table.ts";

/** The authenticated person a request acts for, with the access groups they belong to (directly or via groups). */
export interface Actor {
  userId: string;
  name: string;
  email: string;
  role: Role;
  accessGroupIds: string[];
}

export const isAdmin = (actor: Actor) => actor.role === "admin";
