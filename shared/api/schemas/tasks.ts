import { z } from "zod";
import { Id, IsoDate, page, pageQuery, QueryBoolean, someField, nameAField, Timestamp, Title, UserRef } from "./common.ts";
import { CaseRef } from "./cases.ts";

// Tasks (opgaver): something to do, with a deadline, on a case or a document. A task is seen by whoever sees
// what it concerns.

export const TaskStatus = z.enum(["open", "in_progress", "done"]);
export type TaskStatus = z.infer<typeof TaskStatus>;

/** Who a task is for: a user, or a group (then everyone in it has it among their tasks). */
export const TaskAssigneeInput = z.strictObject({ type: z.enum(["user", "group"]), id: Id });
export const TaskAssignee = z.strictObject({ type: z.enum(["user", "group"]), id: Id, name: z.string() });
export type TaskAssignee = z.infer<typeof TaskAssignee>;

export const Task = z.strictObject({
  id: Id,
  title: z.string(),
  description: z.string(),
  /** The case the task concerns, or the case of the document it concerns. */
  case: CaseRef.nullable(),
  document: z.strictObject({ id: Id, title: z.string() }).nullable(),
  assignee: TaskAssignee.nullable(),
  startDate: z.string().nullable(),
  deadline: z.string().nullable(),
  status: TaskStatus,
  /** Not done and its deadline has passed (in Danish time). */
  overdue: z.boolean(),
  createdAt: Timestamp,
  createdBy: UserRef,
  changedAt: Timestamp,
  completedAt: Timestamp.nullable(),
  etag: z.string(),
});
export type Task = z.infer<typeof Task>;

export const TaskComment = z.strictObject({ id: Id, body: z.string(), author: UserRef, createdAt: Timestamp });
export type TaskComment = z.infer<typeof TaskComment>;
export const TaskDetails = z.strictObject({ ...Task.shape, comments: z.array(TaskComment) });
export type TaskDetails = z.infer<typeof TaskDetails>;

/** POST /api/tasks: concerns exactly one case or document. */
export const NewTask = z
  .strictObject({
    title: Title,
    description: z.string().trim().max(10_000).default(""),
    caseId: Id.optional(),
    documentId: Id.optional(),
    assignee: TaskAssigneeInput.nullish(),
    startDate: IsoDate.nullish(),
    deadline: IsoDate.nullish(),
  })
  .refine((t) => Boolean(t.caseId) !== Boolean(t.documentId), { message: "name either caseId or documentId", path: ["caseId"] })
  .refine((t) => !t.startDate || !t.deadline || t.startDate <= t.deadline, { message: "the deadline cannot come before the start date", path: ["deadline"] });
export type NewTask = z.input<typeof NewTask>;

/** PATCH /api/tasks/{id} (If-Match). */
export const TaskPatch = z
  .strictObject({
    title: Title.optional(),
    description: z.string().trim().max(10_000).optional(),
    assignee: TaskAssigneeInput.nullable().optional(),
    startDate: IsoDate.nullable().optional(),
    deadline: IsoDate.nullable().optional(),
    status: TaskStatus.optional(),
  })
  .refine(someField, nameAField);
export type TaskPatch = z.input<typeof TaskPatch>;

/**
 * GET /api/tasks: `mine=true` is what is assigned to me or my groups. Not done unless `status` says otherwise;
 * by deadline (none last), then id; keyset-paged.
 */
export const TaskListStatus = z.enum(["open", "in_progress", "done", "all", "not_done"]);
export type TaskListStatus = z.infer<typeof TaskListStatus>;
export const TaskListQuery = z.object({
  mine: QueryBoolean.optional(),
  status: TaskListStatus.default("not_done"),
  ...pageQuery,
});
export const TaskPage = page(Task);
/** GET /api/cases/{id}/tasks and /api/documents/{id}/tasks. */
export const RecordTasksQuery = z.object({ status: TaskListStatus.default("all"), ...pageQuery });

export const NewTaskComment = z.strictObject({ body: z.string().trim().min(1).max(10_000) });

/** GET /api/groups: the organisation's groups, to assign a task to one. */
export const AssignableGroup = z.strictObject({ id: Id, name: z.string(), members: z.number().int() });
export type AssignableGroup = z.infer<typeof AssignableGroup>;
export const AssignableGroups = z.strictObject({ items: z.array(AssignableGroup) });
