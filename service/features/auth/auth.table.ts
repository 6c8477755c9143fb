/** A user's current session with one kind of credential (`api-token`, `google`, …): when it began and when it was last used. */
export interface AuthSessionTable {
  user_id: string;
  /** The authenticator's name. */
  credential: string;
  started_at: string;
  /** Updated at most once a minute, so a busy client does not write on every request. */
  last_used_at: string;
}
