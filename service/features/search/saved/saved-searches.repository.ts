import type { Updateable } from "kysely";
import type { Executor } from "../../../db/database.ts";
import type { SavedSearchRow, SavedSearchTable } from "./saved-searches.table.ts";

// The saved_searches table; only the saved searches read and write it. Who sees one is said once, by
// `savedSearchVisibleTo`: its owner, and the members of the group it is shared with.

/** Whom a saved search is visible to: its owner, and the members of these groups (the user's own). */
export interface SavedSearchViewer {
  userId: string;
  groupIds: readonly string[];
}

function visibleTo(db: Executor, viewer: SavedSearchViewer) {
  return db
    .selectFrom("saved_searches")
    .selectAll()
    .where((eb) => eb.or([eb("owner_id", "=", viewer.userId), ...(viewer.groupIds.length ? [eb("shared_group_id", "in", [...viewer.groupIds])] : [])]));
}

/** The saved searches the viewer sees, by name. */
export function savedSearchesVisibleTo(db: Executor, viewer: SavedSearchViewer): Promise<SavedSearchRow[]> {
  return visibleTo(db, viewer).orderBy("name").orderBy("id").execute();
}

export function findVisibleSavedSearch(db: Executor, viewer: SavedSearchViewer, id: string): Promise<SavedSearchRow | undefined> {
  return visibleTo(db, viewer).where("id", "=", id).executeTakeFirst();
}

export async function insertSavedSearch(db: Executor, row: SavedSearchRow): Promise<void> {
  await db.insertInto("saved_searches").values(row).execute();
}

export async function updateSavedSearch(db: Executor, id: string, changes: Updateable<SavedSearchTable>): Promise<void> {
  await db.updateTable("saved_searches").set(changes).where("id", "=", id).execute();
}

export async function deleteSavedSearchRow(db: Executor, id: string): Promise<void> {
  await db.deleteFrom("saved_searches").where("id", "=", id).execute();
}
