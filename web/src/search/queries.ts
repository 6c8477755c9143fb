import { queryOptions, useQuery } from "@tanstack/react-query";
import { client } from "../api.ts";

// What the advanced search looks things up in, and the saved searches the page and the dashboard list.

const REFERENCE = 5 * 60_000;

/** The person's own saved searches and those shared with their groups (GET /api/saved-searches). */
export const savedSearchesQuery = queryOptions({ queryKey: ["saved-searches"], queryFn: () => client.savedSearches() });

export const useDocumentTypes = () =>
  useQuery({ queryKey: ["search-reference", "document-types"], queryFn: () => client.documentTypes(), staleTime: REFERENCE });

export const useAccessGroups = () => useQuery({ queryKey: ["search-reference", "access-groups"], queryFn: () => client.accessGroups(), staleTime: REFERENCE });
