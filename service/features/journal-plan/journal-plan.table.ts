export interface JournalPlanTable {
  code: string;
  title: string;
  parent_code: string | null;
  created_on: string;
  retired_on: string | null;
}
