import { Button, makeStyles, MessageBar, MessageBarBody, Text } from "@fluentui/react-components";
import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import type { CaseSummary, CaseTemplate, Colleague, Me, Message } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { hasDraft, useDraft } from "../drafts.ts";
import { useTexts } from "../i18n.tsx";
import { changesFrom, checkCaseForm, formValuesOf, rebase, type CaseFormValues } from "./case-form.ts";
import { CaseFormFields } from "./CaseFormFields.tsx";
import { CaseRefused, isStaleCase } from "./CaseRefused.tsx";
import type { PlanEntry } from "./reference.ts";

const useStyles = makeStyles({
  form: { display: "flex", flexDirection: "column", gap: "12px", maxWidth: "560px" },
  actions: { display: "flex", flexWrap: "wrap", gap: "8px" },
  heading: { margin: 0 },
});

const draftKey = (caseId: string) => `case-edit:${caseId}`;

/** Whether the case was being edited when the session ended: its page opens the form again with the draft. */
export const hasEditDraft = (caseId: string) => hasDraft(draftKey(caseId));

/** The form as it was begun: the case it started from (and its ETag, sent as If-Match), and what the person typed. */
interface EditDraft {
  etag: string;
  base: CaseFormValues;
  values: CaseFormValues;
}

interface EditCaseProps {
  c: CaseSummary;
  template: CaseTemplate | undefined;
  me: Me;
  colleagues: Colleague[];
  plan: PlanEntry[];
  nameOf(id: string): string;
  onSaved(c: CaseSummary): void;
  onCancel(): void;
  /** Fetches the case as it is now (after a refusal: someone changed it meanwhile). */
  reload(): Promise<CaseSummary | undefined>;
}

/**
 * REDIGÉR: title, owner, responsible, journal plan code, critical and the custom fields. Only what the person
 * changed is sent, with If-Match: the case's ETag when they began, so a change made by someone else meanwhile
 * is explained (who, when) and never overwritten.
 */
export function EditCase({ c, template, me, colleagues, plan, nameOf, onSaved, onCancel, reload }: EditCaseProps) {
  const s = useStyles();
  const { t } = useTexts();
  const heading = useRef<HTMLElement>(null);
  const [draft, setDraft, clearDraft] = useDraft<EditDraft>(draftKey(c.id), () => {
    const base = formValuesOf(c, template);
    return { etag: c.etag, base, values: base };
  });
  const [errors, setErrors] = useState<Record<string, Message>>({});
  const [unchanged, setUnchanged] = useState(false);
  const save = useMutation({
    mutationFn: (patch: NonNullable<ReturnType<typeof changesFrom>>) => client.updateCase(c.id, patch, { ifMatch: draft.etag }),
    onSuccess: (saved) => {
      clearDraft();
      onSaved(saved);
    },
  });
  useEffect(() => heading.current?.focus(), []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = checkCaseForm(template, draft.values, t("web.case.field.title"));
    setErrors(checked.errors);
    if (Object.keys(checked.errors).length) return;
    const patch = changesFrom(draft.base, draft.values, checked.metadata);
    setUnchanged(!patch);
    if (patch) save.mutate(patch);
  };
  const reloadCase = async () => {
    const now = await reload();
    if (!now) return;
    setDraft((d) => {
      const fresh = formValuesOf(now, template);
      return { etag: now.etag, base: fresh, values: rebase(d.base, d.values, fresh) };
    });
    save.reset();
  };
  const cancel = () => {
    clearDraft();
    onCancel();
  };
  return (
    <form className={s.form} onSubmit={submit} noValidate data-testid="edit-case">
      <Text as="h3" size={400} weight="semibold" className={s.heading} ref={heading} tabIndex={-1}>
        {t("web.case.editTitle")}
      </Text>
      {save.isError && <CaseRefused error={save.error} onReload={() => void reloadCase()} inForm />}
      {Object.keys(errors).length > 0 && (
        <div role="alert">
          <MessageBar intent="error">
            <MessageBarBody>{t("web.case.fixErrors")}</MessageBarBody>
          </MessageBar>
        </div>
      )}
      {unchanged && <Text role="status">{t("web.case.unchanged")}</Text>}
      <CaseFormFields
        form="edit"
        template={template}
        values={draft.values}
        errors={errors}
        colleagues={colleagues.length ? colleagues : [{ id: me.id, name: me.name, email: me.email }]}
        plan={plan}
        nameOf={nameOf}
        onChange={(change) => setDraft((d) => ({ ...d, values: { ...d.values, ...change } }))}
      />
      <div className={s.actions}>
        <Button type="submit" appearance="primary" disabled={save.isPending || (save.isError && isStaleCase(save.error))} data-testid="edit-case-save">
          {t("web.case.save")}
        </Button>
        <Button onClick={cancel} data-testid="edit-case-cancel">
          {t("web.case.cancel")}
        </Button>
      </div>
    </form>
  );
}
