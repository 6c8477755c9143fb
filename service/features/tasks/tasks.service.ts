import { randomUUID } from "node:crypto";
import type { Updateable } from "kysely";
import type { z } from "zod";
import type { NewTask, RecordTasksQuery, TaskListQuery, TaskListStatus, TaskPatch } from "../../../shared/api/schemas/tasks.ts";
import type { Page, Task, TaskComment, TaskDetails } from "../../../shared/api/types.ts";
import type { Db, Executor } from "../../db/database.ts";
import { decodeCursor, encodeCursor } from "../../http/pagination.ts";
import { ifMatchHolds, overtaken, preconditionFailed } from "../../http/preconditions.ts";
import { badRequest, notFound, unprocessable } from "../../http/problem.ts";
import { AccessRefused, requireVisibleCase, requireVisibleDocument, scopedCases, scopedDocuments } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import { requireMayChangeTask, requireMayCommentOnTask, requireMayCreateTask, requireMayListAllTasks } from "../access/policy.ts";
import { recordAudit, type AuditEntry } from "../audit/audit.service.ts";
import { diff } from "../audit/changes.ts";
import { loadActor } from "../auth/load-actor.ts";
import type { CaseRow } from "../cases/cases.table.ts";
import { caseOf } from "../documents/documents.service.ts";
import { excerpt, notify } from "../notifications/notify.ts";
import { groupsByIds, groupsOfUser, listGroups, usersByIds } from "../users/users.service.ts";
import * as repo from "./tasks.repository.ts";

/** Who may see which tasks: for other features' queries (search) to filter by, inside their own SQL. */
export { taskVisibleTo } from "./tasks.repository.ts";
import type { TaskRow, TaskTable } from "./tasks.table.ts";

// Tasks (opgaver): something to do, with a deadline, on a case or a document, for a user or a group. Whoever
// sees what a task concerns sees the task (tasks.repository.ts's taskVisibleTo); policy.ts says who may change
// it. Assigning a task and commenting on one notify the people concerned in the same transaction.

/** A task's ETag: its revision, which moves on with every change to its fields (comments are not among them). */
export const taskEtag = (t: Pick<TaskRow, "revision">) => `"t${t.revision}"`;

const DANISH_DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Copenhagen", year: "numeric", month: "2-digit", day: "2-digit" });

/** Today's date in Denmark (YYYY-MM-DD): a deadline before it has passed. */
export function todayInDenmark(now = new Date()): string {
  const part = (type: string) => DANISH_DAY.formatToParts(now).find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

const STATUSES: Record<TaskListStatus, readonly repo.TaskStatusValue[]> = {
  open: ["open"],
  in_progress: ["in_progress"],
  done: ["done"],
  all: ["open", "in_progress", "done"],
  not_done: ["open", "in_progress"],
};

export function toTask(r: repo.TaskViewRow, today: string): Task {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    case: r.case_ref_id ? { id: r.case_ref_id, number: r.case_number ?? "", title: r.case_title ?? "" } : null,
    document: r.document_id ? { id: r.document_id, title: r.document_title ?? "" } : null,
    assignee: r.assignee_type && r.assignee_id ? { type: r.assignee_type, id: r.assignee_id, name: r.assignee_name ?? "" } : null,
    startDate: r.start_date,
    deadline: r.deadline,
    status: r.status,
    overdue: r.status !== "done" && r.deadline !== null && r.deadline < today,
    createdAt: r.created_at,
    createdBy: { id: r.created_by, name: r.creator_name ?? "" },
    changedAt: r.changed_at,
    completedAt: r.completed_at,
    etag: taskEtag(r),
  };
}

/** The tasks with these ids as views, in the order given. */
async function views(db: Executor, ids: string[]): Promise<Task[]> {
  const rows = new Map((await repo.taskViewRows(db, ids)).map((r) => [r.id, r]));
  const today = todayInDenmark();
  return ids.flatMap((id) => (rows.has(id) ? [toTask(rows.get(id)!, today)] : []));
}

async function details(db: Executor, id: string): Promise<TaskDetails> {
  const [task] = await views(db, [id]);
  if (!task) throw notFound("The task");
  const comments = (await repo.commentsOf(db, id)).map((c) => ({
    id: c.id,
    body: c.body,
    author: { id: c.author_id, name: c.author_name ?? "" },
    createdAt: c.created_at,
  }));
  return { ...task, comments };
}

