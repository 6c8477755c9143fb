import type { AdminAccessGroup, ApiToken, Group, IssuedToken, User, UserPatch } from "../../../shared/api/types.ts";
import type { Db, Executor } from "../../db/database.ts";
import { notFound, Problem } from "../../http/problem.ts";
import { accessGroupsOf } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { issueApiToken } from "../users/tokens.ts";
import type { Role, UserRow } from "../users/users.table.ts";
import { diff } from "./changes.ts";
import { requireUsers, setAccessGroupMembers, uniqueViolation, type AccessGroupMembers } from "./directory.service.ts";

// Administration of people: users and their API tokens, groups, and who belongs to each access group.
// Every change is written with its audit event in one transaction.

export type UserView = User;

export const toUserView = (u: UserRow): UserView => ({ id: u.id, email: u.email, name: u.name, role: u.role, active: u.active === 1, createdAt: u.created_at });

/** A page of users by email (unique and indexed, so the keyset is one column). */
export async function listUsers(db: Executor, filter: { role?: Role; active?: boolean; afterEmail?: string; limit: number }): Promise<UserRow[]> {
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

async function requireUser(db: Executor, id: string): Promise<UserRow> {
  const user = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  if (!user) throw notFound("The user");
  return user;
}

/** A user with the groups they are in and the access groups that gives them. */
export async function userDetails(db: Executor, id: string) {
  const user = await requireUser(db, id);
  const groups = await db
    .selectFrom("group_members")
    .innerJoin("groups", "groups.id", "group_members.group_id")
    .select(["groups.id", "groups.name"])
    .where("group_members.user_id", "=", id)
    .orderBy("groups.name")
    .execute();
  const accessGroupIds = await accessGroupsOf(db, id);
  const accessGroups = accessGroupIds.length
    ? await db.selectFrom("access_groups").select(["id", "name"]).where("id", "in", accessGroupIds).orderBy("name").execute()
    : [];
  return { ...toUserView(user), groups, accessGroups };
}

export type { UserPatch };

/**
 * Changes a user's name, role or active flag. A deactivated user's tokens are refused from the next
 * request on (authentication checks users.active); the last active administrator cannot be removed.
 */
export async function updateUser(db: Db, actor: Actor, id: string, patch: UserPatch) {
  await db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, id);
    const next = { name: patch.name ?? user.name, role: patch.role ?? user.role, active: patch.active === undefined ? user.active : patch.active ? 1 : 0 };
    const changes = diff(user, next);
    if (!Object.keys(changes).length) return;
    const wasActiveAdmin = user.role === "admin" && user.active === 1;
    const staysActiveAdmin = next.role === "admin" && next.active === 1;
    if (wasActiveAdmin && !staysActiveAdmin) {
      const others = await trx.selectFrom("users").select("id").where("role", "=", "admin").where("active", "=", 1).where("id", "!=", id).limit(1).execute();
      if (!others.length) throw new Problem(409, "last_admin", `${user.name} is the last active administrator; make someone else an administrator first.`);
    }
    await trx.updateTable("users").set(next).where("id", "=", id).execute();
    await recordAudit(trx, { actor, action: "user.update", objectType: "user", objectId: id, details: changes });
  });
  return userDetails(db, id);
}

export type TokenView = ApiToken;

/** Issues an API token for an active user. The token is in this answer only; the database keeps its hash. */
export async function issueToken(db: Db, actor: Actor, userId: string, label: string): Promise<IssuedToken> {
  return db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, userId);
    if (user.active !== 1) throw new Problem(409, "user_inactive", `${user.name} is deactivated; activate the user before issuing a token.`);
    const { id, token } = await issueApiToken(trx, userId, label);
    const row = await trx.selectFrom("api_tokens").select("created_at").where("id", "=", id).executeTakeFirstOrThrow();
    await recordAudit(trx, { actor, action: "user.token.issue", objectType: "user", objectId: userId, details: { tokenId: id, label } });
    return { id, userId, label, token, createdAt: row.created_at, lastUsedAt: null, revokedAt: null };
  });
}

export async function listTokens(db: Executor, userId: string): Promise<TokenView[]> {
  await requireUser(db, userId);
  const rows = await db
    .selectFrom("api_tokens")
    .select(["id", "label", "created_at", "last_used_at", "revoked_at"])
    .where("user_id", "=", userId)
    .orderBy("created_at", "desc")
    .orderBy("id")
    .execute();
  return rows.map((t) => ({ id: t.id, label: t.label, createdAt: t.created_at, lastUsedAt: t.last_used_at, revokedAt: t.revoked_at }));
}

/** Revokes a token: it is refused from the next request on. Revoking twice is harmless. */
export async function revokeToken(db: Db, actor: Actor, userId: string, tokenId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const token = await trx
      .selectFrom("api_tokens")
      .select(["id", "label", "revoked_at"])
      .where("id", "=", tokenId)
      .where("user_id", "=", userId)
      .executeTakeFirst();
    if (!token) throw notFound("The token");
    if (token.revoked_at) return;
    await trx.updateTable("api_tokens").set({ revoked_at: new Date().toISOString() }).where("id", "=", tokenId).execute();
    await recordAudit(trx, { actor, action: "user.token.revoke", objectType: "user", objectId: userId, details: { tokenId, label: token.label } });
  });
}

