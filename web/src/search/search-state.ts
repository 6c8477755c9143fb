import {
  DEFAULT_COLUMNS,
  FieldName,
  OPERATORS_OF,
  SEARCH_FIELDS,
  SearchOperator,
  SearchTarget,
  customFieldsOf,
  type FieldSpec,
  type SearchField,
} from "../../../shared/api/schemas/advanced-search.ts";
import { advancedSearchQueryString } from "../../../shared/api/search-query.ts";
import type { AdvancedSearch, SearchCondition } from "../../../shared/index.ts";

// An advanced search as the page holds it and as its address spells it: /soeg/avanceret?<the query string
// GET /api/search/advanced reads>, so a link (a saved search, the back button) runs the same search again.

/** A search with every part spelled out: what the page edits. */
export interface SearchState {
  target: SearchTarget;
  where: SearchCondition[];
  columns: string[];
  sort?: string;
  dir?: "asc" | "desc";
}

/** A field of a target as the page offers it: a fixed one, or a case template's own (`meta.<name>`, with its label). */
export type { SearchField };
export { customFieldsOf };

export const ADVANCED_SEARCH_PATH = "/soeg/avanceret";

/** The web view's address of a search: opening it runs the search. */
export const advancedSearchLink = (search: AdvancedSearch): string => `${ADVANCED_SEARCH_PATH}?${advancedSearchQueryString(search)}`;

/** `field:op:value` (the value may hold colons) as a condition; null when it names no field or no operator. */
export function parseCondition(text: string): SearchCondition | null {
  const first = text.indexOf(":");
  const second = first < 0 ? -1 : text.indexOf(":", first + 1);
  if (second < 0) return null;
  const field = text.slice(0, first);
  const op = SearchOperator.safeParse(text.slice(first + 1, second));
  if (!FieldName.safeParse(field).success || !op.success) return null;
  return { field, op: op.data, value: text.slice(second + 1) };
}

/** The search an address holds; what does not read (an unknown target, a garbled condition) is left out, cases by default. */
export function searchFromParams(params: URLSearchParams): SearchState {
  const target = SearchTarget.safeParse(params.get("target")).data ?? "cases";
  const where = params.getAll("where").flatMap((w) => parseCondition(w) ?? []);
  const columns = (params.get("columns") ?? "")
    .split(",")
    .map((c) => c.trim())
    .filter((c) => FieldName.safeParse(c).success);
  const sort = params.get("sort") ?? undefined;
  const dirParam = params.get("dir");
  const dir = dirParam === "asc" || dirParam === "desc" ? dirParam : undefined;
  return { target, where, columns, ...(sort && FieldName.safeParse(sort).success ? { sort } : {}), ...(dir ? { dir } : {}) };
}

/** Every field of a target, the fixed ones first; only cases have custom fields. */
export function fieldsOf(target: SearchTarget, custom: SearchField[] = []): SearchField[] {
  const fixed = Object.entries(SEARCH_FIELDS[target] as Record<string, FieldSpec>).map(([id, spec]) => ({ id, ...spec }));
  return target === "cases" ? [...fixed, ...custom] : fixed;
}

/** What a condition can be about (not a column-only field). */
export const conditionFields = (fields: SearchField[]) => fields.filter((f) => !f.columnOnly);

/** What can be shown as a column (not the free text). */
export const columnFields = (fields: SearchField[]) => fields.filter((f) => !f.conditionOnly);

/** What the results can be sorted by: a column that is not only a column. */
export const sortFields = (fields: SearchField[]) => fields.filter((f) => !f.conditionOnly && !f.columnOnly);

/** Whether an operator compares with a value (empty and notEmpty do not). */
export const needsValue = (op: SearchOperator) => op !== "empty" && op !== "notEmpty";

/** A new condition on a field: its first operator, and a value where only one makes sense to start from. */
export function newCondition(field: SearchField): SearchCondition {
  const value = field.type === "boolean" ? "true" : field.type === "choice" ? (field.options?.[0] ?? "") : "";
  return { field: field.id, op: OPERATORS_OF[field.type][0], value };
}

/** The conditions a search can run with: one that needs a value and has none is not asked yet. */
export const readyConditions = (where: SearchCondition[]) => where.filter((c) => !needsValue(c.op) || c.value.trim() !== "");

/** The columns a search shows: the chosen ones, or the target's defaults. */
export const shownColumns = (search: SearchState): string[] => (search.columns.length ? search.columns : [...DEFAULT_COLUMNS[search.target]]);

/** The search as the address and the service take it: only conditions that can run, empty parts left out. */
export function runnable(search: SearchState): AdvancedSearch {
  return {
    target: search.target,
    where: readyConditions(search.where).map((c) => (needsValue(c.op) ? { ...c, value: c.value.trim() } : { field: c.field, op: c.op, value: "" })),
    columns: search.columns,
    ...(search.sort ? { sort: search.sort } : {}),
    ...(search.sort && search.dir ? { dir: search.dir } : {}),
  };
}

/** Sorted by a column: ascending first, the other way when it is sorted by it already. */
export function sortedBy(search: SearchState, column: string): SearchState {
  const dir = search.sort === column && search.dir !== "desc" ? "desc" : "asc";
  return { ...search, sort: column, dir };
}

/** A column moved one place up (-1) or down (+1); at either end it stays. */
export function moveColumn(columns: string[], column: string, by: -1 | 1): string[] {
  const at = columns.indexOf(column);
  const to = at + by;
  if (at < 0 || to < 0 || to >= columns.length) return columns;
  const moved = [...columns];
  [moved[at], moved[to]] = [moved[to], moved[at]];
  return moved;
}

/** A column shown (at the end) or hidden; the shown columns start from the defaults when none were chosen. */
export function toggleColumn(search: SearchState, column: string, shown: boolean): string[] {
  const columns = shownColumns(search).filter((c) => c !== column);
  return shown ? [...columns, column] : columns;
}

/** Another target: its own fields, so the conditions, columns and sort start over. */
export const withTarget = (target: SearchTarget): SearchState => ({ target, where: [], columns: [] });
