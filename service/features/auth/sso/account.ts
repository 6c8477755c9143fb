import type { Problem } from "../../../http/problem.ts";

// The one shape every single sign-on path hands on once a token has been verified: the web view's sign-in
// (web-sign-in.ts), a task pane's Entra access token (entra-authenticator.ts) and the Gmail add-on's Google ID
// token (google-id-token.ts). identity.ts decides who it is.

export type SsoProvider = "microsoft" | "google";

/** An account at an identity provider, as a verified token names it. */
export interface ExternalAccount {
  provider: SsoProvider;
  /** The token's issuer: https://login.microsoftonline.com/<tid>/v2.0 (Entra), https://accounts.google.com (Google). */
  issuer: string;
  /** The provider's stable, never reassigned id for the account: Entra's `oid` (the same in every app of the tenant), Google's `sub`. */
  subject: string;
  /** Entra: the tenant id (`tid`). Google: the Workspace domain (`hd`), "" for an account of no Workspace. Lower case. */
  realm: string;
  /** Lower case; null when the token has none. Shown to people; signs nobody in by itself. */
  email: string | null;
  /** Whether the provider vouches for the address (Google's email_verified; Entra: never, see identity.ts). */
  emailVerified: boolean;
  /** The person's display name, for a user created at first sign-in. */
  name: string | null;
  /** The provider's groups the account is in (Entra object ids / Google group addresses, lower case); null when the token carries none. */
  groups: string[] | null;
}

/** A verification's outcome: the account; a refusal (the token is of the provider's kind but not acceptable); or null (not the provider's token). */
export type Verified = { account: ExternalAccount } | { refused: Problem; details: Record<string, unknown> } | null;
