import { z } from "zod";
import { Id, Timestamp } from "./common.ts";

// Signing people in to the web view: e-mail address and password, invitations, sessions.

const Email = z.string().trim().min(3).max(320);
const Password = z.string().min(1).max(1024);

export const SignIn = z.strictObject({ email: Email, password: Password });
export const SignedIn = z.strictObject({
  userId: Id,
  name: z.string(),
  /** A temporary password must be changed (POST /api/auth/password) before anything else. */
  mustChangePassword: z.boolean(),
  expiresAt: Timestamp,
});
export const PasswordChange = z.strictObject({ currentPassword: Password, newPassword: Password });
export const AcceptInvitation = z.strictObject({ token: z.string().min(20).max(200), password: Password });
export const WebSession = z.strictObject({
  id: Id,
  method: z.string(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  expiresAt: Timestamp,
  current: z.boolean(),
});
// Add-ins signed in through the web view: the Office add-ins hold a device credential of their own; the Gmail
// add-on signs in with its Google ID token, which the service maps to the person who linked that Google account.
export const OFFICE_CLIENTS = ["outlook", "word", "excel", "powerpoint"] as const;
export const DEVICE_CLIENTS = [...OFFICE_CLIENTS, "gmail"] as const;
export const OfficeClient = z.enum(OFFICE_CLIENTS);
export const DeviceClient = z.enum(DEVICE_CLIENTS);
/** 32 random bytes, base64url: a PKCE verifier's S256 challenge, a link request's token. */
const Secret43 = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "43 base64url characters");
/** A signed-in person lets an Office add-in in: the code goes to the add-in (Office's dialog), which redeems it with the verifier behind `challenge`. */
export const DeviceCodeRequest = z.strictObject({ client: OfficeClient, challenge: Secret43 });
export const DeviceCode = z.strictObject({ code: z.string(), expiresAt: Timestamp });
export const DeviceCodeRedemption = z.strictObject({ code: z.string().min(20).max(200), verifier: z.string().regex(/^[A-Za-z0-9_-]{43,128}$/) });
/** The add-in's credential, in this answer only: the service keeps its hash. */
export const DeviceCredential = z.strictObject({ id: Id, client: OfficeClient, token: z.string(), userId: Id, name: z.string() });
/** An add-in signed in as oneself: an Office add-in's credential, or a Google account linked for the Gmail add-on (`account`: its address). */
export const DeviceSignIn = z.strictObject({
  id: Id,
  client: DeviceClient,
  account: z.string().nullable(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
});
/** An account at Microsoft Entra ID or Google that signs in as oneself (single sign-on; for Google also the Gmail add-on). */
export const LinkedAccount = z.strictObject({
  id: Id,
  provider: z.enum(["microsoft", "google"]),
  /** The account's e-mail address, as the provider named it. */
  account: z.string().nullable(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
});
export const WebSessions = z.strictObject({ items: z.array(WebSession), devices: z.array(DeviceSignIn), identities: z.array(LinkedAccount) });
/** Signed out of a session opened with Microsoft: where to sign out of Microsoft too (it comes back to the sign-in page). */
export const ProviderSignOut = z.strictObject({ provider: z.literal("microsoft"), url: z.string() });
export const SignedOut = z.strictObject({ providerSignOut: ProviderSignOut.nullable() });
/** The Gmail add-on, with a Google ID token no IMS Case user answers to, asks for a link a person confirms in the web view. */
export const GoogleLinkStart = z.strictObject({ idToken: z.string().min(20).max(8192) });
/** `path`: the web view's page that confirms it, relative to the service the add-on talks to. */
export const GoogleLinkRequest = z.strictObject({ path: z.string(), expiresAt: Timestamp });
export const GoogleLinkToken = z.strictObject({ token: Secret43 });
export const GoogleLinkPending = z.strictObject({ account: z.string(), expiresAt: Timestamp });
export const GoogleLinked = z.strictObject({ id: Id, account: z.string() });
export const Invitation = z.strictObject({ url: z.string(), expiresAt: Timestamp });
export const TemporaryPassword = z.strictObject({ temporaryPassword: Password });

export type SignIn = z.infer<typeof SignIn>;
export type SignedIn = z.infer<typeof SignedIn>;
export type WebSession = z.infer<typeof WebSession>;
export type Invitation = z.infer<typeof Invitation>;
export type OfficeClient = z.infer<typeof OfficeClient>;
export type DeviceClient = z.infer<typeof DeviceClient>;
export type DeviceCode = z.infer<typeof DeviceCode>;
export type DeviceCredential = z.infer<typeof DeviceCredential>;
export type DeviceSignIn = z.infer<typeof DeviceSignIn>;
export type WebSessions = z.infer<typeof WebSessions>;
export type LinkedAccount = z.infer<typeof LinkedAccount>;
export type ProviderSignOut = z.infer<typeof ProviderSignOut>;
export type SignedOut = z.infer<typeof SignedOut>;
export type GoogleLinkRequest = z.infer<typeof GoogleLinkRequest>;
export type GoogleLinkPending = z.infer<typeof GoogleLinkPending>;
export type GoogleLinked = z.infer<typeof GoogleLinked>;
