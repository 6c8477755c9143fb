import { ApiError, messageFor, NetworkError, type Message } from "../../../shared/index.ts";
import { CaptureError, NotConfiguredError, QuotaError, SignInError } from "../errors.ts";

/** Any failure in words for a Google user: the shared messages, plus quotas, Google sign-in and capture. */
export function failureOf(err: unknown, userEmail: () => string): Message {
  if (err instanceof CaptureError) return err.userMessage;
  if (err instanceof QuotaError) return { key: "google.error.quota" };
  if (err instanceof NotConfiguredError) return { key: "google.error.notConfigured" };
  if (err instanceof SignInError) return { key: "google.error.signIn" };
  if (err instanceof NetworkError) return { key: "google.error.serviceDown" };
  if (err instanceof ApiError && err.status === 401) {
    if (err.code !== "unknown_user") return { key: "google.error.signIn", ...(err.detail ? { detail: err.detail } : {}) };
    let email = "";
    try {
      email = userEmail();
    } catch {
      // no address from Session: take it from the service's words
    }
    return { key: "google.error.unknownUser", params: { email: email || (/[^\s;,]+@[^\s;,]+/.exec(err.detail)?.[0] ?? "?") } };
  }
  return messageFor(err);
}

// Trying again cannot help: the user has to be added, or the deployment configured.
const FINAL: ReadonlySet<string> = new Set(["google.error.unknownUser", "google.error.notConfigured", "error.forbidden"]);

export const canRetry = (message: Message): boolean => !FINAL.has(message.key);
