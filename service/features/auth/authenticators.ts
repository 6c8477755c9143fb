import type { Config } from "../../config.ts";
import { apiTokenAuthenticator, type Authenticator } from "../../http/auth.ts";
import { googleIdTokenAuthenticator } from "./google-id-token.ts";

/**
 * The ways this service accepts a bearer credential, tried in order: API tokens, then Google ID tokens when
 * a Google client id is configured. An authenticator passes on credentials that are not of its kind.
 */
export function authenticatorsFor(config: Config): Authenticator[] {
  return [apiTokenAuthenticator, ...(config.googleSignIn ? [googleIdTokenAuthenticator(config.googleSignIn)] : [])];
}
