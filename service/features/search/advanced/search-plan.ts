import type { z } from "zod";
import {
  AdvancedSearch,
  DEFAULT_COLUMNS,
  OPERATORS_OF,
  SEARCH_FIELDS,
  SearchOperator,
  type AdvancedSearchParsed,
  type AdvancedSearchQuery,
  type SearchTarget,
} from "../../../../shared/api/schemas/advanced-search.ts";
import { Id, IsoDate } from "../../../../shared/api/schemas/common.ts";
import type { Executor } from "../../../db/database.ts";
import { badRequest, validationProblem } from "../../../http/problem.ts";
import { journalSubtree } from "../../cases/case-list.service.ts";
import { matchQuery, parseQuery } from "../search-text.ts";
import { catalogOf, type Catalog, type SearchField } from "./catalog.ts";

// An advanced search read and checked once, the same way whether it comes as a query string (GET
// /api/search/advanced and .csv) or as a saved search's JSON: every field must be one of the target's, every
// operator one its type allows, every value one its type can hold. Each refusal is a 400 naming the condition
// (or column, or sort) and what to write instead, with the same `errors` list invalid_request carries.

/** A condition as the query compares it. */
export interface PlannedCondition {
  field: SearchField;
  op: SearchOperator;
  /** What the value is compared as: a day, a number, 1 or 0, the journal codes at and below a code, a string; null for empty and notEmpty. */
  operand: string | number | readonly string[] | null;
}

export type SearchOrder = { by: "relevance" } | { by: SearchField; dir: "asc" | "desc" };

/** A search ready to run. */
export interface SearchPlan {
  target: SearchTarget;
  /** The search as it was read, every default filled in: what a saved search stores. */
  search: AdvancedSearchParsed;
  /** The free text of the text conditions, each of which must match. */
  texts: string[];
  conditions: PlannedCondition[];
  columns: SearchField[];
  order: SearchOrder;
}

/** A refusal that points at the part of the search to mend, like invalid_request's `errors`. */
function refusal(code: string, path: string, message: string) {
  return badRequest(code, message, { errors: [{ path, message }] });
}

const shown = (text: string) => (text.length > 60 ? `${text.slice(0, 60)}…` : text);

/** `field:op:value`, split on the first two colons (the value may hold more); `field:op` leaves the value out. */
function conditionOf(target: SearchTarget, text: string, path: string) {
  const first = text.indexOf(":");
  if (first < 1) throw refusal("invalid_search", path, `The condition "${shown(text)}" is not written field:op:value, e.g. title:contains:budget.`);
  const second = text.indexOf(":", first + 1);
  const field = text.slice(0, first);
  const op = second < 0 ? text.slice(first + 1) : text.slice(first + 1, second);
  const value = second < 0 ? "" : text.slice(second + 1);
  if (!SearchOperator.safeParse(op).success) {
    const spec = (SEARCH_FIELDS[target] as Record<string, { type: keyof typeof OPERATORS_OF }>)[field];
    const ops = spec ? OPERATORS_OF[spec.type] : SearchOperator.options;
    throw refusal("search_operator_not_allowed", path, `In "${shown(text)}", "${shown(op)}" is not an operator; write one of ${ops.join(", ")}.`);
  }
  return { field, op, value };
}

/** GET /api/search/advanced's query string as a search: every structural rule (how many, how long) is AdvancedSearch's. */
export function searchOfQuery(query: z.output<typeof AdvancedSearchQuery>): AdvancedSearchParsed {
  const where = (query.where ?? []).map((text, i) => conditionOf(query.target, text, `query.where.${i}`));
  const columns = query.columns?.trim() ? query.columns.split(",").map((c) => c.trim()) : [];
  const parsed = AdvancedSearch.safeParse({ target: query.target, where, columns, sort: query.sort, dir: query.dir });
  if (!parsed.success) throw validationProblem(parsed.error, "query");
  return parsed.data;
}

function fieldOf(catalog: Catalog, target: SearchTarget, name: string, path: string): SearchField {
  const field = catalog.get(name);
  if (field) return field;
  if (name.startsWith("meta.")) {
    const why = target === "cases" ? `no case template has a field named "${name.slice(5)}"` : `only cases have the custom fields of a template (meta.<name>)`;
    throw refusal("unknown_search_field", path, `There is no field "${name}": ${why}.`);
  }
  const known = Object.keys(SEARCH_FIELDS[target]).join(", ");
  throw refusal(
    "unknown_search_field",
    path,
    `${target} have no field "${shown(name)}"; use one of ${known}${target === "cases" ? ", or meta.<name> for a template's own field" : ""}.`,
  );
}

