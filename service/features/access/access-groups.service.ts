import { randomUUID } from "node:crypto";
import type { AdminAccessGroup } from "../../../shared/api/types.ts";
import type { Db, Executor } from "../../db/database.ts";
import { notFound, uniqueViolation, unprocessable } from "../../http/problem.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { diff } from "../audit/changes.ts";
import { groupsByIds, requireGroups, requireUsers, usersByIds } from "../users/users.service.ts";
import type { Actor } from "./actor.ts";

// Access groups (adgangsgrupper) and who belongs to each: users directly, or groups of users. What a
// membership lets a user see is decided in access.ts; this file only keeps the groups.

export interface AccessGroupMembers {
  userIds?: string[];
  groupIds?: string[];
}

export interface AccessGroupRow {
  id: string;
  name: string;
  description: string;
}

/** The access group, or undefined. */
export function findAccessGroup(db: Executor, id: string): Promise<AccessGroupRow | undefined> {
  return db.selectFrom("access_groups").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findAccessGroupByName(db: Executor, name: string): Promise<AccessGroupRow | undefined> {
  return db.selectFrom("access_groups").selectAll().where("name", "=", name).executeTakeFirst();
}

/** 422 unless the access group exists. */
export async function requireAccessGroup(db: Executor, id: string): Promise<AccessGroupRow> {
  const group = await findAccessGroup(db, id);
  if (!group) throw unprocessable("unknown_access_group", `There is no access group with id "${id}".`);
  return group;
}

export async function createAccessGroup(db: Executor, actor: Actor | null, name: string, description: string, members: AccessGroupMembers) {
  const id = randomUUID();
  await db
    .insertInto("access_groups")
    .values({ id, name, description })
    .execute()
    .catch((e) => uniqueViolation(e, `An access group named "${name}"`));
  await recordAudit(db, { actor, action: "access_group.create", objectType: "access_group", objectId: id, details: { name, description } });
  await setAccessGroupMembers(db, actor, id, members);
  return { id, name, description };
}

export async function setAccessGroupMembers(db: Executor, actor: Actor | null, accessGroupId: string, members: AccessGroupMembers): Promise<void> {
  const userIds = members.userIds ?? [];
  const groupIds = members.groupIds ?? [];
  await requireUsers(db, userIds);
  await requireGroups(db, groupIds);
  await db.deleteFrom("access_group_members").where("access_group_id", "=", accessGroupId).execute();
  const rows = [
    ...[...new Set(userIds)].map((member_id) => ({ access_group_id: accessGroupId, member_type: "user" as const, member_id })),
    ...[...new Set(groupIds)].map((member_id) => ({ access_group_id: accessGroupId, member_type: "group" as const, member_id })),
  ];
  if (rows.length) await db.insertInto("access_group_members").values(rows).execute();
  await recordAudit(db, { actor, action: "access_group.members", objectType: "access_group", objectId: accessGroupId, details: { userIds, groupIds } });
}

/** Access groups by name (only these ids, when given), with their member users and groups by name. */
export async function listAccessGroups(db: Executor, ids?: string[]): Promise<AdminAccessGroup[]> {
  let q = db.selectFrom("access_groups").selectAll().orderBy("name");
  if (ids) q = q.where("id", "in", ids);
  const groups = await q.execute();
  if (!groups.length) return [];
  const members = await db
    .selectFrom("access_group_members")
    .selectAll()
    .where(
      "access_group_id",
      "in",
      groups.map((g) => g.id),
    )
    .execute();
  const idsOf = (type: "user" | "group") => [...new Set(members.filter((m) => m.member_type === type).map((m) => m.member_id))];
  const [users, memberGroups] = await Promise.all([usersByIds(db, idsOf("user")), groupsByIds(db, idsOf("group"))]);
  const has = (g: AccessGroupRow, type: "user" | "group", id: string) =>
    members.some((m) => m.access_group_id === g.id && m.member_type === type && m.member_id === id);
  return groups.map((g) => ({
    ...g,
    members: {
      users: users.filter((u) => has(g, "user", u.id)).map(({ id, name, email }) => ({ id, name, email })),
      groups: memberGroups.filter((m) => has(g, "group", m.id)).map(({ id, name }) => ({ id, name })),
    },
  }));
}

export async function accessGroupView(db: Executor, id: string): Promise<AdminAccessGroup> {
  const [group] = await listAccessGroups(db, [id]);
  if (!group) throw notFound("The access group");
  return group;
}

/** Access groups with these ids, by name: what a user's details show. */
export async function accessGroupNames(db: Executor, ids: string[]): Promise<{ id: string; name: string }[]> {
  if (!ids.length) return [];
  return db.selectFrom("access_groups").select(["id", "name"]).where("id", "in", ids).orderBy("name").execute();
}

export async function updateAccessGroup(db: Db, actor: Actor, id: string, patch: { name?: string; description?: string }): Promise<AdminAccessGroup> {
  await db.transaction().execute(async (trx) => {
    const group = await accessGroupView(trx, id);
    const next = { name: patch.name ?? group.name, description: patch.description ?? group.description };
    const changes = diff(group, next);
    if (!Object.keys(changes).length) return;
    await trx
      .updateTable("access_groups")
      .set(next)
      .where("id", "=", id)
      .execute()
      .catch((e) => uniqueViolation(e, `An access group named "${patch.name}"`));
    await recordAudit(trx, { actor, action: "access_group.update", objectType: "access_group", objectId: id, details: changes });
  });
  return accessGroupView(db, id);
}

/** Replaces who belongs to an access group; it takes effect on each user's next request. */
export async function replaceAccessGroupMembers(db: Db, actor: Actor, id: string, members: AccessGroupMembers): Promise<AdminAccessGroup> {
  await db.transaction().execute(async (trx) => {
    await accessGroupView(trx, id);
    await setAccessGroupMembers(trx, actor, id, members);
  });
  return accessGroupView(db, id);
}
