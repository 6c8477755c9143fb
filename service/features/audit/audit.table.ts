import type { Selectable } from "kysely";

export interface AuditEventTable {
  seq: number;
  at: string;
  actor_id: string | null;
  action: string;
  object_type: string;
  object_id: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}
export type AuditEventRow = Selectable<AuditEventTable>;
