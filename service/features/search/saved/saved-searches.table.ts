import type { Selectable } from "kysely";

/** A saved search (gemt søgning): an advanced search its owner keeps under a name, private or shared with one group. */
export interface SavedSearchTable {
  id: string;
  owner_id: string;
  name: string;
  /** JSON of AdvancedSearch (shared/api/schemas/advanced-search.ts), as validated when it was saved. */
  search: string;
  /** The group whose members may run it; null when only its owner may. */
  shared_group_id: string | null;
  created_at: string;
  changed_at: string;
}
export type SavedSearchRow = Selectable<SavedSearchTable>;
