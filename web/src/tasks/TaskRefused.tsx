import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import { Problem } from "../components/Problem.tsx";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";
import { isStaleTask } from "./queries.ts";

/**
 * A refusal of a change to a task. When someone changed the task meanwhile (412), it says so plainly, that
 * nothing was overwritten, and offers to fetch the task again; any other refusal is a Problem.
 */
export function TaskRefused({ error, onReload, inForm = false }: { error: unknown; onReload(): void; inForm?: boolean }) {
  const { t, language } = useTexts();
  if (!isStaleTask(error)) return <Problem error={error} />;
  const changedAt = (error.problem as { changedAt?: unknown } | null)?.changedAt;
  return (
    <div role="alert" data-testid="task-stale">
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{t("web.task.stale.title")}</MessageBarTitle>
          {typeof changedAt === "string" && `${t("web.task.stale.at", { at: formatMoment(changedAt, language) })} `}
          {t("web.task.stale.body")}
          {inForm && ` ${t("web.task.stale.keptInForm")}`}
        </MessageBarBody>
        <MessageBarActions>
          <Button onClick={onReload} data-testid="task-stale-reload">
            {t("web.task.stale.reload")}
          </Button>
        </MessageBarActions>
      </MessageBar>
    </div>
  );
}
