/** A person's chosen dashboard layout; no row means the default one. */
export interface DashboardLayoutTable {
  user_id: string;
  /** JSON: [{ id, visible }] in the order shown (shared/api/schemas/dashboard.ts). */
  panels: string;
  changed_at: string;
}
