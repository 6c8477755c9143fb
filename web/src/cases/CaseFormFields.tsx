import { Checkbox, Field, Input, makeStyles, Select } from "@fluentui/react-components";
import type { CaseTemplate, Colleague, Message } from "../../../shared/index.ts";
import { useTexts } from "../i18n.tsx";
import type { CaseFormValues } from "./case-form.ts";
import { planDepths, type PlanEntry } from "./reference.ts";

const useStyles = makeStyles({
  group: { display: "flex", flexDirection: "column", gap: "12px", minWidth: 0, border: "none", margin: 0, padding: 0 },
  legend: { fontWeight: 600, padding: 0, marginBottom: "4px" },
  // A select is as wide as its longest option (journal plan titles) unless told to fit the form.
  select: { minWidth: 0, maxWidth: "100%" },
});

interface CaseFormFieldsProps {
  /** For ids: the form these fields are in ("new", "edit"). */
  form: string;
  template: CaseTemplate | undefined;
  values: CaseFormValues;
  errors: Record<string, Message>;
  colleagues: Colleague[];
  plan: PlanEntry[];
  /** A person the case names who is no longer a colleague (deactivated): still shown as chosen. */
  nameOf(id: string): string;
  onChange(change: Partial<CaseFormValues>): void;
}

/** Title, owner, responsible, journal plan code, critical and the template's own fields: what creating and editing a case share. */
export function CaseFormFields({ form, template, values, errors, colleagues, plan, nameOf, onChange }: CaseFormFieldsProps) {
  const s = useStyles();
  const { t, say } = useTexts();
  const error = (name: string) => (errors[name] ? say(errors[name]) : undefined);
  const people = (chosen: string) =>
    chosen && !colleagues.some((c) => c.id === chosen) ? [{ id: chosen, name: nameOf(chosen), email: "" }, ...colleagues] : colleagues;
  // Only codes in use can be chosen; a case under a retired code keeps showing it.
  const codes = planDepths(plan).filter((e) => e.usable || e.code === values.journalCode);
  const setField = (name: string, value: string) => onChange({ fields: { ...values.fields, [name]: value } });
  return (
    <>
      <Field label={t("web.case.field.title")} required validationMessage={error("title")}>
        <Input value={values.title} onChange={(_e, d) => onChange({ title: d.value })} data-testid={`${form}-title`} />
      </Field>
      <Field label={t("web.case.field.owner")} required>
        <Select className={s.select} value={values.ownerId} onChange={(_e, d) => onChange({ ownerId: d.value })} data-testid={`${form}-owner`}>
          {people(values.ownerId).map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={t("web.case.field.responsible")}>
        <Select
          className={s.select}
          value={values.responsibleId}
          onChange={(_e, d) => onChange({ responsibleId: d.value })}
          data-testid={`${form}-responsible`}
        >
          <option value="">{t("web.case.noResponsible")}</option>
          {people(values.responsibleId).map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={t("web.case.field.journal")} required validationMessage={error("journalCode")}>
        <Select className={s.select} value={values.journalCode} onChange={(_e, d) => onChange({ journalCode: d.value })} data-testid={`${form}-journal`}>
          {codes.map((e) => (
            <option key={e.code} value={e.code}>
              {`${"\u2003".repeat(e.depth)}${e.code} ${e.title}`}
            </option>
          ))}
        </Select>
      </Field>
      <Checkbox
        label={t("web.case.field.critical")}
        checked={values.critical}
        onChange={(_e, d) => onChange({ critical: d.checked === true })}
        data-testid={`${form}-critical`}
      />
      {template && template.fields.length > 0 && (
        <fieldset className={s.group}>
          <legend className={s.legend}>{t("web.newCase.fields")}</legend>
          {template.fields.map((f) => {
            const value = values.fields[f.name] ?? "";
            if (f.type === "boolean") {
              return (
                <Checkbox
                  key={f.name}
                  label={f.label}
                  checked={value === "true"}
                  onChange={(_e, d) => setField(f.name, d.checked === true ? "true" : "")}
                  data-field={f.name}
                />
              );
            }
            return (
              <Field key={f.name} label={f.label} required={f.required} validationMessage={error(f.name)}>
                {f.type === "choice" ? (
                  <Select className={s.select} value={value} onChange={(_e, d) => setField(f.name, d.value)} data-field={f.name}>
                    <option value="">—</option>
                    {f.options?.map((o) => (
                      <option key={o} value={o}>
                        {o}
                      </option>
                    ))}
                  </Select>
                ) : (
                  <Input
                    type={f.type === "date" ? "date" : "text"}
                    inputMode={f.type === "number" ? "decimal" : undefined}
                    value={value}
                    onChange={(_e, d) => setField(f.name, d.value)}
                    data-field={f.name}
                  />
                )}
              </Field>
            );
          })}
        </fieldset>
      )}
    </>
  );
}
