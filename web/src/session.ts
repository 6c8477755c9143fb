import { queryOptions, useQuery } from "@tanstack/react-query";
import type { ProviderSignOut } from "../../shared/api/schemas/auth.ts";
import { client, isSignedOut } from "./api.ts";

export const ME = ["me"] as const;

/** The person's dashboard layout (GET /api/me/dashboard). */
export const LAYOUT = ["dashboard-layout"] as const;

/** Who is signed in: the person, or null when nobody is (GET /api/me answered 401). */
export const meQuery = queryOptions({
  queryKey: ME,
  queryFn: async () => {
    try {
      return await client.me();
    } catch (err) {
      if (isSignedOut(err)) return null;
      throw err;
    }
  },
  staleTime: 60_000,
});

/** Who is signed in: the person, null when nobody is, or still loading (undefined). */
export function useMe() {
  return useQuery(meQuery);
}

/** Where to go after signing in: a path of this app only, never another site (`//evil.example`). */
export function safeReturnPath(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") && !next.startsWith("/log-ind") ? next : "/";
}

let providerSignOut: ProviderSignOut | null = null;

/** Signing out of a session opened with Microsoft: the sign-in page, shown next, offers Microsoft's sign-out (this page visit only). */
export function offerProviderSignOut(offer: ProviderSignOut | null): void {
  providerSignOut = offer;
}

/** The provider's sign-out to offer, once: the sign-in page takes it. */
export function takeProviderSignOut(): ProviderSignOut | null {
  const offer = providerSignOut;
  providerSignOut = null;
  return offer;
}
