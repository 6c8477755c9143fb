import { sql } from "kysely";
import type { AdvancedSearchRow, Cell } from "../../../../shared/api/types.ts";
import type { Executor } from "../../../db/database.ts";
import { accessGroupNames } from "../../access/access-groups.service.ts";
import { listDocumentTypes } from "../../retention/retention.service.ts";
import { listTemplates } from "../../templates/templates.service.ts";
import { groupsByIds, usersByIds } from "../../users/users.service.ts";
import type { RawRow } from "./advanced.repository.ts";
import type { SearchField } from "./catalog.ts";
import type { SearchPlan } from "./search-plan.ts";
import { lookupOf, type LookupKind } from "./target-sql.ts";

// A page's cells as a person reads them: the ids in it named (people, groups, templates, document types, the
// parties of each row) with one lookup per kind for the whole page, never one per row. Names of people and
// things are kept for the rest of the run (an export reads many pages naming the same few); parties are not.

type Lookup = (db: Executor, ids: string[]) => Promise<Map<string, string>>;

const byName = (rows: ReadonlyArray<{ id: string; name: string }>) => new Map(rows.map((r) => [r.id, r.name]));

/** The parties of each case or document, by name, joined as one cell. */
function partiesOf(table: "case_parties" | "document_parties", key: "case_id" | "document_id"): Lookup {
  return async (db, ids) => {
    const { rows } = await sql<{ row_id: string; name: string }>`SELECT DISTINCT p.${sql.ref(key)} AS row_id, contacts.name, contacts.name_key
      FROM ${sql.table(table)} AS p JOIN contacts ON contacts.id = p.contact_id
      WHERE p.${sql.ref(key)} IN (${sql.join(ids)}) ORDER BY contacts.name_key`.execute(db);
    const names = new Map<string, string[]>();
    for (const r of rows) names.set(r.row_id, [...(names.get(r.row_id) ?? []), r.name]);
    return new Map([...names].map(([id, list]) => [id, list.join(", ")]));
  };
}

const LOOKUPS: Record<LookupKind, Lookup> = {
  users: async (db, ids) => byName(await usersByIds(db, ids)),
  accessGroups: async (db, ids) => byName(await accessGroupNames(db, ids)),
  templates: async (db, ids) => byName((await listTemplates(db, true)).filter((t) => ids.includes(t.id))),
  documentTypes: async (db, ids) => byName(await listDocumentTypes(db, ids)),
  // A task's assignee is a user or a group; the two never share an id.
  assignees: async (db, ids) => new Map([...byName(await groupsByIds(db, ids)), ...byName(await usersByIds(db, ids))]),
  caseParties: partiesOf("case_parties", "case_id"),
  documentParties: partiesOf("document_parties", "document_id"),
};
/** Their keys are the rows' own ids, which no later page repeats. */
const PER_ROW: ReadonlySet<LookupKind> = new Set(["caseParties", "documentParties"]);

/** Names looked up during one run: a search's page, or all of an export's. */
export class Names {
  private readonly known = new Map<LookupKind, Map<string, string>>();

  constructor(private readonly db: Executor) {}

  async of(kind: LookupKind, ids: ReadonlySet<string>): Promise<Map<string, string>> {
    const known = this.known.get(kind) ?? new Map<string, string>();
    const missing = [...ids].filter((id) => !known.has(id));
    if (missing.length) for (const [id, name] of await LOOKUPS[kind](this.db, missing)) known.set(id, name);
    if (!PER_ROW.has(kind)) this.known.set(kind, known);
    return known;
  }
}

/** A value as the cell shows it: a yes/no as a boolean, a number as a number, nothing as null. */
function cellOf(field: SearchField, value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (field.type === "boolean") return Boolean(Number(value));
  if (typeof value === "number" || typeof value === "string") return value;
  return String(value);
}

/** The rows of a page with their cells, each id among them named. */
export async function rowsOf(plan: SearchPlan, rows: RawRow[], names: Names): Promise<AdvancedSearchRow[]> {
  const named = await Promise.all(
    plan.columns.map(async (field, i) => {
      const lookup = lookupOf(plan.target, field);
      if (!lookup) return null;
      const ids = new Set(rows.map((r) => r[`c${i}`]).filter((v): v is string => typeof v === "string"));
      return ids.size ? names.of(lookup, ids) : new Map<string, string>();
    }),
  );
  return rows.map((r) => ({
    id: r.id,
    caseId: r.case_id,
    cells: plan.columns.map((field, i) => {
      const raw = r[`c${i}`];
      const names = named[i];
      return names ? (typeof raw === "string" ? (names.get(raw) ?? null) : null) : cellOf(field, raw);
    }),
  }));
}
