import type { Response } from "express";
import { IdParams } from "../../../shared/api/schemas/common.ts";
import { NewTask, NewTaskComment, RecordTasksQuery, TaskComment, TaskDetails, TaskListQuery, TaskPage, TaskPatch } from "../../../shared/api/schemas/tasks.ts";
import type { TaskDetails as TaskDetailsView } from "../../../shared/api/types.ts";
import type { AppContext } from "../../context.ts";
import { route } from "../../http/route.ts";
import { addTaskComment, createTask, listTasks, recordTasks, updateTask, viewTask } from "./tasks.service.ts";

// Every change to a task may carry If-Match with the ETag last seen, and answers the task's new ETag.
const ifMatchHeader = { "If-Match": "Optional: the task's ETag last seen; 412 when the task has changed since" };
const etagHeader = { ETag: "The task's current ETag, for If-Match on the next change" };

function withEtag(res: Response, t: TaskDetailsView): TaskDetailsView {
  res.setHeader("ETag", t.etag);
  return t;
}

export function taskRoutes(ctx: AppContext) {
  return [
    route({
      method: "post",
      path: "/api/tasks",
      tag: "tasks",
      summary: "Create a task on a case or a document one sees, for a user who may see it too or for a group (staff)",
      body: NewTask,
      responses: {
        201: { description: "The new task", headers: etagHeader, schema: TaskDetails },
        403: { description: "External partners cannot create tasks (`forbidden`)" },
        404: { description: "The case or document was not found or is not visible" },
        409: { description: "The case is closed (`case_closed`)" },
        422: {
          description:
            "The assignee is not an active user (`unknown_user`), cannot see the record (`assignee_cannot_see`), or the group does not exist (`unknown_group`)",
        },
      },
      handle: async ({ actor, body, res }) => withEtag(res, await createTask(ctx.db, actor, body)),
    }),
    route({
      method: "get",
      path: "/api/tasks",
      tag: "tasks",
      summary:
        "Tasks by deadline (none last), then id: mine=true those assigned to me or one of my groups, else every task one sees (staff); not done unless status says otherwise",
      query: TaskListQuery,
      responses: {
        200: { description: "A page of tasks; nextCursor continues the same filters", schema: TaskPage },
        400: { description: "A cursor not from this service (`invalid_cursor`)" },
        403: { description: "External partners list only their own tasks (mine=true)" },
      },
      handle: ({ actor, query }) => listTasks(ctx.db, actor, query),
    }),
    route({
      method: "get",
      path: "/api/tasks/:id",
      tag: "tasks",
      summary: "A task with its comments",
      params: IdParams,
      responses: {
        200: { description: "The task", headers: etagHeader, schema: TaskDetails },
        404: { description: "Not found, or the case or document it concerns is not visible" },
      },
      handle: async ({ actor, params, res }) => withEtag(res, await viewTask(ctx.db, actor, params.id)),
    }),
    route({
      method: "patch",
      path: "/api/tasks/:id",
      tag: "tasks",
      summary: "Change a task: staff anything, the assignee (an external partner too) its status; done stamps completedAt, leaving done clears it",
      params: IdParams,
      body: TaskPatch,
      headers: ifMatchHeader,
      responses: {
        200: { description: "The task", headers: etagHeader, schema: TaskDetails },
        403: { description: "Only the status, and only by the assignee, for external partners (`forbidden`)" },
        404: { description: "Not found or not visible" },
        409: { description: "The case is closed: only the status may change (`case_closed`), or a change at the same moment (`concurrent_change`)" },
        422: {
          description:
            "The deadline comes before the start date (`deadline_before_start`), or the assignee is not usable (`unknown_user`, `assignee_cannot_see`, `unknown_group`)",
        },
      },
      handle: async ({ actor, params, body, req, res }) => withEtag(res, await updateTask(ctx.db, actor, params.id, body, req.get("If-Match"))),
    }),
    route({
      method: "post",
      path: "/api/tasks/:id/comments",
      tag: "tasks",
      summary: "Comment on a task (anyone who sees it); the assignee, the task's creator and the case's followers are notified",
      params: IdParams,
      body: NewTaskComment,
      responses: { 201: { description: "The comment", schema: TaskComment }, 404: { description: "Not found or not visible" } },
      handle: ({ actor, params, body }) => addTaskComment(ctx.db, actor, params.id, body.body),
    }),
    route({
      method: "get",
      path: "/api/cases/:id/tasks",
      tag: "tasks",
      summary: "The tasks on a case and on those of its documents one sees, by deadline (none last); every status unless asked",
      params: IdParams,
      query: RecordTasksQuery,
      responses: {
        200: { description: "A page of tasks", schema: TaskPage },
        400: { description: "A cursor not from this service (`invalid_cursor`)" },
        404: { description: "Not found or not visible" },
      },
      handle: ({ actor, params, query }) => recordTasks(ctx.db, actor, "case", params.id, query),
    }),
    route({
      method: "get",
      path: "/api/documents/:id/tasks",
      tag: "tasks",
      summary: "The tasks on a document, by deadline (none last); every status unless asked",
      params: IdParams,
      query: RecordTasksQuery,
      responses: {
        200: { description: "A page of tasks", schema: TaskPage },
        400: { description: "A cursor not from this service (`invalid_cursor`)" },
        404: { description: "Not found or not visible" },
      },
      handle: ({ actor, params, query }) => recordTasks(ctx.db, actor, "document", params.id, query),
    }),
  ];
}
