import type { SsoProviders } from "../../../shared/api/schemas/sso.ts";
import { ApiError, fetchTransport, ImsClient, type Transport } from "../../../shared/index.ts";
import type { ConnectionSettings } from "../hosts/adapter.ts";
import { officeSsoHost } from "../hosts/office-sso.ts";
import { MicrosoftSignIn, type SsoHost } from "./sso.ts";

/** How the settings sign the pane in; settings from before single sign-on carry no method and say it by their fields. */
export function methodOf(settings: ConnectionSettings): "microsoft" | "device" | "token" | null {
  if (settings.method === "microsoft") return "microsoft";
  if (!settings.token) return null;
  return settings.deviceId ? "device" : "token";
}

/** Whether the settings sign the pane in at all (else the settings screen shows). */
export const isSignedIn = (settings: ConnectionSettings | null | undefined): settings is ConnectionSettings => Boolean(settings && methodOf(settings));

const base = (serviceUrl: string) => serviceUrl.trim().replace(/\/+$/, "");

/** What the service at `serviceUrl` offers for single sign-on; a service from before it (404) offers nothing. */
export async function ssoProvidersAt(serviceUrl: string, transport: Transport = fetchTransport()): Promise<SsoProviders> {
  try {
    return await new ImsClient({ baseUrl: base(serviceUrl), transport }).ssoProviders();
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return { microsoft: null, google: false };
    throw err;
  }
}

// One MicrosoftSignIn (and so one msal client and its token cache) per host and service for the pane's life.
const signIns = new Map<() => SsoHost, Map<string, Promise<MicrosoftSignIn | null>>>();

/** Microsoft sign-in for the service at `serviceUrl`, or null when it offers none. */
export function microsoftSignInFor(serviceUrl: string, host: () => SsoHost = officeSsoHost): Promise<MicrosoftSignIn | null> {
  const key = base(serviceUrl);
  const known = signIns.get(host) ?? signIns.set(host, new Map()).get(host)!;
  let found = known.get(key);
  if (!found) {
    found = ssoProvidersAt(key).then((p) => (p.microsoft ? new MicrosoftSignIn(host(), p.microsoft) : null));
    // A service that could not be asked is asked again next time.
    found.catch(() => known.delete(key));
    known.set(key, found);
  }
  return found;
}

/**
 * The credential of a pane signed in with Microsoft: msal asked before each request (it answers from its cache and
 * refreshes near expiry). When Microsoft wants the person (consent withdrawn, password changed) the request fails as the
 * service would fail a credential it no longer takes (401), so the pane shows its sign-in again.
 */
export function microsoftCredential(signIn: () => Promise<MicrosoftSignIn | null>): () => Promise<string> {
  return async () => {
    const microsoft = await signIn();
    const token = microsoft ? await microsoft.silent().catch(() => null) : null;
    if (!token) throw new ApiError(401, "sso_interaction_required", "Microsoft Entra ID gave no token without signing in again", null);
    return token;
  };
}

/**
 * The one place that decides how the pane proves who the user is: a Microsoft Entra ID token (sso.ts), the credential
 * it got by signing in through the web view (sign-in.ts), or a developer's pasted API token.
 */
export function clientFor(settings: ConnectionSettings, options: { signIn?: () => Promise<MicrosoftSignIn | null>; transport?: Transport } = {}): ImsClient {
  const credential =
    methodOf(settings) === "microsoft" ? microsoftCredential(options.signIn ?? (() => microsoftSignInFor(settings.serviceUrl))) : async () => settings.token;
  return new ImsClient({ baseUrl: settings.serviceUrl, credential, transport: options.transport ?? fetchTransport() });
}

/** The service that served the pane is the natural default. */
export const defaultServiceUrl = () => window.location.origin;
