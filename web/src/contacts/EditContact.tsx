import { Button, makeStyles, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle, Text } from "@fluentui/react-components";
import { useMutation } from "@tanstack/react-query";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { ApiError, type Contact, type ContactPatch } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { Problem } from "../components/Problem.tsx";
import { hasDraft, useDraft } from "../drafts.ts";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";
import { changesFrom, checkContactForm, formValuesOf, rebase, type ContactFormErrors, type ContactFormValues } from "./contact-form.ts";
import { ContactFormFields } from "./ContactFormFields.tsx";

const useStyles = makeStyles({
  form: { display: "flex", flexDirection: "column", gap: "12px", maxWidth: "640px", minWidth: 0 },
  actions: { display: "flex", flexWrap: "wrap", gap: "8px" },
  heading: { margin: 0 },
});

const draftKey = (id: string) => `contact-edit:${id}`;

/** Whether the contact was being edited when the session ended: its page opens the form again with the draft. */
export const hasContactEditDraft = (id: string) => hasDraft(draftKey(id));

/** Whether a change was refused because the contact changed after the form began (412). */
export const isStaleContact = (err: unknown): err is ApiError => err instanceof ApiError && err.status === 412;

interface EditDraft {
  etag: string;
  base: ContactFormValues;
  values: ContactFormValues;
}

interface EditContactProps {
  c: Contact;
  onSaved(c: Contact): void;
  onCancel(): void;
  /** The contact as it is now (after a refusal: someone changed it meanwhile). */
  reload(): Promise<Contact | undefined>;
}

/**
 * REDIGÉR KONTAKT: only what the person changed is sent, with If-Match naming the contact as the form found it.
 * A colleague's change made meanwhile is explained and never overwritten; after reloading, what was typed stays.
 */
export function EditContact({ c, onSaved, onCancel, reload }: EditContactProps) {
  const s = useStyles();
  const { t } = useTexts();
  const heading = useRef<HTMLElement>(null);
  const [draft, setDraft, clearDraft] = useDraft<EditDraft>(draftKey(c.id), () => {
    const base = formValuesOf(c);
    return { etag: c.etag, base, values: base };
  });
  // A CPR number typed is never written to the tab's storage with the rest of the draft.
  const [cpr, setCpr] = useState("");
  const values: ContactFormValues = { ...draft.values, cpr };
  const [errors, setErrors] = useState<ContactFormErrors>({});
  const [unchanged, setUnchanged] = useState(false);
  const save = useMutation({
    mutationFn: (patch: ContactPatch) => client.updateContact(c.id, patch, { ifMatch: draft.etag }),
    onSuccess: (saved) => {
      clearDraft();
      onSaved(saved);
    },
  });
  useEffect(() => heading.current?.focus(), []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = checkContactForm(values);
    setErrors(found);
    if (Object.keys(found).length) return;
    const patch = changesFrom(draft.base, values);
    setUnchanged(!patch);
    if (patch) save.mutate(patch);
  };
  const reloadContact = async () => {
    const now = await reload();
    if (!now) return;
    setDraft((d) => {
      const fresh = formValuesOf(now);
      return { etag: now.etag, base: fresh, values: rebase(d.base, d.values, fresh) };
    });
    save.reset();
  };
  const cancel = () => {
    clearDraft();
    onCancel();
  };
  const stale = save.isError && isStaleContact(save.error);
  return (
    <form className={s.form} onSubmit={submit} noValidate data-testid="edit-contact">
      <Text as="h3" size={400} weight="semibold" className={s.heading} ref={heading} tabIndex={-1}>
        {t("web.contact.editTitle")}
      </Text>
      {save.isError && (stale ? <ContactStale error={save.error as ApiError} onReload={() => void reloadContact()} /> : <Problem error={save.error} />)}
      {Object.keys(errors).length > 0 && (
        <div role="alert" data-testid="edit-contact-invalid">
          <MessageBar intent="error">
            <MessageBarBody>{t("web.contact.fixErrors")}</MessageBarBody>
          </MessageBar>
        </div>
      )}
      {unchanged && <Text role="status">{t("web.contact.unchanged")}</Text>}
      <ContactFormFields
        form="edit"
        values={values}
        errors={errors}
        chooseKind={false}
        cprMasked={c.cprMasked}
        onChange={({ cpr: typedCpr, ...change }) => {
          if (typedCpr !== undefined) setCpr(typedCpr);
          setDraft((d) => ({ ...d, values: { ...d.values, ...change } }));
        }}
      />
      <div className={s.actions}>
        <Button type="submit" appearance="primary" disabled={save.isPending || stale} data-testid="edit-contact-save">
          {t("web.contact.save")}
        </Button>
        <Button onClick={cancel} data-testid="edit-contact-cancel">
          {t("web.contact.cancel")}
        </Button>
      </div>
    </form>
  );
}

/** Someone changed the contact after the form began: nothing was saved, and reloading keeps what was typed. */
function ContactStale({ error, onReload }: { error: ApiError; onReload(): void }) {
  const { t, language } = useTexts();
  const changedAt = (error.problem as { changedAt?: unknown } | null)?.changedAt;
  return (
    <div role="alert" data-testid="contact-stale">
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{t("web.contact.stale.title")}</MessageBarTitle>
          {typeof changedAt === "string" ? t("web.contact.stale.at", { at: formatMoment(changedAt, language) }) : t("web.contact.stale.someone")}{" "}
          {t("web.contact.stale.nothingSaved")}
        </MessageBarBody>
        <MessageBarActions>
          <Button onClick={onReload} data-testid="contact-stale-reload">
            {t("web.contact.stale.reload")}
          </Button>
        </MessageBarActions>
      </MessageBar>
    </div>
  );
}
