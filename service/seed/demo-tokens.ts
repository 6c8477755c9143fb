import type { AppContext } from "../context.ts";
import { issueEnvToken, issueGeneratedToken } from "../features/users/tokens.service.ts";
import type { SeededUser } from "./demo-directory.ts";

/** The environment variable that sets a demo user's API token, e.g. IMS_DEMO_TOKEN_ANNE. */
export const demoTokenVariable = (login: string) => `IMS_DEMO_TOKEN_${login.toUpperCase()}`;

interface TokenLine {
  user: SeededUser;
  /** The token itself when it was generated now; otherwise where it comes from. */
  shown: string;
  generated: boolean;
}

/**
 * Gives demo users their API tokens the way the administrator gets one: IMS_DEMO_TOKEN_<LOGIN> when set
 * (on every start: a changed variable retires the token it held before), otherwise one generated at the
 * user's first start and printed once (only its hash is stored, so it cannot be shown again). A removed
 * variable's token is retired at start (see ensureAdmin); the user then gets a token from an administrator.
 */
export async function ensureDemoTokens(ctx: AppContext, users: SeededUser[]): Promise<void> {
  const lines: TokenLine[] = [];
  for (const user of users) {
    const variable = demoTokenVariable(user.login);
    const configured = ctx.config.demoTokens[user.login];
    if (configured) {
      const outcome = await issueEnvToken(ctx.db, variable, user.id, configured);
      if (outcome === "held_by_another_user") ctx.log.warn(`${variable} is already another user's token; ${user.email} gets no token from it.`);
      if (outcome === "revoked") ctx.log.warn(`${variable} holds a token that was revoked before; a revoked token stays revoked, so set a new value.`);
      if (user.fresh && (outcome === "issued" || outcome === "kept")) lines.push({ user, shown: `(from ${variable})`, generated: false });
    } else if (user.fresh) {
      lines.push({ user, shown: await issueGeneratedToken(ctx.db, user.id, "first start"), generated: true });
    }
  }
  if (!lines.length) return;
  for (const { user, generated } of lines)
    ctx.log.info(`Demo user ${user.email} (${user.role}) created; API token ${generated ? "generated and printed once" : "from the environment"}.`);
  // Printed only when something is shown that cannot be shown again; configured tokens are never echoed.
  if (lines.some((l) => l.generated)) process.stdout.write(tokenBlock(lines));
}

function tokenBlock(lines: TokenLine[]): string {
  const rows = lines.map(({ user, shown }) => [user.login, user.name, user.description, user.email, shown]);
  const header = ["login", "name", "role", "email", "API token"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (r: string[]) => `  ${r.map((cell, i) => (i < r.length - 1 ? cell.padEnd(widths[i]) : cell)).join("  ")}`;
  return [
    "",
    "IMS Case demo users (tokens shown once, keep them; set IMS_DEMO_TOKEN_<LOGIN> to choose your own):",
    format(header),
    format(widths.map((w) => "-".repeat(w))),
    ...rows.map(format),
    "  Use a token as: Authorization: Bearer <token>",
    "",
    "",
  ].join("\n");
}
