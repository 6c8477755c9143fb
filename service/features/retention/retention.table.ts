import type { Selectable } from "kysely";

export type RetentionKind = "permanent" | "after_case_closed" | "after_document_created" | "review";

export interface RetentionRuleTable {
  id: string;
  name: string;
  kind: RetentionKind;
  years: number | null;
}
export interface DocumentTypeTable {
  id: string;
  name: string;
  category: string;
  retention_rule_id: string;
  access_group_id: string | null;
  active: number;
}
export type RetentionRuleRow = Selectable<RetentionRuleTable>;
export type DocumentTypeRow = Selectable<DocumentTypeTable>;
