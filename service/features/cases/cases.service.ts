import { randomUUID } from "node:crypto";
import type { Updateable } from "kysely";
import type { CasePatch, CaseSummary, NewCase } from "../../../shared/api/types.ts";
import type { Db, Executor } from "../../db/database.ts";
import { ifMatchHolds, overtaken, preconditionFailed } from "../../http/preconditions.ts";
import { notFound, Problem, unprocessable, validationProblem } from "../../http/problem.ts";
import { requireVisibleCase } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import { requireCaseEditor, requireMayCloseOrReopen, requireMayCreateCase } from "../access/policy.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { diff } from "../audit/changes.ts";
import { reapplyRetention } from "../documents/disposal.ts";
import { requireUsableJournalCode } from "../journal-plan/journal-plan.service.ts";
import { metadataSchema } from "../templates/metadata-fields.ts";
import { getTemplate, requireActiveTemplate } from "../templates/templates.service.ts";
import { findActiveUser, usersByIds } from "../users/users.service.ts";
import * as repo from "./cases.repository.ts";
import { notify } from "../notifications/notify.ts";
import type { CaseRow, CaseTable } from "./cases.table.ts";

/** A case as the API sends it: the shape every client reads (shared/api/types.ts). */
export type CaseView = CaseSummary;

/** A case's ETag: its revision, which moves on with every change (metadata, closing, reopening). */
export const caseEtag = (c: Pick<CaseRow, "revision">) => `"r${c.revision}"`;

export function toCaseView(r: CaseRow): CaseView {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    status: r.status,
    startDate: r.start_date,
    endDate: r.end_date,
    ownerId: r.owner_id,
    responsibleId: r.responsible_id,
    templateId: r.template_id,
    journalCode: r.journal_code,
    accessGroupId: r.access_group_id,
    critical: r.critical === 1,
    metadata: JSON.parse(r.metadata),
    createdAt: r.created_at,
    createdBy: r.created_by,
    changedAt: r.changed_at,
    changedBy: r.changed_by,
    etag: caseEtag(r),
  };
}

const today = () => new Date().toISOString().slice(0, 10);

async function requireActiveUser(db: Executor, id: string, what: string): Promise<void> {
  const u = await findActiveUser(db, id);
  if (!u) throw unprocessable("unknown_user", `The ${what} "${id}" is not an active user.`);
  if (u.role === "external") throw unprocessable("external_user", `An external partner cannot be ${what} of a case.`);
}

function validateMetadata(fields: Parameters<typeof metadataSchema>[0], metadata: unknown): Record<string, unknown> {
  const result = metadataSchema(fields).safeParse(metadata ?? {});
  if (!result.success) throw validationProblem(result.error, "metadata");
  return Object.fromEntries(Object.entries(result.data).filter(([, v]) => v !== undefined && v !== null));
}

/** POST /api/cases as validated (shared/api/schemas/cases.ts). */
export type CreateCase = NewCase;

export async function createCase(db: Db, actor: Actor, input: CreateCase): Promise<CaseView> {
  requireMayCreateCase(actor);
  const template = await requireActiveTemplate(db, input.templateId);
  const journalCode = input.journalCode ?? template.journalCode;
  await requireUsableJournalCode(db, journalCode, today());
  const ownerId = input.ownerId ?? actor.userId;
  await requireActiveUser(db, ownerId, "owner");
  if (input.responsibleId) await requireActiveUser(db, input.responsibleId, "responsible");
  const metadata = validateMetadata(template.fields, input.metadata);
  return db.transaction().execute(async (trx) => {
    const now = new Date();
    const row = {
      id: randomUUID(),
      number: await repo.nextCaseNumber(trx, now),
      title: input.title,
      status: "active" as const,
      start_date: input.startDate ?? now.toISOString().slice(0, 10),
      end_date: null,
      owner_id: ownerId,
      responsible_id: input.responsibleId ?? null,
      template_id: template.id,
      journal_code: journalCode,
      access_group_id: template.accessGroupId,
      critical: input.critical ? 1 : 0,
      metadata: JSON.stringify(metadata),
      created_at: now.toISOString(),
      created_by: actor.userId,
      changed_at: now.toISOString(),
      changed_by: actor.userId,
      revision: 0,
    };
    await repo.insertCase(trx, row);
    await repo.touchRecent(trx, actor.userId, row.id);
    await recordAudit(trx, {
      actor,
      action: "case.create",
      objectType: "case",
      objectId: row.id,
      details: { number: row.number, title: row.title, template: template.name },
    });
    return toCaseView(row);
  });
}

/**
 * A case by id, without an access check: for a feature that reached it through something the actor may see
 * (a visible document's case). Anything the actor names directly goes through requireVisibleCase.
 */
export const findCase = repo.findCase;

/** Whether the archive holds any case at all (demo data is seeded only into an empty one). */
export async function anyCaseExists(db: Executor): Promise<boolean> {
  return Boolean(await db.selectFrom("cases").select("id").limit(1).executeTakeFirst());
}

/** Puts the case first among the actor's recent cases (the task pane's "Seneste sager"). */
export const markCaseUsed = (db: Executor, actor: Actor, caseId: string) => repo.touchRecent(db, actor.userId, caseId);

export async function viewCase(db: Executor, actor: Actor, id: string): Promise<CaseView> {
  const c = await requireVisibleCase(db, actor, id);
  await recordAudit(db, { actor, action: "case.view", objectType: "case", objectId: c.id, details: {} });
  await repo.touchRecent(db, actor.userId, c.id);
  return toCaseView(c);
}

