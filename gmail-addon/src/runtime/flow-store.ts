// The flow between two card actions lives in the user's cache under a flow id that travels in the
// actions' parameters (cards themselves carry only strings). CacheService keeps at most 100 KB per value
// and six hours per entry; a flow with its reference data can be larger, so it is kept in pieces.

/** The part of Apps Script's Cache that the store needs (CacheService.getUserCache() is one). */
export interface KeyValueCache {
  get(key: string): string | null;
  getAll(keys: string[]): Record<string, string>;
  putAll(values: Record<string, string>, expirationInSeconds: number): void;
}

export interface FlowStore<T> {
  save(flowId: string, value: T): void;
  /** The saved value, or null when it has expired or was never saved. */
  load(flowId: string): T | null;
}

export interface FlowStoreOptions {
  /** Characters per piece: 30,000 stays under 100 KB even if every character took 3 bytes in UTF-8. */
  pieceLength?: number;
  /** The longest CacheService keeps anything. */
  ttlSeconds?: number;
}

/** A store that splits each value's JSON into pieces under the cache's size limit. */
export function cachedFlowStore<T>(cache: KeyValueCache, options: FlowStoreOptions = {}): FlowStore<T> {
  const pieceLength = options.pieceLength ?? 30_000;
  const ttl = options.ttlSeconds ?? 21_600;
  const countKey = (id: string) => `flow:${id}`;
  const pieceKey = (id: string, i: number) => `flow:${id}:${i}`;
  return {
    save(flowId, value) {
      const json = JSON.stringify(value);
      const values: Record<string, string> = {};
      let count = 0;
      for (let at = 0; at < json.length || count === 0; at += pieceLength) values[pieceKey(flowId, count++)] = json.slice(at, at + pieceLength);
      values[countKey(flowId)] = String(count);
      cache.putAll(values, ttl);
    },
    load(flowId) {
      const count = Number(cache.get(countKey(flowId)));
      if (!Number.isInteger(count) || count < 1) return null;
      const keys = Array.from({ length: count }, (_, i) => pieceKey(flowId, i));
      const pieces = cache.getAll(keys);
      if (keys.some((k) => typeof pieces[k] !== "string")) return null;
      try {
        return JSON.parse(keys.map((k) => pieces[k]).join("")) as T;
      } catch {
        return null;
      }
    },
  };
}
