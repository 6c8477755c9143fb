import { customFieldsOf, SEARCH_FIELDS, type FieldSpec, type SearchField, type SearchTarget } from "../../../../shared/api/schemas/advanced-search.ts";
import type { Executor } from "../../../db/database.ts";
import { listTemplates } from "../../templates/templates.service.ts";

// The fields a search can name: each target's fixed fields (shared/api/schemas/advanced-search.ts) and, for
// cases, the custom fields of the case templates as `meta.<name>`.

export type { SearchField };

export type Catalog = ReadonlyMap<string, SearchField>;

/** Every field of a target by name; only cases have custom fields, so only they read the templates. */
export async function catalogOf(db: Executor, target: SearchTarget): Promise<Catalog> {
  const fixed = Object.entries(SEARCH_FIELDS[target] as Record<string, FieldSpec>).map(([id, spec]): SearchField => ({ id, ...spec }));
  const custom = target === "cases" ? customFieldsOf(await listTemplates(db, true)) : [];
  return new Map([...fixed, ...custom].map((f) => [f.id, f]));
}
