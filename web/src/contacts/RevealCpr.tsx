import { Button, Field, makeStyles, Text, Textarea, tokens } from "@fluentui/react-components";
import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent, type Ref } from "react";
import type { Contact } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { visibleControls } from "../components/Inert.tsx";
import { DialogForm, DraftedDialog } from "../components/FormDialog.tsx";
import { Problem } from "../components/Problem.tsx";
import { useDraft } from "../drafts.ts";
import { useTexts } from "../i18n.tsx";

const useStyles = makeStyles({
  cpr: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: "8px" },
  number: { fontFamily: tokens.fontFamilyMonospace, fontWeight: tokens.fontWeightSemibold },
  surface: { maxWidth: "min(560px, calc(100vw - 24px))", boxSizing: "border-box" },
});

/**
 * A person's CPR number as the page shows it: masked (`010190-xxxx`), and in full only after "Vis CPR-nummer",
 * which asks why (the service audits every reveal with its reason). The number is kept in this component alone,
 * never in a draft or a cache, and is gone when the page is left or "Skjul" is pressed.
 */
export function CprField({ c, mayReveal }: { c: Contact; mayReveal: boolean }) {
  const s = useStyles();
  const { t } = useTexts();
  const [revealed, setRevealed] = useState<string | null>(null);
  const hideButton = useRef<HTMLButtonElement>(null);
  const revealButton = useRef<HTMLButtonElement>(null);
  const wasRevealed = useRef(false);
  // Another contact (after a merge) or a changed number: the old number is not shown for it.
  useEffect(() => setRevealed(null), [c.id, c.cprMasked]);
  // Shown, focus goes to "Skjul" next to the number; hidden again, back to "Vis".
  useEffect(() => {
    if (revealed) hideButton.current?.focus();
    else if (wasRevealed.current) revealButton.current?.focus();
    wasRevealed.current = revealed !== null;
  }, [revealed]);
  if (!c.cprMasked) return <>{t("web.contacts.nothing")}</>;
  return (
    <span className={s.cpr}>
      <span className={s.number} data-testid="contact-cpr">
        {revealed ?? c.cprMasked}
      </span>
      {revealed ? (
        <Button ref={hideButton} size="small" onClick={() => setRevealed(null)} data-testid="cpr-hide">
          {t("web.cpr.hide")}
        </Button>
      ) : (
        mayReveal && <RevealCpr c={c} onRevealed={setRevealed} buttonRef={revealButton} />
      )}
    </span>
  );
}

function RevealCpr({ c, onRevealed, buttonRef }: { c: Contact; onRevealed(cpr: string): void; buttonRef: Ref<HTMLButtonElement> }) {
  const s = useStyles();
  const { t } = useTexts();
  const key = `cpr-reason:${c.id}`;
  return (
    <DraftedDialog
      draftKey={key}
      trigger={
        <Button ref={buttonRef} size="small" data-testid="cpr-reveal">
          {t("web.cpr.reveal")}
        </Button>
      }
      surface={{ className: s.surface, "data-testid": "cpr-dialog" }}
    >
      {(close) => (
        <RevealForm
          c={c}
          draftKey={key}
          onRevealed={(cpr) => {
            close();
            onRevealed(cpr);
          }}
          onCancel={close}
        />
      )}
    </DraftedDialog>
  );
}

function RevealForm({ c, draftKey, onRevealed, onCancel }: { c: Contact; draftKey: string; onRevealed(cpr: string): void; onCancel(): void }) {
  const { t } = useTexts();
  const [reason, setReason] = useDraft(draftKey, "");
  const [missing, setMissing] = useState(false);
  const reveal = useMutation({ mutationFn: (why: string) => client.revealCpr(c.id, why), onSuccess: onRevealed });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) return setMissing(true);
    reveal.mutate(reason.trim());
  };
  return (
    <DialogForm
      title={t("web.cpr.title")}
      onSubmit={submit}
      submit={{ label: t("web.cpr.submit"), pending: reveal.isPending, testId: "cpr-reveal-submit" }}
      cancel={{ label: t("web.cpr.cancel"), onClick: onCancel }}
    >
      <Text>{t("web.cpr.intro", { name: visibleControls(c.name) })}</Text>
      {reveal.isError && <Problem error={reveal.error} />}
      <Field label={t("web.cpr.reason")} required validationMessage={missing ? t("web.cpr.reasonMissing") : undefined}>
        <Textarea
          value={reason}
          maxLength={500}
          onChange={(_e, d) => {
            setReason(d.value);
            setMissing(false);
          }}
          data-testid="cpr-reason"
        />
      </Field>
    </DialogForm>
  );
}
