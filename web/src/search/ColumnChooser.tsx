import { Button, Checkbox, Field, makeStyles, Select, Text, tokens } from "@fluentui/react-components";
import { useTexts } from "../i18n.tsx";
import { useFieldLabel } from "./ConditionEditor.tsx";
import { columnFields, moveColumn, shownColumns, sortFields, toggleColumn, type SearchField, type SearchState } from "./search-state.ts";

// Which columns the result shows, in which order, and what it is sorted by.

const useStyles = makeStyles({
  list: { listStyle: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "2px" },
  row: { display: "flex", alignItems: "center", gap: "4px", flexWrap: "wrap" },
  muted: { color: tokens.colorNeutralForeground3 },
  sort: { display: "flex", flexWrap: "wrap", gap: "12px", alignItems: "end" },
  select: { minWidth: "200px", maxWidth: "100%" },
});

interface ColumnChooserProps {
  search: SearchState;
  fields: SearchField[];
  onChange(search: SearchState): void;
}

/** Every column there is, the shown ones first in their order (moved up and down), each shown or hidden by its checkbox. */
export function ColumnChooser({ search, fields, onChange }: ColumnChooserProps) {
  const s = useStyles();
  const { t } = useTexts();
  const labelOf = useFieldLabel(search.target);
  const columns = columnFields(fields);
  const shown = shownColumns(search);
  const byId = new Map(columns.map((f) => [f.id, f]));
  const ordered = [...shown.flatMap((id) => byId.get(id) ?? []), ...columns.filter((f) => !shown.includes(f.id))];
  return (
    <>
      <Text className={s.muted}>{t("web.advanced.columnsHint")}</Text>
      <ul className={s.list} data-testid="columns">
        {ordered.map((f) => {
          const name = labelOf(f);
          const at = shown.indexOf(f.id);
          return (
            <li key={f.id} className={s.row} data-column={f.id}>
              <Checkbox label={name} checked={at >= 0} onChange={(_e, d) => onChange({ ...search, columns: toggleColumn(search, f.id, d.checked === true) })} />
              {at >= 0 && (
                <>
                  <Button
                    size="small"
                    appearance="subtle"
                    disabled={at === 0}
                    onClick={() => onChange({ ...search, columns: moveColumn(shown, f.id, -1) })}
                    aria-label={t("web.advanced.moveUp", { column: name })}
                  >
                    ↑
                  </Button>
                  <Button
                    size="small"
                    appearance="subtle"
                    disabled={at === shown.length - 1}
                    onClick={() => onChange({ ...search, columns: moveColumn(shown, f.id, 1) })}
                    aria-label={t("web.advanced.moveDown", { column: name })}
                  >
                    ↓
                  </Button>
                </>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}

/** What the result is sorted by, and which way. */
export function SortChooser({ search, fields, onChange }: ColumnChooserProps) {
  const s = useStyles();
  const { t } = useTexts();
  const labelOf = useFieldLabel(search.target);
  return (
    <div className={s.sort}>
      <Field label={t("web.advanced.sort")}>
        <Select
          className={s.select}
          value={search.sort ?? ""}
          onChange={(_e, d) => onChange(d.value ? { ...search, sort: d.value, dir: search.dir ?? "asc" } : { ...search, sort: undefined, dir: undefined })}
          data-testid="sort"
        >
          <option value="">{t("web.advanced.sort.default")}</option>
          {sortFields(fields).map((f) => (
            <option key={f.id} value={f.id}>
              {labelOf(f)}
            </option>
          ))}
        </Select>
      </Field>
      {search.sort && (
        <Field label={t("web.advanced.dir")}>
          <Select
            className={s.select}
            value={search.dir ?? "asc"}
            onChange={(_e, d) => onChange({ ...search, dir: d.value === "desc" ? "desc" : "asc" })}
            data-testid="dir"
          >
            <option value="asc">{t("web.advanced.dir.asc")}</option>
            <option value="desc">{t("web.advanced.dir.desc")}</option>
          </Select>
        </Field>
      )}
    </div>
  );
}
