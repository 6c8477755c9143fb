import { z } from "zod";

// Single sign-on as the service offers it (GET /api/auth/sso, no sign-in needed): which providers the web view
// shows buttons for, and what a task pane needs to ask Microsoft Entra ID for a token to this service's API.

export const SsoMicrosoft = z.strictObject({
  /** The app registration's client id: the task pane's NAA client and the API's audience. */
  clientId: z.string(),
  /** The authority the pane signs in at: <authority>/organizations, or the tenant's when only one is allowed. */
  authority: z.string(),
  /** The scope to ask for: <application id URI>/<scope>, e.g. api://<client id>/access_as_user. */
  scope: z.string(),
  /** Whether the web view can sign in with Microsoft (the service has a client secret or certificate). */
  webSignIn: z.boolean(),
  /** Whether the service can fetch mail and files from Microsoft Graph on the user's behalf. */
  graph: z.boolean(),
});
export const SsoProviders = z.strictObject({
  microsoft: SsoMicrosoft.nullable(),
  /** Whether the web view can sign in with Google. */
  google: z.boolean(),
});

export type SsoMicrosoft = z.infer<typeof SsoMicrosoft>;
export type SsoProviders = z.infer<typeof SsoProviders>;
