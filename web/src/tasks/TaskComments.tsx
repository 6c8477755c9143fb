import type { TaskDetails } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { CommentThread } from "../components/CommentThread.tsx";
import { useTexts } from "../i18n.tsx";

/** The task's comments, oldest first, and a new one (kept as a draft across an expired session). */
export function TaskComments({ task, onChanged }: { task: TaskDetails; onChanged(): Promise<unknown> }) {
  const { t } = useTexts();
  return (
    <CommentThread
      comments={task.comments.map((c) => ({ ...c, author: c.author.name || t("web.changedBy.formerUser") }))}
      draftKey={`task-comment:${task.id}`}
      add={(body) => client.addTaskComment(task.id, body)}
      onChanged={onChanged}
      testIdPrefix="task-"
    />
  );
}
