import type { MessageKey } from "../i18n/index.ts";
import type { ProblemBody } from "./types.ts";

/** A refusal from the service, with the message a person should see. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly problem: ProblemBody | null,
  ) {
    super(detail);
    this.name = "ApiError";
  }

  /** Whether trying the same request again may succeed (the service or the network had a hiccup). */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 408 || this.status === 429;
  }

  get messageKey(): MessageKey {
    if (this.status === 401) return "error.unauthorized";
    if (this.status === 403) return "error.forbidden";
    if (this.status === 404) return "error.notFound";
    if (this.status === 412) return "error.stale";
    if (this.status === 413) return "error.tooLarge";
    return "error.server";
  }
}
