import { makeStyles, Text } from "@fluentui/react-components";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Task } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { PagedList, usePagedList } from "../components/Listing.tsx";
import { useSectionStyles } from "../document/styles.ts";
import { useTexts } from "../i18n.tsx";
import { useMe } from "../session.ts";
import { CreateTask } from "./CreateTask.tsx";
import { recordTasksKey, TASKS, taskKey } from "./queries.ts";
import { TaskList } from "./TaskList.tsx";
import { TaskRefused } from "./TaskRefused.tsx";

const useStyles = makeStyles({
  header: { display: "flex", flexWrap: "wrap", justifyContent: "space-between", alignItems: "center", gap: "8px" },
  heading: { margin: 0 },
});

/**
 * OPGAVER on a case's or a document's page: its tasks (every status, by deadline), NY OPGAVE, and MARKÉR SOM
 * UDFØRT on each open one in one click (sent with the task's ETag, so a change made meanwhile is not overwritten).
 */
export function TasksSection({ on, id }: { on: "case" | "document"; id: string }) {
  const s = useStyles();
  const section = useSectionStyles();
  const { t } = useTexts();
  const me = useMe();
  const queries = useQueryClient();
  const [said, setSaid] = useState<string | null>(null);
  const { list: tasks, items } = usePagedList(recordTasksKey(on, id), (cursor, limit) => client.recordTasks(on, id, { cursor, limit }));
  const changed = (taskId: string) => {
    void queries.invalidateQueries({ queryKey: TASKS });
    void queries.invalidateQueries({ queryKey: taskKey(taskId) });
  };
  const complete = useMutation({
    mutationFn: (task: Task) => client.updateTask(task.id, { status: "done" }, { ifMatch: task.etag }),
    onMutate: () => setSaid(null),
    onSuccess: (done) => {
      changed(done.id);
      setSaid(t("web.task.done.completedOf", { title: done.title }));
    },
  });
  const headingId = `tasks-${on}-heading`;
  const staff = me.data && me.data.role !== "external";
  return (
    <section className={section.section} aria-labelledby={headingId} data-testid="tasks-section">
      <div className={s.header}>
        <Text as="h2" size={500} weight="semibold" className={s.heading} id={headingId}>
          {t("web.tasks.section")}
        </Text>
        {staff && me.data && (
          <CreateTask
            on={on}
            id={id}
            me={me.data}
            onCreated={(task) => {
              changed(task.id);
              setSaid(t("web.task.done.created", { title: task.title }));
            }}
          />
        )}
      </div>
      <div role="status" data-testid="tasks-done">
        {said && <Text>{said}</Text>}
      </div>
      {complete.isError && (
        <TaskRefused
          error={complete.error}
          onReload={() => {
            complete.reset();
            void tasks.refetch();
          }}
        />
      )}
      <PagedList list={tasks} count={items.length} empty={on === "case" ? "web.tasks.section.noneCase" : "web.tasks.section.noneDocument"}>
        <TaskList
          items={items}
          label={t("web.tasks.section")}
          testId="record-tasks"
          concerns={on === "case"}
          onComplete={staff ? (task) => complete.mutate(task) : undefined}
          completing={complete.isPending ? complete.variables?.id : null}
        />
      </PagedList>
    </section>
  );
}