/** Whether a path names a case by its number (YYYYMMDD-NNNNNNN) rather than its id (ids never look like one). */
export const isCaseNumber = (idOrNumber: string) => /^\d{8}-\d{7}$/.test(idOrNumber);

/** A case by its number, as a view: 404 when there is none or the actor may not see it (the refusal audited as by id). */
export async function viewCaseByNumber(db: Executor, actor: Actor, number: string): Promise<CaseView> {
  const id = await repo.caseIdByNumber(db, number);
  if (!id) throw notFound("The case");
  return viewCase(db, actor, id);
}

/** Where a case stands, for a 412 to name (`status` is the problem's own field), with who changed it last by name. */
async function caseState(db: Executor, c: CaseRow) {
  const [by] = await usersByIds(db, [c.changed_by]);
  return { caseStatus: c.status, changedAt: c.changed_at, changedBy: c.changed_by, changedByName: by?.name ?? null };
}

/** Refuses a write whose If-Match names another state of the case than the current one (412). */
async function requireFreshCase(db: Executor, c: CaseRow, ifMatch: string | undefined): Promise<void> {
  if (!ifMatchHolds(ifMatch, caseEtag(c))) throw preconditionFailed("case", caseEtag(c), await caseState(db, c));
}

/**
 * Writes a change to the case read as `c` and moves its revision on, in one statement that only succeeds
 * while the case is still at that revision, so a change based on an older state never lands.
 */
async function writeCase(db: Executor, c: CaseRow, ifMatch: string | undefined, changes: Updateable<CaseTable>): Promise<CaseRow> {
  if (await repo.updateCaseAt(db, c.id, c.revision, changes)) return { ...c, ...changes, revision: c.revision + 1 } as CaseRow;
  const now = await repo.findCase(db, c.id);
  throw overtaken("case", ifMatch, now && { etag: caseEtag(now), state: await caseState(db, now) });
}

/** PATCH /api/cases/{id} as validated (shared/api/schemas/cases.ts). */
export type UpdateCase = CasePatch;

/** Changes a case's details; a change that changes nothing leaves the case (and its ETag) as it was. */
export async function updateCaseDetails(db: Db, actor: Actor, id: string, input: UpdateCase, ifMatch?: string): Promise<CaseView> {
  return db.transaction().execute(async (trx) => {
    const c = await requireVisibleCase(trx, actor, id);
    requireCaseEditor(actor, c);
    await requireFreshCase(trx, c, ifMatch);
    const changes: Updateable<CaseTable> = {};
    if (input.title !== undefined) changes.title = input.title;
    if (input.critical !== undefined) changes.critical = input.critical ? 1 : 0;
    if (input.responsibleId !== undefined) {
      if (input.responsibleId) await requireActiveUser(trx, input.responsibleId, "responsible");
      changes.responsible_id = input.responsibleId;
    }
    if (input.ownerId !== undefined) {
      await requireActiveUser(trx, input.ownerId, "owner");
      changes.owner_id = input.ownerId;
    }
    if (input.journalCode !== undefined && input.journalCode !== c.journal_code) {
      await requireUsableJournalCode(trx, input.journalCode, today());
      changes.journal_code = input.journalCode;
    }
    if (input.metadata !== undefined) {
      const template = await getTemplate(trx, c.template_id);
      changes.metadata = JSON.stringify(validateMetadata(template.fields, input.metadata));
    }
    const changed = diff(c, changes);
    if (Object.keys(changed).length === 0) return toCaseView(c);
    const stamp = { changed_at: new Date().toISOString(), changed_by: actor.userId };
    const written = await writeCase(trx, c, ifMatch, { ...changes, ...stamp });
    await recordAudit(trx, { actor, action: "case.update", objectType: "case", objectId: id, details: changed });
    return toCaseView(written);
  });
}

/** Closes or reopens a case; its documents' disposal dates follow. */
export async function setCaseStatus(db: Db, actor: Actor, id: string, status: "active" | "closed", endDate?: string, ifMatch?: string): Promise<CaseView> {
  return db.transaction().execute(async (trx) => {
    const c = await requireVisibleCase(trx, actor, id);
    requireMayCloseOrReopen(actor);
    await requireFreshCase(trx, c, ifMatch);
    if (c.status === status) {
      throw new Problem(409, status === "closed" ? "case_closed" : "case_active", `Case ${c.number} is already ${status === "closed" ? "closed" : "active"}.`);
    }
    const end = status === "closed" ? (endDate ?? today()) : null;
    if (end && end < c.start_date) throw unprocessable("end_before_start", `The end date ${end} is before the case's start date ${c.start_date}.`);
    const stamp = { status, end_date: end, changed_at: new Date().toISOString(), changed_by: actor.userId };
    const changed = await writeCase(trx, c, ifMatch, stamp);
    const recomputed = await reapplyRetention(trx, actor, { caseId: id });
    await notify(trx, { actor, change: status === "closed" ? "case_closed" : "case_reopened", caseId: id });
    await recordAudit(trx, {
      actor,
      action: status === "closed" ? "case.close" : "case.reopen",
      objectType: "case",
      objectId: id,
      details: { endDate: end, documentsRecomputed: recomputed },
    });
    return toCaseView(changed);
  });
}
