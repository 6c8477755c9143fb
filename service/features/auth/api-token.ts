import { findTokenUser, touchToken } from "../users/tokens.service.ts";
import type { Authenticator } from "./authenticator.ts";
import { recordCredentialUse } from "./sessions.ts";

// A token's last use (shown to administrators) is written at most this often.
const TOUCH_INTERVAL_MS = 60 * 1000;

/** Signs in with an API token issued by this service (`Authorization: Bearer ims_…`). */
export const apiTokenAuthenticator: Authenticator = {
  name: "api-token",
  async authenticate(request, ctx) {
    if (!request.bearer) return null;
    const use = await findTokenUser(ctx.db, request.bearer);
    if (!use) return null;
    const now = new Date();
    if (!use.lastUsedAt || now.getTime() - Date.parse(use.lastUsedAt) >= TOUCH_INTERVAL_MS) await touchToken(ctx.db, use.tokenId, now.toISOString());
    return { userId: use.userId, newSession: await recordCredentialUse(ctx.db, use.userId, "api-token", now) };
  },
};
