/** A user's current session with one kind of credential (`api-token`, `google`, …): when it began and when it was last used. */
export interface AuthSessionTable {
  user_id: string;
  /** The authenticator's name. */
  credential: string;
  started_at: string;
  /** Updated at most once a minute, so a busy client does not write on every request. */
  last_used_at: string;
}
export interface UserPasswordTable {
  user_id: string;
  /** argon2id, PHC string. */
  hash: string;
  must_change: number;
  set_at: string;
}
export interface UserInviteTable {
  id: string;
  user_id: string;
  /** sha256 of the one-time token in the invitation link. */
  token_hash: string;
  created_by: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}
export interface WebSessionTable {
  id: string;
  /** sha256 of the cookie's token; the token itself is only in the browser. */
  token_hash: string;
  user_id: string;
  method: string;
  user_agent: string | null;
  ip: string | null;
  created_at: string;
  /** Moves on at most once a minute; the idle expiry counts from it. */
  last_seen_at: string;
  /** The absolute end of the session, whatever its use. */
  expires_at: string;
  revoked_at: string | null;
}
