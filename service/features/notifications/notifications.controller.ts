import { CaseParams } from "../../../shared/api/schemas/cases.ts";
import {
  Following,
  MarkedRead,
  MarkNotificationsRead,
  NotificationListQuery,
  NotificationPage,
  UnreadNotifications,
} from "../../../shared/api/schemas/notifications.ts";
import type { AppContext } from "../../context.ts";
import { route } from "../../http/route.ts";
import { listMyNotifications, markMyNotificationsRead, myFollowing, myUnread, setFollowing } from "./notifications.service.ts";

// One's own notifications and which cases one follows. New notifications reach the web view by polling
// GET /api/notifications/unread (every ~20 s while the tab shows): one indexed read that stops after a hundred
// rows, answered 304 when nothing changed, and it works through any proxy and whichever of several service
// processes answers, where server-sent events would hold a connection per tab and need the processes to tell
// each other about every write.

const following = { 200: { description: "Whether I follow the case, and whether automatically (as its owner or responsible)", schema: Following } };
const caseNotFound = { 404: { description: "No such case, or not one I may see" } };

export function notificationRoutes(ctx: AppContext) {
  return [
    route({
      method: "get",
      path: "/api/notifications",
      tag: "notifications",
      summary: "My notifications (changes on cases I follow), newest first; unread=true only the unread. Only those whose case and document I still see",
      query: NotificationListQuery,
      responses: {
        200: { description: "A page of notifications; nextCursor continues it", schema: NotificationPage },
        400: { description: "A cursor not from this service (invalid_cursor)" },
      },
      handle: ({ actor, query }) => listMyNotifications(ctx.db, actor, query),
    }),
    route({
      method: "get",
      path: "/api/notifications/unread",
      tag: "notifications",
      summary: "How many of my notifications are unread (up to 100; the web view shows more as 99+) and the newest one's id: poll it, with If-None-Match",
      responses: {
        200: {
          description: "The unread count and the newest unread notification",
          schema: UnreadNotifications,
          headers: { ETag: "Names this answer; send it as If-None-Match to be answered 304 while nothing has changed", "Cache-Control": "private, no-cache" },
        },
        304: {
          description: "Not modified: If-None-Match names the current ETag (the count and the newest are as they were)",
          headers: { ETag: "The current ETag" },
        },
      },
      async handle({ actor, res }) {
        const unread = await myUnread(ctx.db, actor);
        // The answer is its own ETag; Express answers 304 when If-None-Match names it.
        res.setHeader("ETag", `"u${unread.count}-${unread.latestId ?? "none"}"`);
        res.setHeader("Cache-Control", "private, no-cache");
        return unread;
      },
    }),
    route({
      method: "post",
      path: "/api/notifications/read",
      tag: "notifications",
      summary: "Mark my notifications read: all up to and including upTo (the newest shown), or the ones named by ids",
      body: MarkNotificationsRead,
      responses: { 200: { description: "How many were marked (ids that are not mine, or already read, are not counted)", schema: MarkedRead } },
      handle: ({ actor, body }) => markMyNotificationsRead(ctx.db, actor, body),
    }),
    route({
      method: "get",
      path: "/api/cases/:id/following",
      tag: "notifications",
      summary: "Whether I follow a case (and hear of its changes)",
      params: CaseParams,
      responses: { ...following, ...caseNotFound },
      handle: ({ actor, params }) => myFollowing(ctx.db, actor, params.id),
    }),
    route({
      method: "put",
      path: "/api/cases/:id/following",
      tag: "notifications",
      summary: "Follow a case I may see; its owner and responsible follow it automatically",
      params: CaseParams,
      responses: { ...following, ...caseNotFound },
      handle: ({ actor, params }) => setFollowing(ctx.db, actor, params.id, true),
    }),
    route({
      method: "delete",
      path: "/api/cases/:id/following",
      tag: "notifications",
      summary: "Stop following a case, also one I follow automatically as its owner or responsible",
      params: CaseParams,
      responses: { ...following, ...caseNotFound },
      handle: ({ actor, params }) => setFollowing(ctx.db, actor, params.id, false),
    }),
  ];
}
