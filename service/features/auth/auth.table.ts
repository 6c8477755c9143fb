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
  /** The user_identities row the session was opened with (single sign-on); null for a password. */
  identity_id: string | null;
}
/** An Office add-in signed in as a person through the web view (migration 2026_12_02_100). */
export interface DeviceSignInTable {
  id: string;
  user_id: string;
  /** outlook, word, excel, powerpoint */
  client: string;
  /** sha256 of the one-time code the web view handed the add-in. */
  code_hash: string;
  /** The PKCE challenge (base64url sha256 of the add-in's verifier) the code was issued for. */
  code_challenge: string;
  code_expires_at: string;
  /** sha256 of the add-in's credential; null until the code is redeemed. */
  token_hash: string | null;
  user_agent: string | null;
  created_at: string;
  redeemed_at: string | null;
  /** Moves on at most once a minute. */
  last_used_at: string | null;
  revoked_at: string | null;
}
/** An account at an identity provider (issuer + subject) that signs in as a user. */
export interface UserIdentityTable {
  id: string;
  user_id: string;
  issuer: string;
  subject: string;
  email: string | null;
  created_at: string;
  last_used_at: string | null;
}
/** An add-on's request to link its identity-provider account to whoever confirms it in the web view. */
export interface IdentityLinkRequestTable {
  token_hash: string;
  issuer: string;
  subject: string;
  email: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  used_by: string | null;
}
/** A web sign-in at an identity provider in progress (migration 2026_12_03_170): what the callback checks and needs. */
export interface SsoStateTable {
  state_hash: string;
  provider: string;
  mode: "sign-in" | "link";
  /** link: the signed-in person the account is to be linked to. */
  user_id: string | null;
  code_verifier: string;
  nonce: string;
  /** A path in the web view to land on afterwards. */
  return_to: string;
  created_at: string;
  expires_at: string;
}
