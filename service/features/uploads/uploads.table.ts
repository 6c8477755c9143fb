export interface UploadTable {
  id: string;
  user_id: string;
  created_at: string;
  /** When a save took the finished upload (null: free); cleared again if that save fails. */
  claimed_at: string | null;
}
