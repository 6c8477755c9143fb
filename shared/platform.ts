// The two platform functions shared/ calls, named here as the only exceptions to "no platform API in shared/"
// (shared/tsconfig.json gives it no DOM, Node, Office or Apps Script types): a timer for the default retry
// policy's waits, and fetch for the fetch transport. Browsers, Office task panes and Node 20 have both;
// Apps Script has neither and passes its own transport and retry policy instead.

/** The part of fetch the fetch transport uses. */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body?: string | Uint8Array }) => Promise<FetchAnswer>;

/** The part of fetch's Response the fetch transport reads. */
export interface FetchAnswer {
  status: number;
  headers: { forEach(each: (value: string, name: string) => void): void };
  text(): Promise<string>;
}

const platform = globalThis as unknown as { setTimeout(run: () => void, ms: number): unknown; fetch: FetchLike };

/** Resolves after `ms` milliseconds (setTimeout). */
export const wait = (ms: number): Promise<void> => new Promise((resolve) => platform.setTimeout(resolve, ms));

/** The platform's fetch, looked up when called, so importing shared/ never needs one. */
export const platformFetch: FetchLike = (url, init) => platform.fetch(url, init);
