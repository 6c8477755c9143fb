import { Button, makeStyles, mergeClasses, Text, tokens } from "@fluentui/react-components";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Link, useParams } from "react-router";
import { type Me, type TaskDetails, type TaskStatus } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { AppLink, caseLink, documentLink } from "../components/AppLink.tsx";
import { Inert } from "../components/Inert.tsx";
import { usePageTitle } from "../components/page-title.ts";
import { RecordPage, retryUnlessRefused } from "../components/RecordPage.tsx";
import { formatDay } from "../document/dates.ts";
import { useSectionStyles } from "../document/styles.ts";
import { formatMoment } from "../format.ts";
import { useTexts, type TextKey } from "../i18n.tsx";
import { useMe } from "../session.ts";
import { EditTask } from "./EditTask.tsx";
import { TASKS, taskKey } from "./queries.ts";
import { TaskComments } from "./TaskComments.tsx";
import { STATUS_TEXT, useAssigneeName } from "./TaskList.tsx";
import { TaskRefused } from "./TaskRefused.tsx";
import { Deadline } from "./TaskTable.tsx";

const useStyles = makeStyles({
  page: { padding: "24px", display: "flex", flexDirection: "column", gap: "16px", minWidth: 0, "@media (max-width: 600px)": { padding: "12px" } },
  header: { display: "flex", flexDirection: "column", gap: "8px", minWidth: 0 },
  kicker: { color: tokens.colorNeutralForeground3, textTransform: "uppercase", fontSize: tokens.fontSizeBase200, letterSpacing: "0.04em" },
  title: { overflowWrap: "anywhere", margin: 0 },
  status: {
    alignSelf: "flex-start",
    padding: "2px 8px",
    borderRadius: tokens.borderRadiusMedium,
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    fontWeight: tokens.fontWeightSemibold,
  },
  actions: { display: "flex", flexWrap: "wrap", gap: "8px" },
  heading: { margin: 0 },
  list: { display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(min(200px, 100%), 1fr))", gap: "12px 24px", margin: 0 },
  item: { display: "flex", flexDirection: "column", gap: "2px", minWidth: 0, overflowWrap: "anywhere" },
  term: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  value: { margin: 0, fontWeight: tokens.fontWeightSemibold },
  wide: { gridColumn: "1 / -1" },
  description: { margin: 0, whiteSpace: "pre-wrap", overflowWrap: "anywhere", fontWeight: tokens.fontWeightRegular },
});

/** OPGAVE (/opgaver/<id>): the task's details, its status changed in one step, editing with If-Match, and its comments. */
export function TaskPage() {
  const s = useStyles();
  const { t } = useTexts();
  const { id = "" } = useParams();
  const me = useMe();
  const task = useQuery({
    queryKey: taskKey(id),
    queryFn: () => client.getTask(id),
    retry: retryUnlessRefused,
  });
  const notFound = (
    <main className={s.page}>
      <Text as="h1" size={600} weight="semibold">
        {t("web.task.notFound.title")}
      </Text>
      <Text data-testid="not-found">{t("web.task.notFound.body")}</Text>
      <Link to="/opgaver">{t("web.task.back")}</Link>
    </main>
  );
  return (
    <RecordPage record={task} me={me} className={s.page} notFound={notFound}>
      {(found, user) => <TaskView task={found} me={user} reload={async () => (await task.refetch()).data} />}
    </RecordPage>
  );
}

type Done = Extract<TextKey, `web.task.done.${string}`>;

const NEXT: Record<TaskStatus, Array<{ to: TaskStatus; label: TextKey; done: Done; testId: string }>> = {
  open: [
    { to: "in_progress", label: "web.task.start", done: "web.task.done.started", testId: "task-start" },
    { to: "done", label: "web.task.complete", done: "web.task.done.completed", testId: "task-done" },
  ],
  in_progress: [{ to: "done", label: "web.task.complete", done: "web.task.done.completed", testId: "task-done" }],
  done: [{ to: "open", label: "web.task.reopen", done: "web.task.done.reopened", testId: "task-reopen" }],
};

