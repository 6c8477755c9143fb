import type { Settlement } from "./sync-promise.ts";

/**
 * The result of a flow that has already finished: in the bundle `Promise` is the synchronous SyncPromise,
 * so by the time a handler returns, every await in it has completed. Throws the flow's error, or a plain
 * error if something is still pending (which would mean real asynchrony crept in).
 */
export function settledValue<T>(promise: PromiseLike<T>): T {
  const inspect = (promise as { inspect?: () => Settlement<T> }).inspect;
  if (typeof inspect !== "function") throw new Error("Not a synchronous promise: the bundle's global Promise must be SyncPromise (see gmail-addon/build.ts).");
  const settlement = inspect.call(promise);
  if (settlement.status === "fulfilled") return settlement.value;
  if (settlement.status === "rejected") throw settlement.reason;
  throw new Error("The handler is still waiting for something asynchronous; Apps Script code must complete synchronously.");
}
