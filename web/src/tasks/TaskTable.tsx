import { makeStyles, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, tokens } from "@fluentui/react-components";
import { Fragment } from "react";
import type { Task } from "../../../shared/index.ts";
import { AppLink, caseLink, documentLink } from "../components/AppLink.tsx";
import { Inert } from "../components/Inert.tsx";
import { formatDay } from "../document/dates.ts";
import { useTexts } from "../i18n.tsx";

// The dashboard's "Mine opgaver" and the pieces every list of tasks shares. Part of the first load: first-load
// texts only (texts/dashboard.ts).

export const taskLink = (id: string) => `/opgaver/${encodeURIComponent(id)}`;

const useStyles = makeStyles({
  overdue: {
    display: "inline-block",
    padding: "0 6px",
    borderRadius: tokens.borderRadiusSmall,
    border: `1px solid ${tokens.colorPaletteRedBorder2}`,
    color: tokens.colorPaletteRedForeground1,
    backgroundColor: tokens.colorPaletteRedBackground1,
    fontWeight: tokens.fontWeightSemibold,
    fontSize: tokens.fontSizeBase200,
    whiteSpace: "nowrap",
  },
  nowrap: { whiteSpace: "nowrap" },
  // Columns as wide as what they hold (Fluent's tables share the width equally): a date and "Overskredet" never overlap the next column.
  table: { tableLayout: "auto", "& th, & td": { paddingLeft: "4px", paddingRight: "4px" } },
  // Two lines at most: the panel has room for the deadline beside it.
  description: { display: "-webkit-box", WebkitLineClamp: 2, WebkitBoxOrient: "vertical", overflow: "hidden", maxWidth: "24ch", overflowWrap: "anywhere" },
  concerns: { display: "flex", flexDirection: "column", gap: "2px", overflowWrap: "anywhere" },
});

/** A task's deadline, and when it has passed (and the task is not done) the word "Overskredet" beside it: never colour alone. */
export function Deadline({ task }: { task: Pick<Task, "deadline" | "overdue"> }) {
  const s = useStyles();
  const { t, language } = useTexts();
  return (
    <span data-testid="deadline">
      <span className={s.nowrap}>{task.deadline ? formatDay(task.deadline, language) : t("web.task.none")}</span>
      {task.overdue && " "}
      {task.overdue && (
        <span className={s.overdue} data-testid="overdue">
          {t("web.task.overdue")}
        </span>
      )}
    </span>
  );
}

/** What the task concerns: its document (if on one) and its case, each a link. */
export function Concerns({ task }: { task: Pick<Task, "case" | "document"> }) {
  const s = useStyles();
  const { t } = useTexts();
  if (!task.case && !task.document) return <>{t("web.task.none")}</>;
  return (
    <span className={s.concerns}>
      {task.document && (
        <AppLink to={documentLink(task.document.id)}>
          <Inert text={task.document.title} />
        </AppLink>
      )}
      {task.case && (
        <AppLink to={caseLink(task.case.number)}>
          <Inert text={task.case.title} />
        </AppLink>
      )}
    </span>
  );
}

/** "Sag/vedrører" may wrap after its slash in a narrow panel. */
function BreakAfterSlash({ text }: { text: string }) {
  const [first, ...rest] = text.split("/");
  return (
    <>
      {first}
      {rest.map((part, i) => (
        <Fragment key={i}>
          /<wbr />
          {part}
        </Fragment>
      ))}
    </>
  );
}

/** Tasks as the product's dashboard shows them: task (to its page), description, case/concerns, deadline. */
export function TaskTable({ items, label }: { items: Task[]; label: string }) {
  const s = useStyles();
  const { t } = useTexts();
  return (
    <Table size="small" aria-label={label} className={s.table}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>{t("web.column.task")}</TableHeaderCell>
          <TableHeaderCell>{t("web.column.description")}</TableHeaderCell>
          <TableHeaderCell>
            <BreakAfterSlash text={t("web.column.concerns")} />
          </TableHeaderCell>
          <TableHeaderCell>{t("web.column.deadline")}</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((task) => (
          <TableRow key={task.id} data-task-id={task.id} data-overdue={task.overdue ? "true" : undefined}>
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
            <TableCell>
              <Concerns task={task} />
            </TableCell>
            <TableCell>
              <Deadline task={task} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
