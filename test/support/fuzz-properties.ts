import fc from "fast-check";
import { describeWire, send, toWire, type Answer, type FuzzRequest, type WireRequest } from "./fuzz-http.ts";
import { changes, type FuzzWorld, type Snapshot } from "./fuzz-world.ts";
import type { Resolution } from "./fuzz-values.ts";

// The properties every fuzzed request must keep — no 5xx and no crash, a problem+json body for every 4xx,
// nothing left behind by a refused request — and the runner that checks them over a seeded number of
// requests, shrinks a failure to the smallest request that still fails and says how to run it again.

/** FUZZ_STATS=1 prints, per property, how often each route answered each status: what the requests reached. */
const STATS = Boolean(process.env.FUZZ_STATS);

/** FUZZ_SEED picks the requests (a number, or "random"); FUZZ_RUNS is how many each property sends. */
export const FUZZ_SEED = process.env.FUZZ_SEED === "random" ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED || 20_261_207);
export const fuzzRuns = (usual: number) => Number(process.env.FUZZ_RUNS || usual);

/** One exchange as a property sees it: the request on the wire, its answers (one per copy sent), and the world around it. */
export interface Exchange {
  req: FuzzRequest;
  wire: WireRequest;
  answers: Answer[];
  before: Snapshot;
  resolution: Resolution;
}

export interface FuzzOptions {
  /** Sends this many copies of each request at the same time (default 1). */
  copies?: number;
  /** A further property of the exchange; returns what is wrong with it. */
  extra?: ExtraCheck;
  /** Stop generating, or shrinking a failure, after this long (a failure found so far is still reported). */
  timeLimitMs?: number;
}

export type ExtraCheck = (fw: FuzzWorld, x: Exchange) => Promise<string[]>;

const MAX_HEAD = 12_000;
const clip = (s: string, n = 400) => (s.length > n ? `${s.slice(0, n)}…` : s);
const MUTATING = (method: string, status: number) => status < 300 && !["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase());

/** Errors that escape every handler (as in a stream callback) land here instead of in mocha, each a failure of the request that caused it. */
export class CrashWatch {
  readonly errors: unknown[] = [];
  private saved = new Map<string, Array<(...args: unknown[]) => void>>();
  private readonly record = (err: unknown) => this.errors.push(err);
  private static readonly EVENTS = ["uncaughtException", "unhandledRejection"] as const;

  start(): void {
    for (const e of CrashWatch.EVENTS) {
      this.saved.set(e, process.listeners(e as "uncaughtException") as Array<(...args: unknown[]) => void>);
      process.removeAllListeners(e);
      process.on(e as "uncaughtException", this.record);
    }
  }

  stop(): void {
    for (const e of CrashWatch.EVENTS) {
      process.removeListener(e, this.record);
      for (const l of this.saved.get(e) ?? []) process.on(e as "uncaughtException", l);
    }
  }
}

/** What a 4xx answer must look like: application/problem+json with its status, a code and a detail. */
function problemShape(wire: WireRequest, answer: Answer): string[] {
  const type = String(answer.headers["content-type"] ?? "");
  const text = answer.body.toString("utf8");
  if (!type.startsWith("application/problem+json")) return [`answered ${answer.status} as "${type}", not application/problem+json: ${clip(text)}`];
  if (wire.method === "HEAD") return [];
  let body: { status?: unknown; code?: unknown; detail?: unknown };
  try {
    body = JSON.parse(text);
  } catch {
    return [`answered ${answer.status} with a problem+json body that is not JSON: ${clip(text)}`];
  }
  const out: string[] = [];
  if (body.status !== answer.status) out.push(`answered ${answer.status} with a problem whose status is ${JSON.stringify(body.status)}`);
  if (typeof body.code !== "string" || !body.code) out.push(`answered ${answer.status} with a problem without a code: ${clip(text)}`);
  if (typeof body.detail !== "string" || !body.detail) out.push(`answered ${answer.status} with a problem without a detail: ${clip(text)}`);
  return out;
}

/**
 * A refused save discards the finished uploads it named (they would be refused again): their files and rows
 * going is what such a refusal should change. Anything else is left behind. (Uploads kept in the object store have no
 * files the snapshot sees: there each upload named may go.)
 */
function unexpected(found: string[], wire: WireRequest, uploadsInS3: boolean): string[] {
  const named = wire.uploads.filter((id) => uploadsInS3 || found.includes(`file uploads/${id} removed`));
  if (!named.length) return found;
  const gone = (c: string) => named.some((id) => c === `file uploads/${id} removed` || c === `file uploads/${id}.json removed`);
  const rows = /^table uploads: (\d+) → (\d+) rows$/;
  return found.filter((c) => {
    const m = rows.exec(c);
    if (m) return Number(m[1]) - Number(m[2]) > named.length || Number(m[2]) > Number(m[1]);
    return !gone(c);
  });
}

/** What a refused request changed, after giving background work a moment to undo its own steps. */
async function leftBehind(fw: FuzzWorld, before: Snapshot, wire: WireRequest): Promise<string[]> {
  let found: string[] = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    await fw.settle();
    found = unexpected(changes(before, await fw.snapshot()), wire, fw.svc.config.uploadsInS3);
    if (!found.length) return [];
    await new Promise((r) => setTimeout(r, 25));
  }
  return found.map((c) => `a refused request left something behind: ${c}`);
}

