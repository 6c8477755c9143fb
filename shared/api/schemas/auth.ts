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
export const WebSessions = z.strictObject({ items: z.array(WebSession) });
export const Invitation = z.strictObject({ url: z.string(), expiresAt: Timestamp });
export const TemporaryPassword = z.strictObject({ temporaryPassword: Password });

export type SignIn = z.infer<typeof SignIn>;
export type SignedIn = z.infer<typeof SignedIn>;
export type WebSession = z.infer<typeof WebSession>;
export type Invitation = z.infer<typeof Invitation>;
