import { fetchTransport, ImsClient } from "../../../shared/index.ts";
import type { ConnectionSettings } from "../hosts/adapter.ts";

/**
 * The one place that decides how the pane proves who the user is: the credential it got by signing in
 * through the web view (sign-in.ts), or a developer's pasted API token; single sign-on (Entra ID) can
 * replace this function later without touching the UI.
 */
export function clientFor(settings: ConnectionSettings): ImsClient {
  return new ImsClient({ baseUrl: settings.serviceUrl, credential: async () => settings.token, transport: fetchTransport() });
}

/** The service that served the pane is the natural default. */
export const defaultServiceUrl = () => window.location.origin;
