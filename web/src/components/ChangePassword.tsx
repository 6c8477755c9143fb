import { Button, Field, Input, makeStyles, Text } from "@fluentui/react-components";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { changePassword } from "../api.ts";
import { useTexts } from "../i18n.tsx";
import { Problem } from "./Problem.tsx";

const useStyles = makeStyles({ form: { display: "flex", flexDirection: "column", gap: "12px", maxWidth: "360px" } });

/** The first thing after signing in with a temporary password: the service answers nothing else until it is changed. */
export function ChangePassword({ currentPassword = "", onChanged }: { currentPassword?: string; onChanged: () => void }) {
  const s = useStyles();
  const { t } = useTexts();
  const [current, setCurrent] = useState(currentPassword);
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation({ mutationFn: () => changePassword(current, next), onSuccess: onChanged });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMismatch(next !== repeat);
    if (next === repeat) change.mutate();
  };
  return (
    <form className={s.form} onSubmit={submit} data-testid="change-password">
      <Text as="h2" size={500} weight="semibold">
        {t("web.password.title")}
      </Text>
      <Text>{t("web.password.intro")}</Text>
      {change.isError && <Problem error={change.error} />}
      <Field label={t("web.password.current")} required>
        <Input type="password" autoComplete="current-password" value={current} onChange={(_e, d) => setCurrent(d.value)} />
      </Field>
      <Field label={t("web.password.new")} required>
        <Input type="password" autoComplete="new-password" value={next} onChange={(_e, d) => setNext(d.value)} />
      </Field>
      <Field label={t("web.password.repeat")} required validationMessage={mismatch ? t("web.password.mismatch") : undefined}>
        <Input type="password" autoComplete="new-password" value={repeat} onChange={(_e, d) => setRepeat(d.value)} />
      </Field>
      <Button appearance="primary" type="submit" disabled={change.isPending}>
        {t("web.password.submit")}
      </Button>
    </form>
  );
}

/** A page the service will not answer until the password is changed: the form in its place, then the page asks again. */
export function ChangePasswordPage({ className }: { className: string }) {
  const queries = useQueryClient();
  return (
    <main className={className}>
      <ChangePassword onChanged={() => void queries.invalidateQueries()} />
    </main>
  );
}
