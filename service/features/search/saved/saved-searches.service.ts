import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { AdvancedSearch, type NewSavedSearch, type SavedSearchPatch } from "../../../../shared/api/schemas/advanced-search.ts";
import type { SavedSearch } from "../../../../shared/api/types.ts";
import type { Db, Executor } from "../../../db/database.ts";
import { notFound, unprocessable } from "../../../http/problem.ts";
import type { Actor } from "../../access/actor.ts";
import { requireMayShareWith, requireSavedSearchOwner } from "../../access/policy.ts";
import { recordAudit } from "../../audit/audit.service.ts";
import { groupsByIds, groupsOfUser, usersByIds } from "../../users/users.service.ts";
import { planSearch } from "../advanced/search-plan.ts";
import * as repo from "./saved-searches.repository.ts";
import type { SavedSearchRow } from "./saved-searches.table.ts";

// Saved searches: an advanced search kept under a name, checked exactly as the query string it runs as (so it
// can always run again), private or shared with one of its owner's groups. Sharing shares the search, never
// its results: whoever runs it sees what they may see. Creating, changing and deleting one is audited, since
// sharing it tells a group what its owner looks for.

const viewerOf = async (db: Executor, actor: Actor): Promise<repo.SavedSearchViewer> => ({
  userId: actor.userId,
  groupIds: (await groupsOfUser(db, actor.userId)).map((g) => g.id),
});

/** The saved searches as the API sends them, their owners and groups named. */
async function viewsOf(db: Executor, actor: Actor, rows: SavedSearchRow[]): Promise<SavedSearch[]> {
  const owners = new Map((await usersByIds(db, [...new Set(rows.map((r) => r.owner_id))])).map((u) => [u.id, u.name]));
  const groupIds = [...new Set(rows.flatMap((r) => (r.shared_group_id ? [r.shared_group_id] : [])))];
  const groups = new Map((groupIds.length ? await groupsByIds(db, groupIds) : []).map((g) => [g.id, g.name]));
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    search: AdvancedSearch.parse(JSON.parse(r.search)),
    owner: { id: r.owner_id, name: owners.get(r.owner_id) ?? "" },
    sharedWith: r.shared_group_id ? { id: r.shared_group_id, name: groups.get(r.shared_group_id) ?? "" } : null,
    mine: r.owner_id === actor.userId,
    createdAt: r.created_at,
    changedAt: r.changed_at,
  }));
}

async function viewOf(db: Executor, actor: Actor, row: SavedSearchRow): Promise<SavedSearch> {
  return (await viewsOf(db, actor, [row]))[0];
}

/** The actor's own saved searches and those shared with a group they are in, by name. */
export async function listSavedSearches(db: Db, actor: Actor): Promise<SavedSearch[]> {
  return viewsOf(db, actor, await repo.savedSearchesVisibleTo(db, await viewerOf(db, actor)));
}

/** A saved search the actor sees, or 404 (one they do not see is answered as missing). */
async function requireVisibleSavedSearch(db: Executor, actor: Actor, id: string): Promise<SavedSearchRow> {
  const row = await repo.findVisibleSavedSearch(db, await viewerOf(db, actor), id);
  if (!row) throw notFound("The saved search");
  return row;
}

/** The group a search may be shared with: one that exists and the actor is in. */
async function requireShareableGroup(db: Executor, actor: Actor, groupId: string): Promise<void> {
  const [group] = await groupsByIds(db, [groupId]);
  if (!group) throw unprocessable("unknown_group", `There is no group "${groupId}" to share the search with.`);
  requireMayShareWith(
    (await groupsOfUser(db, actor.userId)).some((g) => g.id === groupId),
    group,
  );
}

/** The search as it is stored: read and checked like GET /api/search/advanced's query string. */
async function checkedSearch(db: Executor, search: z.output<typeof AdvancedSearch>): Promise<string> {
  return JSON.stringify((await planSearch(db, search, "body.search")).search);
}

export async function saveSearch(db: Db, actor: Actor, input: z.output<typeof NewSavedSearch>): Promise<SavedSearch> {
  const search = await checkedSearch(db, input.search);
  if (input.sharedWithGroupId) await requireShareableGroup(db, actor, input.sharedWithGroupId);
  const at = new Date().toISOString();
  const row: SavedSearchRow = {
    id: randomUUID(),
    owner_id: actor.userId,
    name: input.name,
    search,
    shared_group_id: input.sharedWithGroupId,
    created_at: at,
    changed_at: at,
  };
  await db.transaction().execute(async (trx) => {
    await repo.insertSavedSearch(trx, row);
    await recordAudit(trx, {
      actor,
      action: "saved_search.create",
      objectType: "saved_search",
      objectId: row.id,
      details: { name: row.name, target: input.search.target, sharedWith: row.shared_group_id },
    });
  });
  return viewOf(db, actor, row);
}

export async function changeSavedSearch(db: Db, actor: Actor, id: string, patch: z.output<typeof SavedSearchPatch>): Promise<SavedSearch> {
  const search = patch.search ? await checkedSearch(db, patch.search) : undefined;
  const row = await db.transaction().execute(async (trx) => {
    const saved = await requireVisibleSavedSearch(trx, actor, id);
    requireSavedSearchOwner(actor, saved);
    const sharedWith = patch.sharedWithGroupId === undefined ? saved.shared_group_id : patch.sharedWithGroupId;
    if (sharedWith && sharedWith !== saved.shared_group_id) await requireShareableGroup(trx, actor, sharedWith);
    const next: SavedSearchRow = {
      ...saved,
      name: patch.name ?? saved.name,
      search: search ?? saved.search,
      shared_group_id: sharedWith,
      changed_at: new Date().toISOString(),
    };
    const changed = (["name", "search", "shared_group_id"] as const).filter((k) => next[k] !== saved[k]);
    if (!changed.length) return saved;
    await repo.updateSavedSearch(trx, id, { name: next.name, search: next.search, shared_group_id: next.shared_group_id, changed_at: next.changed_at });
    const details = Object.fromEntries(changed.map((k) => [k === "shared_group_id" ? "sharedWith" : k, k === "search" ? JSON.parse(next.search) : next[k]]));
    await recordAudit(trx, { actor, action: "saved_search.update", objectType: "saved_search", objectId: id, details });
    return next;
  });
  return viewOf(db, actor, row);
}

export async function deleteSavedSearch(db: Db, actor: Actor, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const saved = await requireVisibleSavedSearch(trx, actor, id);
    requireSavedSearchOwner(actor, saved);
    await repo.deleteSavedSearchRow(trx, id);
    await recordAudit(trx, { actor, action: "saved_search.delete", objectType: "saved_search", objectId: id, details: { name: saved.name } });
  });
}
