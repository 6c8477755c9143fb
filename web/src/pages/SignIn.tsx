import { Button, Field, Input, Link, makeStyles, MessageBar, MessageBarBody, Spinner, Text, tokens, ToggleButton } from "@fluentui/react-components";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { client, signIn } from "../api.ts";
import { ChangePassword } from "../components/ChangePassword.tsx";
import { Problem } from "../components/Problem.tsx";
import { loadPageTexts, useTexts } from "../i18n.tsx";
import { safeReturnPath, takeProviderSignOut, useMe } from "../session.ts";

const useStyles = makeStyles({
  page: { minHeight: "100vh", display: "flex", alignItems: "center", justifyContent: "center", backgroundColor: tokens.colorNeutralBackground2 },
  card: {
    display: "flex",
    flexDirection: "column",
    gap: "16px",
    width: "360px",
    padding: "32px",
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusLarge,
    boxShadow: tokens.shadow8,
  },
  form: { display: "flex", flexDirection: "column", gap: "12px" },
  languages: { display: "flex", gap: "8px", justifyContent: "flex-end" },
  providers: { display: "flex", flexDirection: "column", gap: "8px" },
  // "eller" between the providers and the password form (Fluent's Divider would weigh 2 KB more on the first load).
  or: { color: tokens.colorNeutralForeground3 },
});

const SSO_FAILURES = [
  "cancelled",
  "provider_error",
  "state_invalid",
  "unavailable",
  "exchange_failed",
  "token_refused",
  "not_configured",
  "session_required",
  "tenant_not_allowed",
  "unknown_identity",
  "user_inactive",
  "identity_known",
  "refused",
] as const;
type SsoProvider = "microsoft" | "google";

/** What the service's single sign-on answered (/log-ind?sso=…&provider=…, /sessioner?sso=…), in words; null when nothing failed. */
export function useSsoFailure(params: URLSearchParams): string | null {
  const { t } = useTexts();
  const code = params.get("sso");
  // Its words come with the other pages' texts: the first load of the sign-in page does not carry them.
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (code) void loadPageTexts().then(() => setReady(true));
  }, [code]);
  if (!code || !ready) return null;
  const provider = t(params.get("provider") === "google" ? "web.sso.provider.google" : "web.sso.provider.microsoft");
  const known = (SSO_FAILURES as readonly string[]).includes(code) ? (code as (typeof SSO_FAILURES)[number]) : "refused";
  return t(`web.sso.failure.${known}`, { provider });
}

/** Where a "Log ind med …" link starts: the service sends the browser on to the provider and back to `returnTo`. */
export const ssoStart = (provider: SsoProvider, params: Record<string, string>) => `/api/auth/sso/${provider}/start?${new URLSearchParams(params).toString()}`;

/** E-mail and password; a temporary password is changed right here, before anything else; then back to the page asked for. */
export function SignIn() {
  const s = useStyles();
  const { t, language, setLanguage } = useTexts();
  const [params] = useSearchParams();
  const goTo = safeReturnPath(params.get("next"));
  const navigate = useNavigate();
  const queries = useQueryClient();
  const me = useMe();
  // Just signed out of a session opened with Microsoft: offer Microsoft's sign-out too.
  const [signedOut] = useState(takeProviderSignOut);
  const failure = useSsoFailure(params);
  const providers = useQuery({ queryKey: ["sso-providers"], queryFn: () => client.ssoProviders(), staleTime: Infinity, retry: false });
  const microsoft = providers.data?.microsoft?.webSignIn === true;
  const google = providers.data?.google === true;
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [temporary, setTemporary] = useState(false);
  const enter = () => {
    queries.removeQueries();
    navigate(goTo, { replace: true });
  };
  const attempt = useMutation({
    mutationFn: () => signIn(email, password),
    onSuccess: (signedIn) => (signedIn.mustChangePassword ? setTemporary(true) : enter()),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    attempt.mutate();
  };

  if (me.isPending) return <Spinner label={t("web.loading")} />;
  if (me.data && !temporary && !attempt.isSuccess) return <Navigate to={goTo} replace />;
  return (
    <main className={s.page}>
      <div className={s.card}>
        <div className={s.languages} role="group" aria-label={t("web.language")}>
          {(["da", "en"] as const).map((l) => (
            <ToggleButton
              key={l}
              size="small"
              appearance="subtle"
              lang={l}
              checked={language === l}
              onClick={() => setLanguage(l)}
              data-testid={`language-${l}`}
            >
              {t(`web.language.${l}`)}
            </ToggleButton>
          ))}
        </div>
        <Text as="h1" size={600} weight="semibold">
          {t("web.signIn.title")}
        </Text>
        {signedOut && (
          <MessageBar intent="info" data-testid="provider-sign-out">
            <MessageBarBody>
              {t("web.signedOut.done")}{" "}
              <Link href={signedOut.url} data-testid="provider-sign-out-link">
                {t("web.signedOut.microsoft")}
              </Link>
            </MessageBarBody>
          </MessageBar>
        )}
        {failure && !temporary && (
          <div role="alert">
            <MessageBar intent="error" data-testid="sso-failure">
              <MessageBarBody>{failure}</MessageBarBody>
            </MessageBar>
          </div>
        )}
        {temporary ? (
          <ChangePassword currentPassword={password} onChanged={enter} />
        ) : (
          <form className={s.form} onSubmit={submit} data-testid="sign-in">
            {attempt.isError && <Problem error={attempt.error} />}
            <Field label={t("web.signIn.email")} required>
              <Input type="email" name="email" autoComplete="username" value={email} onChange={(_e, d) => setEmail(d.value)} data-testid="email" />
            </Field>
            <Field label={t("web.signIn.password")} required>
              <Input
                type="password"
                name="password"
                autoComplete="current-password"
                value={password}
                onChange={(_e, d) => setPassword(d.value)}
                data-testid="password"
              />
            </Field>
            <Button appearance="primary" type="submit" disabled={attempt.isPending} data-testid="sign-in-submit">
              {t("web.signIn.submit")}
            </Button>
          </form>
        )}
        {!temporary && (microsoft || google) && (
          <div className={s.providers}>
            <Text align="center" className={s.or}>
              {t("web.signIn.or")}
            </Text>
            {/* Plain links: the service takes the browser to the provider, and back with a session cookie. */}
            {microsoft && (
              <Button as="a" href={ssoStart("microsoft", { returnTo: goTo })} data-testid="sign-in-microsoft">
                {t("web.signIn.microsoft")}
              </Button>
            )}
            {google && (
              <Button as="a" href={ssoStart("google", { returnTo: goTo })} data-testid="sign-in-google">
                {t("web.signIn.google")}
              </Button>
            )}
          </div>
        )}
      </div>
    </main>
  );
}
