import { randomUUID } from "node:crypto";
import type { NotificationChange } from "../../../shared/api/schemas/notifications.ts";
import type { Executor } from "../../db/database.ts";
import type { Actor } from "../access/actor.ts";

// Producing notifications: called by the feature that made the change, inside its write transaction, so a
// change and its notifications are durable together and nothing is sent for a change that rolled back. Two
// statements whatever the number of followers (one read of who follows, one multi-row insert).

export interface CaseChange {
  actor: Actor;
  change: NotificationChange;
  caseId: string | null;
  documentId?: string | null;
  taskId?: string | null;
  /** What the change names: a version, a party's name and role, a comment's first words. */
  detail?: string;
  /** Who hears of it besides the case's followers (a task's assignees). */
  alsoTo?: readonly string[];
}

/** Who follows a case: its owner and responsible unless they stopped, and whoever chose to follow it. */
export async function followersOf(db: Executor, caseId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("cases")
    .leftJoin("case_followers", "case_followers.case_id", "cases.id")
    .select(["cases.owner_id", "cases.responsible_id", "case_followers.user_id", "case_followers.following"])
    .where("cases.id", "=", caseId)
    .execute();
  if (rows.length === 0) return [];
  const chose = new Map(rows.filter((r) => r.user_id !== null).map((r) => [r.user_id!, r.following === 1]));
  const automatic = [rows[0]!.owner_id, rows[0]!.responsible_id].filter((id): id is string => id !== null && chose.get(id) !== false);
  return [...new Set([...automatic, ...[...chose].filter(([, f]) => f).map(([id]) => id)])];
}

/** A comment's first words as a notification names them: whitespace folded, at most `max` characters. */
export function excerpt(text: string, max = 120): string {
  const folded = text.replace(/\s+/g, " ").trim();
  const chars = [...folded];
  return chars.length <= max ? folded : chars.slice(0, max).join("");
}

/** One notification per follower (and per `alsoTo`), never for whoever made the change. */
export async function notify(db: Executor, c: CaseChange): Promise<number> {
  const followers = c.caseId ? await followersOf(db, c.caseId) : [];
  const recipients = [...new Set([...followers, ...(c.alsoTo ?? [])])].filter((id) => id !== c.actor.userId);
  if (recipients.length === 0) return 0;
  const at = new Date().toISOString();
  await db
    .insertInto("notifications")
    .values(
      recipients.map((userId) => ({
        id: randomUUID(),
        user_id: userId,
        change: c.change,
        case_id: c.caseId,
        document_id: c.documentId ?? null,
        task_id: c.taskId ?? null,
        detail: (c.detail ?? "").slice(0, 300),
        actor_id: c.actor.userId,
        at,
        read_at: null,
      })),
    )
    .execute();
  return recipients.length;
}
