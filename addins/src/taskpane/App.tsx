import { Button, makeStyles, MessageBar, MessageBarActions, MessageBarBody, Spinner, Tab, TabList, Text, tokens } from "@fluentui/react-components";
import { useEffect, useMemo, useState } from "react";
import { caseLabel, type AccessGroup, type ImsClient } from "../../../shared/index.ts";
import type { ConnectionSettings, HostAdapter } from "../hosts/adapter.ts";
import { CaseStep } from "./components/CaseStep.tsx";
import { MetadataStep } from "./components/MetadataStep.tsx";
import { ProblemBar } from "./components/ProblemBar.tsx";
import { DoneStep, SavingStep } from "./components/ProgressStep.tsx";
import { SettingsScreen } from "./components/SettingsScreen.tsx";
import { TypeStep } from "./components/TypeStep.tsx";
import { clientFor, defaultServiceUrl } from "./connection.ts";
import { useTexts } from "./i18n.tsx";
import { useSaveFlow } from "./useSaveFlow.ts";

const useStyles = makeStyles({
  pane: { display: "flex", flexDirection: "column", gap: "12px", padding: "12px", maxWidth: "520px" },
  header: { display: "flex", justifyContent: "space-between", alignItems: "center" },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** The pane: settings until a working connection exists, then the save flow. */
export function App({ adapter }: { adapter: HostAdapter }) {
  const s = useStyles();
  const { t } = useTexts();
  const [settings, setSettings] = useState<ConnectionSettings | null | undefined>(undefined);
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    adapter.settings.load().then(setSettings, () => setSettings(null));
  }, [adapter]);

  if (settings === undefined) return <Spinner label={t("app.loading")} />;
  if (!settings || editing) {
    return (
      <main className={s.pane}>
        <SettingsScreen
          initial={settings ?? { serviceUrl: defaultServiceUrl(), token: "" }}
          onSaved={async (next) => {
            await adapter.settings.save(next);
            setSettings(next);
            setEditing(false);
          }}
        />
      </main>
    );
  }
  return (
    <main className={s.pane}>
      <header className={s.header}>
        <Text as="h1" weight="semibold" size={500}>
          {t("app.title")}
        </Text>
        <Button appearance="subtle" onClick={() => setEditing(true)} data-testid="open-settings">
          {t("settings.title")}
        </Button>
      </header>
      <Flow key={`${settings.serviceUrl}|${settings.token}`} adapter={adapter} client={clientFor(settings)} />
    </main>
  );
}

function Flow({ adapter, client }: { adapter: HostAdapter; client: ImsClient }) {
  const { t, language, say } = useTexts();
  const flow = useSaveFlow(adapter, client, language);
  const [groups, setGroups] = useState<AccessGroup[]>([]);
  const [dismissedMark, setDismissedMark] = useState(false);
  useEffect(() => {
    client.accessGroups().then(setGroups, () => setGroups([]));
  }, [client]);
  const groupName = useMemo(() => (id: string | null) => groups.find((g) => g.id === id)?.name ?? null, [groups]);
  const notices = useMemo(() => adapter.notices(), [adapter]);
  const { state } = flow;

  if (flow.loadFailure) {
    return (
      <ProblemBar message={flow.loadFailure} testId="load-failure">
        <Button onClick={() => void flow.reload()}>{t("error.retry")}</Button>
      </ProblemBar>
    );
  }
  if (!state) return <Spinner label={t("app.loading")} />;

  const filed = state.alreadyFiled ?? (flow.mark && state.step !== "done" ? { documentId: flow.mark.documentId, case: null } : null);
  const filedLabel = state.alreadyFiled?.case ? caseLabel(state.alreadyFiled.case) : flow.mark?.caseLabel;
  const holdAtFiled = Boolean(filed) && !dismissedMark && state.step === "case";
  return (
    <>
      {notices.map((n) => (
        <MessageBar key={n.key} intent="warning">
          <MessageBarBody>{say(n)}</MessageBarBody>
        </MessageBar>
      ))}
      {holdAtFiled && !state.asNewVersion && (
        <MessageBar intent="info" data-testid="already-saved">
          <MessageBarBody>
            {filedLabel ? t("already.saved", { case: filedLabel }) : t(state.capture.kind === "mail" ? "filed.outlook" : "already.saved.floating")}
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => setDismissedMark(true)}>{t("filed.saveAnyway")}</Button>
          </MessageBarActions>
        </MessageBar>
      )}
      {state.capture.existingDocumentId && state.step === "case" && (
        <MessageBar intent="info" data-testid="from-ims">
          <MessageBarBody>{t("filed.document")}</MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => flow.chooseNewVersion(true)} data-testid="as-new-version">
              {t("save.newVersion")}
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}
      {state.step !== "saving" && state.step !== "done" && !state.asNewVersion && !holdAtFiled && (
        <TabList selectedValue={state.step} onTabSelect={(_, d) => flow.goTo(d.value as "case" | "type" | "metadata")} size="small">
          <Tab value="case">{t("step.case")}</Tab>
          <Tab value="type" disabled={!state.target}>
            {t("step.type")}
          </Tab>
          <Tab value="metadata" disabled={!state.target || !state.documentTypeId}>
            {t("step.metadata")}
          </Tab>
        </TabList>
      )}
      {state.step === "case" && !holdAtFiled && <CaseStep state={state} flow={flow} />}
      {state.step === "type" && <TypeStep state={state} flow={flow} accessGroupName={groupName} />}
      {state.step === "metadata" && <MetadataStep state={state} flow={flow} />}
      {state.step === "saving" && <SavingStep state={state} />}
      {state.step === "done" && flow.markFailure && (
        <MessageBar intent="warning" data-testid="mark-failed">
          <MessageBarBody>{t("filed.markFailed", { detail: say(flow.markFailure) })}</MessageBarBody>
        </MessageBar>
      )}
      {state.step === "done" && <DoneStep state={state} onAnother={flow.saveAnother} />}
      {state.failure && state.step === "case" && <ProblemBar message={state.failure} testId="failure" />}
    </>
  );
}
