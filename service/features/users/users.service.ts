import { randomUUID } from "node:crypto";
import type { Group, User, UserPatch } from "../../../shared/api/types.ts";
import type { Db, Executor } from "../../db/database.ts";
import { notFound, Problem, uniqueViolation, unprocessable } from "../../http/problem.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { diff } from "../audit/changes.ts";
import * as users from "./users.repository.ts";
import type { Role, UserRow } from "./users.table.ts";

// People: users and the groups they are in. Every change is written with its audit event; `actor` is null
// only for the system itself (first start, demo data).

export type { UserRow };

export const toUserView = (u: UserRow): User => ({ id: u.id, email: u.email, name: u.name, role: u.role, active: u.active === 1, createdAt: u.created_at });

export async function createUser(db: Executor, actor: Actor | null, u: { email: string; name: string; role: Role }): Promise<UserRow> {
  const row = { id: randomUUID(), email: u.email.toLowerCase(), name: u.name, role: u.role, active: 1, cpr_access: 0, created_at: new Date().toISOString() };
  await users.insertUser(db, row).catch((e) => uniqueViolation(e, `A user with email ${u.email}`));
  await recordAudit(db, { actor, action: "user.create", objectType: "user", objectId: row.id, details: { email: row.email, role: row.role } });
  return row;
}

/** The user, or 404. */
export async function requireUser(db: Executor, id: string): Promise<UserRow> {
  const user = await users.findUser(db, id);
  if (!user) throw notFound("The user");
  return user;
}

/** The user when it exists and is active; otherwise undefined (a deactivated user is refused from the next request). */
export const findActiveUser = users.findActiveUser;

/** The user an identity provider's address belongs to, without regard to case; an active user wins over a deactivated one. */
export const findUserByEmail = users.findUserByAnyCaseEmail;

/** Users with these (stored, lower-case) addresses. */
export const findUsersByEmail = users.findUsersByEmail;

/** 422 unless every id names an existing user. */
export async function requireUsers(db: Executor, userIds: string[]): Promise<void> {
  if (!userIds.length) return;
  const found = await users.usersByIds(db, userIds);
  if (found.length !== new Set(userIds).size) throw unprocessable("unknown_user", "One of the member users does not exist.");
}

/** The users with these ids, by name (unknown ids are left out). */
export const usersByIds = users.usersByIds;

/** Active staff whose name or e-mail address contains `q` (compared in lower case, æøå too), by name; at most `limit`. */
export async function colleagues(db: Executor, q: string | undefined, limit: number): Promise<Array<{ id: string; name: string; email: string }>> {
  const needle = q?.toLocaleLowerCase("da");
  const rows = await users.activeStaffRows(db);
  return (needle ? rows.filter((u) => u.name.toLocaleLowerCase("da").includes(needle) || u.email.includes(needle)) : rows).slice(0, limit);
}

/** A page of users by email; one more row than `limit`, for the next cursor. */
export const listUsers = users.listUserRows;

/**
 * Changes a user's name, role or active flag. A deactivated user's tokens are refused from the next
 * request on (authentication checks users.active); the last active administrator cannot be removed.
 */
export async function updateUser(db: Db, actor: Actor, id: string, patch: UserPatch): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, id);
    const next = { name: patch.name ?? user.name, role: patch.role ?? user.role, active: patch.active === undefined ? user.active : patch.active ? 1 : 0 };
    const changes = diff(user, next);
    if (!Object.keys(changes).length) return;
    const wasActiveAdmin = user.role === "admin" && user.active === 1;
    const staysActiveAdmin = next.role === "admin" && next.active === 1;
    if (wasActiveAdmin && !staysActiveAdmin && !(await users.anotherActiveAdmin(trx, id))) {
      throw new Problem(409, "last_admin", `${user.name} is the last active administrator; make someone else an administrator first.`);
    }
    await users.updateUserRow(trx, id, next);
    await recordAudit(trx, { actor, action: "user.update", objectType: "user", objectId: id, details: changes });
  });
}

export async function createGroup(db: Executor, actor: Actor | null, name: string, memberIds: string[] = []): Promise<users.GroupRow> {
  await requireUsers(db, memberIds);
  memberIds = [...new Set(memberIds)];
  const group = { id: randomUUID(), name };
  await users.insertGroup(db, group, memberIds).catch((e) => uniqueViolation(e, `A group named "${name}"`));
  await recordAudit(db, { actor, action: "group.create", objectType: "group", objectId: group.id, details: { name, members: memberIds } });
  return group;
}

export const findGroupByName = users.findGroupByName;

/** The groups a user is a member of, by name. */
export const groupsOfUser = users.groupsOfUser;

/** Groups by name (only these ids, when given); unknown ids are left out. */
export const groupsByIds = users.groupRows;

/** 422 unless every id names an existing group. */
export async function requireGroups(db: Executor, groupIds: string[]): Promise<void> {
  if (!groupIds.length) return;
  const found = await users.groupRows(db, groupIds);
  if (found.length !== new Set(groupIds).size) throw unprocessable("unknown_group", "One of the member groups does not exist.");
}

/** Groups with their members, by name. */
export async function listGroups(db: Executor, ids?: string[]): Promise<Group[]> {
  const groups = await users.groupRows(db, ids);
  if (!groups.length) return [];
  const members = await users.membersOfGroups(
    db,
    groups.map((g) => g.id),
  );
  return groups.map((g) => ({ ...g, members: members.filter((m) => m.group_id === g.id).map(({ id, name, email }) => ({ id, name, email })) }));
}

export async function groupView(db: Executor, id: string): Promise<Group> {
  const [group] = await listGroups(db, [id]);
  if (!group) throw notFound("The group");
  return group;
}

export async function renameGroup(db: Db, actor: Actor, id: string, name: string): Promise<Group> {
  await db.transaction().execute(async (trx) => {
    const group = await groupView(trx, id);
    if (group.name === name) return;
    await users.renameGroupRow(trx, id, name).catch((e) => uniqueViolation(e, `A group named "${name}"`));
    await recordAudit(trx, { actor, action: "group.update", objectType: "group", objectId: id, details: { name: { from: group.name, to: name } } });
  });
  return groupView(db, id);
}

/** Replaces a group's members; access through the group follows on each member's next request. */
export async function setGroupMembers(db: Db, actor: Actor, id: string, userIds: string[]): Promise<Group> {
  await db.transaction().execute(async (trx) => {
    const group = await groupView(trx, id);
    await requireUsers(trx, userIds);
    const members = [...new Set(userIds)];
    await users.replaceGroupMembers(trx, id, members);
    await recordAudit(trx, {
      actor,
      action: "group.members",
      objectType: "group",
      objectId: id,
      details: { from: group.members.map((m) => m.id), to: members },
    });
  });
  return groupView(db, id);
}
