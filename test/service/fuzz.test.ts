import { expect } from "chai";
import fc from "fast-check";
import { claimRequest, contentRequest, hostileRequest, routeRequest, tusRequest } from "../support/fuzz-requests.ts";
import { fuzz, fuzzRuns, FUZZ_SEED, type Exchange } from "../support/fuzz-properties.ts";
import type { FuzzRequest } from "../support/fuzz-http.ts";
import { FuzzWorld } from "../support/fuzz-world.ts";

// Property-based fuzzing of the whole API, driven by the route table: every route's path parameters, query
// and JSON body come from its zod schemas (valid values with single fields mutated, and hostile ones), the
// content routes get multipart, CSV and upload-naming bodies, and the tus endpoints every method, override
// and header. Requests name real cases, documents and uploads of several users. Whatever is sent, the
// service answers below 500 without crashing, every 4xx is problem+json, and a refused request leaves no
// row, blob, temporary file or upload behind. Seeded and bounded for `npm test`; FUZZ_RUNS and FUZZ_SEED
// (a number or "random") run it longer or differently, and a failure names the smallest request that fails.

describe(`API fuzzing (seed ${FUZZ_SEED})`, () => {
  let fw: FuzzWorld;

  before(async () => {
    fw = await FuzzWorld.start();
  });
  after(() => fw?.dispose());

  const jsonRoutes = () => fw.routes.filter((r) => !r.rawBody);
  const contentRoutes = () => fw.routes.filter((r) => r.rawBody);
  const oneOfRoutes = <T>(routes: readonly T[], request: (r: T) => fc.Arbitrary<FuzzRequest>) => fc.oneof(...routes.map(request));

  it("the route table holds both JSON and content routes to fuzz", () => {
    expect(jsonRoutes().length).to.be.greaterThan(40);
    expect(contentRoutes().map((r) => r.path)).to.include("/api/documents");
  });

  it("every route's JSON body, query and path parameters: no 5xx, problem+json for 4xx, nothing left by a refusal", async function () {
    this.timeout(timeoutFor(300));
    await fuzz(fw, "json routes", oneOfRoutes(jsonRoutes(), routeRequest), fuzzRuns(300), { timeLimitMs: timeLimitFor(300) });
  });

  it("the content routes' multipart, CSV and upload-naming bodies: no 5xx, problem+json for 4xx, nothing left by a refusal", async function () {
    this.timeout(timeoutFor(200));
    await fuzz(fw, "content routes", oneOfRoutes(contentRoutes(), contentRequest), fuzzRuns(200), { timeLimitMs: timeLimitFor(200) });
  });

  it("the tus upload protocol: no 5xx or crash, problem+json for 4xx, and nobody else's upload is read or changed", async function () {
    this.timeout(timeoutFor(250));
    await fuzz(fw, "tus uploads", tusRequest(), fuzzRuns(250), { extra: othersUploadsUntouched, timeLimitMs: timeLimitFor(250) });
  });

  it("hostile paths, methods and headers on every route: no 5xx, problem+json for 4xx, nothing left by a refusal", async function () {
    this.timeout(timeoutFor(150));
    await fuzz(fw, "hostile paths", oneOfRoutes(fw.routes, hostileRequest), fuzzRuns(150), { timeLimitMs: timeLimitFor(150) });
  });

  it("a finished upload becomes content once, even when the same save arrives three times at once", async function () {
    this.timeout(timeoutFor(30));
    await fuzz(fw, "concurrent claims", oneOfRoutes(contentRoutes(), claimRequest), fuzzRuns(30), { copies: 3, extra: claimedOnce, timeLimitMs: timeLimitFor(30) });
  });
});

/** The usual 60 s for the default runs; longer runs (FUZZ_RUNS) get time in proportion. */
const timeoutFor = (usual: number) => Math.max(60_000, (fuzzRuns(usual) / usual) * 60_000);
/** Generating and shrinking stop in time for the failure to be reported before mocha's timeout. */
const timeLimitFor = (usual: number) => timeoutFor(usual) - 15_000;

/** Another user's upload keeps its bytes, and no answer shows its length (each prepared upload has a length of its own). */
async function othersUploadsUntouched(fw: FuzzWorld, x: Exchange): Promise<string[]> {
  const me = x.resolution.userId;
  const foreign = x.resolution.pool.upload.filter((u) => u.owner !== me);
  const after = await fw.snapshot();
  const out: string[] = [];
  for (const u of foreign) {
    for (const file of [`uploads/${u.id}`, `uploads/${u.id}.json`]) {
      const was = x.before.files.get(file);
      const is = after.files.get(file);
      if (was !== is) out.push(`another user's upload changed: ${file} ${was ?? "missing"} → ${is ?? "removed"} bytes`);
    }
  }
  const own = new Set(x.resolution.pool.upload.filter((u) => u.owner === me).map((u) => String(u.length)));
  for (const answer of x.answers) {
    const length = answer.headers["upload-length"];
    if (typeof length === "string" && !own.has(length) && foreign.some((u) => String(u.length) === length)) out.push(`revealed another user's upload: Upload-Length ${length}`);
  }
  return out;
}

/** Of several saves naming one upload at once, at most one succeeds; a save naming an upload twice never does. */
async function claimedOnce(_fw: FuzzWorld, x: Exchange): Promise<string[]> {
  const succeeded = x.answers.filter((a) => a.status < 300).length;
  const twice = x.wire.uploads.length > new Set(x.wire.uploads).size;
  if (twice && succeeded) return [`a save naming one upload twice succeeded (${succeeded} of ${x.answers.length})`];
  if (succeeded > 1) return [`${succeeded} of ${x.answers.length} saves of the same upload at once succeeded`];
  return [];
}
