import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SelectQueryBuilder, type SqlBool } from "kysely";
import type { SEARCH_FIELDS, SearchTarget } from "../../../../shared/api/schemas/advanced-search.ts";
import type { Database } from "../../../db/database.ts";
import { jsonMember, type Engine } from "../../../db/dialect.ts";
import { caseVisibleTo, documentVisibleTo } from "../../access/access.ts";
import type { Actor } from "../../access/actor.ts";
import { contactVisibleTo } from "../../contacts/contacts.service.ts";
import { taskVisibleTo } from "../../tasks/tasks.service.ts";
import type { SearchField } from "./catalog.ts";

// Where each field of each target lives in the database: one table of definitions, so the four targets share
// every rule (conditions, sorting, cells) and differ only in their columns. Nothing here holds a value from
// the request; conditions.ts binds those as parameters.

/** What turns a cell's ids into what a person reads (cells.ts). */
export type LookupKind = "users" | "accessGroups" | "templates" | "documentTypes" | "assignees" | "caseParties" | "documentParties";

/** How one field is read. */
export interface FieldSql {
  /** What a condition compares: the column, or the expression, that holds the field's value. */
  value: RawBuilder<unknown>;
  /** What its cell is read from, when not the value (a case's number for its id); with `lookup`, ids to be named. */
  cell?: RawBuilder<unknown>;
  lookup?: LookupKind;
  /** What the rows are sorted by, when not the cell: a name rather than an id, lower-cased text. */
  sortBy?: RawBuilder<unknown>;
  /** Whether it may be missing (null); missing values sort last in both directions. */
  nullable?: boolean;
  /** A field with several values per row (a case's parties, a contact's addresses): whether any of them satisfies `holds`. */
  anyOf?: (holds: (value: RawBuilder<unknown>) => RawBuilder<SqlBool>) => RawBuilder<SqlBool>;
}

// Kysely types each query by its tables; these are built for four targets alike, so they are typed loosely here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyQuery = SelectQueryBuilder<any, any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEb = ExpressionBuilder<any, any>;

export interface TargetSql {
  /** The table of its rows: what search_rows.object_id names for its full-text hits. */
  table: "cases" | "documents" | "contacts" | "tasks";
  /** The tables its fields read, joined onto its rows (and what every search of it leaves out). */
  joins(q: AnyQuery): AnyQuery;
  /** The access module's answer for the target: only rows the actor may see are matched, counted and shown. */
  visibleTo(actor: Actor): (eb: AnyEb) => Expression<SqlBool>;
  /** The case a row is in, for a link (documents and tasks). */
  caseId: RawBuilder<unknown> | null;
  /** Its fields; one whose SQL differs by engine (a member of a JSON column) as a function of the engine. */
  fields: Record<string, FieldSql | ((engine: Engine) => FieldSql)>;
}

const col = (name: string) => sql.ref(name);
const folded = (x: RawBuilder<unknown>) => sql`lower(${x})`;
const nameIn = (table: "users" | "groups" | "access_groups" | "case_templates" | "document_types", id: RawBuilder<unknown>) =>
  sql`(SELECT ${col(`${table}.name`)} FROM ${sql.table(table)} WHERE ${col(`${table}.id`)} = ${id})`;

const plain = (column: string, nullable = false): FieldSql => ({ value: col(column), nullable });
/** Text a person wrote: sorted without regard to case. */
const words = (column: string, nullable = false): FieldSql => ({ value: col(column), sortBy: folded(col(column)), nullable });
/** An id of something with a name (a user, a template …): shown and sorted by the name. */
const named = (column: string, table: Parameters<typeof nameIn>[0], lookup: LookupKind, nullable = false): FieldSql => ({
  value: col(column),
  lookup,
  sortBy: folded(nameIn(table, col(column))),
  nullable,
});
const person = (column: string, nullable = false) => named(column, "users", "users", nullable);

/** The parties of a case or a document: any of them matches; shown by name, sorted by the first name. */
function parties(table: "case_parties" | "document_parties", key: "case_id" | "document_id", row: string, lookup: LookupKind): FieldSql {
  const of = sql`${col(`pty.${key}`)} = ${col(row)}`;
  return {
    value: col(row),
    lookup,
    anyOf: (holds) => sql`EXISTS (SELECT 1 FROM ${sql.table(table)} AS pty WHERE ${of} AND ${holds(col("pty.contact_id"))})`,
    sortBy: sql`(SELECT min(pc.name_key) FROM ${sql.table(table)} AS pty JOIN contacts AS pc ON pc.id = pty.contact_id WHERE ${of})`,
    nullable: true,
  };
}

/** The case a task is about: its own, or its document's. */
const taskCase = sql`coalesce(${col("tasks.case_id")}, ${col("d.case_id")})`;
const primaryEmail = sql`(SELECT ce.email FROM contact_emails AS ce WHERE ce.contact_id = ${col("contacts.id")} ORDER BY ce.position LIMIT 1)`;
const city = (engine: Engine) => jsonMember(engine, "contacts.address", "city", "text");

/** Every fixed field of a target but its free text (text-match.ts), so none can be left out. */
type FieldsOf<T extends SearchTarget> = Record<Exclude<keyof (typeof SEARCH_FIELDS)[T], "text">, FieldSql | ((engine: Engine) => FieldSql)>;

