import {
  Accordion,
  AccordionHeader,
  AccordionItem,
  AccordionPanel,
  Button,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Text,
} from "@fluentui/react-components";
import { useState } from "react";
import { messageFor, type Message } from "../../../../shared/index.ts";
import { HostError, type ConnectionSettings, type HostName, type WebViewPort } from "../../hosts/adapter.ts";
import { clientFor } from "../connection.ts";
import { useTexts } from "../i18n.tsx";
import { signInThroughWebView, signOut } from "../sign-in.ts";
import type { PaneKey } from "../texts.ts";
import { ProblemBar } from "./ProblemBar.tsx";

const useStyles = makeStyles({
  section: { display: "flex", flexDirection: "column", gap: "10px" },
  actions: { display: "flex", flexWrap: "wrap", gap: "8px", alignItems: "center" },
});

const HOST_NAMES: Record<HostName, string> = { outlook: "Outlook", word: "Word", excel: "Excel", powerpoint: "PowerPoint" };
const failureOf = (err: unknown): Message => (err instanceof HostError ? err.userMessage : messageFor(err));

export interface SettingsScreenProps {
  initial: ConnectionSettings;
  host: HostName;
  webView: WebViewPort;
  /** Why the screen shows (signed out by the service). */
  notice?: PaneKey;
  onSaved(settings: ConnectionSettings): Promise<void>;
  /** Back to the save flow without changes, when there is a connection to go back to. */
  onCancel?(): void;
}

/**
 * The service's address and signing in: "Log ind" opens the web view's sign-in in Office's dialog, "Log ud"
 * revokes the pane's credential and forgets it. A developer may paste an API token instead.
 */
export function SettingsScreen({ initial, host, webView, notice, onSaved, onCancel }: SettingsScreenProps) {
  const s = useStyles();
  const { t } = useTexts();
  const [serviceUrl, setServiceUrl] = useState(initial.serviceUrl);
  // A credential from signing in stays out of the developer's field; a pasted token shows there.
  const pasted = initial.token && !initial.deviceId ? initial.token : "";
  const [token, setToken] = useState(pasted);
  const [problem, setProblem] = useState<Message | null>(null);
  const [info, setInfo] = useState<PaneKey | undefined>(notice);
  const [busy, setBusy] = useState<"signIn" | "signOut" | "token" | null>(null);
  const url = serviceUrl.trim().replace(/\/+$/, "");
  const urlValid = /^https?:\/\/[^\s/]+/.test(url);
  const signedIn = Boolean(initial.token && initial.deviceId);

  const attempt = async (what: "signIn" | "signOut" | "token", work: () => Promise<void>) => {
    setBusy(what);
    setProblem(null);
    setInfo(undefined);
    try {
      await work();
    } catch (err) {
      setProblem(failureOf(err));
    } finally {
      setBusy(null);
    }
  };
  const signIn = () =>
    attempt("signIn", async () => {
      const next = await signInThroughWebView(webView, url, host);
      if (!next) return setInfo("pane.signIn.cancelled");
      await onSaved(next);
    });
  const saveToken = () =>
    attempt("token", async () => {
      const next = { serviceUrl: url, token: token.trim() };
      await clientFor(next).me();
      await onSaved(next);
    });

  return (
    <section className={s.section} aria-labelledby="settings-title">
      <Text as="h2" weight="semibold" size={400} id="settings-title">
        {t("settings.title")}
      </Text>
      {info && (
        <MessageBar intent={info === "pane.signIn.again" ? "warning" : "info"} data-testid="settings-notice">
          <MessageBarBody>{t(info)}</MessageBarBody>
        </MessageBar>
      )}
      {problem && <ProblemBar message={problem} testId="settings-problem" />}
      <form
        className={s.section}
        onSubmit={(e) => {
          e.preventDefault();
          if (urlValid && !signedIn && !busy) void signIn();
        }}
      >
        <Field label={t("settings.serviceUrl")} required validationMessage={urlValid ? undefined : t("settings.invalidUrl")}>
          <Input type="url" value={serviceUrl} onChange={(_, d) => setServiceUrl(d.value)} disabled={signedIn} data-testid="service-url" />
        </Field>
        {signedIn ? (
          <Text data-testid="signed-in-as">{t("settings.signedInAs", { name: initial.signedInAs ?? "" })}</Text>
        ) : (
          <Text>{t("pane.signIn.explain", { host: HOST_NAMES[host] })}</Text>
        )}
        <div className={s.actions}>
          {signedIn ? (
            <Button
              appearance="primary"
              disabled={busy !== null}
              onClick={() => void attempt("signOut", async () => onSaved(await signOut(initial)))}
              data-testid="sign-out"
            >
              {t("pane.signOut")}
            </Button>
          ) : (
            <Button type="submit" appearance="primary" disabled={busy !== null || !urlValid} data-testid="sign-in">
              {t("pane.signIn")}
            </Button>
          )}
          {onCancel && (
            <Button onClick={onCancel} disabled={busy !== null} data-testid="settings-back">
              {t("nav.back")}
            </Button>
          )}
        </div>
        {busy === "signIn" && <Spinner size="tiny" label={t("pane.signIn.waiting")} />}
      </form>
      <Accordion collapsible defaultOpenItems={pasted ? ["developer"] : []}>
        <AccordionItem value="developer">
          <AccordionHeader button={{ "data-testid": "developer" } as Record<string, string>}>{t("pane.developer")}</AccordionHeader>
          <AccordionPanel>
            <form
              className={s.section}
              onSubmit={(e) => {
                e.preventDefault();
                if (urlValid && token.trim() && !busy) void saveToken();
              }}
            >
              <Field label={t("settings.token")} required>
                <Input type="password" value={token} onChange={(_, d) => setToken(d.value)} autoComplete="off" data-testid="token" />
              </Field>
              <div>
                <Button type="submit" disabled={busy !== null || !urlValid || !token.trim()} data-testid="save-settings">
                  {t("settings.save")}
                </Button>
              </div>
            </form>
          </AccordionPanel>
        </AccordionItem>
      </Accordion>
    </section>
  );
}
