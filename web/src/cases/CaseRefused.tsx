import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import { ApiError } from "../../../shared/index.ts";
import { Problem } from "../components/Problem.tsx";
import { visibleControls } from "../components/Inert.tsx";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";

/** Whether a write was refused because the case changed after the page fetched it (412 precondition_failed). */
export const isStaleCase = (err: unknown): err is ApiError => err instanceof ApiError && err.status === 412;

/**
 * A refusal of a change to the case. When someone changed it meanwhile, it says who and when (the refusal
 * names them) and offers to reload; nothing was overwritten. Any other refusal is a Problem.
 */
export function CaseRefused({ error, onReload, inForm = false }: { error: unknown; onReload(): void; inForm?: boolean }) {
  const { t, language } = useTexts();
  if (!isStaleCase(error)) return <Problem error={error} />;
  const problem = (error.problem ?? {}) as { changedByName?: unknown; changedAt?: unknown };
  const at = typeof problem.changedAt === "string" ? formatMoment(problem.changedAt, language) : "";
  const name = typeof problem.changedByName === "string" ? visibleControls(problem.changedByName) : "";
  // formatMoment ends with the time: "08. jan. 2020 14:35".
  const said = name && at ? t("web.case.stale.by", { name, time: at.slice(-5), date: at.slice(0, -6) }) : t("web.case.stale.someone");
  return (
    <div role="alert" data-testid="case-stale">
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{t("web.case.stale.title")}</MessageBarTitle>
          {said} {t("web.case.stale.nothingLost")}
          {inForm && ` ${t("web.case.stale.keptInForm")}`}
        </MessageBarBody>
        <MessageBarActions>
          <Button onClick={onReload} data-testid="case-stale-reload">
            {t("web.case.stale.reload")}
          </Button>
        </MessageBarActions>
      </MessageBar>
    </div>
  );
}
