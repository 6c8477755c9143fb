import { queryOptions, type QueryClient } from "@tanstack/react-query";
import type { NotificationChange } from "../../../shared/index.ts";
import { client } from "../api.ts";
import type { TextKey } from "../i18n.tsx";

// How new notifications reach the page: the top bar asks GET /api/notifications/unread every 20 s while the
// tab is visible (never in the background) and when the person comes back to it. Polling, not server-sent
// events: one small indexed count per person, through every proxy, with no connection held open per tab.

/** The top bar's count; not under NOTIFICATIONS, so refreshing the lists does not ask for it twice. */
export const UNREAD = ["notifications-unread"] as const;
/** Every list of notifications (the dashboard's panel, the page): asked again when a new one arrives. */
export const NOTIFICATIONS = ["notifications"] as const;

export const POLL_MS = 20_000;

export const unreadQuery = queryOptions({
  queryKey: UNREAD,
  queryFn: () => client.unreadNotifications(),
  refetchInterval: POLL_MS,
  refetchIntervalInBackground: false,
  refetchOnWindowFocus: true,
  staleTime: 5_000,
});

/** The count as the badge writes it: the service counts up to 100, and more than 99 reads "99+". */
export const badgeText = (count: number) => (count > 99 ? "99+" : String(count));

/** What each change is called ("Nyt dokument", "Ny version", …). */
export const CHANGE_TEXT: Record<NotificationChange, TextKey> = {
  document_added: "web.change.document_added",
  version_added: "web.change.version_added",
  case_closed: "web.change.case_closed",
  case_reopened: "web.change.case_reopened",
  task_assigned: "web.change.task_assigned",
  comment_added: "web.change.comment_added",
  party_added: "web.change.party_added",
};

/**
 * Opening what a notification concerns (following one of its links) reads it: it is marked read in the
 * background, and the count and the lists are asked again. A failure leaves it unread, to be marked later.
 */
export function readOnOpen(queries: QueryClient, id: string): void {
  client
    .markNotificationsRead({ ids: [id] })
    .then(() => Promise.all([queries.invalidateQueries({ queryKey: UNREAD }), queries.invalidateQueries({ queryKey: NOTIFICATIONS })]))
    .catch(() => {});
}