function TaskView({ task, me, reload }: { task: TaskDetails; me: Me; reload(): Promise<TaskDetails | undefined> }) {
  const s = useStyles();
  const section = useSectionStyles();
  const { t, language } = useTexts();
  const queries = useQueryClient();
  const assigneeName = useAssigneeName();
  const [done, setDone] = useState<Done | null>(null);

  usePageTitle(task.title);

  const changed = (updated: TaskDetails, said: Done) => {
    queries.setQueryData(taskKey(task.id), updated);
    void queries.invalidateQueries({ queryKey: TASKS });
    setDone(said);
  };
  const status = useMutation({
    mutationFn: async (step: (typeof NEXT)[TaskStatus][number]) =>
      [await client.updateTask(task.id, { status: step.to }, { ifMatch: task.etag }), step.done] as const,
    onMutate: () => setDone(null),
    onSuccess: ([updated, said]) => changed(updated, said),
  });
  const staff = me.role !== "external";

  const items: Array<[TextKey, ReactNode, string]> = [
    [
      "web.task.field.case",
      task.case ? (
        <AppLink to={caseLink(task.case.number)}>
          <Inert text={`${task.case.title} (${task.case.number})`} />
        </AppLink>
      ) : (
        t("web.task.none")
      ),
      "case",
    ],
    ...(task.document
      ? ([
          [
            "web.task.field.document",
            <AppLink to={documentLink(task.document.id)}>
              <Inert text={task.document.title} />
            </AppLink>,
            "document",
          ],
        ] as Array<[TextKey, ReactNode, string]>)
      : []),
    ["web.task.field.assignee", <Inert text={assigneeName(task.assignee)} />, "assignee"],
    ["web.task.field.startDate", task.startDate ? formatDay(task.startDate, language) : t("web.task.none"), "start-date"],
    ["web.task.field.deadline", <Deadline task={task} />, "deadline"],
    ["web.task.field.status", t(STATUS_TEXT[task.status]), "status"],
    [
      "web.task.field.created",
      <Inert text={t("web.task.createdBy", { at: formatMoment(task.createdAt, language), name: task.createdBy.name || t("web.changedBy.formerUser") })} />,
      "created",
    ],
    ["web.task.field.changed", formatMoment(task.changedAt, language), "changed"],
    ...(task.completedAt ? ([["web.task.field.completed", formatMoment(task.completedAt, language), "completed"]] as Array<[TextKey, ReactNode, string]>) : []),
  ];

  return (
    <main className={s.page} data-testid="task-page" data-task-id={task.id}>
      <header className={s.header}>
        <Text className={s.kicker}>{t("web.task.kicker")}</Text>
        <Text as="h1" size={700} weight="semibold" className={s.title} data-testid="task-heading">
          <Inert text={task.title} />
        </Text>
        <Text className={s.status} data-testid="task-page-status">
          {t(STATUS_TEXT[task.status])}
        </Text>
      </header>
      {staff && (
        <div className={s.actions} role="group" aria-label={t("web.task.actions")}>
          {NEXT[task.status].map((step) => (
            <Button
              key={step.to}
              appearance={step.to === "done" ? "primary" : "secondary"}
              disabled={status.isPending}
              onClick={() => status.mutate(step)}
              data-testid={step.testId}
            >
              {t(step.label)}
            </Button>
          ))}
          <EditTask task={task} me={me} disabled={status.isPending} onSaved={(saved) => changed(saved, "web.task.done.saved")} onReload={reload} />
        </div>
      )}
      <div role="status" data-testid="task-done-message">
        {done && <Text>{t(done)}</Text>}
      </div>
      {status.isError && (
        <TaskRefused
          error={status.error}
          onReload={() => {
            status.reset();
            void reload();
          }}
        />
      )}

      <section className={section.section} aria-labelledby="task-details-heading">
        <Text as="h2" size={500} weight="semibold" className={s.heading} id="task-details-heading">
          {t("web.task.details")}
        </Text>
        <dl className={s.list} data-testid="task-details">
          <div className={mergeClasses(s.item, s.wide)} data-field="description">
            <dt className={s.term}>{t("web.task.field.description")}</dt>
            <dd className={mergeClasses(s.value, s.description)}>{task.description ? <Inert text={task.description} /> : t("web.task.noDescription")}</dd>
          </div>
          {items.map(([term, value, key]) => (
            <div key={key} className={s.item} data-field={key}>
              <dt className={s.term}>{t(term)}</dt>
              <dd className={s.value}>{value}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section className={section.section} aria-labelledby="task-comments-heading">
        <Text as="h2" size={500} weight="semibold" className={s.heading} id="task-comments-heading">
          {t("web.task.comments")}
        </Text>
        <TaskComments task={task} onChanged={reload} />
      </section>
    </main>
  );
}