export type GroupView = Group;

export async function listGroups(db: Executor, ids?: string[]): Promise<GroupView[]> {
  let q = db.selectFrom("groups").selectAll().orderBy("name");
  if (ids) q = q.where("id", "in", ids);
  const groups = await q.execute();
  if (!groups.length) return [];
  const members = await db
    .selectFrom("group_members")
    .innerJoin("users", "users.id", "group_members.user_id")
    .select(["group_members.group_id", "users.id", "users.name", "users.email"])
    .where(
      "group_members.group_id",
      "in",
      groups.map((g) => g.id),
    )
    .orderBy("users.name")
    .execute();
  return groups.map((g) => ({ ...g, members: members.filter((m) => m.group_id === g.id).map(({ id, name, email }) => ({ id, name, email })) }));
}

export async function groupView(db: Executor, id: string): Promise<GroupView> {
  const [group] = await listGroups(db, [id]);
  if (!group) throw notFound("The group");
  return group;
}

export async function renameGroup(db: Db, actor: Actor, id: string, name: string): Promise<GroupView> {
  await db.transaction().execute(async (trx) => {
    const group = await groupView(trx, id);
    if (group.name === name) return;
    await trx
      .updateTable("groups")
      .set({ name })
      .where("id", "=", id)
      .execute()
      .catch((e) => uniqueViolation(e, `A group named "${name}"`));
    await recordAudit(trx, { actor, action: "group.update", objectType: "group", objectId: id, details: { name: { from: group.name, to: name } } });
  });
  return groupView(db, id);
}

/** Replaces a group's members; access through the group follows on each member's next request. */
export async function setGroupMembers(db: Db, actor: Actor, id: string, userIds: string[]): Promise<GroupView> {
  await db.transaction().execute(async (trx) => {
    const group = await groupView(trx, id);
    await requireUsers(trx, userIds);
    const members = [...new Set(userIds)];
    await trx.deleteFrom("group_members").where("group_id", "=", id).execute();
    if (members.length)
      await trx
        .insertInto("group_members")
        .values(members.map((user_id) => ({ group_id: id, user_id })))
        .execute();
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

export type AccessGroupView = AdminAccessGroup;

export async function listAccessGroups(db: Executor, ids?: string[]): Promise<AccessGroupView[]> {
  let q = db.selectFrom("access_groups").selectAll().orderBy("name");
  if (ids) q = q.where("id", "in", ids);
  const groups = await q.execute();
  if (!groups.length) return [];
  const groupIds = groups.map((g) => g.id);
  const users = await db
    .selectFrom("access_group_members")
    .innerJoin("users", "users.id", "access_group_members.member_id")
    .select(["access_group_members.access_group_id", "users.id", "users.name", "users.email"])
    .where("access_group_members.member_type", "=", "user")
    .where("access_group_members.access_group_id", "in", groupIds)
    .orderBy("users.name")
    .execute();
  const memberGroups = await db
    .selectFrom("access_group_members")
    .innerJoin("groups", "groups.id", "access_group_members.member_id")
    .select(["access_group_members.access_group_id", "groups.id", "groups.name"])
    .where("access_group_members.member_type", "=", "group")
    .where("access_group_members.access_group_id", "in", groupIds)
    .orderBy("groups.name")
    .execute();
  return groups.map((g) => ({
    ...g,
    members: {
      users: users.filter((u) => u.access_group_id === g.id).map(({ id, name, email }) => ({ id, name, email })),
      groups: memberGroups.filter((m) => m.access_group_id === g.id).map(({ id, name }) => ({ id, name })),
    },
  }));
}

export async function accessGroupView(db: Executor, id: string): Promise<AccessGroupView> {
  const [group] = await listAccessGroups(db, [id]);
  if (!group) throw notFound("The access group");
  return group;
}

export async function updateAccessGroup(db: Db, actor: Actor, id: string, patch: { name?: string; description?: string }): Promise<AccessGroupView> {
  await db.transaction().execute(async (trx) => {
    const group = await accessGroupView(trx, id);
    const changes = diff(group, { name: patch.name ?? group.name, description: patch.description ?? group.description });
    if (!Object.keys(changes).length) return;
    await trx
      .updateTable("access_groups")
      .set({ name: patch.name ?? group.name, description: patch.description ?? group.description })
      .where("id", "=", id)
      .execute()
      .catch((e) => uniqueViolation(e, `An access group named "${patch.name}"`));
    await recordAudit(trx, { actor, action: "access_group.update", objectType: "access_group", objectId: id, details: changes });
  });
  return accessGroupView(db, id);
}

/** Replaces who belongs to an access group; it takes effect on each user's next request. */
export async function replaceAccessGroupMembers(db: Db, actor: Actor, id: string, members: AccessGroupMembers): Promise<AccessGroupView> {
  await db.transaction().execute(async (trx) => {
    await accessGroupView(trx, id);
    await setAccessGroupMembers(trx, actor, id, members);
  });
  return accessGroupView(db, id);
}
