import { NewSavedSearch, SavedSearch, SavedSearchList, SavedSearchPatch } from "../../../../shared/api/schemas/advanced-search.ts";
import { IdParams } from "../../../../shared/api/schemas/common.ts";
import type { AppContext } from "../../../context.ts";
import { route } from "../../../http/route.ts";
import { changeSavedSearch, deleteSavedSearch, listSavedSearches, saveSearch } from "./saved-searches.service.ts";

const invalidSearch = {
  400: {
    description:
      "The body is not valid (invalid_request), or its search cannot run, as GET /api/search/advanced would refuse it " +
      "(unknown_search_field, search_operator_not_allowed, invalid_search_value, invalid_search)",
  },
  422: { description: "The group does not exist (unknown_group), or the caller is not a member of it (not_in_group)" },
};
const notYours = {
  403: { description: "Shared with the caller, but only its owner may change or delete it (forbidden)" },
  404: { description: "No saved search the caller sees has this id" },
};

export function savedSearchRoutes(ctx: AppContext) {
  return [
    route({
      method: "get",
      path: "/api/saved-searches",
      tag: "search",
      summary: "The caller's own saved searches and those shared with a group they are in, by name",
      responses: { 200: { description: "Saved searches; `mine` says which the caller may change", schema: SavedSearchList } },
      handle: async ({ actor }) => ({ items: await listSavedSearches(ctx.db, actor) }),
    }),
    route({
      method: "post",
      path: "/api/saved-searches",
      tag: "search",
      summary: "Save an advanced search under a name, privately or shared with one of the caller's groups (whose members run it over what they may see)",
      body: NewSavedSearch,
      responses: { 201: { description: "The saved search", schema: SavedSearch }, ...invalidSearch },
      handle: ({ actor, body }) => saveSearch(ctx.db, actor, body),
    }),
    route({
      method: "patch",
      path: "/api/saved-searches/:id",
      tag: "search",
      summary: "Rename a saved search, change its search, or share or unshare it (owner only)",
      params: IdParams,
      body: SavedSearchPatch,
      responses: { 200: { description: "The saved search as it is now", schema: SavedSearch }, ...invalidSearch, ...notYours },
      handle: ({ actor, params, body }) => changeSavedSearch(ctx.db, actor, params.id, body),
    }),
    route({
      method: "delete",
      path: "/api/saved-searches/:id",
      tag: "search",
      summary: "Delete a saved search (owner only)",
      params: IdParams,
      responses: { 204: { description: "Deleted" }, ...notYours },
      handle: ({ actor, params }) => deleteSavedSearch(ctx.db, actor, params.id),
    }),
  ];
}
