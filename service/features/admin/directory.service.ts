import { randomUUID } from "node:crypto";
import type { Executor } from "../../db/database.ts";
import { isUniqueViolation } from "../../db/dialect.ts";
import { Problem, unprocessable } from "../../http/problem.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import type { RetentionKind } from "../retention/retention.table.ts";
import type { MetadataField } from "../templates/metadata-fields.ts";
import type { Role } from "../users/users.table.ts";

// The administrative directory: users, groups, access groups, retention rules, document types, case
// templates and the journal plan. Used by the admin API, first-start bootstrap and demo data alike.
// `actor` is null only for the system itself (bootstrap, seeding).

const now = () => new Date().toISOString();

async function audit(db: Executor, actor: Actor | null, action: string, objectType: string, objectId: string, details: Record<string, unknown>) {
  await recordAudit(db, { actor, action, objectType, objectId, details });
}

/** Turns a unique-constraint failure into 409 naming what already exists; rethrows anything else. */
export function uniqueViolation(err: unknown, what: string): never {
  if (isUniqueViolation(err)) throw new Problem(409, "already_exists", `${what} already exists.`);
  throw err;
}

export async function createUser(db: Executor, actor: Actor | null, u: { email: string; name: string; role: Role }) {
  const row = { id: randomUUID(), email: u.email.toLowerCase(), name: u.name, role: u.role, active: 1, created_at: now() };
  await db
    .insertInto("users")
    .values(row)
    .execute()
    .catch((e) => uniqueViolation(e, `A user with email ${u.email}`));
  await audit(db, actor, "user.create", "user", row.id, { email: row.email, role: row.role });
  return row;
}

export async function createGroup(db: Executor, actor: Actor | null, name: string, memberIds: string[] = []) {
  await requireUsers(db, memberIds);
  memberIds = [...new Set(memberIds)];
  const id = randomUUID();
  await db
    .insertInto("groups")
    .values({ id, name })
    .execute()
    .catch((e) => uniqueViolation(e, `A group named "${name}"`));
  if (memberIds.length)
    await db
      .insertInto("group_members")
      .values(memberIds.map((user_id) => ({ group_id: id, user_id })))
      .execute();
  await audit(db, actor, "group.create", "group", id, { name, members: memberIds });
  return { id, name };
}

/** 422 unless every id names an existing user. */
export async function requireUsers(db: Executor, userIds: string[]) {
  if (!userIds.length) return;
  const found = await db.selectFrom("users").select("id").where("id", "in", userIds).execute();
  if (found.length !== new Set(userIds).size) throw unprocessable("unknown_user", "One of the member users does not exist.");
}

export interface AccessGroupMembers {
  userIds?: string[];
  groupIds?: string[];
}

export async function createAccessGroup(db: Executor, actor: Actor | null, name: string, description: string, members: AccessGroupMembers) {
  const id = randomUUID();
  await db
    .insertInto("access_groups")
    .values({ id, name, description })
    .execute()
    .catch((e) => uniqueViolation(e, `An access group named "${name}"`));
  await audit(db, actor, "access_group.create", "access_group", id, { name, description });
  await setAccessGroupMembers(db, actor, id, members);
  return { id, name, description };
}

export async function setAccessGroupMembers(db: Executor, actor: Actor | null, accessGroupId: string, members: AccessGroupMembers) {
  const userIds = members.userIds ?? [];
  const groupIds = members.groupIds ?? [];
  await requireUsers(db, userIds);
  if (groupIds.length) {
    const found = await db.selectFrom("groups").select("id").where("id", "in", groupIds).execute();
    if (found.length !== new Set(groupIds).size) throw unprocessable("unknown_group", "One of the member groups does not exist.");
  }
  await db.deleteFrom("access_group_members").where("access_group_id", "=", accessGroupId).execute();
  const rows = [
    ...[...new Set(userIds)].map((member_id) => ({ access_group_id: accessGroupId, member_type: "user" as const, member_id })),
    ...[...new Set(groupIds)].map((member_id) => ({ access_group_id: accessGroupId, member_type: "group" as const, member_id })),
  ];
  if (rows.length) await db.insertInto("access_group_members").values(rows).execute();
  await audit(db, actor, "access_group.members", "access_group", accessGroupId, { userIds, groupIds });
}

