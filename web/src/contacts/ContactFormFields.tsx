import { Button, Checkbox, Field, Input, makeStyles, Radio, RadioGroup, Textarea, tokens } from "@fluentui/react-components";
import { useRef } from "react";
import { useTexts } from "../i18n.tsx";
import type { ContactFormErrors, ContactFormValues } from "./contact-form.ts";

const useStyles = makeStyles({
  group: { display: "flex", flexDirection: "column", gap: "8px", minWidth: 0, border: "none", margin: 0, padding: 0 },
  legend: { fontWeight: tokens.fontWeightSemibold, padding: 0, marginBottom: "4px" },
  // Inputs fit the form's columns (Fluent's own minimum width would push them past a phone's edge).
  input: { width: "100%", minWidth: 0, boxSizing: "border-box" },
  address: { display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(min(180px, 100%), 1fr))", gap: "8px 12px" },
  add: { alignSelf: "flex-start" },
});

interface ContactFormFieldsProps {
  /** For ids and test ids: the form these fields are in ("new", "edit", …). */
  form: string;
  values: ContactFormValues;
  errors: ContactFormErrors;
  /** Creating: the person chooses person or organisation; a contact keeps its kind. */
  chooseKind: boolean;
  /** Editing a person who has a CPR number: it as lists show it (`010190-xxxx`). */
  cprMasked?: string | null;
  onChange(change: Partial<ContactFormValues>): void;
}

/** The fields creating and editing a contact share: kind, name, e-mail addresses, phone, postal address, CVR or CPR, note. */
export function ContactFormFields({ form, values, errors, chooseKind, cprMasked, onChange }: ContactFormFieldsProps) {
  const s = useStyles();
  const { t } = useTexts();
  const error = (name: string) => (errors[name] ? t(errors[name]) : undefined);
  const emailList = useRef<HTMLFieldSetElement>(null);
  const person = values.kind === "person";
  const setEmail = (i: number, value: string) => onChange({ emails: values.emails.map((e, j) => (j === i ? value : e)) });
  const addEmail = () => {
    onChange({ emails: [...values.emails, ""] });
    // The new input gets focus once it is there.
    requestAnimationFrame(() => emailList.current?.querySelectorAll("input")[values.emails.length]?.focus());
  };
  const removeEmail = (i: number) => {
    const rest = values.emails.filter((_, j) => j !== i);
    onChange({ emails: rest.length ? rest : [""] });
    requestAnimationFrame(() => emailList.current?.querySelectorAll("input")[Math.max(0, i - 1)]?.focus());
  };
  return (
    <>
      {chooseKind && (
        <Field label={t("web.contactForm.kind")}>
          <RadioGroup
            layout="horizontal"
            value={values.kind}
            onChange={(_e, d) => onChange({ kind: d.value as ContactFormValues["kind"] })}
            data-testid={`${form}-contact-kind`}
          >
            <Radio value="person" label={t("web.contacts.kind.person")} />
            <Radio value="organisation" label={t("web.contacts.kind.organisation")} />
          </RadioGroup>
        </Field>
      )}
      <Field label={t(person ? "web.contactForm.name.person" : "web.contactForm.name.organisation")} required validationMessage={error("name")}>
        <Input
          className={s.input}
          value={values.name}
          onChange={(_e, d) => onChange({ name: d.value })}
          autoComplete="off"
          data-testid={`${form}-contact-name`}
        />
      </Field>
      <fieldset className={s.group} ref={emailList}>
        <legend className={s.legend}>{t("web.contactForm.emails")}</legend>
        {values.emails.map((email, i) => (
          <Field key={i} label={t("web.contactForm.email", { n: i + 1 })} validationMessage={error(`email.${i}`)}>
            <Input
              className={s.input}
              type="email"
              value={email}
              onChange={(_e, d) => setEmail(i, d.value)}
              autoComplete="off"
              data-testid={`${form}-contact-email-${i}`}
              contentAfter={
                values.emails.length > 1 || email ? (
                  <Button size="small" appearance="transparent" onClick={() => removeEmail(i)} aria-label={t("web.contactForm.email.remove", { n: i + 1 })}>
                    {t("web.contactForm.email.removeShort")}
                  </Button>
                ) : undefined
              }
            />
          </Field>
        ))}
        {values.emails.length < 20 && (
          <Button className={s.add} size="small" onClick={addEmail} data-testid={`${form}-contact-add-email`}>
            {t("web.contactForm.email.add")}
          </Button>
        )}
      </fieldset>
      <Field label={t("web.contactForm.phone")} validationMessage={error("phone")}>
        <Input className={s.input} type="tel" value={values.phone} onChange={(_e, d) => onChange({ phone: d.value })} data-testid={`${form}-contact-phone`} />
      </Field>
      <fieldset className={s.group}>
        <legend className={s.legend}>{t("web.contactForm.address")}</legend>
        <div className={s.address}>
          <Field label={t("web.contactForm.street")}>
            <Input className={s.input} value={values.street} onChange={(_e, d) => onChange({ street: d.value })} data-testid={`${form}-contact-street`} />
          </Field>
          <Field label={t("web.contactForm.postalCode")}>
            <Input
              className={s.input}
              value={values.postalCode}
              onChange={(_e, d) => onChange({ postalCode: d.value })}
              data-testid={`${form}-contact-postal-code`}
            />
          </Field>
          <Field label={t("web.contactForm.city")}>
            <Input className={s.input} value={values.city} onChange={(_e, d) => onChange({ city: d.value })} data-testid={`${form}-contact-city`} />
          </Field>
          <Field label={t("web.contactForm.country")}>
            <Input className={s.input} value={values.country} onChange={(_e, d) => onChange({ country: d.value })} data-testid={`${form}-contact-country`} />
          </Field>
        </div>
      </fieldset>
      {person ? (
        <>
          <Field
            label={t("web.contactForm.cpr")}
            hint={t(cprMasked ? "web.contactForm.cpr.hintKept" : "web.contactForm.cpr.hint", { masked: cprMasked ?? "" })}
            validationMessage={error("cpr")}
          >
            <Input
              className={s.input}
              value={values.cpr}
              disabled={values.removeCpr}
              onChange={(_e, d) => onChange({ cpr: d.value })}
              inputMode="numeric"
              autoComplete="off"
              placeholder={t("web.contactForm.cpr.placeholder")}
              data-testid={`${form}-contact-cpr`}
            />
          </Field>
          {cprMasked && (
            <Checkbox
              label={t("web.contactForm.cpr.remove")}
              checked={values.removeCpr}
              onChange={(_e, d) => onChange({ removeCpr: d.checked === true, cpr: "" })}
              data-testid={`${form}-contact-remove-cpr`}
            />
          )}
        </>
      ) : (
        <Field label={t("web.contactForm.cvr")} hint={t("web.contactForm.cvr.hint")} validationMessage={error("cvr")}>
          <Input
            className={s.input}
            value={values.cvr}
            onChange={(_e, d) => onChange({ cvr: d.value })}
            inputMode="numeric"
            autoComplete="off"
            data-testid={`${form}-contact-cvr`}
          />
        </Field>
      )}
      <Field label={t("web.contactForm.note")} validationMessage={error("note")}>
        <Textarea
          className={s.input}
          value={values.note}
          onChange={(_e, d) => onChange({ note: d.value })}
          resize="vertical"
          data-testid={`${form}-contact-note`}
        />
      </Field>
    </>
  );
}
