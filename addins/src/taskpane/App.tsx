import { Button, makeStyles, MessageBar, MessageBarActions, MessageBarBody, Spinner, Tab, TabList, Text, tokens } from "@fluentui/react-components";
import { useCallback, useEffect, useMemo, useState } from "react";
import { caseLabel, type AccessGroup, type ImsClient, type Message } from "../../../shared/index.ts";
import type { ConnectionSettings, HostAdapter } from "../hosts/adapter.ts";
import { CaseStep } from "./components/CaseStep.tsx";
import { MetadataStep } from "./components/MetadataStep.tsx";
import { PartyProposals } from "./components/PartyProposals.tsx";
import { mailPartiesOf } from "../../../shared/flow/parties.ts";
import { PaneSearch } from "./components/PaneSearch.tsx";
import { ProblemBar } from "./components/ProblemBar.tsx";
import { DoneStep, SavingStep } from "./components/ProgressStep.tsx";
import { SettingsScreen } from "./components/SettingsScreen.tsx";
import { TypeStep } from "./components/TypeStep.tsx";
import { WebViewLink } from "./components/WebViewLink.tsx";
import { clientFor, defaultServiceUrl, isSignedIn, methodOf } from "./connection.ts";
import { useTexts } from "./i18n.tsx";
import type { PaneKey } from "./texts.ts";
import { useSaveFlow } from "./useSaveFlow.ts";

const useStyles = makeStyles({
  pane: { display: "flex", flexDirection: "column", gap: "12px", padding: "12px", maxWidth: "520px" },
  header: { display: "flex", justifyContent: "space-between", alignItems: "center" },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** The pane: settings until it is signed in (with Microsoft, through the web view, or a developer's token), then the search field and the save flow. */
export function App({ adapter }: { adapter: HostAdapter }) {
  const s = useStyles();
  const { t } = useTexts();
  const [settings, setSettings] = useState<ConnectionSettings | null | undefined>(undefined);
  const [editing, setEditing] = useState(false);
  const [notice, setNotice] = useState<PaneKey | undefined>(undefined);
  useEffect(() => {
    adapter.settings.load().then(setSettings, () => setSettings(null));
  }, [adapter]);
  const keep = useCallback(
    async (next: ConnectionSettings) => {
      await adapter.settings.save(next);
      setSettings(next);
      setEditing(false);
    },
    [adapter],
  );
  // The service no longer accepts the credential (signed out in the web view, revoked, expired): forget it and ask to sign in.
  const signedOut = useCallback(() => {
    if (!settings) return;
    void keep({ serviceUrl: settings.serviceUrl, token: "" }).then(() => setNotice("pane.signIn.again"));
  }, [keep, settings]);

  if (settings === undefined) return <Spinner label={t("app.loading")} />;
  const signedIn = isSignedIn(settings);
  // A new sign-in (or a sign-out) starts the screens below afresh.
  const signInKey = settings ? `${settings.serviceUrl}|${methodOf(settings) ?? ""}|${settings.token}` : "";
  if (!signedIn || editing) {
    return (
      <main className={s.pane}>
        <SettingsScreen
          key={signInKey}
          initial={settings ?? { serviceUrl: defaultServiceUrl(), token: "" }}
          host={adapter.host}
          webView={adapter.webView}
          notice={notice}
          onSaved={async (next) => {
            setNotice(undefined);
            await keep(next);
          }}
          onCancel={signedIn && editing ? () => setEditing(false) : undefined}
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
      <SignedIn key={signInKey} adapter={adapter} settings={settings} onSignedOut={signedOut} />
    </main>
  );
}

const isSignedOut = (m: Message | null | undefined) => m?.key === "error.unauthorized";

/** Signed in: the search field above the save flow, both with one client for the settings. */
function SignedIn({ adapter, settings, onSignedOut }: { adapter: HostAdapter; settings: ConnectionSettings; onSignedOut(): void }) {
  const client = useMemo(() => clientFor(settings), [settings]);
  return (
    <>
      <PaneSearch client={client} serviceUrl={settings.serviceUrl} webView={adapter.webView} onSignedOut={onSignedOut} />
      <Flow adapter={adapter} client={client} serviceUrl={settings.serviceUrl} method={settings.method} onSignedOut={onSignedOut} />
    </>
  );
}

function Flow({
  adapter,
  client,
  serviceUrl,
  method,
  onSignedOut,
}: {
  adapter: HostAdapter;
  client: ImsClient;
  serviceUrl: string;
  method: ConnectionSettings["method"];
  onSignedOut(): void;
}) {
  const { t, language, say } = useTexts();
  const flow = useSaveFlow(adapter, client, language);
  const [groups, setGroups] = useState<AccessGroup[]>([]);
  const [dismissedMark, setDismissedMark] = useState(false);
  useEffect(() => {
    client.accessGroups().then(setGroups, () => setGroups([]));
  }, [client]);
  const groupName = useMemo(() => (id: string | null) => groups.find((g) => g.id === id)?.name ?? null, [groups]);
  const notices = useMemo(() => adapter.notices(method), [adapter, method]);
  const { state } = flow;
  const refusedNow = isSignedOut(flow.loadFailure) || isSignedOut(state?.failure);
  useEffect(() => {
    if (refusedNow) onSignedOut();
  }, [refusedNow, onSignedOut]);

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
            {filed && (
              <Text block>
                <WebViewLink serviceUrl={serviceUrl} caseNumber={state.alreadyFiled?.case?.number} documentId={filed.documentId} webView={adapter.webView} />
              </Text>
            )}
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
      {state.step === "done" && state.result && (
        <DoneStep
          state={state}
          onAnother={flow.saveAnother}
          link={
            <WebViewLink
              serviceUrl={serviceUrl}
              caseNumber={state.result.document.case?.number}
              documentId={state.result.document.id}
              webView={adapter.webView}
            />
          }
        />
      )}
      {state.step === "done" && state.result && state.capture.mail && !state.asNewVersion && (
        <PartyProposals
          key={state.result.document.id}
          client={client}
          source={{ documentId: state.result.document.id, caseId: state.result.document.case?.id ?? null, mail: mailPartiesOf(state.capture.mail) }}
        />
      )}
      {state.failure && state.step === "case" && <ProblemBar message={state.failure} testId="failure" />}
    </>
  );
}
