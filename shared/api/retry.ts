import { ApiError } from "./client.ts";
import { NetworkError } from "./transport.ts";
import { wait } from "../platform.ts";

// Retrying a call to the service after a transient failure: the policy (how often, how long between) and the loop.

/** How often to try and how long to wait between tries; tests pass one that does not wait. */
export interface RetryPolicy {
  attempts: number;
  delayMs(attempt: number): number;
  sleep(ms: number): Promise<void>;
}

export const defaultRetry: RetryPolicy = {
  attempts: 6,
  delayMs: (attempt) => Math.min(500 * 2 ** (attempt - 1), 8000),
  sleep: wait,
};

/** A failure worth trying again: no answer, or an answer the service marks as retryable (5xx). */
export const isTransient = (err: unknown): boolean => err instanceof NetworkError || (err instanceof ApiError && err.retryable);

/** Runs `work` again after transient failures (no answer, 5xx), up to the policy's attempts. */
export async function withRetry<T>(work: (attempt: number) => Promise<T>, retry: RetryPolicy, onRetry?: (attempt: number, error: unknown) => void): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (err) {
      if (!isTransient(err) || attempt >= retry.attempts) throw err;
      onRetry?.(attempt, err);
      await retry.sleep(retry.delayMs(attempt));
    }
  }
}
