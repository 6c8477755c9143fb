import { ApiError } from "../../../shared/api/errors.ts";
import type { SsoMicrosoft } from "../../../shared/api/schemas/sso.ts";

// Single sign-on with Microsoft Entra ID in the task pane, for a service that offers it (GET /api/auth/sso):
//  1. nested app authentication (NAA) where Office has it: msal-browser asks Office for a token to the API, silently
//     first and with Office's own prompt only after the person chose "Log ind med Microsoft";
//  2. else Office's older SSO (OfficeRuntime.auth.getAccessToken, needs WebApplicationInfo in the manifest);
//  3. else nothing here: the pane signs in through the web view (sign-in.ts) or takes a pasted token.
// Office and msal are behind SsoHost (hosts/office-sso.ts), so this is tested with fakes.

/** The token requests of msal's nestable client that the pane uses. */
export interface NestableClient {
  /** msal's cache or Office's account, no prompt; throws InteractionRequired when only a prompt would do. */
  acquireTokenSilent(scopes: string[]): Promise<string>;
  /** Office's own sign-in or consent prompt. */
  acquireTokenPopup(scopes: string[]): Promise<string>;
}

/** What Office offers the pane for single sign-on. */
export interface SsoHost {
  /** Whether Office hands out tokens by nested app authentication (requirement set NestedAppAuth 1.1). */
  supportsNestedAppAuth(): boolean;
  /** msal-browser's createNestablePublicClientApplication, loaded only when asked (a chunk of its own). */
  createNestableClient(config: { clientId: string; authority: string }): Promise<NestableClient>;
  /** Office's older SSO (OfficeRuntime.auth.getAccessToken); undefined where Office has none. Throws { code: 13xxx } on failure. */
  officeAccessToken?(options: { allowSignInPrompt: boolean; allowConsentPrompt: boolean; forMSGraphAccess: boolean }): Promise<string>;
}

/** msal cannot give a token without the person (InteractionRequiredAuthError). */
export class InteractionRequired extends Error {
  constructor(detail = "") {
    super(detail || "interaction required");
    this.name = "InteractionRequired";
  }
}

/** Why Microsoft sign-in did not give a token: not here (use the web view), or the person is needed. */
export class SsoUnavailable extends Error {
  constructor(
    readonly reason: "unsupported" | "failed" | "cancelled",
    detail: string,
  ) {
    super(detail);
    this.name = "SsoUnavailable";
  }
}

/** Office's getAccessToken errors are { code: 13xxx, message }; 13001: nobody signed in to Office, 13002: the person cancelled. */
const officeErrorCode = (err: unknown): number | undefined =>
  err && typeof err === "object" && typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : undefined;

const describe = (err: unknown) => {
  const code = officeErrorCode(err);
  const message = err instanceof Error ? err.message : err && typeof err === "object" ? String((err as { message?: unknown }).message ?? "") : String(err);
  return code === undefined ? message : `${code} ${message}`.trim();
};

/**
 * Tokens to the IMS Case API from Entra ID, for one service's app registration: `silent()` at any time (before each
 * request; msal caches and refreshes), `interactive()` only from a person's action.
 */
export class MicrosoftSignIn {
  private client: Promise<NestableClient> | undefined;

  constructor(
    private readonly host: SsoHost,
    readonly microsoft: SsoMicrosoft,
  ) {}

  /** Which way this Office gets tokens: "naa", "office" (getAccessToken) or none (the web view's sign-in). */
  get way(): "naa" | "office" | null {
    if (this.host.supportsNestedAppAuth()) return "naa";
    return this.host.officeAccessToken ? "office" : null;
  }

  private nestable(): Promise<NestableClient> {
    // One client per registration: msal's cache lives in it. A failed start is not kept, so a retry may succeed.
    this.client ??= this.host.createNestableClient({ clientId: this.microsoft.clientId, authority: this.microsoft.authority }).catch((err: unknown) => {
      this.client = undefined;
      throw err;
    });
    return this.client;
  }

  /** A token without asking the person anything; null when only a prompt would give one. SsoUnavailable when this Office cannot. */
  async silent(): Promise<string | null> {
    const scopes = [this.microsoft.scope];
    switch (this.way) {
      case "naa":
        try {
          return await (await this.nestable()).acquireTokenSilent(scopes);
        } catch (err) {
          if (err instanceof InteractionRequired) return null;
          throw new SsoUnavailable("failed", describe(err));
        }
      case "office":
        try {
          return await this.host.officeAccessToken!({ allowSignInPrompt: false, allowConsentPrompt: false, forMSGraphAccess: false });
        } catch (err) {
          // 13001 (not signed in to Office) and 13005/13007 (consent needed) are for a prompt; the rest will not get better by asking.
          if ([13001, 13005, 13007].includes(officeErrorCode(err) ?? 0)) return null;
          throw new SsoUnavailable("failed", describe(err));
        }
      default:
        throw new SsoUnavailable("unsupported", "Office offers no single sign-on here");
    }
  }

  /** After the person chose "Log ind med Microsoft": silent first, then Office's prompt. */
  async interactive(): Promise<string> {
    const quiet = await this.silent();
    if (quiet) return quiet;
    const scopes = [this.microsoft.scope];
    try {
      if (this.way === "naa") return await (await this.nestable()).acquireTokenPopup(scopes);
      return await this.host.officeAccessToken!({ allowSignInPrompt: true, allowConsentPrompt: true, forMSGraphAccess: false });
    } catch (err) {
      const cancelled = officeErrorCode(err) === 13002 || /user_cancel/i.test(describe(err));
      throw new SsoUnavailable(cancelled ? "cancelled" : "failed", describe(err));
    }
  }
}

/** What the pane says when signing in with Microsoft did not get the person in; each offers the web view's sign-in. */
export interface SsoProblem {
  key: "pane.sso.unavailable" | "pane.sso.cancelled" | "pane.sso.unknownIdentity" | "pane.sso.refused";
  detail?: string;
}

/**
 * The problem to show for a failure of Microsoft sign-in: Office could not (SsoUnavailable), or the service knows nobody
 * by the account (403 unknown_identity) or does not take the token (401/403); null for any other failure.
 */
export function ssoProblemOf(err: unknown): SsoProblem | null {
  if (err instanceof SsoUnavailable) return { key: err.reason === "cancelled" ? "pane.sso.cancelled" : "pane.sso.unavailable", detail: err.message };
  if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
    return { key: err.code === "unknown_identity" ? "pane.sso.unknownIdentity" : "pane.sso.refused", ...(err.detail ? { detail: err.detail } : {}) };
  }
  return null;
}
