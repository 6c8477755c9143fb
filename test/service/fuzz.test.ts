import { expect } from "chai";
import fc from "fast-check";
import { claimRequest, contentRequest, hostileRequest, routeRequest } from "../support/fuzz-requests.ts";
import { tusRequest } from "../support/fuzz-tus.ts";
import { Exchanger, fuzz, fuzzRuns, FUZZ_SEED, type Exchange, type FuzzOptions } from "../support/fuzz-properties.ts";
import { describeWire, type FuzzRequest, type PartSpec } from "../support/fuzz-http.ts";
import { FuzzWorld } from "../support/fuzz-world.ts";
import { Ref, type Text } from "../support/fuzz-values.ts";

// Property-based fuzzing of the whole API, driven by the route table: every route's path parameters, query
// and JSON body come from its zod schemas (valid values with single fields mutated, and hostile ones), the
// content routes get multipart, CSV and upload-naming bodies, and the tus endpoints every method, override
// and header. Requests name real cases, documents and uploads of several users. Whatever is sent, the
// service answers below 500 without crashing, every 4xx is problem+json, and a refused request leaves no
// row, blob, temporary file or upload behind. Seeded and bounded for `npm test`; FUZZ_RUNS and FUZZ_SEED
// (a number or "random") run it longer or differently, and a failure names the smallest request that fails.
// Requests that failed once are kept below as counterexamples and sent first, every time.

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

  // First, while the world is as it was made: the fuzzing after it closes cases and deletes documents.
  it("the requests fuzzing has found failing keep every property (and their status)", async () => {
    const failures: string[] = [];
    for (const r of counterexamples(fw)) {
      const exchanger = new Exchanger(fw, r.options);
      exchanger.watch.start();
      try {
        for (let i = 0; i < (r.repeat ?? 1); i++) {
          const outcome = (await exchanger.exchange(r.req))!;
          const statuses = outcome.answers.map((a) => a.status);
          const problems = [
            ...outcome.problems,
            ...(r.status && !statuses.every((s) => s === r.status) ? [`answered ${statuses.join(", ")}, not ${r.status}`] : []),
          ];
          if (problems.length)
            failures.push(`${r.what}:\n  ${problems.join("\n  ")}\n  answered ${statuses.join(", ") || "nothing"} to ${describeWire(r.req.who, outcome.wire)}`);
        }
      } finally {
        exchanger.watch.stop();
        await exchanger.finish();
      }
    }
    if (failures.length) expect.fail(`${failures.length} of the counterexamples fail again:\n\n${failures.join("\n\n")}`);
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
    await fuzz(fw, "concurrent claims", oneOfRoutes(contentRoutes(), claimRequest), fuzzRuns(30), {
      copies: 3,
      extra: claimedOnce,
      timeLimitMs: timeLimitFor(30),
    });
  });
});

interface Counterexample {
  what: string;
  req: FuzzRequest;
  /** The status every answer must have, when the case names one. */
  status?: number;
  options?: FuzzOptions;
  /** Sends it this many times, one after another (a crash came after a few). */
  repeat?: number;
}

/** Requests that failed a property once (some found by this suite, some by hand), kept as they were. */
function counterexamples(fw: FuzzWorld): Counterexample[] {
  const request = (who: FuzzRequest["who"], method: string, path: Text, rest: Partial<FuzzRequest> = {}): FuzzRequest => ({
    route: "counterexample",
    who,
    auth: "bearer",
    method,
    path,
    headers: [],
    chunked: false,
    ...rest,
  });
  const form = (...parts: PartSpec[]): FuzzRequest["body"] => ({
    multipart: { parts, boundary: "ok", newline: "\r\n", closed: true, preamble: false, mediaType: "multipart/form-data" },
  });
  const metadata = (json: unknown): PartSpec => ({ name: "metadata", content: { json } });
  const file = (name: string, size: number): PartSpec => ({ name, filename: "Notat.txt", contentType: "text/plain", content: { size } });
  const tus = (...headers: Array<[string, string]>) =>
    [["Tus-Resumable", ["1.0.0"]], ...headers.map(([k, v]): [string, Text] => [k, [v]])] as Array<[string, Text]>;
  const own = new Ref("upload", 0, "id", "own-finished");
  const foreign = new Ref("upload", 0, "id", "foreign");
  const { cases, documents, confidentialType } = fw.made;
  const note = fw.world.types.note;
  return [
    { what: "a path with bad percent-encoding", req: request("alice", "GET", ["/api/cases/%ff"]), status: 400 },
    {
      what: "JSON in a charset other than UTF-8",
      req: request("alice", "POST", ["/api/cases"], { contentType: "application/json; charset=latin1", body: { json: {} } }),
      status: 415,
    },
    {
      what: "a Range past the end of the content",
      req: request("alice", "GET", [`/api/documents/${documents.plan}/content`], { headers: [["Range", ["bytes=999999999-"]]] }),
      status: 416,
    },
    {
      what: "a second metadata part",
      req: request("alice", "POST", ["/api/documents"], {
        body: form(metadata({ documentTypeId: note }), metadata({ documentTypeId: note }), file("file", 10)),
      }),
      status: 400,
    },
    {
      what: "an unknown part, then metadata, then a file over the limit (hung)",
      req: request("alice", "POST", ["/api/documents"], {
        body: form({ ...file("other", 0), name: "other" }, metadata({ documentTypeId: note }), file("file", 1_100_000)),
      }),
      status: 400,
    },
    {
      what: "a journal plan CSV with a quote inside a field (500)",
      req: request("admin", "POST", ["/api/admin/journal-plan/import"], { contentType: "text/csv", body: { text: '17;#";2024-01-31;2024-01-31' } }),
      status: 422,
    },
    {
      what: "a raw upload downloaded on connections that close (crashed the process)",
      req: request("alice", "GET", ["/api/uploads/", own], { headers: tus(), close: true }),
      repeat: 3,
    },
    {
      what: "another user's upload named in the query string",
      req: request("alice", "HEAD", ["/api/uploads/", own, "?x=/", foreign], { headers: tus() }),
      options: { extra: othersUploadsUntouched },
    },
    {
      what: "another user's upload ended through the query string and a method override",
      req: request("alice", "POST", ["/api/uploads?x=/", foreign], { headers: tus(["X-HTTP-Method-Override", "DELETE"]) }),
      options: { extra: othersUploadsUntouched },
    },
    {
      what: "a GET standing for HEAD with an old Tus-Resumable (answered without its body)",
      req: request("bob", "GET", ["/api/uploads/", new Ref("upload", 0, "id", "own-unfinished")], {
        headers: [
          ["Tus-Resumable", ["0.2.2"]],
          ["X-HTTP-Method-Override", ["HEAD"]],
        ],
      }),
    },
    {
      what: "three saves of one upload at once",
      req: request("alice", "POST", ["/api/documents"], { contentType: "application/json", body: { json: { documentTypeId: note, upload: own } } }),
      options: { copies: 3, extra: claimedOnce },
    },
    {
      what: "a document of a type whose access group its author is not in (saved, answered 404)",
      req: request("bob", "POST", ["/api/documents"], { body: form(metadata({ documentTypeId: confidentialType, caseId: cases.board }), file("file", 10)) }),
    },
  ];
}

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
    if (typeof length === "string" && !own.has(length) && foreign.some((u) => String(u.length) === length))
      out.push(`revealed another user's upload: Upload-Length ${length}`);
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
