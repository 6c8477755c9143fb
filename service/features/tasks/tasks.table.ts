import type { Generated, Selectable } from "kysely";

export interface TaskTable {
  id: string;
  title: string;
  description: string;
  /** Exactly one of case_id and document_id is set: what the task concerns. */
  case_id: string | null;
  document_id: string | null;
  assignee_type: "user" | "group" | null;
  assignee_id: string | null;
  start_date: string | null;
  deadline: string | null;
  status: "open" | "in_progress" | "done";
  created_at: string;
  created_by: string;
  changed_at: string;
  completed_at: string | null;
  revision: Generated<number>;
}
export interface TaskCommentTable {
  id: string;
  task_id: string;
  body: string;
  author_id: string;
  created_at: string;
}
export type TaskRow = Selectable<TaskTable>;
