import { z } from "zod";
import { Id, NamedRef, Timestamp, UserRef } from "./common.ts";
import type { MetadataField } from "./reference.ts";
import { HitCount } from "./search.ts";

// Advanced search (avanceret søgning): one target — cases, documents, contacts or tasks — narrowed by
// conditions (field, operator, value), shown in chosen columns and sorted. The same search runs as JSON
// (GET /api/search/advanced) and as CSV (GET /api/search/advanced.csv) from the same query string, and can
// be saved, privately or shared with a group, to run again.

export const SearchTarget = z.enum(["cases", "documents", "contacts", "tasks"]);
export type SearchTarget = z.infer<typeof SearchTarget>;

export const SearchOperator = z.enum(["eq", "ne", "contains", "startsWith", "under", "gte", "lte", "empty", "notEmpty"]);
export type SearchOperator = z.infer<typeof SearchOperator>;

/**
 * What a field holds, which decides its operators and how its value is written:
 * - text: free text, matched like the free-text search (stemmed words, `skov*`, "phrases"); operator contains
 * - string: eq, ne, contains, startsWith, empty, notEmpty
 * - choice: one of the field's options; eq, ne
 * - code: a journal plan code; eq, or under (the code or any code below it)
 * - user, group, contact, template, documentType, case: an id; eq, ne (empty, notEmpty where it may be unset)
 * - date: YYYY-MM-DD (timestamps compare by their day in UTC); eq, gte, lte, empty, notEmpty
 * - number: eq, ne, gte, lte, empty, notEmpty
 * - boolean: true or false; eq
 */
export const FieldType = z.enum([
  "text",
  "string",
  "choice",
  "code",
  "user",
  "group",
  "contact",
  "template",
  "documentType",
  "case",
  "date",
  "number",
  "boolean",
]);
export type FieldType = z.infer<typeof FieldType>;

export const OPERATORS_OF: Record<FieldType, readonly SearchOperator[]> = {
  text: ["contains"],
  string: ["eq", "ne", "contains", "startsWith", "empty", "notEmpty"],
  choice: ["eq", "ne"],
  code: ["eq", "under"],
  user: ["eq", "ne", "empty", "notEmpty"],
  group: ["eq", "ne"],
  contact: ["eq", "ne"],
  template: ["eq", "ne"],
  documentType: ["eq", "ne"],
  case: ["eq", "ne", "empty", "notEmpty"],
  date: ["eq", "gte", "lte", "empty", "notEmpty"],
  number: ["eq", "ne", "gte", "lte", "empty", "notEmpty"],
  boolean: ["eq"],
};

/** A field of a target: what it is called on the wire, what it holds, whether it can be a condition, a column and a sort key. */
export interface FieldSpec {
  type: FieldType;
  /** The options of a choice. */
  options?: readonly string[];
  /** Only a column (e.g. a case's title shown beside a document); false means it can also be a condition. */
  columnOnly?: boolean;
  /** Only a condition (the free text); it is not shown as a column. */
  conditionOnly?: boolean;
}

/**
 * The fixed fields of each target. A case's custom fields (a template's metadata fields) are `meta.<name>`
 * with the type the template gives them (text → string, choice, number, date, boolean); they can be
 * conditions and columns of cases.
 */