export async function createRetentionRule(db: Executor, actor: Actor | null, r: { name: string; kind: RetentionKind; years?: number | null }) {
  if (r.kind !== "permanent" && (r.years === undefined || r.years === null)) {
    throw unprocessable("years_required", `A rule of kind ${r.kind} needs a number of years.`);
  }
  const row = { id: randomUUID(), name: r.name, kind: r.kind, years: r.kind === "permanent" ? null : (r.years ?? null) };
  await db
    .insertInto("retention_rules")
    .values(row)
    .execute()
    .catch((e) => uniqueViolation(e, `A retention rule named "${r.name}"`));
  await audit(db, actor, "retention_rule.create", "retention_rule", row.id, row);
  return row;
}

export async function createDocumentType(
  db: Executor,
  actor: Actor | null,
  t: { name: string; category: string; retentionRuleId: string; accessGroupId?: string | null },
) {
  const rule = await db.selectFrom("retention_rules").select("id").where("id", "=", t.retentionRuleId).executeTakeFirst();
  if (!rule) throw unprocessable("unknown_retention_rule", `There is no retention rule with id "${t.retentionRuleId}".`);
  if (t.accessGroupId) await requireAccessGroup(db, t.accessGroupId);
  const row = {
    id: randomUUID(),
    name: t.name,
    category: t.category,
    retention_rule_id: t.retentionRuleId,
    access_group_id: t.accessGroupId ?? null,
    active: 1,
  };
  await db
    .insertInto("document_types")
    .values(row)
    .execute()
    .catch((e) => uniqueViolation(e, `A document type named "${t.name}"`));
  await audit(db, actor, "document_type.create", "document_type", row.id, {
    name: t.name,
    category: t.category,
    retentionRuleId: t.retentionRuleId,
    accessGroupId: row.access_group_id,
  });
  return row;
}

export async function createJournalEntry(
  db: Executor,
  actor: Actor | null,
  e: { code: string; title: string; parentCode?: string | null; createdOn?: string; retiredOn?: string | null },
) {
  const row = {
    code: e.code,
    title: e.title,
    parent_code: e.parentCode ?? null,
    created_on: e.createdOn ?? now().slice(0, 10),
    retired_on: e.retiredOn ?? null,
  };
  await db
    .insertInto("journal_plan")
    .values(row)
    .execute()
    .catch((err) => uniqueViolation(err, `The journal plan code ${e.code}`));
  await audit(db, actor, "journal_plan.create", "journal_plan", e.code, {
    title: e.title,
    parentCode: row.parent_code,
    createdOn: row.created_on,
    retiredOn: row.retired_on,
  });
  return row;
}

/** 422 unless the access group exists. */
export async function requireAccessGroup(db: Executor, id: string) {
  const group = await db.selectFrom("access_groups").select("id").where("id", "=", id).executeTakeFirst();
  if (!group) throw unprocessable("unknown_access_group", `There is no access group with id "${id}".`);
}

/** 422 unless every id names an existing document type. */
export async function requireDocumentTypes(db: Executor, ids: string[]) {
  if (!ids.length) return;
  const found = await db.selectFrom("document_types").select("id").where("id", "in", ids).execute();
  if (found.length !== new Set(ids).size) throw unprocessable("unknown_document_type", "One of the allowed document types does not exist.");
}

export async function createTemplate(
  db: Executor,
  actor: Actor | null,
  t: { name: string; accessGroupId: string; journalCode: string; fields: MetadataField[]; documentTypeIds: string[] },
) {
  const id = randomUUID();
  await requireAccessGroup(db, t.accessGroupId);
  const code = await db.selectFrom("journal_plan").select("code").where("code", "=", t.journalCode).executeTakeFirst();
  if (!code) throw unprocessable("unknown_journal_code", `The journal plan has no code "${t.journalCode}".`);
  await requireDocumentTypes(db, t.documentTypeIds);
  await db
    .insertInto("case_templates")
    .values({ id, name: t.name, access_group_id: t.accessGroupId, journal_code: t.journalCode, fields: JSON.stringify(t.fields), active: 1 })
    .execute()
    .catch((e) => uniqueViolation(e, `A case template named "${t.name}"`));
  if (t.documentTypeIds.length) {
    await db
      .insertInto("case_template_document_types")
      .values([...new Set(t.documentTypeIds)].map((document_type_id) => ({ template_id: id, document_type_id })))
      .execute();
  }
  await audit(db, actor, "template.create", "template", id, {
    name: t.name,
    accessGroupId: t.accessGroupId,
    journalCode: t.journalCode,
    fields: t.fields,
    documentTypeIds: t.documentTypeIds,
  });
  return { id, ...t };
}
