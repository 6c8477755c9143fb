import { Field, Input, makeStyles, Select, Textarea } from "@fluentui/react-components";
import type { AssignableGroup } from "../../../shared/api/schemas/tasks.ts";
import type { Colleague } from "../../../shared/index.ts";
import { useTexts } from "../i18n.tsx";
import type { AssigneeChoice } from "./queries.ts";

/** What the task form holds: as typed, dates as the date inputs give them ("" for none). */
export interface TaskValues {
  title: string;
  description: string;
  assignee: AssigneeChoice;
  startDate: string;
  deadline: string;
}

export const emptyTask: TaskValues = { title: "", description: "", assignee: "", startDate: "", deadline: "" };

/** The form's refusals before anything is sent: a title, and a deadline not before the start. */
export interface TaskProblems {
  titleMissing?: boolean;
  deadlineBeforeStart?: boolean;
}

export function checkTask(v: TaskValues): TaskProblems | null {
  const problems: TaskProblems = {};
  if (!v.title.trim()) problems.titleMissing = true;
  if (v.startDate && v.deadline && v.deadline < v.startDate) problems.deadlineBeforeStart = true;
  return Object.keys(problems).length ? problems : null;
}

const useStyles = makeStyles({
  dates: { display: "flex", flexWrap: "wrap", gap: "12px", "& > *": { flex: "1 1 160px" } },
});

interface Props {
  values: TaskValues;
  problems: TaskProblems;
  people: Colleague[];
  groups: AssignableGroup[];
  /** The assignee the task has now, kept as a choice when the lists no longer name it. */
  current?: { choice: AssigneeChoice; name: string };
  onChange(change: Partial<TaskValues>): void;
}

/** Title, description, assignee (a person or a group), start date and deadline. */
export function TaskFormFields({ values, problems, people, groups, current, onChange }: Props) {
  const s = useStyles();
  const { t } = useTexts();
  const listed = new Set([...people.map((p) => `user:${p.id}`), ...groups.map((g) => `group:${g.id}`)]);
  return (
    <>
      <Field label={t("web.task.form.title")} required validationMessage={problems.titleMissing ? t("web.task.form.titleMissing") : undefined}>
        <Input value={values.title} onChange={(_, d) => onChange({ title: d.value })} maxLength={500} data-testid="task-title" />
      </Field>
      <Field label={t("web.task.form.description")}>
        <Textarea
          value={values.description}
          onChange={(_, d) => onChange({ description: d.value })}
          maxLength={10000}
          resize="vertical"
          data-testid="task-description"
        />
      </Field>
      <Field label={t("web.task.form.assignee")}>
        <Select value={values.assignee} onChange={(_, d) => onChange({ assignee: d.value })} data-testid="task-assignee">
          <option value="">{t("web.task.form.assignee.none")}</option>
          {current && current.choice && !listed.has(current.choice) && <option value={current.choice}>{current.name}</option>}
          {people.length > 0 && (
            <optgroup label={t("web.task.form.assignee.people")}>
              {people.map((p) => (
                <option key={p.id} value={`user:${p.id}`}>
                  {p.name}
                </option>
              ))}
            </optgroup>
          )}
          {groups.length > 0 && (
            <optgroup label={t("web.task.form.assignee.groups")}>
              {groups.map((g) => (
                <option key={g.id} value={`group:${g.id}`}>
                  {t("web.task.group", { name: g.name })}
                </option>
              ))}
            </optgroup>
          )}
        </Select>
      </Field>
      <div className={s.dates}>
        <Field label={t("web.task.form.startDate")}>
          <Input type="date" value={values.startDate} onChange={(_, d) => onChange({ startDate: d.value })} data-testid="task-start" />
        </Field>
        <Field label={t("web.task.form.deadline")} validationMessage={problems.deadlineBeforeStart ? t("web.task.form.deadlineBeforeStart") : undefined}>
          <Input type="date" value={values.deadline} onChange={(_, d) => onChange({ deadline: d.value })} data-testid="task-deadline" />
        </Field>
      </div>
    </>
  );
}
