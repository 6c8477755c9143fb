import { Combobox, Field, makeStyles, Option, tokens } from "@fluentui/react-components";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { forwardRef, useEffect, useState } from "react";
import { CprInput } from "../../../shared/api/schemas/contacts.ts";
import type { ContactKind, ContactSummary } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { visibleControls } from "../components/Inert.tsx";
import { useTexts } from "../i18n.tsx";

const useStyles = makeStyles({
  option: { display: "flex", flexDirection: "column", minWidth: 0, overflowWrap: "anywhere" },
  secondary: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  control: { minWidth: 0, maxWidth: "100%" },
});

/** How many contacts are offered at once; typing narrows them. */
const OFFERED = 20;

/** What a search box's text asks the service: a CPR number is looked up exactly, anything else by name, e-mail or CVR. */
export function contactSearch(text: string): { q?: string; cpr?: string } {
  const typed = text.trim();
  if (!typed) return {};
  return CprInput.safeParse(typed).success ? { cpr: typed } : { q: typed };
}

/** The line under a contact's name that tells two of the same name apart: an address, a CVR or a masked CPR number. */
export function contactHint(c: ContactSummary): string {
  return [c.emails[0], c.cvr && `CVR ${c.cvr}`, c.cprMasked && `CPR ${c.cprMasked}`].filter(Boolean).join(" · ");
}

interface ContactPickerProps {
  label: string;
  value: ContactSummary | null;
  onChange(contact: ContactSummary | null): void;
  /** A contact not to offer (the one a duplicate is merged into). */
  exclude?: string;
  kind?: ContactKind;
  required?: boolean;
  validationMessage?: string;
  testId: string;
}

/** Finds a contact by typing part of a name, an e-mail address, a CVR or a CPR number, and picks one from what the service finds. */
export const ContactPicker = forwardRef<HTMLInputElement, ContactPickerProps>(function ContactPicker(
  { label, value, onChange, exclude, kind, required, validationMessage, testId },
  ref,
) {
  const s = useStyles();
  const { t } = useTexts();
  const [text, setText] = useState(value?.name ?? "");
  // A contact chosen from outside (just created) shows its name in the box.
  useEffect(() => {
    if (value) setText(value.name);
  }, [value]);
  const search = value && text === value.name ? {} : contactSearch(text);
  const found = useQuery({
    queryKey: ["contacts", "pick", search, kind ?? ""],
    queryFn: () => client.listContacts({ ...search, kind, limit: OFFERED }),
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
  const offered = (found.data?.items ?? []).filter((c) => c.id !== exclude);
  return (
    <Field className={s.control} label={label} required={required} validationMessage={validationMessage}>
      <Combobox
        ref={ref}
        className={s.control}
        value={text}
        selectedOptions={value ? [value.id] : []}
        onChange={(e) => {
          setText(e.target.value);
          if (value) onChange(null);
        }}
        onOptionSelect={(_e, d) => {
          const picked = offered.find((c) => c.id === d.optionValue);
          if (!picked) return;
          setText(picked.name);
          onChange(picked);
        }}
        placeholder={t("web.contactPicker.placeholder")}
        data-testid={testId}
      >
        {offered.map((c) => (
          <Option key={c.id} value={c.id} text={c.name}>
            <span className={s.option}>
              <span>{visibleControls(c.name)}</span>
              {contactHint(c) && <span className={s.secondary}>{visibleControls(contactHint(c))}</span>}
            </span>
          </Option>
        ))}
        {!offered.length && (
          <Option disabled value="" text={t("web.contactPicker.nothing")}>
            {found.isPending ? t("web.loading") : t("web.contactPicker.nothing")}
          </Option>
        )}
      </Combobox>
    </Field>
  );
});
