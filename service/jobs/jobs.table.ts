export interface JobTable {
  id: string;
  kind: string;
  /** JSON. */
  payload: string;
  state: "pending" | "done" | "failed";
  attempts: number;
  run_after: string;
  error: string | null;
  /** The runner holding the job while it runs (null when nobody does). */
  lease_owner: string | null;
  /** ISO time the lease runs out unless renewed; after it, another runner may take the job. */
  lease_until: string | null;
  created_at: string;
}
