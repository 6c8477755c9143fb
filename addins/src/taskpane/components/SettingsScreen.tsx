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
  MessageBarActions,
  MessageBarBody,
  Spinner,
  Text,
} from "@fluentui/react-components";
import { useCallback, useEffect, useState } from "react";
import { messageFor, type Message } from "../../../../shared/index.ts";
import { HostError, type ConnectionSettings, type HostName, type WebViewPort } from "../../hosts/adapter.ts";
import { clientFor, methodOf, microsoftSignInFor } from "../connection.ts";
import { useTexts } from "../i18n.tsx";
import { signInThroughWebView, signOut } from "../sign-in.ts";
import { ssoProblemOf, type MicrosoftSignIn, type SsoProblem } from "../sso.ts";
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
 * The service's address and signing in: "Log ind med Microsoft" where the service and Office offer it (sso.ts),
 * "Log ind" opens the web view's sign-in in Office's dialog, "Log ud" forgets the sign-in (and revokes the web
 * view's credential). A developer may paste an API token instead.
 */
export function SettingsScreen({ initial, host, webView, notice, onSaved, onCancel }: SettingsScreenProps) {
  const s = useStyles();
  const { t } = useTexts();
  const [serviceUrl, setServiceUrl] = useState(initial.serviceUrl);
  // A credential from signing in stays out of the developer's field; a pasted token shows there.
  const pasted = methodOf(initial) === "token" ? initial.token : "";
  const [token, setToken] = useState(pasted);
  const [problem, setProblem] = useState<Message | null>(null);
  const [ssoProblem, setSsoProblem] = useState<SsoProblem | null>(null);
  const [info, setInfo] = useState<PaneKey | undefined>(notice);
  const [busy, setBusy] = useState<"signIn" | "microsoft" | "signOut" | "token" | null>(null);
  const [microsoft, setMicrosoft] = useState<MicrosoftSignIn | null>(null);
  const url = serviceUrl.trim().replace(/\/+$/, "");
  const urlValid = /^https?:\/\/[^\s/]+/.test(url);
  const method = methodOf(initial);
  const signedIn = method === "device" || method === "microsoft";

  // Whether the service offers Microsoft sign-in, asked for the address shown (again when it is edited); msal loads only if it does.
  const [askedUrl, setAskedUrl] = useState(urlValid ? url : "");
  const askProviders = useCallback(() => urlValid && setAskedUrl(url), [url, urlValid]);
  useEffect(() => {
    if (!askedUrl) return;
    let current = true;
    setMicrosoft(null);
    microsoftSignInFor(askedUrl).then(
      (found) => current && setMicrosoft(found && found.way ? found : null),
      () => current && setMicrosoft(null),
    );
    return () => {
      current = false;
    };
  }, [askedUrl]);

  const attempt = async (what: "signIn" | "microsoft" | "signOut" | "token", work: () => Promise<void>) => {
    setBusy(what);
    setProblem(null);
    setSsoProblem(null);
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
  // Office's prompt only from here, the person's click; then the service must know whom the token names.
  const signInWithMicrosoft = (signIn: MicrosoftSignIn) =>
    attempt("microsoft", async () => {
      try {
        await signIn.interactive();
        const next: ConnectionSettings = { serviceUrl: url, token: "", method: "microsoft" };
        const me = await clientFor(next).me();
        await onSaved({ ...next, signedInAs: me.name });
      } catch (err) {
        const refusal = ssoProblemOf(err);
        if (!refusal) throw err;
        setSsoProblem(refusal);
      }
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
      {ssoProblem && (
        <MessageBar intent="error" layout="multiline" data-testid="sso-problem">
          <MessageBarBody>
            <Text block data-testid="problem-text">
              {t(ssoProblem.key, { host: HOST_NAMES[host] })}
            </Text>
            {ssoProblem.detail && (
              <Text block size={200} data-testid="problem-detail">
                {t("error.detail", { detail: ssoProblem.detail })}
              </Text>
            )}
          </MessageBarBody>
          <MessageBarActions>
            <Button onClick={() => void signIn()} disabled={busy !== null || !urlValid} data-testid="sso-fallback">
              {t("pane.sso.fallback")}
            </Button>
          </MessageBarActions>
        </MessageBar>
      )}
      <form
        className={s.section}
        onSubmit={(e) => {
          e.preventDefault();
          if (urlValid && !signedIn && !busy) void signIn();
        }}
      >
        <Field label={t("settings.serviceUrl")} required validationMessage={urlValid ? undefined : t("settings.invalidUrl")}>
          <Input
            type="url"
            value={serviceUrl}
            onChange={(_, d) => setServiceUrl(d.value)}
            onBlur={askProviders}
            disabled={signedIn}
            data-testid="service-url"
          />
        </Field>
        {signedIn ? (
          <Text data-testid="signed-in-as">
            {t(method === "microsoft" ? "pane.signIn.microsoft.as" : "settings.signedInAs", { name: initial.signedInAs ?? "" })}
          </Text>
        ) : (
          <Text>{t(microsoft ? "pane.signIn.microsoft.explain" : "pane.signIn.explain", { host: HOST_NAMES[host] })}</Text>
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
            <>
              {microsoft && (
                <Button
                  appearance="primary"
                  disabled={busy !== null || !urlValid}
                  onClick={() => void signInWithMicrosoft(microsoft)}
                  data-testid="sign-in-microsoft"
                >
                  {t("pane.signIn.microsoft")}
                </Button>
              )}
              <Button type="submit" appearance={microsoft ? "secondary" : "primary"} disabled={busy !== null || !urlValid} data-testid="sign-in">
                {t(microsoft ? "pane.sso.fallback" : "pane.signIn")}
              </Button>
            </>
          )}
          {onCancel && (
            <Button onClick={onCancel} disabled={busy !== null} data-testid="settings-back">
              {t("nav.back")}
            </Button>
          )}
        </div>
        {busy === "signIn" && <Spinner size="tiny" label={t("pane.signIn.waiting")} />}
        {busy === "microsoft" && <Spinner size="tiny" label={t("pane.signIn.microsoft.waiting")} />}
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
