export interface UploadTable {
  id: string;
  user_id: string;
  created_at: string;
}