export const SEARCH_FIELDS = {
  cases: {
    text: { type: "text", conditionOnly: true },
    number: { type: "string" },
    title: { type: "string" },
    status: { type: "choice", options: ["active", "closed"] },
    journalCode: { type: "code" },
    owner: { type: "user" },
    responsible: { type: "user" },
    party: { type: "contact" },
    template: { type: "template" },
    accessGroup: { type: "group" },
    critical: { type: "boolean" },
    startDate: { type: "date" },
    endDate: { type: "date" },
    createdAt: { type: "date" },
    changedAt: { type: "date" },
  },
  documents: {
    text: { type: "text", conditionOnly: true },
    title: { type: "string" },
    status: { type: "choice", options: ["draft", "final"] },
    documentType: { type: "documentType" },
    category: { type: "string" },
    owner: { type: "user" },
    case: { type: "case" },
    caseNumber: { type: "string" },
    caseTitle: { type: "string", columnOnly: true },
    journalCode: { type: "code" },
    party: { type: "contact" },
    documentDate: { type: "date" },
    createdAt: { type: "date" },
    changedAt: { type: "date" },
  },
  contacts: {
    text: { type: "text", conditionOnly: true },
    name: { type: "string" },
    kind: { type: "choice", options: ["person", "organisation"] },
    email: { type: "string" },
    phone: { type: "string" },
    cvr: { type: "string" },
    city: { type: "string" },
    createdAt: { type: "date" },
    changedAt: { type: "date" },
  },
  tasks: {
    text: { type: "text", conditionOnly: true },
    title: { type: "string" },
    status: { type: "choice", options: ["open", "in_progress", "done"] },
    assignee: { type: "user" },
    case: { type: "case" },
    caseNumber: { type: "string" },
    caseTitle: { type: "string", columnOnly: true },
    createdBy: { type: "user" },
    startDate: { type: "date" },
    deadline: { type: "date" },
    createdAt: { type: "date" },
    changedAt: { type: "date" },
    completedAt: { type: "date" },
  },
} as const satisfies Record<SearchTarget, Record<string, FieldSpec>>;

/** A field as a search names it: its wire name, and for a case's custom field its metadata key and label. */
export interface SearchField extends FieldSpec {
  id: string;
  /** A custom field: the key in a case's metadata. */
  metaName?: string;
  /** A custom field's label, from its template. */
  label?: string;
}

/** The type a template's own field has in a search: its free text compares as a string. */
const CUSTOM_TYPE: Record<MetadataField["type"], FieldType> = { text: "string", number: "number", date: "date", boolean: "boolean", choice: "choice" };

/**
 * The custom fields of every template given (retired ones too: old cases hold their fields), once each by
 * name: the first template to name a field gives its label and type, and a choice offers the options of every
 * template that has it. The service validates searches and the web view lists fields by this one rule.
 */
export function customFieldsOf(templates: ReadonlyArray<{ fields: readonly MetadataField[] }>): SearchField[] {
  const byName = new Map<string, SearchField>();
  for (const template of templates) {
    for (const f of template.fields) {
      const id = `meta.${f.name}`;
      const known = byName.get(id);
      const type = CUSTOM_TYPE[f.type];
      if (!known) byName.set(id, { id, type, metaName: f.name, label: f.label, ...(type === "choice" ? { options: [...(f.options ?? [])] } : {}) });
      else if (known.type === "choice" && type === "choice") known.options = [...new Set([...(known.options ?? []), ...(f.options ?? [])])];
    }
  }
  return [...byName.values()];
}

/** The columns a search shows when it names none. */
export const DEFAULT_COLUMNS: Record<SearchTarget, readonly string[]> = {
  cases: ["number", "title", "status", "owner", "changedAt"],
  documents: ["title", "caseNumber", "documentType", "status", "changedAt"],
  contacts: ["name", "kind", "email", "city"],
  tasks: ["title", "status", "assignee", "deadline", "caseNumber"],
};

/** A field name: a fixed field of the target, or `meta.<name>` for a case's custom field. */
export const FieldName = z
  .string()
  .regex(/^(?:[a-zA-Z]{1,40}|meta\.[a-zA-Z][a-zA-Z0-9_]{0,62})$/, "name a field of the target, or meta.<name> for a custom field");

export const SearchCondition = z.strictObject({
  field: FieldName,
  op: SearchOperator,
  /** Left out (or empty) for empty and notEmpty. */
  value: z.string().max(1000).default(""),
});
export type SearchCondition = z.infer<typeof SearchCondition>;

export const SortDirection = z.enum(["asc", "desc"]);