/** The task if the actor sees what it concerns; 404 otherwise, the refusal of an existing task audited like a case's. */
async function requireVisibleTask(db: Executor, actor: Actor, id: string): Promise<TaskRow> {
  const row = await repo.findVisibleTask(db, actor, id);
  if (row) return row;
  if (!(await repo.findTask(db, id))) throw notFound("The task");
  const entry: AuditEntry = { actor, action: "access.refused", objectType: "task", objectId: id, details: {} };
  // Inside a transaction the audit row would roll back with it: the error middleware records it afterwards.
  if (db.isTransaction) throw new AccessRefused("The task", entry, false);
  await recordAudit(db, entry);
  throw new AccessRefused("The task", entry, true);
}

/** What a task concerns, as the rules and notifications need it: the record, and the case it lies in (if any). */
interface Concern {
  on: "case" | "document";
  caseId: string | null;
  documentId: string | null;
  /** The case the task is on, or its document's case: whether it is closed decides what may change. */
  case: CaseRow | null;
}

async function requireVisibleConcern(db: Executor, actor: Actor, on: { caseId?: string | null; documentId?: string | null }): Promise<Concern> {
  if (on.caseId) {
    const c = await requireVisibleCase(db, actor, on.caseId);
    return { on: "case", caseId: c.id, documentId: null, case: c };
  }
  const doc = await requireVisibleDocument(db, actor, on.documentId!);
  return { on: "document", caseId: doc.case_id, documentId: doc.id, case: await caseOf(db, doc) };
}

type Assignee = { type: "user" | "group"; id: string };

/** A user who may see what the task concerns, or a group that exists: 422 otherwise. */
async function requireAssignee(db: Executor, a: Assignee, concern: Concern): Promise<Assignee> {
  if (a.type === "group") {
    if (!(await groupsByIds(db, [a.id])).length) throw unprocessable("unknown_group", `There is no group "${a.id}" to assign the task to.`);
    return a;
  }
  const who = await loadActor(db, a.id);
  if (!who) throw unprocessable("unknown_user", `The assignee "${a.id}" is not an active user.`);
  const sees =
    concern.on === "case"
      ? await scopedCases(db, who).select("cases.id").where("cases.id", "=", concern.caseId!).executeTakeFirst()
      : await scopedDocuments(db, who).select("documents.id").where("documents.id", "=", concern.documentId!).executeTakeFirst();
  if (!sees)
    throw unprocessable(
      "assignee_cannot_see",
      `${who.name} cannot see the ${concern.on} this task concerns; give them access first or assign the task to someone else.`,
    );
  return a;
}

/** Who a task's assignee is in people: the user, or the group's active members. */
async function assigneeUsers(db: Executor, t: Pick<TaskRow, "assignee_type" | "assignee_id">): Promise<string[]> {
  if (!t.assignee_type || !t.assignee_id) return [];
  if (t.assignee_type === "user") return [t.assignee_id];
  const [group] = await listGroups(db, [t.assignee_id]);
  if (!group) return [];
  return (
    await usersByIds(
      db,
      group.members.map((m) => m.id),
    )
  )
    .filter((u) => u.active === 1)
    .map((u) => u.id);
}

async function isAssignee(db: Executor, actor: Actor, t: TaskRow): Promise<boolean> {
  if (t.assignee_type === "user") return t.assignee_id === actor.userId;
  if (t.assignee_type === "group") return (await groupsOfUser(db, actor.userId)).some((g) => g.id === t.assignee_id);
  return false;
}

async function notifyAssigned(db: Executor, actor: Actor, t: TaskRow, concern: Concern): Promise<void> {
  await notify(db, {
    actor,
    change: "task_assigned",
    caseId: concern.caseId,
    documentId: concern.documentId,
    taskId: t.id,
    detail: t.title,
    alsoTo: await assigneeUsers(db, t),
  });
}

/** POST /api/tasks as validated. */
export type CreateTask = z.output<typeof NewTask>;

