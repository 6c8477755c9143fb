import { Button, Field, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, ProgressBar, Text } from "@fluentui/react-components";
import type { ReactNode } from "react";
import type { FlowState } from "../../../../shared/index.ts";
import { useTexts } from "../i18n.tsx";

const useStyles = makeStyles({ section: { display: "flex", flexDirection: "column", gap: "10px" } });

export function SavingStep({ state }: { state: FlowState }) {
  const s = useStyles();
  const { t } = useTexts();
  const p = state.progress;
  const percent = p ? Math.floor((p.sent / Math.max(1, p.total)) * 100) : 0;
  return (
    <div className={s.section} aria-live="polite">
      <Field
        label={t("save.saving")}
        validationState="none"
        validationMessage={p?.retrying ? t("save.retrying", { attempt: p.retrying }) : t("save.progress", { percent })}
      >
        <ProgressBar value={percent / 100} data-testid="progress" />
      </Field>
    </div>
  );
}

/** `link`: where the saved document is in the web view. */
export function DoneStep({ state, onAnother, link }: { state: FlowState; onAnother(): void; link?: ReactNode }) {
  const s = useStyles();
  const { t } = useTexts();
  const r = state.result!;
  return (
    <div className={s.section} data-testid="done">
      <MessageBar intent="success">
        <MessageBarBody>
          <MessageBarTitle>{r.caseLabel ? t("save.done", { case: r.caseLabel }) : t("save.done.floating")}</MessageBarTitle>
          <Text block data-testid="saved-document" data-document-id={r.document.id}>
            {t("save.done.document", { title: r.document.title, version: r.document.currentVersion.version })}
          </Text>
          {r.separate.map((d) => (
            <Text block key={d.id}>
              {t("save.done.document", { title: d.title, version: d.currentVersion.version })}
            </Text>
          ))}
          {link && <Text block>{link}</Text>}
        </MessageBarBody>
      </MessageBar>
      <Button appearance="primary" onClick={onAnother} data-testid="save-another">
        {t("save.another")}
      </Button>
    </div>
  );
}
