import { useQuery } from "@tanstack/react-query";
import { client, isSignedOut } from "./api.ts";

export const ME = ["me"] as const;

/** Who is signed in: the person, null when nobody is, or still loading (undefined). */
export function useMe() {
  return useQuery({
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
}

/** Where to go after signing in: a path of this app only, never another site (`//evil.example`). */
export function safeReturnPath(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") && !next.startsWith("/log-ind") ? next : "/";
}