export async function createTask(db: Db, actor: Actor, input: CreateTask): Promise<TaskDetails> {
  return db.transaction().execute(async (trx) => {
    const concern = await requireVisibleConcern(trx, actor, input);
    requireMayCreateTask(actor, concern.case, concern.on);
    const assignee = input.assignee ? await requireAssignee(trx, input.assignee, concern) : null;
    const now = new Date().toISOString();
    const row: TaskRow = {
      id: randomUUID(),
      title: input.title,
      description: input.description,
      case_id: concern.on === "case" ? concern.caseId : null,
      document_id: concern.documentId,
      assignee_type: assignee?.type ?? null,
      assignee_id: assignee?.id ?? null,
      start_date: input.startDate ?? null,
      deadline: input.deadline ?? null,
      status: "open",
      created_at: now,
      created_by: actor.userId,
      changed_at: now,
      completed_at: null,
      revision: 0,
    };
    await repo.insertTask(trx, row);
    await recordAudit(trx, {
      actor,
      action: "task.create",
      objectType: "task",
      objectId: row.id,
      details: { title: row.title, caseId: row.case_id, documentId: row.document_id, assignee, startDate: row.start_date, deadline: row.deadline },
    });
    if (assignee) await notifyAssigned(trx, actor, row, concern);
    return details(trx, row.id);
  });
}

export async function viewTask(db: Executor, actor: Actor, id: string): Promise<TaskDetails> {
  await requireVisibleTask(db, actor, id);
  return details(db, id);
}

/** PATCH /api/tasks/{id} as validated. */
export type UpdateTask = z.output<typeof TaskPatch>;

/** Where a task stands, for a 412 to name. */
const taskState = (t: TaskRow) => ({ taskStatus: t.status, changedAt: t.changed_at });

/**
 * Changes a task. Done stamps when it was completed; leaving done clears that. A change that changes nothing
 * leaves the task (and its ETag) as it was.
 */
export async function updateTask(db: Db, actor: Actor, id: string, patch: UpdateTask, ifMatch?: string): Promise<TaskDetails> {
  return db.transaction().execute(async (trx) => {
    const t = await requireVisibleTask(trx, actor, id);
    const concern = await requireVisibleConcern(trx, actor, { caseId: t.case_id, documentId: t.document_id });
    requireMayChangeTask(actor, await isAssignee(trx, actor, t), Object.keys(patch), concern.case);
    if (!ifMatchHolds(ifMatch, taskEtag(t))) throw preconditionFailed("task", taskEtag(t), taskState(t));

    const changes: Updateable<TaskTable> = {};
    if (patch.title !== undefined) changes.title = patch.title;
    if (patch.description !== undefined) changes.description = patch.description;
    if (patch.startDate !== undefined) changes.start_date = patch.startDate;
    if (patch.deadline !== undefined) changes.deadline = patch.deadline;
    if (patch.status !== undefined && patch.status !== t.status) {
      changes.status = patch.status;
      changes.completed_at = patch.status === "done" ? new Date().toISOString() : null;
    }
    const reassigned = patch.assignee !== undefined && ((patch.assignee?.type ?? null) !== t.assignee_type || (patch.assignee?.id ?? null) !== t.assignee_id);
    if (reassigned) {
      const next = patch.assignee ? await requireAssignee(trx, patch.assignee, concern) : null;
      changes.assignee_type = next?.type ?? null;
      changes.assignee_id = next?.id ?? null;
    }
    const start = changes.start_date !== undefined ? changes.start_date : t.start_date;
    const deadline = changes.deadline !== undefined ? changes.deadline : t.deadline;
    if (start && deadline && deadline < start)
      throw unprocessable("deadline_before_start", `The deadline ${deadline} comes before the task's start date ${start}.`);

    const changed = diff(t, changes);
    if (Object.keys(changed).length === 0) return details(trx, t.id);
    if (!(await repo.updateTaskAt(trx, t.id, t.revision, { ...changes, changed_at: new Date().toISOString() }))) {
      const current = await repo.findTask(trx, t.id);
      throw overtaken("task", ifMatch, current && { etag: taskEtag(current), state: taskState(current) });
    }
    await recordAudit(trx, { actor, action: "task.update", objectType: "task", objectId: t.id, details: changed });
    const written = (await repo.findTask(trx, t.id))!;
    if (reassigned && written.assignee_id) await notifyAssigned(trx, actor, written, concern);
    return details(trx, t.id);
  });
}

