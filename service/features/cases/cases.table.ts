import type { Generated, Selectable } from "kysely";

export interface CaseTable {
  id: string;
  number: string;
  title: string;
  status: "active" | "closed";
  start_date: string;
  end_date: string | null;
  owner_id: string;
  responsible_id: string | null;
  template_id: string;
  journal_code: string;
  access_group_id: string;
  critical: number;
  /** JSON object validated against the template's fields. */
  metadata: string;
  created_at: string;
  created_by: string;
  changed_at: string;
  changed_by: string;
  /** Moves on with every change to the case; its ETag is made from it (see caseEtag). */
  revision: Generated<number>;
}
export interface CaseWordTable {
  word: string;
  case_id: string;
}
export interface RecentCaseTable {
  user_id: string;
  case_id: string;
  used_at: string;
}
export interface CounterTable {
  name: string;
  value: number;
}
export type CaseRow = Selectable<CaseTable>;
