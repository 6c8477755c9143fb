import { sql, type Expression, type ExpressionBuilder, type Insertable, type SqlBool, type Updateable } from "kysely";
import type { Database, Executor } from "../../db/database.ts";
import { caseVisibleTo, documentVisibleTo } from "../access/access.ts";
import { isAdmin, type Actor } from "../access/actor.ts";
import type { TaskCommentTable, TaskRow, TaskTable } from "./tasks.table.ts";

// The tasks and task_comments tables; only the tasks feature reads and writes them. A task is visible with
// what it concerns: every query here that an actor asks goes through `taskVisibleTo`, which asks the access
// module about the task's case or document row by row.

export type TaskStatusValue = TaskTable["status"];

/** Where a listing goes on from: the sort key of the last task shown (dated tasks first, by deadline, then id). */
export interface TaskKey {
  /** 0: has a deadline; 1: has none (those come last). */
  undated: 0 | 1;
  deadline: string;
  id: string;
}

export const keyOf = (t: Pick<TaskRow, "deadline" | "id">): TaskKey => ({ undated: t.deadline === null ? 1 : 0, deadline: t.deadline ?? "", id: t.id });

/** Orders tasks as every listing does: by deadline (none last), then id. */
export function compareKeys(a: TaskKey, b: TaskKey): number {
  if (a.undated !== b.undated) return a.undated - b.undated;
  if (a.deadline !== b.deadline) return a.deadline < b.deadline ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Whether the actor sees the task: it sees the case (a task on a case) or the document (a task on a
 * document) it concerns. Checked per row through the primary keys, so it suits a walk down another index.
 */
export function taskVisibleTo(actor: Actor) {
  return (eb: ExpressionBuilder<Database, "tasks">): Expression<SqlBool> => {
    if (isAdmin(actor)) return sql<SqlBool>`1 = 1`;
    return eb.or([
      eb.and([
        eb("tasks.case_id", "is not", null),
        eb.exists(
          eb
            .selectFrom("cases")
            .select(sql`1`.as("one"))
            .whereRef("cases.id", "=", "tasks.case_id")
            .where((ceb) => caseVisibleTo(actor, { checkPerRow: true })(ceb as unknown as ExpressionBuilder<Database, "cases">)),
        ),
      ]),
      eb.and([
        eb("tasks.document_id", "is not", null),
        eb.exists(
          eb
            .selectFrom("documents")
            .select(sql`1`.as("one"))
            .whereRef("documents.id", "=", "tasks.document_id")
            .where((deb) => documentVisibleTo(actor)(deb as unknown as ExpressionBuilder<Database, "documents">)),
        ),
      ]),
    ]);
  };
}

export async function insertTask(db: Executor, row: Insertable<TaskTable>): Promise<void> {
  await db.insertInto("tasks").values(row).execute();
}

export function findTask(db: Executor, id: string): Promise<TaskRow | undefined> {
  return db.selectFrom("tasks").selectAll().where("id", "=", id).executeTakeFirst();
}

/** The task if the actor sees it. */
export function findVisibleTask(db: Executor, actor: Actor, id: string): Promise<TaskRow | undefined> {
  return db.selectFrom("tasks").selectAll().where("tasks.id", "=", id).where(taskVisibleTo(actor)).executeTakeFirst();
}

/** Changes the task if it is still at `revision`, moving the revision on in the same statement; false if it was not. */
export async function updateTaskAt(db: Executor, id: string, revision: number, changes: Updateable<TaskTable>): Promise<boolean> {
  const result = await db
    .updateTable("tasks")
    .set({ ...changes, revision: revision + 1 })
    .where("id", "=", id)
    .where("revision", "=", revision)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function insertComment(db: Executor, row: TaskCommentTable): Promise<void> {
  await db.insertInto("task_comments").values(row).execute();
}

/** A task's comments, oldest first, with their authors' names. */
export function commentsOf(db: Executor, taskId: string) {
  return db
    .selectFrom("task_comments")
    .leftJoin("users", "users.id", "task_comments.author_id")
    .select(["task_comments.id", "task_comments.body", "task_comments.author_id", "users.name as author_name", "task_comments.created_at"])
    .where("task_comments.task_id", "=", taskId)
    .orderBy("task_comments.created_at")
    .orderBy("task_comments.id")
    .execute();
}

/**
 * One ordered walk of a listing: the tasks with one status (and one assignee), dated or undated, after `after`,
 * that the actor sees — straight down tasks_assignee (with an assignee) or tasks_status (without), stopping
 * after `limit` visible ones. A listing merges several walks (see tasks.service.ts).
 */
export interface TaskWalk {
  status: TaskStatusValue;
  assignee?: { type: "user" | "group"; id: string };
  /** Tasks with a deadline (by deadline, then id) or without one (by id). */
  dated: boolean;
  after?: TaskKey;
  limit: number;
}

export function walkQuery(db: Executor, actor: Actor, w: TaskWalk) {
  let q = db.selectFrom("tasks").select(["tasks.id", "tasks.deadline"]);
  if (w.assignee) q = q.where("tasks.assignee_id", "=", w.assignee.id).where("tasks.status", "=", w.status).where("tasks.assignee_type", "=", w.assignee.type);
  else q = q.where("tasks.status", "=", w.status);
  if (w.dated) {
    q = q.where("tasks.deadline", "is not", null);
    if (w.after && w.after.undated === 0) q = q.where((eb) => eb(eb.refTuple("tasks.deadline", "tasks.id"), ">", eb.tuple(w.after!.deadline, w.after!.id)));
    q = q.orderBy("tasks.deadline").orderBy("tasks.id");
  } else {
    q = q.where("tasks.deadline", "is", null);
    if (w.after && w.after.undated === 1) q = q.where("tasks.id", ">", w.after.id);
    q = q.orderBy("tasks.id");
  }
  return q.where(taskVisibleTo(actor)).limit(w.limit);
}

/** The tasks on a case or a document, in listing order, after `after`: a record holds few tasks, so they are sorted here. */
export function recordTasksQuery(
  db: Executor,
  actor: Actor,
  on: { caseId: string } | { documentId: string },
  statuses: readonly TaskStatusValue[],
  after: TaskKey | undefined,
  limit: number,
) {
  let q = db.selectFrom("tasks").select(["tasks.id", "tasks.deadline"]).where("tasks.status", "in", statuses);
  if ("caseId" in on) {
    // The case's own tasks and those on its documents that the actor sees.
    q = q.where((eb) =>
      eb.or([
        eb("tasks.case_id", "=", on.caseId),
        eb(
          "tasks.document_id",
          "in",
          eb
            .selectFrom("documents")
            .select("documents.id")
            .where("documents.case_id", "=", on.caseId)
            .where((deb) => documentVisibleTo(actor)(deb as unknown as ExpressionBuilder<Database, "documents">)),
        ),
      ]),
    );
  } else {
    q = q.where("tasks.document_id", "=", on.documentId);
  }
  const undated = sql<number>`(tasks.deadline is null)`;
  const deadline = sql<string>`coalesce(tasks.deadline, '')`;
  if (after) q = q.where((eb) => eb(eb.tuple(undated, deadline, sql.ref("tasks.id")), ">", eb.tuple(after.undated, after.deadline, after.id)));
  return q.orderBy(undated).orderBy(deadline).orderBy("tasks.id").limit(limit);
}

/**
 * Tasks by id with what a view shows: the case (its own, or its document's), the document's title, the
 * assignee's and creator's names. Only for tasks the caller has shown the actor may see.
 */
export function taskViewRows(db: Executor, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return db
    .selectFrom("tasks")
    .leftJoin("documents", "documents.id", "tasks.document_id")
    .leftJoin("cases", (j) => j.on((eb) => eb("cases.id", "=", eb.fn.coalesce("tasks.case_id", "documents.case_id"))))
    .leftJoin("users as creator", "creator.id", "tasks.created_by")
    .leftJoin("users as assigned_user", (j) => j.onRef("assigned_user.id", "=", "tasks.assignee_id").on("tasks.assignee_type", "=", "user"))
    .leftJoin("groups as assigned_group", (j) => j.onRef("assigned_group.id", "=", "tasks.assignee_id").on("tasks.assignee_type", "=", "group"))
    .selectAll("tasks")
    .select([
      "cases.id as case_ref_id",
      "cases.number as case_number",
      "cases.title as case_title",
      "documents.title as document_title",
      "creator.name as creator_name",
      (eb) => eb.fn.coalesce("assigned_user.name", "assigned_group.name").as("assignee_name"),
    ])
    .where("tasks.id", "in", ids)
    .execute();
}
export type TaskViewRow = Awaited<ReturnType<typeof taskViewRows>>[number];
