export interface JobTable {
  id: string;
  kind: string;
  /** JSON. */
  payload: string;
  state: "pending" | "done" | "failed";
  attempts: number;
  run_after: string;
  error: string | null;
  created_at: string;
}
