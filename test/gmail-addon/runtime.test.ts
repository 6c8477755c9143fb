import { expect } from "chai";
import { cachedFlowStore, type KeyValueCache } from "../../gmail-addon/src/runtime/flow-store.ts";
import { settledValue } from "../../gmail-addon/src/runtime/settled.ts";
import { SyncPromise } from "../../gmail-addon/src/runtime/sync-promise.ts";

// The add-on's runtime on its own: the synchronous Promise the bundle runs on, and the cache-backed store.

describe("SyncPromise, the bundle's Promise", () => {
  it("runs reactions as soon as the promise settles, before the outermost call returns", () => {
    const seen: string[] = [];
    const p = SyncPromise.resolve(1)
      .then((v) => {
        seen.push(`then ${v}`);
        return SyncPromise.resolve(v + 1);
      })
      .then((v) => {
        seen.push(`then ${v}`);
        throw new Error("no");
      })
      .catch((err: unknown) => `caught ${(err as Error).message}`)
      .finally(() => seen.push("finally"));
    seen.push("after");
    expect(seen).to.deep.equal(["then 1", "then 2", "finally", "after"]);
    expect(settledValue(p)).to.equal("caught no");
  });

  it("keeps the order of reactions that Promises have: callbacks of one settlement in turn, nested ones after them", () => {
    const order: string[] = [];
    const p = new SyncPromise<void>((resolve) => resolve());
    const outer = SyncPromise.resolve().then(() => {
      p.then(() => order.push("a")).then(() => order.push("a2"));
      p.then(() => order.push("b"));
    });
    settledValue(outer);
    expect(order).to.deep.equal(["a", "b", "a2"]);
  });

  it("all, allSettled and race settle synchronously over settled values, and adopt thenables", () => {
    const thenable = { then: (ok: (v: number) => void) => ok(3) } as unknown as PromiseLike<number>;
    expect(settledValue(SyncPromise.all([1, SyncPromise.resolve(2), thenable]))).to.deep.equal([1, 2, 3]);
    expect(settledValue(SyncPromise.allSettled([SyncPromise.reject(new Error("x")), 1])).map((r) => r.status)).to.deep.equal(["rejected", "fulfilled"]);
    expect(settledValue(SyncPromise.race([SyncPromise.resolve("first"), "second"]))).to.equal("first");
    expect(() => settledValue(SyncPromise.all([SyncPromise.reject(new Error("boom")), 1]))).to.throw("boom");
  });

  it("a flow that awaits thousands of times does not grow the stack", () => {
    let p: SyncPromise<number> = SyncPromise.resolve(0);
    const step = (n: number) => new SyncPromise<number>((resolve) => resolve(n + 1));
    const outer = new SyncPromise<number>((resolve) => {
      for (let i = 0; i < 100_000; i++) p = p.then(step);
      resolve(p);
    });
    expect(settledValue(outer)).to.equal(100_000);
  });

  it("settledValue refuses what has not settled, and what is no SyncPromise", () => {
    expect(() => settledValue(new SyncPromise(() => undefined))).to.throw(/still waiting/);
    expect(() => settledValue(Promise.resolve(1))).to.throw(/Not a synchronous promise/);
  });
});

describe("the flow store over Apps Script's user cache", () => {
  /** A cache with CacheService's limits: 100 KB a value. */
  function limitedCache() {
    const values = new Map<string, string>();
    const cache: KeyValueCache = {
      get: (k) => values.get(k) ?? null,
      getAll: (keys) => Object.fromEntries(keys.filter((k) => values.has(k)).map((k) => [k, values.get(k)!])),
      putAll: (entries, seconds) => {
        expect(seconds).to.be.at.most(21_600);
        for (const [k, v] of Object.entries(entries)) {
          if (Buffer.byteLength(v) > 100 * 1024) throw new Error("Argument too large: value");
          values.set(k, v);
        }
      },
    };
    return { cache, values };
  }

  it("keeps a flow larger than one cache value in pieces, and gives it back whole", () => {
    const { cache, values } = limitedCache();
    const store = cachedFlowStore<{ text: string }>(cache);
    const big = { text: "Sagsbehandling på tværs af forvaltninger – ".repeat(8_000) };
    store.save("f1", big);
    expect(values.size).to.be.greaterThan(4);
    expect(store.load("f1")).to.deep.equal(big);
  });

  it("a flow with a piece gone, or never saved, is no flow", () => {
    const { cache, values } = limitedCache();
    const store = cachedFlowStore<{ n: number }>(cache, { pieceLength: 4 });
    store.save("f2", { n: 123456 });
    expect(store.load("f2")).to.deep.equal({ n: 123456 });
    values.delete("flow:f2:1");
    expect(store.load("f2")).to.equal(null);
    expect(store.load("nope")).to.equal(null);
  });
});
