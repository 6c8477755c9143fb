import type { Selectable } from "kysely";
import type { NotificationChange } from "../../../shared/api/schemas/notifications.ts";

export interface CaseFollowerTable {
  case_id: string;
  user_id: string;
  /** 1: follows; 0: stopped following (an owner or responsible who chose not to). */
  following: number;
  changed_at: string;
}
export interface NotificationTable {
  id: string;
  user_id: string;
  change: NotificationChange;
  case_id: string | null;
  document_id: string | null;
  task_id: string | null;
  detail: string;
  actor_id: string;
  at: string;
  read_at: string | null;
}
export type NotificationRow = Selectable<NotificationTable>;
