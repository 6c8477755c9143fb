import type { Logger } from "pino";

/**
 * Keeps the service up when an error escapes a request: an exception thrown from a stream callback or a
 * rejected promise nobody awaited. Continuing is safe here because no request shares half-done state with
 * another: every change commits in one database transaction, content is written to a temporary file and
 * renamed, and the connection the error came from is cut by its timeouts. Errors are logged so they get fixed.
 */
export function keepServingThroughStrayErrors(log: Logger): void {
  process.on("uncaughtException", (err, origin) => {
    log.error({ err, origin }, "an error escaped a request; the service goes on");
  });
  process.on("unhandledRejection", (reason) => {
    log.error({ err: reason }, "a promise was rejected without a handler; the service goes on");
  });
}
