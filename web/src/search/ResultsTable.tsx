import { makeStyles, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from "@fluentui/react-components";
import type { ReactNode } from "react";
import { optionLabel } from "../../../shared/i18n/search-fields.ts";
import type { AdvancedSearchResults, AdvancedSearchRow, Cell, FieldType, SearchTarget } from "../../../shared/index.ts";
import { AppLink, caseLink, documentLink } from "../components/AppLink.tsx";
import { Inert } from "../components/Inert.tsx";
import { contactUrl } from "../contacts/keys.ts";
import { formatDay } from "../document/dates.ts";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";
import { taskLink } from "../tasks/TaskTable.tsx";
import { useFieldLabel } from "./ConditionEditor.tsx";
import type { SearchField } from "./search-state.ts";

// The result of an advanced search as a table: the chosen columns under their names, the first cell of a row a
// link to what it is, a document's or task's case cells links to the case. Sorted by a column's header.

const useStyles = makeStyles({
  table: { tableLayout: "auto", minWidth: "100%" },
  cell: { overflowWrap: "anywhere" },
});

/** Where a row's object is shown: a case by its number when the row has it (its page's address), else by id. */
function rowLink(target: SearchTarget, row: AdvancedSearchRow, numberCell: Cell | undefined): string {
  if (target === "cases") return caseLink(typeof numberCell === "string" && numberCell ? numberCell : row.id);
  if (target === "documents") return documentLink(row.id);
  if (target === "contacts") return contactUrl(row.id);
  return taskLink(row.id);
}

const CASE_COLUMNS = new Set(["case", "caseNumber", "caseTitle"]);

interface ResultsTableProps {
  results: AdvancedSearchResults;
  rows: AdvancedSearchRow[];
  fields: SearchField[];
  sort?: string;
  dir?: "asc" | "desc";
  onSort(column: string): void;
}

export function ResultsTable({ results, rows, fields, sort, dir, onSort }: ResultsTableProps) {
  const s = useStyles();
  const { t, language } = useTexts();
  const labelOf = useFieldLabel(results.target);
  const label = (id: string) => labelOf(fields.find((f) => f.id === id) ?? { id });
  const sortable = (id: string) => fields.some((f) => f.id === id && !f.columnOnly && !f.conditionOnly);
  const ids = results.columns.map((c) => c.id);
  const at = (name: string) => ids.indexOf(name);

  const shown = (cell: Cell, column: { id: string; type: FieldType }): string => {
    const { type } = column;
    if (cell === null || cell === "") return t("web.advanced.emptyCell");
    if (typeof cell === "boolean") return t(cell ? "web.advanced.true" : "web.advanced.false");
    if (typeof cell === "number") return cell.toLocaleString(language === "en" ? "en-GB" : "da-DK");
    if (type === "date") return /^\d{4}-\d{2}-\d{2}$/.test(cell) ? formatDay(cell, language) : formatMoment(cell, language);
    // A template's own choices are the organisation's words, shown as written; the fixed ones are translated.
    if (type === "choice" && !column.id.startsWith("meta.")) return optionLabel(cell, language);
    return cell;
  };

  return (
    <Table size="small" className={s.table} aria-label={t("web.advanced.resultsTable")} data-testid="results-table">
      <TableHeader>
        <TableRow>
          {results.columns.map((c) => (
            <TableHeaderCell
              key={c.id}
              sortable={sortable(c.id)}
              sortDirection={sort === c.id ? (dir === "desc" ? "descending" : "ascending") : undefined}
              onClick={sortable(c.id) ? () => onSort(c.id) : undefined}
              data-column={c.id}
            >
              {label(c.id)}
            </TableHeaderCell>
          ))}
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((row) => {
          const to = rowLink(results.target, row, at("number") >= 0 ? row.cells[at("number")] : undefined);
          const caseNumber = at("caseNumber") >= 0 ? row.cells[at("caseNumber")] : null;
          const toCase = row.caseId ? caseLink(typeof caseNumber === "string" && caseNumber ? caseNumber : row.caseId) : null;
          return (
            <TableRow key={row.id} data-row-id={row.id}>
              {results.columns.map((c, i) => {
                const text = shown(row.cells[i] ?? null, c);
                let content: ReactNode = <Inert text={text} />;
                if (i === 0) content = <AppLink to={to}>{row.cells[i] === null || row.cells[i] === "" ? t("web.advanced.open") : content}</AppLink>;
                else if (toCase && CASE_COLUMNS.has(c.id) && row.cells[i] !== null) content = <AppLink to={toCase}>{content}</AppLink>;
                return (
                  <TableCell key={c.id} className={s.cell}>
                    {content}
                  </TableCell>
                );
              })}
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
