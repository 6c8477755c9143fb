import type { AppContext } from "../context.ts";
import { ensureDemoPassword } from "../features/auth/sign-in.service.ts";
import { issueEnvToken, issueGeneratedToken } from "../features/users/tokens.service.ts";
import type { SeededUser } from "./demo-directory.ts";

/** The environment variable that sets a demo user's API token, e.g. IMS_DEMO_TOKEN_ANNE. */
export const demoTokenVariable = (login: string) => `IMS_DEMO_TOKEN_${login.toUpperCase()}`;
/** The environment variable that sets a demo user's web sign-in password, e.g. IMS_DEMO_PASSWORD_ANNE. */
export const demoPasswordVariable = (login: string) => `IMS_DEMO_PASSWORD_${login.toUpperCase()}`;

interface TokenLine {
  user: SeededUser;
  /** The token itself when it was generated now; otherwise where it comes from. */
  shown: string;
  generated: boolean;
  /** The web sign-in password when it was generated now; otherwise where it comes from. */
  password: string;
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
    const chosen = ctx.config.demoPasswords[user.login];
    const generatedPassword = await ensureDemoPassword(ctx.db, user.id, chosen);
    const password = generatedPassword ?? (chosen ? `(from ${demoPasswordVariable(user.login)})` : "(set before)");
    let token: Omit<TokenLine, "user" | "password"> | null = null;
    if (configured) {
      const outcome = await issueEnvToken(ctx.db, variable, user.id, configured);
      if (outcome === "held_by_another_user") ctx.log.warn(`${variable} is already another user's token; ${user.email} gets no token from it.`);
      if (outcome === "revoked") ctx.log.warn(`${variable} holds a token that was revoked before; a revoked token stays revoked, so set a new value.`);
      if (user.fresh && (outcome === "issued" || outcome === "kept")) token = { shown: `(from ${variable})`, generated: false };
    } else if (user.fresh) {
      token = { shown: await issueGeneratedToken(ctx.db, user.id, "first start"), generated: true };
    }
    if (token || generatedPassword) lines.push({ user, password, ...(token ?? { shown: "(issued before)", generated: false }) });
  }
  if (!lines.length) return;
  for (const { user, generated } of lines)
    ctx.log.info(`Demo user ${user.email} (${user.role}) created; API token ${generated ? "generated and printed once" : "from the environment"}.`);
  // Printed only when something is shown that cannot be shown again; configured tokens are never echoed.
  if (lines.some((l) => l.generated || !l.password.startsWith("("))) process.stdout.write(tokenBlock(lines));
}

function tokenBlock(lines: TokenLine[]): string {
  const rows = lines.map(({ user, shown, password }) => [user.login, user.name, user.description, user.email, password, shown]);
  const header = ["login", "name", "role", "email", "password", "API token"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const format = (r: string[]) => `  ${r.map((cell, i) => (i < r.length - 1 ? cell.padEnd(widths[i]) : cell)).join("  ")}`;
  return [
    "",
    "IMS Case demo users (passwords and tokens shown once, keep them; set IMS_DEMO_PASSWORD_<LOGIN> and IMS_DEMO_TOKEN_<LOGIN> to choose your own):",
    format(header),
    format(widths.map((w) => "-".repeat(w))),
    ...rows.map(format),
    "  Sign in at the web view with the e-mail address and password; use a token as: Authorization: Bearer <token>",
    "",
    "",
  ].join("\n");
}
