import type { Following, Notification, UnreadNotifications } from "../../../shared/api/types.ts";
import type { Db, Executor } from "../../db/database.ts";
import { decodeCursor, toPage, type Page } from "../../http/pagination.ts";
import { badRequest } from "../../http/problem.ts";
import { requireVisibleCase, type Visible } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import type { CaseRow } from "../cases/cases.table.ts";
import * as repo from "./notifications.repository.ts";

// Reading one's notifications and choosing which cases to follow. Notifications are written by the features
// that make the changes (notify.ts); here they are listed, counted and marked read, always one's own and only
// those whose case and document one may still see.

/** The top bar shows up to this many; more shows as "99+". */
export const UNREAD_CAP = 100;

function toNotification(r: repo.NamedNotification): Notification {
  return {
    id: r.id,
    change: r.change,
    case: r.case_id && r.case_number !== null ? { id: r.case_id, number: r.case_number, title: r.case_title ?? "" } : null,
    document: r.document_id && r.document_title !== null ? { id: r.document_id, title: r.document_title } : null,
    task: r.task_id && r.task_title !== null ? { id: r.task_id, title: r.task_title } : null,
    detail: r.detail,
    at: r.at,
    actor: { id: r.actor_id, name: r.actor_name ?? "" },
    read: r.read_at !== null,
  };
}

function cursorKey(cursor: string | undefined): repo.NotificationKey | undefined {
  const key = decodeCursor(cursor, 2);
  if (key && !key.every((k) => typeof k === "string"))
    throw badRequest("invalid_cursor", "The cursor is not one this service handed out; start again without it.");
  return key as repo.NotificationKey | undefined;
}

/** My notifications, newest first, a page at a time. */
export async function listMyNotifications(
  db: Executor,
  actor: Actor,
  query: { unread?: "true" | "false"; cursor?: string; limit: number },
): Promise<Page<Notification>> {
  const rows = await repo.listNotifications(db, actor, { unread: query.unread === "true", after: cursorKey(query.cursor), limit: query.limit });
  return toPage(rows, query.limit, (r) => [r.at, r.id], toNotification);
}

/** How many of mine are unread (up to UNREAD_CAP) and the newest of them. */
export async function myUnread(db: Executor, actor: Actor): Promise<UnreadNotifications> {
  const ids = await repo.newestUnreadIds(db, actor, UNREAD_CAP);
  return { count: ids.length, latestId: ids[0] ?? null };
}

/** Marks mine read: all up to and including `upTo`, or these ids. Someone else's id is not marked, and not told apart. */
export async function markMyNotificationsRead(db: Db, actor: Actor, which: { upTo?: string; ids?: string[] }): Promise<{ marked: number }> {
  return db.transaction().execute(async (trx) => {
    const at = new Date().toISOString();
    if (which.ids) return { marked: await repo.markRead(trx, actor, { ids: which.ids }, at) };
    if (!which.upTo) return { marked: 0 };
    const upTo = await repo.ownNotificationKey(trx, actor, which.upTo);
    return { marked: upTo ? await repo.markRead(trx, actor, { upTo }, at) : 0 };
  });
}

// Following. Owner and responsible follow without a row; a row records a choice that differs from that:
// 0 for an owner or responsible who stopped, 1 for anyone else who follows.

const followsByRole = (actor: Actor, c: CaseRow) => c.owner_id === actor.userId || c.responsible_id === actor.userId;

async function followingOf(db: Executor, actor: Actor, c: Visible<CaseRow>): Promise<Following> {
  const choice = await repo.followChoice(db, c.id, actor.userId);
  if (choice) return { following: choice.following === 1, automatic: false };
  const automatic = followsByRole(actor, c);
  return { following: automatic, automatic };
}

/** Whether I follow a case I see, and whether automatically (as its owner or responsible). */
export async function myFollowing(db: Executor, actor: Actor, caseId: string): Promise<Following> {
  return followingOf(db, actor, await requireVisibleCase(db, actor, caseId));
}

/** Follow a case I see, or stop following it; an owner or responsible who follows again does so automatically. */
export async function setFollowing(db: Db, actor: Actor, caseId: string, follow: boolean): Promise<Following> {
  return db.transaction().execute(async (trx) => {
    const c = await requireVisibleCase(trx, actor, caseId);
    const was = await followingOf(trx, actor, c);
    const at = new Date().toISOString();
    if (followsByRole(actor, c)) {
      if (follow) await repo.forgetFollowChoice(trx, c.id, actor.userId);
      else await repo.recordFollowChoice(trx, c.id, actor.userId, false, at);
    } else if (follow) {
      await repo.recordFollowChoice(trx, c.id, actor.userId, true, at);
    } else {
      await repo.forgetFollowChoice(trx, c.id, actor.userId);
    }
    const now = await followingOf(trx, actor, c);
    if (now.following !== was.following) {
      await recordAudit(trx, {
        actor,
        action: follow ? "case.follow" : "case.unfollow",
        objectType: "case",
        objectId: c.id,
        details: { automatic: now.automatic },
      });
    }
    return now;
  });
}
