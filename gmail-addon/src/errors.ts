import type { Message } from "../../shared/index.ts";

// Failures of the Google side, each with what a person should be told. Adapters throw them; handlers
// put them into words with handlers/problems.ts.

/** Apps Script refused a call because a quota or rate limit was reached ("Service invoked too many times", "Bandwidth quota exceeded"). */
export class QuotaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QuotaError";
  }
}

/** The script property IMS_SERVICE_URL has not been set at deployment. */
export class NotConfiguredError extends Error {
  constructor(message = "IMS_SERVICE_URL is not set in the script properties") {
    super(message);
    this.name = "NotConfiguredError";
  }
}

/** No credential to send: Apps Script gave no identity token (the openid scope was not granted). */
export class SignInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SignInError";
  }
}

/** Gmail or Drive could not hand over the mail or file, with the message to show. */
export class CaptureError extends Error {
  constructor(readonly userMessage: Message) {
    super(`${userMessage.key} ${JSON.stringify(userMessage.params ?? {})}`);
    this.name = "CaptureError";
  }
}

const QUOTA = /Service invoked too many times|Bandwidth quota exceeded|quota/i;

/** Apps Script reports quotas as plain exceptions; this tells them apart by their message. */
export function isQuotaMessage(message: string): boolean {
  return QUOTA.test(message);
}

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
