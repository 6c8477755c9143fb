import { z } from "zod";
import { Id, page, pageQuery, QueryBoolean, Timestamp, UserRef } from "./common.ts";
import { CaseRef } from "./cases.ts";

// Notifications (notifikationer): a change on a case one follows, for everyone following it but whoever made it.

export const NotificationChange = z.enum(["document_added", "version_added", "case_closed", "case_reopened", "task_assigned", "comment_added", "party_added"]);
export type NotificationChange = z.infer<typeof NotificationChange>;

export const Notification = z.strictObject({
  id: Id,
  change: NotificationChange,
  case: CaseRef.nullable(),
  document: z.strictObject({ id: Id, title: z.string() }).nullable(),
  task: z.strictObject({ id: Id, title: z.string() }).nullable(),
  /** What the change names: the version ("2.0"), the party's name and role, the comment's first words. */
  detail: z.string(),
  at: Timestamp,
  actor: UserRef,
  read: z.boolean(),
});
export type Notification = z.infer<typeof Notification>;

/** GET /api/notifications: newest first, keyset-paged; `unread=true` only the unread. */
export const NotificationListQuery = z.object({ unread: QueryBoolean.optional(), ...pageQuery });
export const NotificationPage = page(Notification);

/** GET /api/notifications/unread: the top bar's count (up to 100; more shows as "99+"), and the newest's id. */
export const UnreadNotifications = z.strictObject({ count: z.number().int(), latestId: Id.nullable() });
export type UnreadNotifications = z.infer<typeof UnreadNotifications>;

/** POST /api/notifications/read: all of mine up to and including `upTo` (the newest shown), or these ids. */
export const MarkNotificationsRead = z
  .strictObject({ upTo: Id.optional(), ids: z.array(Id).min(1).max(200).optional() })
  .refine((b) => (b.upTo === undefined) !== (b.ids === undefined), "name either upTo or ids");
export const MarkedRead = z.strictObject({ marked: z.number().int() });

/** GET/PUT/DELETE /api/cases/{id}/following. Owner and responsible follow automatically until they unfollow. */
export const Following = z.strictObject({ following: z.boolean(), automatic: z.boolean() });
export type Following = z.infer<typeof Following>;
