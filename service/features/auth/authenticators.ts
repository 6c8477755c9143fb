import type { Config } from "../../config.ts";
import { apiTokenAuthenticator } from "./api-token.ts";
import type { Authenticator } from "./authenticator.ts";
import { deviceAuthenticator } from "./device-sign-in.ts";
import { googleIdTokenAuthenticator } from "./google-id-token.ts";
import { sessionCookieAuthenticator } from "./session-cookie.ts";

/**
 * The ways this service accepts a credential, tried in order: API tokens, add-ins' device credentials, then Google ID tokens when a
 * Google client id is configured, then a browser's session cookie. An authenticator passes on credentials that are not of its kind.
 */
export function authenticatorsFor(config: Config): Authenticator[] {
  return [
    apiTokenAuthenticator,
    deviceAuthenticator,
    ...(config.googleSignIn ? [googleIdTokenAuthenticator(config.googleSignIn)] : []),
    sessionCookieAuthenticator,
  ];
}
