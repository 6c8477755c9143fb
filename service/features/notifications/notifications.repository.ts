import { sql, type Expression, type ExpressionBuilder, type SqlBool } from "kysely";
import type { Database, Executor } from "../../db/database.ts";
import { caseVisibleTo, documentVisibleTo } from "../access/access.ts";
import { isAdmin, type Actor } from "../access/actor.ts";
import type { CaseFollowerTable, NotificationRow } from "./notifications.table.ts";

// The notifications and case_followers tables; only the notifications feature reads and writes them. Every
// read walks the person's own index (notifications_user, or notifications_unread for the unread) newest first
// and asks the access module about each row's case and document as it goes, so a page or the top bar's count
// costs a few dozen primary-key lookups however many notifications there are, and a notification about a case
// (or document) one can no longer see is never shown or counted.

/** Where a page goes on from: the last notification shown. */
export type NotificationKey = [at: string, id: string];

/**
 * Whether the actor still sees what the notification is about: its case, and its document when it names one
 * (a document's own access group may narrow its case's). Checked per row through the primary keys.
 */
export function notificationVisibleTo(actor: Actor) {
  return (eb: ExpressionBuilder<Database, "notifications">): Expression<SqlBool> => {
    if (isAdmin(actor)) return sql<SqlBool>`1 = 1`;
    return eb.and([
      eb.or([
        eb("notifications.case_id", "is", null),
        eb.exists(
          eb
            .selectFrom("cases")
            .select(sql`1`.as("one"))
            .whereRef("cases.id", "=", "notifications.case_id")
            .where((ceb) => caseVisibleTo(actor, { checkPerRow: true })(ceb as unknown as ExpressionBuilder<Database, "cases">)),
        ),
      ]),
      eb.or([
        eb("notifications.document_id", "is", null),
        eb.exists(
          eb
            .selectFrom("documents")
            .select(sql`1`.as("one"))
            .whereRef("documents.id", "=", "notifications.document_id")
            .where((deb) => documentVisibleTo(actor)(deb as unknown as ExpressionBuilder<Database, "documents">)),
        ),
      ]),
    ]);
  };
}

/** The actor's own notifications they may still see, unread only if asked; no order yet. */
function mine(db: Executor, actor: Actor, unread: boolean) {
  let q = db.selectFrom("notifications").where("notifications.user_id", "=", actor.userId);
  // Literally `read_at is null`, so the planner may take the partial index notifications_unread.
  if (unread) q = q.where("notifications.read_at", "is", null);
  return q.where(notificationVisibleTo(actor));
}

const before = ([at, id]: NotificationKey) => sql<SqlBool>`(${sql.ref("notifications.at")}, ${sql.ref("notifications.id")}) < (${at}, ${id})`;

/** A notification with the names it shows: its case, document, task and who made the change. */
export type NamedNotification = NotificationRow & {
  case_number: string | null;
  case_title: string | null;
  document_title: string | null;
  task_title: string | null;
  actor_name: string | null;
};

/** The actor's visible notifications newest first, after `after`: limit + 1 rows, so the caller knows whether more follow. */
export async function listNotifications(
  db: Executor,
  actor: Actor,
  options: { unread: boolean; after?: NotificationKey; limit: number },
): Promise<NamedNotification[]> {
  let q = mine(db, actor, options.unread);
  if (options.after) q = q.where(before(options.after));
  return q
    .leftJoin("cases as c", "c.id", "notifications.case_id")
    .leftJoin("documents as d", "d.id", "notifications.document_id")
    .leftJoin("tasks as t", "t.id", "notifications.task_id")
    .leftJoin("users as u", "u.id", "notifications.actor_id")
    .selectAll("notifications")
    .select(["c.number as case_number", "c.title as case_title", "d.title as document_title", "t.title as task_title", "u.name as actor_name"])
    .orderBy("notifications.at", "desc")
    .orderBy("notifications.id", "desc")
    .limit(options.limit + 1)
    .execute();
}

/** The ids of the actor's newest visible unread notifications, at most `cap`: the top bar's count and what is newest. */
export async function newestUnreadIds(db: Executor, actor: Actor, cap: number): Promise<string[]> {
  const rows = await mine(db, actor, true)
    .select("notifications.id")
    .orderBy("notifications.at", "desc")
    .orderBy("notifications.id", "desc")
    .limit(cap)
    .execute();
  return rows.map((r) => r.id);
}

/** The actor's own notification with this id (visible or not), to mark up to it. */
export async function ownNotificationKey(db: Executor, actor: Actor, id: string): Promise<NotificationKey | undefined> {
  const row = await db.selectFrom("notifications").select(["at", "id"]).where("id", "=", id).where("user_id", "=", actor.userId).executeTakeFirst();
  return row ? [row.at, row.id] : undefined;
}

/**
 * Marks read the actor's visible unread notifications up to and including `upTo`, or those among `ids`. Only
 * what the actor could be shown is marked, so the number marked tells nothing about what they cannot see.
 */
export async function markRead(db: Executor, actor: Actor, which: { upTo: NotificationKey } | { ids: readonly string[] }, at: string): Promise<number> {
  let chosen = mine(db, actor, true).select("notifications.id");
  if ("upTo" in which) {
    const [upToAt, upToId] = which.upTo;
    chosen = chosen.where(sql<SqlBool>`(${sql.ref("notifications.at")}, ${sql.ref("notifications.id")}) <= (${upToAt}, ${upToId})`);
  } else {
    chosen = chosen.where("notifications.id", "in", [...which.ids]);
  }
  const result = await db.updateTable("notifications").set({ read_at: at }).where("id", "in", chosen).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The person's recorded choice about following the case, if they made one. */
export async function followChoice(db: Executor, caseId: string, userId: string): Promise<CaseFollowerTable | undefined> {
  return db.selectFrom("case_followers").selectAll().where("case_id", "=", caseId).where("user_id", "=", userId).executeTakeFirst();
}

export async function recordFollowChoice(db: Executor, caseId: string, userId: string, following: boolean, at: string): Promise<void> {
  await db
    .insertInto("case_followers")
    .values({ case_id: caseId, user_id: userId, following: following ? 1 : 0, changed_at: at })
    .onConflict((oc) => oc.columns(["case_id", "user_id"]).doUpdateSet({ following: following ? 1 : 0, changed_at: at }))
    .execute();
}

export async function forgetFollowChoice(db: Executor, caseId: string, userId: string): Promise<void> {
  await db.deleteFrom("case_followers").where("case_id", "=", caseId).where("user_id", "=", userId).execute();
}
