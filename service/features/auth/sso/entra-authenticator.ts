import type { EntraConfig } from "../../../config-sso.ts";
import type { Authenticator } from "../authenticator.ts";
import { recordCredentialUse } from "../sessions.ts";
import { signInAccount } from "./identity.ts";
import { entraAccessTokenVerifier } from "./tokens.ts";

/**
 * The task panes' Microsoft Entra access tokens (`Authorization: Bearer …`, audience this API): verified by tokens.ts, the account resolved by
 * identity.ts. A JWT of no Entra issuer passes to the next authenticator. Tokens are fresh every hour; a session is the user's, not the token's.
 */
export function entraAuthenticator(config: EntraConfig, ca: string | undefined): Authenticator {
  const verify = entraAccessTokenVerifier(config, ca);
  return {
    name: "microsoft",
    async authenticate(request, ctx) {
      if (!request.bearer) return null;
      const verified = await verify(request.bearer);
      if (!verified || "refused" in verified) return verified;
      const who = await signInAccount(ctx, verified.account);
      if ("refused" in who) return { refused: who.refused, details: { ...who.details, tenant: verified.account.realm } };
      return { userId: who.userId, newSession: await recordCredentialUse(ctx.db, who.userId, "microsoft") };
    },
  };
}