const OPERAND_HINT: Record<string, string> = {
  date: "write the date as YYYY-MM-DD, e.g. 2024-01-31",
  number: "write a number, e.g. 12 or -3.5",
  boolean: "write true or false",
};

/** The value of a condition as its field's type reads it, or a 400 saying how to write it. */
async function operandOf(db: Executor, field: SearchField, op: SearchOperator, value: string, path: string): Promise<PlannedCondition["operand"]> {
  const bad = (how: string) => refusal("invalid_search_value", path, `The value of ${field.id}:${op} cannot be "${shown(value)}": ${how}.`);
  if (op === "empty" || op === "notEmpty") {
    if (value.trim() !== "") throw bad(`${op} compares with nothing; leave the value out (${field.id}:${op}:)`);
    return null;
  }
  // No text in the archive holds NUL (PostgreSQL's cannot), so no value with one could match.
  if (value.includes("\u0000")) throw bad("remove the character NUL (U+0000)");
  const typed = value.trim();
  switch (field.type) {
    case "text":
      if (!matchQuery(parseQuery(value))) throw bad("write at least one word or number to search for");
      return value;
    case "string":
      if (value === "") throw bad("write the text to compare with, or use empty");
      return value;
    case "choice":
      if (!field.options?.includes(value)) throw bad(`${field.id} is one of ${(field.options ?? []).join(", ")}`);
      return value;
    case "date":
      if (!IsoDate.safeParse(typed).success) throw bad(OPERAND_HINT.date);
      return typed;
    case "number":
      if (!/^-?\d{1,15}(\.\d{1,15})?$/.test(typed)) throw bad(OPERAND_HINT.number);
      return Number(typed);
    case "boolean":
      if (typed !== "true" && typed !== "false") throw bad(OPERAND_HINT.boolean);
      return typed === "true" ? 1 : 0;
    case "code":
      if (typed === "") throw bad("write a journal plan code, e.g. 17.01");
      return op === "under" ? journalSubtree(db, typed) : typed;
    default:
      // user, group, contact, template, documentType, case: an id, as the pickers give it.
      if (!Id.safeParse(typed).success) throw bad(`name the ${field.type} by its id`);
      return typed;
  }
}

/**
 * Checks a search against its target's fields (custom ones read from the templates) and makes it ready to run.
 * `at` is where the search stands in the request ("query", "body.search"), for the paths the refusals name.
 */
export async function planSearch(db: Executor, search: AdvancedSearchParsed, at: string): Promise<SearchPlan> {
  const { target } = search;
  const catalog = await catalogOf(db, target);
  const texts: string[] = [];
  const conditions: PlannedCondition[] = [];
  for (const [i, c] of search.where.entries()) {
    const path = `${at}.where.${i}`;
    const field = fieldOf(catalog, target, c.field, path);
    if (field.columnOnly) throw refusal("invalid_search", path, `${field.id} can only be shown as a column; choose another field to search by.`);
    if (!OPERATORS_OF[field.type].includes(c.op))
      throw refusal("search_operator_not_allowed", path, `${field.id} cannot be compared with ${c.op}; use ${OPERATORS_OF[field.type].join(", ")}.`);
    const operand = await operandOf(db, field, c.op, c.value, path);
    if (field.type === "text") texts.push(c.value);
    else conditions.push({ field, op: c.op, operand });
  }
  const names = search.columns.length ? search.columns : DEFAULT_COLUMNS[target];
  const columns = names.map((name, i) => {
    const path = search.columns.length ? `${at}.columns.${i}` : `${at}.columns`;
    const field = fieldOf(catalog, target, name, path);
    if (field.conditionOnly) throw refusal("invalid_search", path, `${field.id} is only a condition; it cannot be shown as a column.`);
    if (names.indexOf(name) !== i) throw refusal("invalid_search", path, `The column ${name} is named twice; name each column once.`);
    return field;
  });
  let order: SearchOrder;
  if (search.sort) {
    const field = fieldOf(catalog, target, search.sort, `${at}.sort`);
    if (field.conditionOnly || field.columnOnly)
      throw refusal("invalid_search", `${at}.sort`, `The results cannot be sorted by ${field.id}; sort by another field.`);
    order = { by: field, dir: search.dir ?? "asc" };
  } else if (texts.length) {
    order = { by: "relevance" };
  } else {
    order = { by: catalog.get("changedAt")!, dir: search.dir ?? "desc" };
  }
  return { target, search, texts, conditions, columns, order };
}
