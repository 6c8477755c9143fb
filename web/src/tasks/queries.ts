import { useQuery } from "@tanstack/react-query";
import { ApiError, type Me, type TaskAssignee } from "../../../shared/index.ts";
import { client } from "../api.ts";

// What the task views share: their query keys, the people and groups one may assign a task to.

/** Every list of tasks (mine, the dashboard's, a case's or a document's): asked again after any change to a task. */
export const TASKS = ["tasks"] as const;
export const taskKey = (id: string) => ["task", id] as const;
export const recordTasksKey = (on: "case" | "document", id: string) => [...TASKS, "record", on, id] as const;

/** Whether a change was refused because the task changed after the page fetched it (412 precondition_failed). */
export const isStaleTask = (err: unknown): err is ApiError => err instanceof ApiError && err.status === 412;

const REFERENCE = 5 * 60_000;

/** Colleagues (GET /api/users) and groups (GET /api/groups) to assign a task to; external partners list neither. */
export function useAssignees(me: Me | null | undefined) {
  const enabled = !!me && me.role !== "external";
  const people = useQuery({ queryKey: ["case-reference", "colleagues"], queryFn: () => client.colleagues(), enabled, staleTime: REFERENCE });
  const groups = useQuery({ queryKey: ["task-reference", "groups"], queryFn: () => client.assignableGroups(), enabled, staleTime: REFERENCE });
  return { people: people.data ?? [], groups: groups.data ?? [], pending: enabled && (people.isPending || groups.isPending) };
}

/** A choice in the assignee list: "" (nobody), "user:<id>" or "group:<id>". */
export type AssigneeChoice = string;

export const choiceOf = (a: Pick<TaskAssignee, "type" | "id"> | null): AssigneeChoice => (a ? `${a.type}:${a.id}` : "");

export function assigneeOf(choice: AssigneeChoice): { type: "user" | "group"; id: string } | null {
  const [type, id] = choice.split(":", 2);
  return (type === "user" || type === "group") && id ? { type, id } : null;
}
