import { Button, Field, Input, makeStyles, Spinner, Text, tokens, ToggleButton } from "@fluentui/react-components";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { signIn } from "../api.ts";
import { ChangePassword } from "../components/ChangePassword.tsx";
import { Problem } from "../components/Problem.tsx";
import { useTexts } from "../i18n.tsx";
import { safeReturnPath, useMe } from "../session.ts";

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
});

/** E-mail and password; a temporary password is changed right here, before anything else; then back to the page asked for. */
export function SignIn() {
  const s = useStyles();
  const { t, language, setLanguage } = useTexts();
  const [params] = useSearchParams();
  const goTo = safeReturnPath(params.get("next"));
  const navigate = useNavigate();
  const queries = useQueryClient();
  const me = useMe();
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
      </div>
    </main>
  );
}