/** A comment on a task, by anyone who sees it; the assignee and the task's creator hear of it with the case's followers. */
export async function addTaskComment(db: Db, actor: Actor, id: string, body: string): Promise<TaskComment> {
  return db.transaction().execute(async (trx) => {
    const t = await requireVisibleTask(trx, actor, id);
    requireMayCommentOnTask(actor);
    const concern = await requireVisibleConcern(trx, actor, { caseId: t.case_id, documentId: t.document_id });
    const row = { id: randomUUID(), task_id: t.id, body, author_id: actor.userId, created_at: new Date().toISOString() };
    await repo.insertComment(trx, row);
    await recordAudit(trx, { actor, action: "task.comment", objectType: "task", objectId: t.id, details: { commentId: row.id } });
    await notify(trx, {
      actor,
      change: "comment_added",
      caseId: concern.caseId,
      documentId: concern.documentId,
      taskId: t.id,
      detail: excerpt(body),
      alsoTo: [...(await assigneeUsers(trx, t)), t.created_by],
    });
    return { id: row.id, body, author: { id: actor.userId, name: actor.name }, createdAt: row.created_at };
  });
}

// ---- listings

function decodeKey(cursor: string | undefined): repo.TaskKey | undefined {
  const key = decodeCursor(cursor, 3);
  if (!key) return undefined;
  const [undated, deadline, id] = key;
  if ((undated !== 0 && undated !== 1) || typeof deadline !== "string" || typeof id !== "string" || (undated === 1 && deadline !== ""))
    throw badRequest("invalid_cursor", "The cursor is not one this service handed out; start again without it.");
  return { undated, deadline, id };
}

function toTaskPage(tasks: Task[], more: boolean): Page<Task> {
  const last = tasks[tasks.length - 1];
  const key = last && repo.keyOf(last);
  return { items: tasks, nextCursor: more && key ? encodeCursor([key.undated, key.deadline, key.id]) : null };
}

/**
 * Up to `limit` tasks in listing order after `after`, merged from ordered walks (one per assignee and status):
 * first the dated tasks of every walk, then, if the page is not full, the undated ones. Each walk follows an
 * index and stops after `limit` tasks the actor sees, so a page costs a few short index walks however many
 * tasks there are.
 */
async function mergedWalks(
  db: Executor,
  actor: Actor,
  walks: Array<Pick<repo.TaskWalk, "status" | "assignee">>,
  after: repo.TaskKey | undefined,
  limit: number,
) {
  const found: repo.TaskKey[] = [];
  for (const dated of [true, false]) {
    if (dated && after?.undated === 1) continue;
    const want = limit - found.length;
    if (want <= 0) break;
    const phase: repo.TaskKey[] = [];
    for (const w of walks) phase.push(...(await repo.walkQuery(db, actor, { ...w, dated, after, limit: want }).execute()).map(repo.keyOf));
    found.push(...phase.sort(repo.compareKeys).slice(0, want));
  }
  return found;
}

/** GET /api/tasks as validated. */
export type ListTasks = z.output<typeof TaskListQuery>;

/** Mine (assigned to me or one of my groups), or every task one sees (staff); by deadline, none last, then id. */
export async function listTasks(db: Executor, actor: Actor, query: ListTasks): Promise<Page<Task>> {
  const statuses = STATUSES[query.status];
  let walks: Array<Pick<repo.TaskWalk, "status" | "assignee">>;
  if (query.mine === "true") {
    const assignees: Assignee[] = [
      { type: "user", id: actor.userId },
      ...(await groupsOfUser(db, actor.userId)).map((g) => ({ type: "group" as const, id: g.id })),
    ];
    walks = assignees.flatMap((assignee) => statuses.map((status) => ({ status, assignee })));
  } else {
    requireMayListAllTasks(actor);
    walks = statuses.map((status) => ({ status }));
  }
  const keys = await mergedWalks(db, actor, walks, decodeKey(query.cursor), query.limit + 1);
  const page = keys.slice(0, query.limit);
  return toTaskPage(
    await views(
      db,
      page.map((k) => k.id),
    ),
    keys.length > query.limit,
  );
}

/** GET /api/{cases,documents}/{id}/tasks as validated. */
export type ListRecordTasks = z.output<typeof RecordTasksQuery>;

/** The tasks on a visible case (with those on its documents the actor sees) or on a visible document. */
export async function recordTasks(db: Executor, actor: Actor, on: "case" | "document", id: string, query: ListRecordTasks): Promise<Page<Task>> {
  if (on === "case") await requireVisibleCase(db, actor, id);
  else await requireVisibleDocument(db, actor, id);
  const after = decodeKey(query.cursor);
  const rows = await repo
    .recordTasksQuery(db, actor, on === "case" ? { caseId: id } : { documentId: id }, STATUSES[query.status], after, query.limit + 1)
    .execute();
  return toTaskPage(
    await views(
      db,
      rows.slice(0, query.limit).map((r) => r.id),
    ),
    rows.length > query.limit,
  );
}
