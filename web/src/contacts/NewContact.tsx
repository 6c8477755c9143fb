import { Dialog, DialogSurface, makeStyles, MessageBar, MessageBarBody } from "@fluentui/react-components";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Contact } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { DialogForm } from "../components/FormDialog.tsx";
import { Problem } from "../components/Problem.tsx";
import { useDraft } from "../drafts.ts";
import { useTexts } from "../i18n.tsx";
import { checkContactForm, emptyContact, newContactRequest, type ContactFormErrors, type ContactFormValues } from "./contact-form.ts";
import { ContactFormFields } from "./ContactFormFields.tsx";

const useStyles = makeStyles({
  surface: { maxWidth: "min(640px, calc(100vw - 24px))", boxSizing: "border-box" },
});

interface NewContactProps {
  /** Names the form's draft: the PARTER page's, or a case's or document's parties section's. */
  draftKey: string;
  open: boolean;
  onClose(): void;
  onCreated(contact: Contact): void;
  /** The dialog has finished closing: a page to go to next is opened only then (see after-dialog.ts). */
  onClosed?(): void;
}

/**
 * NY KONTAKT: a person (with an optional CPR number) or an organisation (with an optional CVR number), their
 * e-mail addresses, phone and postal address. CPR and CVR are checked here with the contract's own rules;
 * what the service still refuses is shown as its problem.
 */
export function NewContactDialog({ draftKey, open, onClose, onCreated, onClosed }: NewContactProps) {
  const s = useStyles();
  return (
    <Dialog
      open={open}
      modalType="modal"
      onOpenChange={(_e, d) => !d.open && onClose()}
      surfaceMotion={{ onMotionFinish: (_e, d) => d.direction === "exit" && onClosed?.() }}
    >
      <DialogSurface className={s.surface} aria-describedby={undefined} data-testid="new-contact-dialog">
        {open && <NewContactForm draftKey={draftKey} onClose={onClose} onCreated={onCreated} />}
      </DialogSurface>
    </Dialog>
  );
}

function NewContactForm({ draftKey, onClose, onCreated }: Omit<NewContactProps, "open" | "onClosed">) {
  const { t } = useTexts();
  const queries = useQueryClient();
  const [kept, keep, clearDraft] = useDraft<ContactFormValues>(draftKey, () => emptyContact());
  // A CPR number typed is never written to the tab's storage with the rest of the draft.
  const [cpr, setCpr] = useState("");
  const values: ContactFormValues = { ...kept, cpr };
  const [errors, setErrors] = useState<ContactFormErrors>({});
  const create = useMutation({
    mutationFn: (v: ContactFormValues) => client.createContact(newContactRequest(v)),
    onSuccess: (created) => {
      clearDraft();
      void queries.invalidateQueries({ queryKey: ["contacts"] });
      onCreated(created);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = checkContactForm(values);
    setErrors(found);
    if (Object.keys(found).length) return;
    create.mutate(values);
  };
  const close = () => {
    clearDraft();
    onClose();
  };
  return (
    <DialogForm
      title={t("web.newContact.title")}
      onSubmit={submit}
      submit={{ label: t("web.newContact.submit"), pending: create.isPending, testId: "new-contact-submit" }}
      cancel={{ label: t("web.newContact.cancel"), onClick: close, testId: "new-contact-cancel" }}
    >
      {Object.keys(errors).length > 0 && (
        <div role="alert" data-testid="new-contact-invalid">
          <MessageBar intent="error">
            <MessageBarBody>{t("web.newContact.fixErrors")}</MessageBarBody>
          </MessageBar>
        </div>
      )}
      {create.isError && <Problem error={create.error} />}
      <ContactFormFields
        form="new"
        values={values}
        errors={errors}
        chooseKind
        onChange={(change) => {
          const { cpr: typedCpr, ...rest } = change;
          if (typedCpr !== undefined) setCpr(typedCpr);
          keep((v) => ({ ...v, ...rest, cpr: "" }));
          if (change.kind) setErrors({});
        }}
      />
    </DialogForm>
  );
}