/** A whole advanced search, as a saved search stores it and as the query string spells it. */
export const AdvancedSearch = z.strictObject({
  target: SearchTarget,
  /** All must hold (AND). */
  where: z.array(SearchCondition).max(20).default([]),
  /** The columns shown, in order; the target's defaults when empty. */
  columns: z.array(FieldName).max(30).default([]),
  /**
   * A field to sort by (not a column-only one, nor the free text; it need not be shown); when none is named: by
   * relevance when there is a text condition, else changedAt newest first. Empty values come last either way.
   */
  sort: FieldName.optional(),
  /** asc unless named; without a sort, the direction of changedAt (desc unless named). */
  dir: SortDirection.optional(),
});
export type AdvancedSearch = z.input<typeof AdvancedSearch>;
export type AdvancedSearchParsed = z.output<typeof AdvancedSearch>;

const oneOrMany = <T extends z.ZodType>(item: T) => z.preprocess((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]), z.array(item));

/**
 * GET /api/search/advanced (and .csv): the search in the query string. Each condition is one `where`,
 * written `field:op:value` (the value may itself hold colons), e.g.
 * `?target=cases&where=status:eq:active&where=journalCode:under:00.01&where=meta.elev:contains:Anna&columns=number,title&sort=number&dir=asc`.
 */
export const AdvancedSearchQuery = z.object({
  target: SearchTarget,
  where: oneOrMany(z.string().max(1100)).optional().describe("field:op:value, repeated; all must hold"),
  columns: z.string().max(2000).optional().describe("Column names, comma-separated, in order"),
  sort: FieldName.optional(),
  dir: SortDirection.optional(),
  /** nextCursor of the page before (it carries the last row's sort value, so it can be long). */
  cursor: z.string().max(4000).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AdvancedSearchQuery = z.input<typeof AdvancedSearchQuery>;

/** A cell as shown: people, groups, types and contacts by name; dates as YYYY-MM-DD, timestamps as ISO 8601. */
export const Cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type Cell = z.infer<typeof Cell>;

export const ResultColumn = z.strictObject({ id: FieldName, type: FieldType });

export const AdvancedSearchRow = z.strictObject({
  /** The case's, document's, contact's or task's id. */
  id: Id,
  /** For documents and tasks: the case they are in (to link to it); null otherwise. */
  caseId: Id.nullable(),
  /** One value per column, in the order of `columns`. */
  cells: z.array(Cell),
});
export type AdvancedSearchRow = z.infer<typeof AdvancedSearchRow>;

export const AdvancedSearchResults = z.strictObject({
  target: SearchTarget,
  columns: z.array(ResultColumn),
  /** How many match in all (that the caller may see), counted up to the cap. */
  total: HitCount,
  items: z.array(AdvancedSearchRow),
  nextCursor: z.string().nullable(),
});
export type AdvancedSearchResults = z.infer<typeof AdvancedSearchResults>;

/** A saved search (gemt søgning): private to its owner, or shared with one of the owner's groups (GET /api/groups). */
export const SavedSearch = z.strictObject({
  id: Id,
  name: z.string(),
  search: AdvancedSearch,
  owner: UserRef,
  /** The group it is shared with; null when private. */
  sharedWith: NamedRef.nullable(),
  /** Whether the caller owns it (and so may change or delete it). */
  mine: z.boolean(),
  createdAt: Timestamp,
  changedAt: Timestamp,
});
export type SavedSearch = z.infer<typeof SavedSearch>;

const SavedSearchName = z.string().trim().min(1).max(200);

/** GET /api/saved-searches: the caller's own and those shared with a group they are in, by name. */
export const SavedSearchList = z.strictObject({ items: z.array(SavedSearch) });

/** POST /api/saved-searches; `sharedWithGroupId` must be a group the caller is a member of. */
export const NewSavedSearch = z.strictObject({ name: SavedSearchName, search: AdvancedSearch, sharedWithGroupId: Id.nullable().default(null) });
export type NewSavedSearch = z.input<typeof NewSavedSearch>;

/** PATCH /api/saved-searches/{id}: only its owner may. */
export const SavedSearchPatch = z
  .strictObject({ name: SavedSearchName.optional(), search: AdvancedSearch.optional(), sharedWithGroupId: Id.nullable().optional() })
  .refine((o) => Object.keys(o).length > 0, "name at least one field to change");
export type SavedSearchPatch = z.input<typeof SavedSearchPatch>;
