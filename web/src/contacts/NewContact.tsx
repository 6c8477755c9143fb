import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  makeStyles,
  MessageBar,
  MessageBarBody,
} from "@fluentui/react-components";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Contact } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { Problem } from "../components/Problem.tsx";
import { useDraft } from "../drafts.ts";
import { useTexts } from "../i18n.tsx";
import { checkContactForm, emptyContact, newContactRequest, type ContactFormErrors, type ContactFormValues } from "./contact-form.ts";
import { ContactFormFields } from "./ContactFormFields.tsx";

const useStyles = makeStyles({
  form: { display: "flex", flexDirection: "column", gap: "12px" },
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
  const s = useStyles();
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
    <form onSubmit={submit} noValidate>
      <DialogBody>
        <DialogTitle>{t("web.newContact.title")}</DialogTitle>
        <DialogContent className={s.form}>
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
        </DialogContent>
        <DialogActions>
          <Button type="submit" appearance="primary" disabled={create.isPending} data-testid="new-contact-submit">
            {t("web.newContact.submit")}
          </Button>
          <Button onClick={close} data-testid="new-contact-cancel">
            {t("web.newContact.cancel")}
          </Button>
        </DialogActions>
      </DialogBody>
    </form>
  );
}