/** What must hold for every exchange: no error that ends the process, no 5xx, problem+json for 4xx, and nothing left by a refusal. */
async function exchangeProblems(fw: FuzzWorld, x: Exchange, crashed: unknown[]): Promise<string[]> {
  const out = crashed.map(
    (err) =>
      `an error escaped every handler (a crash of the process, but for main.ts's guard): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
  );
  for (const answer of x.answers) {
    if (answer.status >= 500) out.push(`answered ${answer.status}: ${clip(answer.body.toString("utf8"))}`);
    if (answer.status >= 400 && answer.status < 500) out.push(...problemShape(x.wire, answer));
  }
  if (x.answers.every((a) => a.status >= 400 && a.status < 500)) out.push(...(await leftBehind(fw, x.before, x.wire)));
  return out;
}

/** The outcome of one generated request: what went wrong (empty when every property held). */
export interface Outcome {
  problems: string[];
  wire: WireRequest;
  answers: Answer[];
}

/**
 * Sends generated requests one after another against the world, checking each, and keeps the world usable
 * between them. `fuzz` drives it from fast-check; a script can drive it to survey many requests.
 */
export class Exchanger {
  readonly watch = new CrashWatch();
  /** How often each route answered each status (and problem code): what the requests reached. */
  readonly seen = new Map<string, number>();
  private dirty = false;

  constructor(
    readonly fw: FuzzWorld,
    readonly options: FuzzOptions = {},
  ) {}

  /** Sends the request and checks every property; undefined when it is one Node itself would refuse (head over 16 KB). */
  async exchange(req: FuzzRequest): Promise<Outcome | undefined> {
    const { fw } = this;
    const copies = this.options.copies ?? 1;
    if (this.dirty) await fw.afterChange();
    this.dirty = false;
    const resolution = await fw.resolution(req.who);
    await fw.readEtags(req, resolution);
    const wire = toWire(req, resolution, fw.tokens[req.who]);
    if (wire.path.length + Object.values(wire.headers).join("").length >= MAX_HEAD) return undefined;
    const before = await fw.snapshot();
    const crashes = this.watch.errors.length;
    let answers: Answer[];
    try {
      answers = await Promise.all(Array.from({ length: copies }, () => send(fw.svc.url, wire)));
    } catch (err) {
      this.dirty = true;
      return { problems: [`gave no answer (${(err as Error).message})`], wire, answers: [] };
    }
    this.dirty = answers.some((a) => MUTATING(req.method, a.status)) || req.route.includes("/api/uploads");
    for (const a of answers) {
      const key = `${req.route} → ${a.status} ${a.status >= 400 ? (/"code":"([^"]+)"/.exec(a.body.toString("utf8"))?.[1] ?? "") : ""}`;
      this.seen.set(key, (this.seen.get(key) ?? 0) + 1);
    }
    await fw.settle();
    const x: Exchange = { req, wire, answers, before, resolution };
    const problems = [...(await exchangeProblems(fw, x, this.watch.errors.slice(crashes))), ...(this.options.extra ? await this.options.extra(fw, x) : [])];
    if (problems.length) this.dirty = true;
    return { problems, wire, answers };
  }

  /** Leaves the world as later requests expect it. */
  async finish(): Promise<void> {
    if (this.dirty) await this.fw.afterChange();
    this.dirty = false;
  }
}

/** Runs a property over `runs` generated requests; throws a report naming the smallest failing request. */
export async function fuzz(fw: FuzzWorld, name: string, arb: fc.Arbitrary<FuzzRequest>, runs: number, options: FuzzOptions = {}): Promise<void> {
  const exchanger = new Exchanger(fw, options);
  const copies = options.copies ?? 1;
  const property = fc.asyncProperty(arb, async (req) => {
    const outcome = await exchanger.exchange(req);
    // Node itself refuses a head larger than 16 KB (431, before any of the service's code runs).
    fc.pre(outcome !== undefined);
    if (outcome.problems.length) {
      const answered = outcome.answers.length ? `answered ${outcome.answers.map((a) => a.status).join(", ")} to ` : "";
      throw new Error(`${outcome.problems.join("\n")}\n${answered}${copies > 1 ? `${copies} copies at once of ` : ""}${describeWire(req.who, outcome.wire)}`);
    }
  });
  exchanger.watch.start();
  try {
    const details = await fc.check(property, { numRuns: runs, seed: FUZZ_SEED + seedOffset(name), interruptAfterTimeLimit: options.timeLimitMs });
    if (STATS)
      console.log(
        `${name}: ${details.numRuns} runs, ${details.numSkips} skipped\n${[...exchanger.seen]
          .sort()
          .map(([k, n]) => `  ${k}: ${n}`)
          .join("\n")}`,
      );
    if (details.failed) throw new Error(report(name, details));
  } finally {
    exchanger.watch.stop();
    await exchanger.finish();
  }
}

/** Each property draws its own requests from the one FUZZ_SEED. */
const seedOffset = (name: string) => [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 100_000, 7);

function report(name: string, details: fc.RunDetails<[FuzzRequest]>): string {
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  return [
    `${name}: failed after ${details.numRuns} of the requests (seed ${details.seed}, path ${details.counterexamplePath}, ${details.numShrinks} shrinks${details.interrupted ? ", shrinking cut short by the time limit" : ""}).`,
    `The smallest failing request found:`,
    error,
    `Generated as: ${details.counterexample ? clip(fc.stringify(details.counterexample[0]), 2000) : "?"}`,
    `Run it again: FUZZ_SEED=${FUZZ_SEED} npx mocha test/service/fuzz.test.ts`,
  ].join("\n");
}