const cases: FieldsOf<"cases"> = {
  number: plain("cases.number"),
  title: words("cases.title"),
  status: plain("cases.status"),
  journalCode: plain("cases.journal_code"),
  owner: person("cases.owner_id"),
  responsible: person("cases.responsible_id", true),
  party: parties("case_parties", "case_id", "cases.id", "caseParties"),
  template: named("cases.template_id", "case_templates", "templates"),
  accessGroup: named("cases.access_group_id", "access_groups", "accessGroups"),
  critical: plain("cases.critical"),
  startDate: plain("cases.start_date"),
  endDate: plain("cases.end_date", true),
  createdAt: plain("cases.created_at"),
  changedAt: plain("cases.changed_at"),
};

const documents: FieldsOf<"documents"> = {
  title: words("documents.title"),
  status: plain("documents.status"),
  documentType: named("documents.document_type_id", "document_types", "documentTypes"),
  category: words("documents.category"),
  owner: person("documents.owner_id"),
  case: { value: col("documents.case_id"), cell: col("c.number"), sortBy: col("c.number"), nullable: true },
  caseNumber: plain("c.number", true),
  caseTitle: words("c.title", true),
  journalCode: plain("c.journal_code", true),
  party: parties("document_parties", "document_id", "documents.id", "documentParties"),
  documentDate: plain("documents.document_date", true),
  createdAt: plain("documents.created_at"),
  changedAt: plain("documents.changed_at"),
};

const contacts: FieldsOf<"contacts"> = {
  name: { value: col("contacts.name"), sortBy: col("contacts.name_key") },
  kind: plain("contacts.kind"),
  // Every address matches; the first is shown.
  email: {
    value: primaryEmail,
    anyOf: (holds) => sql`EXISTS (SELECT 1 FROM contact_emails AS ce WHERE ce.contact_id = ${col("contacts.id")} AND ${holds(col("ce.email"))})`,
    sortBy: folded(primaryEmail),
    nullable: true,
  },
  phone: plain("contacts.phone", true),
  cvr: plain("contacts.cvr", true),
  city: (engine) => ({ value: city(engine), sortBy: folded(city(engine)), nullable: true }),
  createdAt: plain("contacts.created_at"),
  changedAt: plain("contacts.changed_at"),
};

const tasks: FieldsOf<"tasks"> = {
  title: words("tasks.title"),
  status: plain("tasks.status"),
  // A user or a group: an id names one of them either way.
  assignee: {
    value: col("tasks.assignee_id"),
    lookup: "assignees",
    sortBy: folded(sql`coalesce(${nameIn("users", col("tasks.assignee_id"))}, ${nameIn("groups", col("tasks.assignee_id"))})`),
    nullable: true,
  },
  case: { value: taskCase, cell: col("c.number"), sortBy: col("c.number"), nullable: true },
  caseNumber: plain("c.number", true),
  caseTitle: words("c.title", true),
  createdBy: person("tasks.created_by"),
  startDate: plain("tasks.start_date", true),
  deadline: plain("tasks.deadline", true),
  createdAt: plain("tasks.created_at"),
  changedAt: plain("tasks.changed_at"),
  completedAt: plain("tasks.completed_at", true),
};

// The access predicates are typed for their own table; here they meet a query over several.
const scoped =
  <T extends keyof Database>(visible: (actor: Actor) => (eb: ExpressionBuilder<Database, T>) => Expression<SqlBool>) =>
  (actor: Actor) =>
  (eb: AnyEb) =>
    visible(actor)(eb as unknown as ExpressionBuilder<Database, T>);

export const TARGETS: Record<SearchTarget, TargetSql> = {
  cases: { table: "cases", joins: (q) => q, visibleTo: scoped(caseVisibleTo), caseId: null, fields: cases },
  documents: {
    table: "documents",
    joins: (q) => q.leftJoin("cases as c", "c.id", "documents.case_id"),
    visibleTo: scoped(documentVisibleTo),
    caseId: col("documents.case_id"),
    fields: documents,
  },
  contacts: {
    table: "contacts",
    joins: (q) => q.where("contacts.merged_into", "is", null),
    visibleTo: scoped(contactVisibleTo),
    caseId: null,
    fields: contacts,
  },
  tasks: {
    table: "tasks",
    joins: (q) => q.leftJoin("documents as d", "d.id", "tasks.document_id").leftJoin("cases as c", (j) => j.on(sql<SqlBool>`${col("c.id")} = ${taskCase}`)),
    visibleTo: scoped(taskVisibleTo),
    caseId: taskCase,
    fields: tasks,
  },
};

/** How a field of a target is read: a fixed one from the table above, a case's custom field from its metadata. */
export function fieldSql(engine: Engine, target: SearchTarget, field: SearchField): FieldSql {
  if (!field.metaName) {
    const fixed = TARGETS[target].fields[field.id];
    return typeof fixed === "function" ? fixed(engine) : fixed;
  }
  // The name is a template field's (letters, digits, _), and it is bound as a parameter all the same.
  const value = jsonMember(engine, "cases.metadata", field.metaName, field.type === "number" ? "number" : field.type === "boolean" ? "boolean" : "text");
  // Text sorts by its first 200 characters (ties by id), which keeps the cursor that carries it short.
  return { value, sortBy: field.type === "string" ? sql`substr(lower(${value}), 1, 200)` : value, nullable: true };
}

/** What names the ids of a field's cells, if anything does. */
export const lookupOf = (target: SearchTarget, field: SearchField): LookupKind | undefined => fieldSql("sqlite", target, field).lookup;
