import { Combobox, Field, makeStyles, Option, Select, tokens } from "@fluentui/react-components";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { caseLabel, type FieldType } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { planDepths, useColleagues, useJournalPlan, useTemplates } from "../cases/reference.ts";
import { visibleControls } from "../components/Inert.tsx";
import { ContactPicker } from "../contacts/ContactPicker.tsx";
import { useTexts } from "../i18n.tsx";
import { useMe } from "../session.ts";
import { useAccessGroups, useDocumentTypes } from "./queries.ts";

// The value of a condition on something with an id: a colleague, a case or a contact found by typing, or one
// of the organisation's access groups, templates, document types or journal plan codes chosen from a list.

const useStyles = makeStyles({
  control: { minWidth: 0, maxWidth: "100%" },
  secondary: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  option: { display: "flex", flexDirection: "column", minWidth: 0, overflowWrap: "anywhere" },
});

export interface PickerProps {
  label: string;
  value: string;
  onChange(value: string): void;
  testId: string;
}

interface Offer {
  id: string;
  name: string;
  hint?: string;
}

/** Typing narrows what is offered; picking one keeps its id, and its name shows in the box. */
function FindAndPick({ label, value, onChange, testId, chosenName, offered, pending, onText }: PickerProps & FindProps) {
  const s = useStyles();
  const { t } = useTexts();
  const [text, setText] = useState(chosenName ?? "");
  // The chosen one's name arrives after the page opened on an address that names it by id.
  useEffect(() => {
    if (chosenName !== undefined) setText(chosenName);
  }, [chosenName]);
  useEffect(() => onText(value && text === chosenName ? "" : text), [text, value, chosenName, onText]);
  return (
    <Field className={s.control} label={label}>
      <Combobox
        className={s.control}
        value={text}
        selectedOptions={value ? [value] : []}
        placeholder={t("web.advanced.typeToFind")}
        onChange={(e) => {
          setText(e.target.value);
          if (value) onChange("");
        }}
        onOptionSelect={(_e, d) => {
          const picked = offered.find((o) => o.id === d.optionValue);
          if (!picked) return;
          setText(picked.name);
          onChange(picked.id);
        }}
        data-testid={testId}
      >
        {offered.map((o) => (
          <Option key={o.id} value={o.id} text={o.name}>
            <span className={s.option}>
              <span>{visibleControls(o.name)}</span>
              {o.hint && <span className={s.secondary}>{visibleControls(o.hint)}</span>}
            </span>
          </Option>
        ))}
        {!offered.length && (
          <Option disabled value="" text={t("web.advanced.nothingFound")}>
            {pending ? t("web.loading") : t("web.advanced.nothingFound")}
          </Option>
        )}
      </Combobox>
    </Field>
  );
}

interface FindProps {
  /** The name of the chosen one, once known. */
  chosenName: string | undefined;
  offered: Offer[];
  pending: boolean;
  /** What the person typed (empty while the box shows the chosen one's name). */
  onText(text: string): void;
}

/** A colleague, from the list of colleagues narrowed by name or e-mail address. */
export function UserPicker(props: PickerProps) {
  const { t } = useTexts();
  const me = useMe();
  const colleagues = useColleagues(me.data);
  const [text, setText] = useState("");
  const all = colleagues.data ?? [];
  const typed = text.trim().toLowerCase();
  const offered = all.filter((c) => !typed || c.name.toLowerCase().includes(typed) || c.email.toLowerCase().includes(typed));
  const chosen = all.find((c) => c.id === props.value) ?? (me.data?.id === props.value ? me.data : undefined);
  const chosenName = !props.value ? undefined : chosen ? chosen.name : colleagues.isPending ? undefined : t("web.advanced.unknown", { id: props.value });
  return (
    <FindAndPick
      {...props}
      chosenName={chosenName}
      offered={offered.slice(0, 30).map((c) => ({ id: c.id, name: c.name, hint: c.email }))}
      pending={colleagues.isPending}
      onText={setText}
    />
  );
}

/** A case, found by number or title as the filing's case search finds it. */
export function CasePicker(props: PickerProps) {
  const { t } = useTexts();
  const [text, setText] = useState("");
  const [debounced, setDebounced] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(text.trim()), 150);
    return () => clearTimeout(timer);
  }, [text]);
  const found = useQuery({
    queryKey: ["search-reference", "cases", debounced],
    queryFn: () => (debounced ? client.suggestCases(debounced) : client.recentCases()),
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
  const chosen = useQuery({
    queryKey: ["search-reference", "case", props.value],
    queryFn: () => client.getCase(props.value),
    enabled: !!props.value,
    retry: false,
  });
  const chosenName = !props.value
    ? undefined
    : chosen.data
      ? caseLabel(chosen.data)
      : chosen.isError
        ? t("web.advanced.unknown", { id: props.value })
        : undefined;
  return (
    <FindAndPick
      {...props}
      chosenName={chosenName}
      offered={(found.data ?? []).map((c) => ({ id: c.id, name: caseLabel(c) }))}
      pending={found.isPending}
      onText={setText}
    />
  );
}

/** A contact, with the contact picker of parties. */
export function ContactValuePicker({ label, value, onChange, testId }: PickerProps) {
  const chosen = useQuery({ queryKey: ["search-reference", "contact", value], queryFn: () => client.getContact(value), enabled: !!value, retry: false });
  return (
    <ContactPicker
      label={label}
      value={value && chosen.data?.id === value ? chosen.data : null}
      onChange={(contact) => {
        if (contact) onChange(contact.id);
        else if (value) onChange("");
      }}
      testId={testId}
    />
  );
}

/** One of a short list (access groups, templates, document types, journal plan codes), chosen from a dropdown. */
export function ListPicker({
  type,
  label,
  value,
  onChange,
  testId,
}: PickerProps & { type: Extract<FieldType, "group" | "template" | "documentType" | "code"> }) {
  const s = useStyles();
  const { t } = useTexts();
  const groups = useAccessGroups();
  const templates = useTemplates();
  const documentTypes = useDocumentTypes();
  const plan = useJournalPlan();
  const entries: Offer[] =
    type === "group"
      ? (groups.data ?? []).map((g) => ({ id: g.id, name: g.name }))
      : type === "template"
        ? (templates.data ?? []).map((x) => ({ id: x.id, name: x.name }))
        : type === "documentType"
          ? (documentTypes.data ?? []).map((d) => ({ id: d.id, name: d.name }))
          : planDepths(plan.data ?? []).map((e) => ({ id: e.code, name: `${"\u2003".repeat(e.depth)}${e.code} ${e.title}` }));
  // An address may name one that is gone (or not loaded yet): it stays chosen, by its id.
  const listed = value && !entries.some((e) => e.id === value) ? [{ id: value, name: value }, ...entries] : entries;
  return (
    <Field className={s.control} label={label}>
      <Select className={s.control} value={value} onChange={(_e, d) => onChange(d.value)} data-testid={testId}>
        <option value="">{t("web.advanced.choose")}</option>
        {listed.map((e) => (
          <option key={e.id} value={e.id}>
            {visibleControls(e.name)}
          </option>
        ))}
      </Select>
    </Field>
  );
}
