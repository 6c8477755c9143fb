// Apps Script calls (UrlFetchApp, GmailApp, CacheService …) are synchronous and a card action must return
// its card before it ends, but the shared save flow is written with async/await. The bundle is lowered to
// ES2016 (async functions become generators driven by esbuild's `__async`, which calls the global
// `Promise`), and build.ts puts this class in front of the bundle as that global. Reactions to a settled
// promise run from a queue that is drained at once, before the outermost call returns: so when every
// awaited thing is already settled — as it always is when all I/O is synchronous — a whole flow completes
// inside the handler call and `settledValue` can read its result.

/** Where a promise stands; `inspect()` reports it, so the result of a finished flow can be read at once. */
export type Settlement<T> = { status: "pending" } | { status: "fulfilled"; value: T } | { status: "rejected"; reason: unknown };

type Reaction = () => void;

const jobs: Array<Reaction | undefined> = [];
let draining = false;

// A trampoline rather than direct calls: a save awaits thousands of times, and calling each reaction from
// the one before would grow the stack with every await.
function enqueue(job: Reaction): void {
  jobs.push(job);
  if (draining) return;
  draining = true;
  let head = 0;
  try {
    while (head < jobs.length) {
      const next = jobs[head];
      jobs[head++] = undefined; // let a finished slice of a file be collected while the flow goes on
      next!();
      if (head > 1024 && head * 2 > jobs.length) {
        jobs.splice(0, head);
        head = 0;
      }
    }
  } finally {
    jobs.length = 0;
    draining = false;
  }
}

const isThenable = (value: unknown): value is { then: unknown } => (typeof value === "object" && value !== null) || typeof value === "function";

/** A Promise/A+ promise whose reactions run synchronously, as soon as it is settled. */
export class SyncPromise<T> implements PromiseLike<T> {
  private settlement: Settlement<T> = { status: "pending" };
  private reactions: Reaction[] = [];

  constructor(executor: (resolve: (value: T | PromiseLike<T>) => void, reject: (reason?: unknown) => void) => void) {
    let decided = false;
    const resolve = (value: T | PromiseLike<T>) => {
      if (decided) return;
      decided = true;
      this.adopt(value);
    };
    const reject = (reason?: unknown) => {
      if (decided) return;
      decided = true;
      this.settle({ status: "rejected", reason });
    };
    try {
      executor(resolve, reject);
    } catch (err) {
      reject(err);
    }
  }

  get [Symbol.toStringTag](): string {
    return "Promise";
  }

  /** Where the promise stands now. */
  inspect(): Settlement<T> {
    return { ...this.settlement };
  }

  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): SyncPromise<R1 | R2> {
    return new SyncPromise<R1 | R2>((resolve, reject) => {
      const react = () => {
        const s = this.settlement;
        try {
          if (s.status === "fulfilled") {
            if (typeof onFulfilled === "function") resolve(onFulfilled(s.value));
            else resolve(s.value as unknown as R1);
          } else if (s.status === "rejected") {
            if (typeof onRejected === "function") resolve(onRejected(s.reason));
            else reject(s.reason);
          }
        } catch (err) {
          reject(err);
        }
      };
      if (this.settlement.status === "pending") this.reactions.push(react);
      else enqueue(react);
    });
  }

  catch<R = never>(onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null): SyncPromise<T | R> {
    return this.then(undefined, onRejected);
  }

  finally(onFinally?: (() => void) | null): SyncPromise<T> {
    const run = () => SyncPromise.resolve(typeof onFinally === "function" ? onFinally() : undefined);
    return this.then(
      (value) => run().then(() => value),
      (reason) =>
        run().then(() => {
          throw reason;
        }),
    );
  }

  private adopt(value: T | PromiseLike<T>): void {
    if (value === this) return this.settle({ status: "rejected", reason: new TypeError("A promise cannot resolve to itself") });
    if (isThenable(value)) {
      let then: unknown;
      try {
        then = value.then;
      } catch (err) {
        return this.settle({ status: "rejected", reason: err });
      }
      if (typeof then === "function") {
        let called = false;
        try {
          then.call(
            value,
            (v: T) => {
              if (called) return;
              called = true;
              this.adopt(v);
            },
            (r: unknown) => {
              if (called) return;
              called = true;
              this.settle({ status: "rejected", reason: r });
            },
          );
        } catch (err) {
          if (!called) {
            called = true;
            this.settle({ status: "rejected", reason: err });
          }
        }
        return;
      }
    }
    this.settle({ status: "fulfilled", value: value as T });
  }

  private settle(settlement: Settlement<T>): void {
    if (this.settlement.status !== "pending") return;
    this.settlement = settlement;
    const waiting = this.reactions;
    this.reactions = [];
    for (const react of waiting) enqueue(react);
  }

  static resolve<V>(value: V | PromiseLike<V>): SyncPromise<V>;
  static resolve(): SyncPromise<void>;
  static resolve<V>(value?: V | PromiseLike<V>): SyncPromise<V> {
    return value instanceof SyncPromise ? (value as SyncPromise<V>) : new SyncPromise<V>((resolve) => resolve(value as V));
  }

  static reject<V = never>(reason?: unknown): SyncPromise<V> {
    return new SyncPromise<V>((_, reject) => reject(reason));
  }

  static all<V>(values: Iterable<V | PromiseLike<V>>): SyncPromise<Awaited<V>[]> {
    return new SyncPromise<Awaited<V>[]>((resolve, reject) => {
      const items = Array.from(values);
      const out: Awaited<V>[] = new Array(items.length);
      let left = items.length;
      if (left === 0) return resolve(out);
      items.forEach((item, i) => {
        SyncPromise.resolve(item).then((v) => {
          out[i] = v as Awaited<V>;
          if (--left === 0) resolve(out);
        }, reject);
      });
    });
  }

  static allSettled<V>(values: Iterable<V | PromiseLike<V>>): SyncPromise<PromiseSettledResult<Awaited<V>>[]> {
    return SyncPromise.all(
      Array.from(values, (item) =>
        SyncPromise.resolve(item).then(
          (value): PromiseSettledResult<Awaited<V>> => ({ status: "fulfilled", value: value as Awaited<V> }),
          (reason): PromiseSettledResult<Awaited<V>> => ({ status: "rejected", reason }),
        ),
      ),
    );
  }

  static race<V>(values: Iterable<V | PromiseLike<V>>): SyncPromise<Awaited<V>> {
    return new SyncPromise<Awaited<V>>((resolve, reject) => {
      for (const item of values) SyncPromise.resolve(item).then((v) => resolve(v as Awaited<V>), reject);
    });
  }
}
