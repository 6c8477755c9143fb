import { sql } from "kysely";
import type { Executor } from "../../db/database.ts";
import type { Role, UserRow } from "./users.table.ts";

// The users, groups and group_members tables. Only the users domain reads and writes them; other features
// go through users.service.ts (read models may join `users` for a display name).

export type NewUserRow = UserRow;

export async function insertUser(db: Executor, row: NewUserRow): Promise<void> {
  await db.insertInto("users").values(row).execute();
}

export function findUser(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findActiveUser(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).where("active", "=", 1).executeTakeFirst();
}

/** Users by their stored (lower-case) e-mail address. */
export function findUsersByEmail(db: Executor, emails: string[]): Promise<UserRow[]> {
  if (!emails.length) return Promise.resolve([]);
  return db.selectFrom("users").selectAll().where("email", "in", emails).execute();
}

/** The user an address belongs to, compared without regard to case; an active user wins over a deactivated one. */
export function findUserByAnyCaseEmail(db: Executor, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom("users")
    .selectAll()
    .where(sql<string>`lower(email)`, "=", email.toLowerCase())
    .orderBy("active", "desc")
    .executeTakeFirst();
}

export function usersByIds(db: Executor, ids: string[]): Promise<UserRow[]> {
  if (!ids.length) return Promise.resolve([]);
  return db.selectFrom("users").selectAll().where("id", "in", ids).orderBy("name").execute();
}

/** A page of users by email (unique and indexed, so the keyset is one column); one more than `limit`. */
export function listUserRows(db: Executor, filter: { role?: Role; active?: boolean; afterEmail?: string; limit: number }): Promise<UserRow[]> {
  let q = db
    .selectFrom("users")
    .selectAll()
    .orderBy("email")
    .limit(filter.limit + 1);
  if (filter.afterEmail !== undefined) q = q.where("email", ">", filter.afterEmail);
  if (filter.role) q = q.where("role", "=", filter.role);
  if (filter.active !== undefined) q = q.where("active", "=", filter.active ? 1 : 0);
  return q.execute();
}

/** Active staff (not external partners), by name. */
export function activeStaffRows(db: Executor): Promise<Pick<UserRow, "id" | "name" | "email">[]> {
  return db.selectFrom("users").select(["id", "name", "email"]).where("active", "=", 1).where("role", "!=", "external").orderBy("name").orderBy("id").execute();
}

export async function updateUserRow(db: Executor, id: string, set: Pick<UserRow, "name" | "role" | "active">): Promise<void> {
  await db.updateTable("users").set(set).where("id", "=", id).execute();
}

/** Whether an active administrator other than `exceptId` exists. */
export async function anotherActiveAdmin(db: Executor, exceptId: string): Promise<boolean> {
  const row = await db
    .selectFrom("users")
    .select("id")
    .where("role", "=", "admin")
    .where("active", "=", 1)
    .where("id", "!=", exceptId)
    .limit(1)
    .executeTakeFirst();
  return !!row;
}

export interface GroupRow {
  id: string;
  name: string;
}

export async function insertGroup(db: Executor, group: GroupRow, memberIds: string[]): Promise<void> {
  await db.insertInto("groups").values(group).execute();
  if (memberIds.length)
    await db
      .insertInto("group_members")
      .values(memberIds.map((user_id) => ({ group_id: group.id, user_id })))
      .execute();
}

export function findGroupByName(db: Executor, name: string): Promise<GroupRow | undefined> {
  return db.selectFrom("groups").selectAll().where("name", "=", name).executeTakeFirst();
}

/** Groups by name; all of them, or those with the given ids. */
export function groupRows(db: Executor, ids?: string[]): Promise<GroupRow[]> {
  let q = db.selectFrom("groups").selectAll().orderBy("name");
  if (ids) {
    if (!ids.length) return Promise.resolve([]);
    q = q.where("id", "in", ids);
  }
  return q.execute();
}

/** The members of the given groups, by name. */
export function membersOfGroups(db: Executor, groupIds: string[]) {
  return db
    .selectFrom("group_members")
    .innerJoin("users", "users.id", "group_members.user_id")
    .select(["group_members.group_id", "users.id", "users.name", "users.email"])
    .where("group_members.group_id", "in", groupIds)
    .orderBy("users.name")
    .execute();
}

/** The groups a user is a member of, by name. */
export function groupsOfUser(db: Executor, userId: string): Promise<GroupRow[]> {
  return db
    .selectFrom("group_members")
    .innerJoin("groups", "groups.id", "group_members.group_id")
    .select(["groups.id", "groups.name"])
    .where("group_members.user_id", "=", userId)
    .orderBy("groups.name")
    .execute();
}

export async function renameGroupRow(db: Executor, id: string, name: string): Promise<void> {
  await db.updateTable("groups").set({ name }).where("id", "=", id).execute();
}

/** The group's members become `userIds`: the others' rows go, new ones come; a member who stays keeps their row (and whether the directory conferred it). */
export async function replaceGroupMembers(db: Executor, groupId: string, userIds: string[]): Promise<void> {
  let leaving = db.deleteFrom("group_members").where("group_id", "=", groupId);
  if (userIds.length) leaving = leaving.where("user_id", "not in", userIds);
  await leaving.execute();
  if (userIds.length)
    await db
      .insertInto("group_members")
      .values(userIds.map((user_id) => ({ group_id: groupId, user_id })))
      .onConflict((oc) => oc.columns(["group_id", "user_id"]).doNothing())
      .execute();
}
