import { Button, Field, Input, makeStyles, Select, Text, tokens } from "@fluentui/react-components";
import { useRef } from "react";
import { OPERATORS_OF } from "../../../shared/api/schemas/advanced-search.ts";
import { fieldLabel, optionLabel } from "../../../shared/i18n/search-fields.ts";
import type { FieldType, SearchCondition, SearchOperator, SearchTarget } from "../../../shared/index.ts";
import { useTexts, type TextKey } from "../i18n.tsx";
import { CasePicker, ContactValuePicker, ListPicker, UserPicker, type PickerProps } from "./pickers.tsx";
import { needsValue, newCondition, type SearchField } from "./search-state.ts";

// The conditions of an advanced search, one row each: a field, how it compares, and a value written the way
// the field's type asks (a date, a choice, yes or no, someone or something picked by name).

const useStyles = makeStyles({
  list: { listStyle: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "12px" },
  row: {
    display: "grid",
    gridTemplateColumns: "minmax(160px, 1fr) minmax(140px, 1fr) minmax(200px, 2fr) auto",
    gap: "8px",
    alignItems: "end",
    padding: "8px",
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
    "@media (max-width: 700px)": { gridTemplateColumns: "1fr" },
  },
  control: { minWidth: 0, maxWidth: "100%" },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** How an operator reads for a type: a number is "at least", a date "from". */
export function operatorText(op: SearchOperator, type: FieldType): TextKey {
  if (type === "number" && (op === "gte" || op === "lte")) return op === "gte" ? "web.advanced.op.gteNumber" : "web.advanced.op.lteNumber";
  return `web.advanced.op.${op}`;
}

/** The label of a field in the person's language: a custom field by its template's label. */
export function useFieldLabel(target: SearchTarget) {
  const { language } = useTexts();
  return (field: Pick<SearchField, "id" | "label">) => fieldLabel(target, field.id, language, field.label);
}

function ValueInput({ field, condition, number, onChange }: { field: SearchField; condition: SearchCondition; number: number; onChange(value: string): void }) {
  const s = useStyles();
  const { t, language } = useTexts();
  const label = t("web.advanced.value");
  const testId = `condition-${number}-value`;
  const picker: PickerProps = { label, value: condition.value, onChange, testId };
  switch (field.type) {
    case "user":
      return <UserPicker {...picker} />;
    case "case":
      return <CasePicker {...picker} />;
    case "contact":
      return <ContactValuePicker {...picker} />;
    case "group":
    case "template":
    case "documentType":
    case "code":
      return <ListPicker {...picker} type={field.type} />;
    case "choice":
    case "boolean": {
      const options = field.type === "boolean" ? ["true", "false"] : (field.options ?? []);
      const text = (o: string) =>
        field.type === "boolean" ? t(o === "true" ? "web.advanced.true" : "web.advanced.false") : field.label ? o : optionLabel(o, language);
      return (
        <Field className={s.control} label={label}>
          <Select className={s.control} value={condition.value} onChange={(_e, d) => onChange(d.value)} data-testid={testId}>
            {options.map((o) => (
              <option key={o} value={o}>
                {text(o)}
              </option>
            ))}
          </Select>
        </Field>
      );
    }
    default:
      return (
        <Field className={s.control} label={label} hint={field.type === "text" ? t("web.advanced.textHint") : undefined}>
          <Input
            className={s.control}
            type={field.type === "date" ? "date" : "text"}
            inputMode={field.type === "number" ? "decimal" : undefined}
            value={condition.value}
            onChange={(_e, d) => onChange(d.value)}
            data-testid={testId}
          />
        </Field>
      );
  }
}

interface ConditionEditorProps {
  target: SearchTarget;
  fields: SearchField[];
  where: SearchCondition[];
  onChange(where: SearchCondition[]): void;
}

/** The rows of conditions, each with its own remove button, and one to add another (on the free text when there is none yet). */
export function ConditionEditor({ target, fields, where, onChange }: ConditionEditorProps) {
  const s = useStyles();
  const { t } = useTexts();
  const labelOf = useFieldLabel(target);
  const change = (at: number, next: SearchCondition) => onChange(where.map((c, i) => (i === at ? next : c)));
  // Each row keeps its key while rows before it are removed: a picker's typed text stays with its own condition.
  const keys = useRef<number[]>([]);
  const nextKey = useRef(0);
  while (keys.current.length < where.length) keys.current.push(nextKey.current++);
  keys.current.length = where.length;
  const remove = (at: number) => {
    keys.current.splice(at, 1);
    onChange(where.filter((_c, i) => i !== at));
  };
  return (
    <>
      {where.length === 0 && <Text className={s.muted}>{t("web.advanced.noConditions")}</Text>}
      <ol className={s.list} data-testid="conditions">
        {where.map((condition, at) => {
          const number = at + 1;
          const field = fields.find((f) => f.id === condition.field) ?? { id: condition.field, type: "string" as const };
          const known = fields.some((f) => f.id === condition.field);
          return (
            <li key={keys.current[at]} className={s.row} aria-label={t("web.advanced.condition", { number })} data-testid={`condition-${number}`}>
              <Field className={s.control} label={t("web.advanced.field")}>
                <Select
                  className={s.control}
                  value={condition.field}
                  onChange={(_e, d) => {
                    const picked = fields.find((f) => f.id === d.value);
                    if (picked) change(at, newCondition(picked));
                  }}
                  data-testid={`condition-${number}-field`}
                >
                  {!known && <option value={condition.field}>{condition.field}</option>}
                  {fields.map((f) => (
                    <option key={f.id} value={f.id}>
                      {labelOf(f)}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field className={s.control} label={t("web.advanced.operator")}>
                <Select
                  className={s.control}
                  value={condition.op}
                  onChange={(_e, d) => {
                    const op = d.value as SearchOperator;
                    change(at, { ...condition, op, value: needsValue(op) ? condition.value : "" });
                  }}
                  data-testid={`condition-${number}-op`}
                >
                  {OPERATORS_OF[field.type].map((op) => (
                    <option key={op} value={op}>
                      {t(operatorText(op, field.type))}
                    </option>
                  ))}
                </Select>
              </Field>
              {needsValue(condition.op) ? (
                <ValueInput
                  key={condition.field}
                  field={field}
                  condition={condition}
                  number={number}
                  onChange={(value) => change(at, { ...condition, value })}
                />
              ) : (
                <Text className={s.muted}>{t("web.advanced.noValue")}</Text>
              )}
              <Button
                appearance="subtle"
                onClick={() => remove(at)}
                aria-label={t("web.advanced.removeCondition", { number })}
                data-testid={`condition-${number}-remove`}
              >
                ✕
              </Button>
            </li>
          );
        })}
      </ol>
      <div>
        <Button
          onClick={() => {
            const unused = fields.find((f) => !where.some((c) => c.field === f.id)) ?? fields[0];
            if (unused) onChange([...where, newCondition(unused)]);
          }}
          data-testid="add-condition"
        >
          {t("web.advanced.addCondition")}
        </Button>
      </div>
    </>
  );
}
