import { Dialog, DialogSurface, Field, makeStyles, MessageBar, MessageBarBody, Select, Spinner, Text } from "@fluentui/react-components";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import type { Me, Message } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { DialogForm } from "../components/FormDialog.tsx";
import { Problem } from "../components/Problem.tsx";
import { useAfterDialog } from "../components/after-dialog.ts";
import { hasDraft, useDraft } from "../drafts.ts";
import { useTexts } from "../i18n.tsx";
import { checkCaseForm, newCaseRequest, newCaseValues, type CaseFormValues } from "./case-form.ts";
import { CaseFormFields } from "./CaseFormFields.tsx";
import { caseUrl, useColleagues, useJournalPlan, useNameOf, useTemplates } from "./reference.ts";

const DRAFT = "case-new";

const useStyles = makeStyles({
  surface: { maxWidth: "min(600px, calc(100vw - 24px))", boxSizing: "border-box" },
});

/** Whether a new case was being written when the session ended: the list opens the form again with it. */
export const hasNewCaseDraft = () => hasDraft(DRAFT);

interface Draft {
  templateId: string;
  values: CaseFormValues;
}

/** NY SAG: a case from a template, its custom fields checked as the task pane checks them, then its page. */
export function NewCase({ me, onClose }: { me: Me; onClose(): void }) {
  const s = useStyles();
  const { t, say } = useTexts();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const after = useAfterDialog();
  const [open, setOpen] = useState(true);
  const templates = useTemplates();
  const plan = useJournalPlan();
  const colleagues = useColleagues(me);
  const nameOf = useNameOf(me, colleagues.data);
  const [draft, setDraft, clearDraft] = useDraft<Draft>(DRAFT, { templateId: "", values: newCaseValues(undefined, me.id) });
  const [errors, setErrors] = useState<Record<string, Message>>({});
  const template = templates.data?.find((x) => x.id === draft.templateId);
  const create = useMutation({
    mutationFn: (request: Parameters<typeof client.createCase>[0]) => client.createCase(request),
    onSuccess: (created) => {
      clearDraft();
      void queries.invalidateQueries({ queryKey: ["cases"] });
      // The dialog closes first; the case's page opens once the app is given back to screen readers.
      after.later(() => void navigate(caseUrl(created)));
      setOpen(false);
    },
  });
  const close = () => {
    clearDraft();
    onClose();
  };
  const chooseTemplate = (templateId: string) => {
    const chosen = templates.data?.find((x) => x.id === templateId);
    // Another template has other fields and its own journal plan code; what was typed as the title stays.
    setDraft((d) => ({ templateId, values: { ...newCaseValues(chosen, d.values.ownerId), title: d.values.title, critical: d.values.critical } }));
    setErrors({});
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const checked = checkCaseForm(template, draft.values, t("web.case.field.title"));
    if (!template) checked.errors.templateId = { key: "error.required", params: { field: t("web.newCase.template") } };
    setErrors(checked.errors);
    if (Object.keys(checked.errors).length || !template) return;
    create.mutate(newCaseRequest(template.id, draft.values, checked.metadata));
  };
  const invalid = Object.keys(errors).length > 0;
  return (
    <Dialog
      open={open}
      modalType="modal"
      onOpenChange={(_e, d) => !d.open && close()}
      surfaceMotion={{ onMotionFinish: (_e, d) => d.direction === "exit" && after.closed() }}
    >
      <DialogSurface className={s.surface} data-testid="new-case-dialog">
        <DialogForm
          title={t("web.newCase.title")}
          onSubmit={submit}
          submit={{ label: t("web.newCase.submit"), pending: create.isPending, testId: "new-case-submit" }}
          cancel={{ label: t("web.newCase.cancel"), onClick: close }}
        >
          <Text>{t("web.newCase.intro")}</Text>
          {invalid && (
            <div role="alert" data-testid="new-case-invalid">
              <MessageBar intent="error">
                <MessageBarBody>{t("web.newCase.fixErrors")}</MessageBarBody>
              </MessageBar>
            </div>
          )}
          {create.isError && <Problem error={create.error} />}
          {templates.isPending || plan.isPending ? (
            <Spinner label={t("web.loading")} />
          ) : templates.isError ? (
            <Problem error={templates.error} onRetry={() => void templates.refetch()} />
          ) : (
            <>
              <Field label={t("web.newCase.template")} required validationMessage={errors.templateId ? say(errors.templateId) : undefined}>
                <Select value={draft.templateId} onChange={(_e, d) => chooseTemplate(d.value)} data-testid="new-template">
                  <option value="">{t("web.newCase.chooseTemplate")}</option>
                  {(templates.data ?? [])
                    .filter((x) => x.active)
                    .map((x) => (
                      <option key={x.id} value={x.id}>
                        {x.name}
                      </option>
                    ))}
                </Select>
              </Field>
              {template && (
                <CaseFormFields
                  form="new"
                  template={template}
                  values={draft.values}
                  errors={errors}
                  colleagues={colleagues.data ?? [{ id: me.id, name: me.name, email: me.email }]}
                  plan={plan.data ?? []}
                  nameOf={nameOf}
                  onChange={(change) => setDraft((d) => ({ ...d, values: { ...d.values, ...change } }))}
                />
              )}
            </>
          )}
        </DialogForm>
      </DialogSurface>
    </Dialog>
  );
}
