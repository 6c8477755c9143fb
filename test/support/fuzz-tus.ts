import fc from "fast-check";
import type { Body, FuzzRequest, Who } from "./fuzz-http.ts";
import { b64, extraHeader, filename, mostly, w } from "./fuzz-requests.ts";
import { Ref, type Filter, type Text } from "./fuzz-values.ts";

// tus requests for the fuzz suite: every method and override on both addresses, ids of one's own and
// others' uploads, URL tricks, and the protocol's headers with values tus 1.0 does not allow.

const TUS = "/api/uploads";
const TUS_HEADERS = [
  "Tus-Resumable",
  "Upload-Length",
  "Upload-Offset",
  "Upload-Metadata",
  "Upload-Defer-Length",
  "Content-Type",
  "X-HTTP-Method-Override",
] as const;
const ODD_NUMBERS = ["0", "-1", "1e3", "abc", "", "99999999999999999999", String(2 * 1024 * 1024), "1.5", " 10", "0x10", "10,10"];
const ODD_TUS: Record<(typeof TUS_HEADERS)[number], string[]> = {
  "Tus-Resumable": ["0.2.2", "1.0.0, 0.2.2", "x", ""],
  "Upload-Length": ODD_NUMBERS,
  "Upload-Offset": ODD_NUMBERS,
  "Upload-Defer-Length": ["1", "0", "x"],
  "Upload-Metadata": [
    "filename",
    "filename !!!",
    `filename ${b64("../x")}`,
    `filename ${b64("a\u0000b")}`,
    "filename YQ==,filename Yg==",
    " ",
    ",,,",
    `filename ${b64("")}`,
    "filename ====",
    `filetype ${b64("text/plain")}`,
    `filename ${"QQ".repeat(3000)}`,
  ],
  "Content-Type": ["application/json", "text/plain", "application/offset+octet-stream; charset=latin1", ""],
  "X-HTTP-Method-Override": ["HEAD", "PATCH", "DELETE", "GET", "OPTIONS", "POST", "patch", " PATCH ", "PROPFIND", ""],
};

/** One thing wrong with an otherwise correct tus request. */
type TusMutation =
  { header: string; value: Text | null } | { trick: Text } | { method: string } | { target: Filter } | { body: "none" | "small" | "rest" | "too long" };

const tusMutation: fc.Arbitrary<TusMutation> = fc.oneof(
  w(
    4,
    fc.constantFrom(...TUS_HEADERS).chain((header) => fc.constantFrom(...ODD_TUS[header]).map((v): TusMutation => ({ header, value: [v] }))),
  ),
  w(
    2,
    fc.constantFrom(...TUS_HEADERS).map((header): TusMutation => ({ header, value: null })),
  ),
  w(
    3,
    fc
      .tuple(fc.constantFrom("?x=/", "%2F", "/..%2F", "/", "?id=", ";", "?"), fc.nat(63))
      .map(([t, n]): TusMutation => ({ trick: [t, new Ref("upload", n, "id", "foreign")] })),
  ),
  w(
    1,
    fc.constantFrom<Text>(["/"], ["//"], ["?x=/"]).map((trick): TusMutation => ({ trick })),
  ),
  w(
    2,
    fc.constantFrom("HEAD", "PATCH", "DELETE", "POST", "GET", "OPTIONS", "PUT").map((method): TusMutation => ({ method })),
  ),
  w(
    2,
    fc.constantFrom<Filter>("foreign", "own-finished", "own-unfinished", "any").map((target): TusMutation => ({ target })),
  ),
  w(
    1,
    fc.constantFrom("none", "small", "rest", "too long" as const).map((body): TusMutation => ({ body })),
  ),
  w(
    1,
    extraHeader.map(([header, value]): TusMutation => ({ header, value })),
  ),
);

