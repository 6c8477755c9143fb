import { Field, makeStyles, Select, Text, tokens } from "@fluentui/react-components";
import { useSearchParams } from "react-router";
import type { TaskListStatus } from "../../../shared/api/schemas/tasks.ts";
import { client, mustChangePassword } from "../api.ts";
import { ChangePasswordPage } from "../components/ChangePassword.tsx";
import { PagedList, usePagedList } from "../components/Listing.tsx";
import { useTexts, type TextKey } from "../i18n.tsx";
import { TASKS } from "../tasks/queries.ts";
import { TaskList } from "../tasks/TaskList.tsx";

const FILTERS: Array<[TaskListStatus, TextKey]> = [
  ["not_done", "web.tasks.filter.not_done"],
  ["open", "web.tasks.filter.open"],
  ["in_progress", "web.tasks.filter.in_progress"],
  ["done", "web.tasks.filter.done"],
  ["all", "web.tasks.filter.all"],
];

const useStyles = makeStyles({
  page: { padding: "24px", display: "flex", flexDirection: "column", gap: "16px", minWidth: 0, "@media (max-width: 600px)": { padding: "12px" } },
  intro: { color: tokens.colorNeutralForeground3 },
  filter: { maxWidth: "240px" },
});

const statusOf = (value: string | null): TaskListStatus => FILTERS.find(([s]) => s === value)?.[0] ?? "not_done";

/** OPGAVER (/opgaver): the tasks assigned to me or my groups, by deadline, overdue said in words; the status filter is kept in the address. */
export function Tasks() {
  const s = useStyles();
  const { t } = useTexts();
  const [params, setParams] = useSearchParams();
  const status = statusOf(params.get("status"));
  const { list, items } = usePagedList([...TASKS, "mine", status], (cursor, limit) => client.listTasks({ mine: true, status, cursor, limit }));
  if (mustChangePassword(list.error)) return <ChangePasswordPage className={s.page} />;
  return (
    <main className={s.page} data-testid="tasks-page">
      <Text as="h1" size={600} weight="semibold">
        {t("web.tasks.title")}
      </Text>
      <Text className={s.intro}>{t("web.tasks.intro")}</Text>
      <Field label={t("web.tasks.filter")} className={s.filter}>
        <Select value={status} onChange={(_, d) => setParams(d.value === "not_done" ? {} : { status: d.value }, { replace: true })} data-testid="tasks-filter">
          {FILTERS.map(([value, label]) => (
            <option key={value} value={value}>
              {t(label)}
            </option>
          ))}
        </Select>
      </Field>
      <PagedList list={list} count={items.length} empty="web.tasks.none" moreTestId="tasks-more">
        <TaskList items={items} label={t("web.tasks.title")} testId="my-task-list" />
      </PagedList>
    </main>
  );
}
