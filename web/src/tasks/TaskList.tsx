import { Button, makeStyles, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from "@fluentui/react-components";
import type { Task, TaskAssignee, TaskStatus } from "../../../shared/index.ts";
import { AppLink } from "../components/AppLink.tsx";
import { Inert } from "../components/Inert.tsx";
import { useTexts, type TextKey } from "../i18n.tsx";
import { Concerns, Deadline, taskLink } from "./TaskTable.tsx";

export const STATUS_TEXT: Record<TaskStatus, TextKey> = {
  open: "web.task.status.open",
  in_progress: "web.task.status.in_progress",
  done: "web.task.status.done",
};

/** Who the task is for, in words: a person, a group (said to be one), or nobody yet. */
export function useAssigneeName() {
  const { t } = useTexts();
  return (a: TaskAssignee | null) => (a ? (a.type === "group" ? t("web.task.group", { name: a.name }) : a.name) : t("web.task.unassigned"));
}

const useStyles = makeStyles({
  scroll: { overflowX: "auto", maxWidth: "100%" },
  table: { minWidth: "640px", tableLayout: "auto" },
  description: { display: "block", maxWidth: "40ch", overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" },
});

interface Props {
  items: Task[];
  label: string;
  testId: string;
  /** Show what each task concerns (not on the page of the case or document itself). */
  concerns?: boolean;
  /** Offer MARKÉR SOM UDFØRT on each task not done. */
  onComplete?: (task: Task) => void;
  completing?: string | null;
}

/** Tasks in a table that scrolls in its own box: task (to its page), description, concerns, assignee, deadline (overdue said in words), status. */
export function TaskList({ items, label, testId, concerns = true, onComplete, completing }: Props) {
  const s = useStyles();
  const { t } = useTexts();
  const assigneeName = useAssigneeName();
  return (
    <div className={s.scroll} data-scrolls>
      <Table size="small" aria-label={label} className={s.table} data-testid={testId}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{t("web.column.task")}</TableHeaderCell>
            <TableHeaderCell>{t("web.column.description")}</TableHeaderCell>
            {concerns && <TableHeaderCell>{t("web.column.concerns")}</TableHeaderCell>}
            <TableHeaderCell>{t("web.task.column.assignee")}</TableHeaderCell>
            <TableHeaderCell>{t("web.column.deadline")}</TableHeaderCell>
            <TableHeaderCell>{t("web.task.column.status")}</TableHeaderCell>
            {onComplete && <TableHeaderCell>{t("web.task.column.actions")}</TableHeaderCell>}
          </TableRow>
        </TableHeader>
        <TableBody>
          {items.map((task) => (
            <TableRow key={task.id} data-task-id={task.id} data-overdue={task.overdue ? "true" : undefined} data-status={task.status}>
              <TableCell>
                <AppLink to={taskLink(task.id)}>
                  <Inert text={task.title} />
                </AppLink>
              </TableCell>
              <TableCell>
                <span className={s.description} title={task.description || undefined}>
                  <Inert text={task.description || t("web.task.none")} />
                </span>
              </TableCell>
              {concerns && (
                <TableCell>
                  <Concerns task={task} />
                </TableCell>
              )}
              <TableCell>
                <Inert text={assigneeName(task.assignee)} />
              </TableCell>
              <TableCell>
                <Deadline task={task} />
              </TableCell>
              <TableCell data-testid="task-status">{t(STATUS_TEXT[task.status])}</TableCell>
              {onComplete && (
                <TableCell>
                  {task.status !== "done" && (
                    <Button
                      size="small"
                      disabled={completing === task.id}
                      onClick={() => onComplete(task)}
                      aria-label={t("web.task.completeOf", { title: task.title })}
                      data-testid="task-complete"
                    >
                      {t("web.task.complete")}
                    </Button>
                  )}
                </TableCell>
              )}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