type TusOp = "create" | "head" | "patch" | "delete" | "options" | "download";
const TUS_OPS: Record<TusOp, { method: string; on: "collection" | "upload"; filter: Filter; override?: "GET" | "POST" }> = {
  create: { method: "POST", on: "collection", filter: "any" },
  head: { method: "HEAD", on: "upload", filter: "own-unfinished", override: "GET" },
  patch: { method: "PATCH", on: "upload", filter: "own-unfinished", override: "POST" },
  delete: { method: "DELETE", on: "upload", filter: "own-finished", override: "POST" },
  options: { method: "OPTIONS", on: "collection", filter: "any" },
  // No client needs it, and tus's own GET broke the process: whatever answers it must stay up.
  download: { method: "GET", on: "upload", filter: "own-finished" },
};

/**
 * A tus request the way a client makes it — creation, HEAD, PATCH at the upload's offset, termination, OPTIONS,
 * directly or through X-HTTP-Method-Override — with up to two things wrong: a header, the URL, the method, the
 * upload (someone else's), the body.
 */
export function tusRequest(): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      who: fc.oneof(
        w(3, fc.constant<Who>("alice")),
        w(2, fc.constantFrom<Who>("bob", "erik")),
        w(1, fc.constantFrom<Who>("admin", "carl", "anonymous", "forged")),
      ),
      op: fc.oneof(
        w(3, fc.constant<TusOp>("patch")),
        w(2, fc.constantFrom<TusOp>("create", "head", "delete")),
        w(1, fc.constantFrom<TusOp>("options", "download")),
      ),
      viaOverride: mostly(fc.constant(false), fc.constant(true), 3),
      n: fc.nat(63),
      length: fc.integer({ min: 1, max: 64 }),
      file: filename,
      bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
      wholeRest: fc.boolean(),
      close: mostly(fc.constant(false), fc.constant(true), 2),
      mutations: fc.oneof(
        w(3, fc.constant<TusMutation[]>([])),
        w(3, fc.array(tusMutation, { minLength: 1, maxLength: 1 })),
        w(2, fc.array(tusMutation, { minLength: 2, maxLength: 2 })),
      ),
    })
    .map((r): FuzzRequest => {
      const op = TUS_OPS[r.op];
      let method = r.viaOverride && op.override ? op.override : op.method;
      let filter = op.filter;
      let trick: Text = [];
      const headers = new Map<string, Text>([["Tus-Resumable", ["1.0.0"]]]);
      if (method !== op.method) headers.set("X-HTTP-Method-Override", [op.method]);
      if (r.op === "create") {
        headers.set("Upload-Length", [String(r.length)]);
        headers.set("Upload-Metadata", [`filename ${b64(r.file)}`]);
      }
      let body: Body | undefined;
      const id = () => new Ref("upload", r.n, "id", filter);
      const remaining = () => ({ size: new Ref("upload", r.n, "remaining", filter) });
      if (r.op === "patch") {
        headers.set("Content-Type", ["application/offset+octet-stream"]);
        body = r.wholeRest ? remaining() : { bytes: r.bytes };
      }
      for (const m of r.mutations) {
        if ("header" in m) {
          if (m.value === null) headers.delete(m.header);
          else headers.set(m.header, m.value);
        } else if ("trick" in m) trick = m.trick;
        else if ("method" in m) method = m.method;
        else if ("target" in m) filter = m.target;
        else body = m.body === "none" ? undefined : m.body === "small" ? { bytes: r.bytes } : m.body === "rest" ? remaining() : { size: 100 };
      }
      // The offset of the upload the request names, as it is when the request is sent.
      if (r.op === "patch" && headers.has("Content-Type") && !r.mutations.some((m) => "header" in m && m.header === "Upload-Offset"))
        headers.set("Upload-Offset", [new Ref("upload", r.n, "offset", filter)]);
      const path: Text = op.on === "collection" ? [TUS, ...trick] : [`${TUS}/`, id(), ...trick];
      const contentType = headers.get("Content-Type");
      headers.delete("Content-Type");
      const req: FuzzRequest = {
        route: `${method} ${op.on === "collection" ? TUS : `${TUS}/{id}`}`,
        who: r.who,
        auth: "bearer",
        method,
        path,
        headers: [...headers],
        chunked: false,
        close: r.close,
      };
      if (body) req.body = body;
      if (contentType) req.contentType = contentType.join("");
      return req;
    });
}
