import type { Config } from "../../config.ts";
import { apiTokenAuthenticator } from "./api-token.ts";
import type { Authenticator } from "./authenticator.ts";
import { deviceAuthenticator } from "./device-sign-in.ts";
import { googleIdTokenAuthenticator } from "./google-id-token.ts";
import { sessionCookieAuthenticator } from "./session-cookie.ts";
import { entraAuthenticator } from "./sso/entra-authenticator.ts";

/**
 * The ways this service accepts a credential, tried in order: API tokens, add-ins' device credentials, then Microsoft Entra access tokens and Google ID tokens when a
 * Microsoft or Google client id is configured, then a browser's session cookie. An authenticator passes on credentials that are not of its kind.
 */
export function authenticatorsFor(config: Config): Authenticator[] {
  return [
    apiTokenAuthenticator,
    deviceAuthenticator,
    // Before Google's: that one takes every JWT as a Google ID token; this one passes on JWTs of no Entra issuer.
    ...(config.sso.microsoft ? [entraAuthenticator(config.sso.microsoft, config.sso.ca)] : []),
    ...(config.googleSignIn ? [googleIdTokenAuthenticator(config.googleSignIn)] : []),
    sessionCookieAuthenticator,
  ];
}
