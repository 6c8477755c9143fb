import fc from "fast-check";
import { z, type ZodType } from "zod";
import type { AnyRoute } from "../../service/http/route.ts";
import { NewAttachmentMetadata, NewDocumentFromUpload, NewDocumentMetadata, NewVersionMetadata, UploadRef } from "../../shared/api/schemas/documents.ts";
import type { AuthStyle, Body, FuzzRequest, MultipartSpec, PartSpec, Who } from "./fuzz-http.ts";
import {
  CHILD_KINDS,
  compact,
  fuzzed,
  hostileString,
  jsonSchemaOf,
  KINDS,
  kindOfParam,
  pct,
  RawJson,
  Ref,
  refTo,
  valid,
  type Kind,
  type Text,
} from "./fuzz-values.ts";

// The request families of the fuzz suite, each derived from the route table where it can be: a route's
// path parameters, query and JSON body come from its zod schemas, so a new route is fuzzed as soon as it
// is declared. Multipart and CSV bodies are generated part by part; tus requests are in fuzz-tus.ts.

export const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
/** Mostly `usual`, now and then one of `odd`. */
export const mostly = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>, ratio = 10) => fc.oneof(w(ratio, usual), w(1, odd));
/** Mostly nothing, now and then a value. */
const rarely = <T>(arb: fc.Arbitrary<T>, ratio = 10) => fc.oneof(w(ratio, fc.constant(undefined)), w(1, arb));
export const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const b64url = (s: string) => Buffer.from(s, "utf8").toString("base64url");

const whoFor = (route: { auth?: string }): fc.Arbitrary<Who> =>
  route.auth === "admin"
    ? fc.oneof(w(8, fc.constant<Who>("admin")), w(1, fc.constantFrom<Who>("alice", "erik", "anonymous", "forged")))
    : fc.oneof(
        w(3, fc.constant<Who>("alice")),
        w(2, fc.constant<Who>("bob")),
        w(1, fc.constant<Who>("carl")),
        w(2, fc.constant<Who>("erik")),
        w(2, fc.constant<Who>("admin")),
        w(1, fc.constantFrom<Who>("anonymous", "forged")),
      );
const authStyle: fc.Arbitrary<AuthStyle> = mostly(fc.constant<AuthStyle>("bearer"), fc.constantFrom<AuthStyle>("lowercase", "basic", "bare", "trailing"), 25);

// ---------------------------------------------------------------------------------------------------
// Paths and query strings.

const HOSTILE_SEGMENTS = [
  "%ff",
  "%2F",
  "..",
  "%2e%2e",
  ".",
  "%00",
  "a%00b",
  "%",
  "%2",
  "%C3%A6bler",
  "%E2%80%AE",
  "%20",
  "'",
  ";",
  "%3B",
  "*",
  "%252F",
  "%c0%af",
  "x".repeat(5000),
];
const TRICKS = ["%2F..", "%2F", "/..", "?x=/", "%3Fx=", ";", "%00", "%2F..%2F"];

const paramPiece = (kinds: Kind[]): fc.Arbitrary<Text> =>
  fc.oneof(
    w(
      14,
      refTo(kinds).map((r): Text => [r]),
    ),
    w(
      1,
      fc.constantFrom(...HOSTILE_SEGMENTS).map((s): Text => [s]),
    ),
    w(
      1,
      fc.tuple(refTo(kinds), fc.constantFrom(...TRICKS), refTo(KINDS)).map(([a, t, b]): Text => [a, t, b]),
    ),
  );

/** The route's path with each parameter a real object (children with their own parent, mostly) or a hostile segment. */
export function routePath(route: AnyRoute): fc.Arbitrary<Text> {
  const segments = route.path.split("/").slice(1);
  const params = segments.map((s, i) => (s.startsWith(":") ? kindOfParam(s.slice(1), segments[i - 1] ?? "") : undefined));
  const pieces = segments.map((s, i) => (params[i] ? paramPiece(params[i]!) : fc.constant<Text>([s])));
  const independent = fc.tuple(...pieces);
  const child = params.findIndex((k, i) => i > 0 && k?.length === 1 && CHILD_KINDS.includes(k[0]) && params.slice(0, i).some(Boolean));
  const join = (parts: Text[]): Text => compact(parts.flatMap((p) => ["/", ...p]));
  if (child < 0) return independent.map(join);
  const parent = params.slice(0, child).map(Boolean).lastIndexOf(true);
  const kind = params[child]![0];
  const coupled = fc.tuple(independent, fc.nat({ max: 63 })).map(([parts, n]) => {
    const out = [...parts];
    out[parent] = [new Ref(kind, n, "parent")];
    out[child] = [new Ref(kind, n)];
    return out;
  });
  return fc.oneof(w(3, coupled), w(1, independent)).map(join);
}

const QUERY_TRICKS = [
  "%ff=1",
  "a=%ff",
  "=",
  "&",
  "q=%",
  "limit=1&limit=2",
  "__proto__=x",
  "constructor[prototype]=x",
  "a[b]=c",
  "filter[]=all",
  "cursor=W10",
  `cursor=${b64url('["a","b"]')}`,
  `cursor=${b64url('[1e999,"x"]')}`,
  `cursor=${b64url('{"__proto__":1}')}`,
  "cursor=!!!",
  "limit=1e3",
  "limit=-1",
  "limit=0x10",
  `x=${"y".repeat(6000)}`,
];

function queryPairs(key: string, value: unknown): Text[] {
  const k = encodeURIComponent(key);
  if (value instanceof Ref) return [[`${k}=`, value]];
  if (value instanceof RawJson) return [[`${k}=${encodeURIComponent(value.text.slice(0, 2000))}`]];
  if (Array.isArray(value)) return value.flatMap((v) => queryPairs(key, v));
  if (value && typeof value === "object") return Object.keys(value).flatMap((sub) => queryPairs(`${key}[${sub}]`, (value as Record<string, unknown>)[sub]));
  if (value === null || value === undefined) return [[k]];
  return [[`${k}=${pct(String(value).slice(0, 500))}`]];
}
/** The route's query from its schema (fields mutated now and then) and, rarely, query-string tricks. */
export function routeQuery(route: AnyRoute): fc.Arbitrary<Text> {
  const own = route.query ? fuzzed(jsonSchemaOf(route.query)) : fc.constant({});
  const trick = fc.oneof(
    fc.constantFrom(...QUERY_TRICKS).map((t): Text => [t]),
    refTo(KINDS).map((r): Text => ["x=/", r]),
  );
  const tricks = fc.oneof(w(8, fc.constant<Text[]>([])), w(1, fc.array(trick, { minLength: 1, maxLength: 3 })));
  return fc.tuple(own, tricks).map(([q, extra]) => {
    const pairs = [
      ...(q && typeof q === "object" && !Array.isArray(q) && !(q instanceof RawJson)
        ? Object.keys(q).flatMap((k) => queryPairs(k, (q as Record<string, unknown>)[k]))
        : queryPairs("q", q)),
      ...extra,
    ];
    return pairs.length ? ["?", ...pairs.flatMap((p, i) => (i ? ["&", ...p] : p))] : [];
  });
}

// ---------------------------------------------------------------------------------------------------
// Headers every route may get.

const RANGES = [
  "bytes=0-10",
  "bytes=-5",
  "bytes=5-",
  "bytes=0-0",
  "bytes=999999999-",
  "bytes=10-5",
  "bytes=abc",
  "bytes=0-1,3-4",
  "items=0-1",
  "bytes=",
  "bytes=-0",
  "bytes=--1",
  "bytes=0-1,".repeat(300),
  "bytes=18446744073709551616-",
  "bytes=0-18446744073709551616",
];
const header = (name: string, values: string[]) => fc.constantFrom(...values).map((v): [string, Text] => [name, [v]]);
const rangeHeader = header("Range", RANGES);
export const extraHeader: fc.Arbitrary<[string, Text]> = fc.oneof(
  rangeHeader,
  header("If-Match", ["*", '"nope"', 'W/"x"', "", "garbage", `"${"a".repeat(500)}"`, '"a", "b"']),
  header("If-None-Match", ["*", '"nope"', 'W/"x"', "garbage"]),
  header("If-Range", ['"nope"', "Wed, 21 Oct 2015 07:28:00 GMT", "garbage"]),
  header("Idempotency-Key", ["fuzz-key-0001", "short", "with space inside", "x".repeat(300), "\u00e6\u00f8\u00e5-n\u00f8gle-12345", ""]),
  header("Accept", ["application/xml", "text/html", "*/*", "application/problem+json", "garbage/"]),
  header("Content-Encoding", ["gzip", "deflate", "br", "x-unknown", "identity", "gzip, gzip"]),
  header("X-HTTP-Method-Override", ["DELETE", "PATCH", "HEAD", "GET", "garbage"]),
  header("X-Forwarded-For", ["1.2.3.4, 5.6.7.8", "garbage", "::1", "999.999.999.999"]),
  header("X-Forwarded-Host", ["evil.example", "a b", ""]),
  header("X-Forwarded-Proto", ["gopher", "https"]),
  header("Cookie", ["session=x; __proto__=y"]),
);
export const extraHeaders = (ratio = 3): fc.Arbitrary<Array<[string, Text]>> =>
  fc.oneof(w(ratio, fc.constant<Array<[string, Text]>>([])), w(1, fc.array(extraHeader, { minLength: 1, maxLength: 2 })));

// ---------------------------------------------------------------------------------------------------
// JSON bodies.

const TOO_LARGE = `{"title":"${"x".repeat(1_100_000)}"}`;
const RAW_JSON = [
  "",
  "{",
  '{"a":',
  "null",
  "[]",
  '"x"',
  "1",
  "{}garbage",
  "\u0000",
  '{"a":1,"a":2}',
  "{'a':1}",
  "[".repeat(10_000),
  `${"[".repeat(20_000)}${"]".repeat(20_000)}`,
  '{"__proto__":{"admin":true}}',
  "\ud800",
];
const JSON_TYPES = [
  undefined,
  "application/json; charset=latin1",
  "application/json; charset=utf-16",
  'application/json; charset="UTF-8"',
  "application/json; charset=",
  "application/json;;",
  "APPLICATION/JSON",
  "application/problem+json",
  "application/merge-patch+json",
  "text/plain",
  "text/json",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "*/*",
  "application/jsonx",
  "application/json; charset=utf-8; charset=latin1",
];
export const jsonContentType: fc.Arbitrary<string | undefined> = fc.oneof(
  w(14, fc.constant("application/json")),
  w(3, fc.constant("application/json; charset=utf-8")),
  w(2, fc.constantFrom(...JSON_TYPES)),
);

/** A JSON body from the schema, or now and then one that is not JSON, too large, or in another encoding. */
export function jsonBody(schema: ZodType | undefined): fc.Arbitrary<Body> {
  const value = schema ? fuzzed(jsonSchemaOf(schema)) : fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(
    w(
      24,
      value.map((json): Body => ({ json })),
    ),
    w(
      2,
      fc.constantFrom(...RAW_JSON).map((text): Body => ({ text })),
    ),
    w(1, fc.constant<Body>({ text: TOO_LARGE })),
    w(
      1,
      fc
        .tuple(schema ? valid(jsonSchemaOf(schema)) : fc.constant({}), fc.constantFrom("latin1", "utf16le", "bom" as const))
        .map(([json, encoding]): Body => ({ json, encoding })),
    ),
  );
}

const chunked = mostly(fc.constant(false), fc.constant(true));
const close = mostly(fc.constant(false), fc.constant(true), 4);

const label = (route: AnyRoute) => `${route.method.toUpperCase()} ${route.path}`;

/** For routes that declare If-Match: mostly the current ETag of what the path names first, sometimes none (wrong ones come with the other headers). */
const ifMatch = (route: AnyRoute) =>
  route.headers?.["If-Match"] ? fc.oneof(w(4, fc.constant("current" as const)), w(1, fc.constant("none" as const))) : fc.constant("none" as const);

/** The If-Match header naming the ETag, read just before sending, of the object the path names first. */
function ifMatchHeader(choice: "current" | "none", path: Text): Array<[string, Text]> {
  const named = path.find((p): p is Ref => p instanceof Ref);
  return choice === "current" && named ? [["If-Match", [new Ref(named.kind, named.n, "etag", named.filter)]]] : [];
}

/** A request for a route with a zod-validated JSON body (or none): path, query, body, headers, caller. */
export function routeRequest(route: AnyRoute): fc.Arbitrary<FuzzRequest> {
  const takesBody = route.body !== undefined && route.method !== "get" && route.method !== "delete";
  const body: fc.Arbitrary<Body | undefined> = takesBody ? jsonBody(route.body) : fc.oneof(w(12, fc.constant(undefined)), w(1, jsonBody(undefined)));
  const downloads = route.method === "get" && route.path.endsWith("/content");
  const headers = downloads
    ? fc.oneof(
        w(
          1,
          rangeHeader.map((h) => [h]),
        ),
        w(2, extraHeaders(2)),
      )
    : extraHeaders();
  return fc
    .record({
      who: whoFor(route),
      auth: authStyle,
      path: routePath(route),
      query: routeQuery(route),
      body,
      contentType: jsonContentType,
      headers,
      ifMatch: ifMatch(route),
      chunked,
      close,
    })
    .map((r): FuzzRequest => ({
      route: label(route),
      who: r.who,
      auth: r.auth,
      method: route.method.toUpperCase(),
      path: [...r.path, ...r.query],
      headers: [...ifMatchHeader(r.ifMatch, r.path), ...r.headers],
      contentType: r.body ? r.contentType : undefined,
      body: r.body,
      chunked: r.chunked,
      close: r.close,
    }));
}

// ---------------------------------------------------------------------------------------------------
// Content routes: multipart (metadata part, file parts) or JSON naming a finished resumable upload.

const withUpload = (schema: z.ZodObject) => schema.extend({ upload: UploadRef });
/** What the content routes read from their metadata part; their rawBody documents the parts but holds no zod schema. */
const CONTENT_SCHEMAS: Record<string, { metadata: ZodType; json: ZodType }> = {
  "POST /api/documents": { metadata: NewDocumentMetadata, json: NewDocumentFromUpload },
  "POST /api/documents/:id/versions": { metadata: NewVersionMetadata, json: withUpload(NewVersionMetadata) },
  "POST /api/documents/:id/attachments": { metadata: NewAttachmentMetadata, json: withUpload(NewAttachmentMetadata) },
  "POST /api/documents/:id/attachments/:attachmentId/versions": { metadata: NewVersionMetadata, json: withUpload(NewVersionMetadata) },
};
const ANY_CONTENT = { metadata: z.object({}), json: z.object({ upload: UploadRef }) };
export const contentSchemas = (route: AnyRoute) => CONTENT_SCHEMAS[label(route)] ?? ANY_CONTENT;

export const filename = fc.oneof(
  w(10, fc.constantFrom("Notat.txt", "Indstilling.docx", "Budget 2024.xlsx")),
  w(
    2,
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 }).map((s) => s.replace(/["\r\n\\]/g, "") || "x"),
  ),
  w(
    2,
    fc.constantFrom(
      "",
      "../../etc/passwd",
      "C:\\Users\\a\\b.txt",
      "a\u0000b.txt",
      ".",
      "..",
      `${"x".repeat(300)}.txt`,
      "a%22b.txt",
      "\u00c6blegr\u00f8d \u2713.docx",
      'a"b.txt',
      "a\r\nX-Evil: y.txt",
      "\ud800.txt",
    ),
  ),
);
const fileContent: fc.Arbitrary<PartSpec["content"]> = fc.oneof(
  w(
    8,
    fc.uint8Array({ minLength: 1, maxLength: 2048 }).map((bytes) => ({ bytes })),
  ),
  w(1, fc.constant({ bytes: new Uint8Array() })),
  w(1, fc.constant({ size: 1_100_000 })),
  w(1, fc.constant({ text: "From: a@skole.dk\r\nTo: b@skole.dk\r\nSubject: Hej\r\nMessage-ID: <fuzz@skole.dk>\r\n\r\nHej\r\n" })),
);
const fileType = mostly(
  fc.constantFrom("text/plain", "application/octet-stream"),
  fc.constantFrom("", "garbage", "text/html; charset=latin1", "application/../x", "message/rfc822", `${"a".repeat(300)}/x`),
  6,
);
const filenameStar = rarely(fc.constantFrom("UTF-8''%C3%A6ble.txt", "UTF-8''%ff.txt", "iso-8859-1''%E6ble.txt", "garbage", "UTF-8''..%2F..%2Fx"));

const filePart = (names: fc.Arbitrary<string | null>): fc.Arbitrary<PartSpec> =>
  fc.record({ name: names, filename, filenameStar, contentType: fileType, content: fileContent }).map((p) => {
    const part: PartSpec = { name: p.name, filename: p.filename, contentType: p.contentType, content: p.content };
    if (p.filenameStar !== undefined) part.filenameStar = p.filenameStar;
    return part;
  });

export function multipartSpec(metadata: ZodType, fileFields: string[]): fc.Arbitrary<MultipartSpec> {
  const main = fileFields.includes("file") ? "file" : (fileFields[0] ?? "file");
  const meta = jsonSchemaOf(metadata);
  const metadataPart: fc.Arbitrary<PartSpec> = fc.oneof(
    w(
      12,
      fuzzed(meta).map((json): PartSpec => ({ name: "metadata", content: { json } })),
    ),
    w(
      1,
      fc.constantFrom("", "{", "null", "[]", "x".repeat(300_000)).map((text): PartSpec => ({ name: "metadata", content: { text } })),
    ),
    w(
      1,
      valid(meta).map((json): PartSpec => ({ name: "metadata", filename: "metadata.json", contentType: "application/json", content: { json } })),
    ),
  );
  const extraPart: fc.Arbitrary<PartSpec> = fc.oneof(
    valid(meta).map((json): PartSpec => ({ name: "metadata", content: { json } })),
    fc
      .tuple(
        fc.constantFrom("x", "comment", "Metadata", "file[]", "", "\u00e6\u00f8\u00e5"),
        hostileString.map((s) => s.slice(0, 1000)),
      )
      .map(([name, text]): PartSpec => ({ name, content: { text } })),
    filePart(fc.constantFrom<string | null>(...fileFields, "other", "metadata", null)),
  );
  return fc
    .record({
      metadata: fc.option(metadataPart, { freq: 10, nil: undefined }),
      file: fc.option(filePart(fc.constant(main)), { freq: 10, nil: undefined }),
      extras: fc.oneof(w(6, fc.constant<Array<[number, PartSpec]>>([])), w(2, fc.array(fc.tuple(fc.nat(3), extraPart), { minLength: 1, maxLength: 3 }))),
      fileFirst: mostly(fc.constant(false), fc.constant(true)),
      boundary: mostly(fc.constant<MultipartSpec["boundary"]>("ok"), fc.constantFrom<MultipartSpec["boundary"]>("missing", "mismatch", "quoted", "long"), 12),
      newline: mostly(fc.constant<MultipartSpec["newline"]>("\r\n"), fc.constant<MultipartSpec["newline"]>("\n"), 15),
      closed: mostly(fc.constant(true), fc.constant(false), 15),
      cut: rarely(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), 12),
      preamble: mostly(fc.constant(false), fc.constant(true), 12),
      mediaType: mostly(
        fc.constant("multipart/form-data"),
        fc.constantFrom("multipart/mixed", "Multipart/Form-Data", "multipart/form-data; charset=latin1"),
        15,
      ),
    })
    .map((m): MultipartSpec => {
      const parts = [m.metadata, m.file].filter((p): p is PartSpec => p !== undefined);
      if (m.fileFirst) parts.reverse();
      for (const [at, p] of m.extras) parts.splice(at % (parts.length + 1), 0, p);
      const spec: MultipartSpec = { parts, boundary: m.boundary, newline: m.newline, closed: m.closed, preamble: m.preamble, mediaType: m.mediaType };
      if (m.cut !== undefined) spec.cut = m.cut;
      return spec;
    });
}

const csvDate = mostly(fc.constantFrom("2024-01-31", "31-01-2024", ""), fc.constantFrom("2024-13-45", "garbage", "1900-02-29", "2024-02-30"), 4);
const csvRow = fc.oneof(
  w(
    6,
    fc.tuple(
      fc.oneof(fc.constantFrom("17", "17.01", "17.01.00", "00.01.10", "00.01.99"), fc.stringMatching(/^\d{2}(\.\d{2}){0,2}$/)),
      mostly(fc.stringMatching(/^[A-Za-zÆØÅæøå ]{1,30}$/), fc.string({ unit: "grapheme", maxLength: 30 }), 3),
      csvDate,
      csvDate,
    ),
  ),
  w(
    1,
    fc.constantFrom(
      [""],
      ["only"],
      Array(12).fill(""),
      ['"unterminated', "x"],
      ["x".repeat(5000), "y"],
      ["\u0000", "\u0000"],
      ["code", "title", "created_on", "retired_on"],
    ),
  ),
);
const csvText = fc
  .record({ rows: fc.array(csvRow, { maxLength: 6 }), sep: fc.constantFrom(";", ","), nl: fc.constantFrom("\r\n", "\n"), header: fc.boolean() })
  .map(({ rows, sep, nl, header }) => [...(header ? [["code", "title", "created_on", "retired_on"]] : []), ...rows].map((r) => r.join(sep)).join(nl));
const CSV_TYPES = [
  undefined,
  "text/csv; charset=latin1",
  "text/plain",
  "application/vnd.ms-excel",
  "application/csv",
  "application/json",
  'text/csv; charset="utf-8"',
  "text/csv; charset=utf-16",
];

/** A body for a route that reads it itself: multipart parts, JSON naming an upload, CSV, or bytes. */
export function contentBody(route: AnyRoute): fc.Arbitrary<{ body: Body; contentType?: string }> {
  const raw = route.rawBody!;
  const fields = Object.keys((raw.schema.properties as Record<string, unknown> | undefined) ?? {}).filter((f) => f !== "metadata");
  const schemas = contentSchemas(route);
  const asMultipart = (spec: fc.Arbitrary<MultipartSpec>) => spec.map((multipart) => ({ body: { multipart } as Body }));
  if (raw.contentType === "multipart/form-data") {
    return fc.oneof(
      w(3, asMultipart(multipartSpec(schemas.metadata, fields.length ? fields : ["file"]))),
      w(
        1,
        fc.tuple(jsonBody(schemas.json), jsonContentType).map(([body, contentType]) => ({ body, contentType })),
      ),
    );
  }
  if (raw.contentType.startsWith("text/")) {
    const encoding = fc.oneof(w(6, fc.constant("utf8" as const)), w(2, fc.constant("bom" as const)), w(1, fc.constantFrom("latin1", "utf16le" as const)));
    const text = fc.tuple(csvText, encoding).map(([text, encoding]): Body => ({ text, encoding }));
    const inForm = csvText.map((text): Body => ({
      multipart: {
        parts: [{ name: "file", filename: "plan.csv", contentType: "text/csv", content: { text } }],
        boundary: "ok",
        newline: "\r\n",
        closed: true,
        preamble: false,
        mediaType: "multipart/form-data",
      },
    }));
    return fc.oneof(
      w(
        6,
        fc
          .tuple(text, mostly(fc.constantFrom(raw.contentType, `${raw.contentType}; charset=utf-8`), fc.constantFrom(...CSV_TYPES), 4))
          .map(([body, contentType]) => ({ body, contentType })),
      ),
      w(
        1,
        inForm.map((body) => ({ body })),
      ),
      w(1, asMultipart(multipartSpec(z.object({}), ["file"]))),
    );
  }
  return fc
    .tuple(fc.uint8Array({ maxLength: 4096 }), mostly(fc.constant(raw.contentType), fc.constantFrom(...CSV_TYPES)))
    .map(([bytes, contentType]) => ({ body: { bytes }, contentType }));
}

export function contentRequest(route: AnyRoute): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      who: whoFor(route),
      auth: authStyle,
      path: routePath(route),
      query: routeQuery(route),
      content: contentBody(route),
      headers: extraHeaders(),
      ifMatch: ifMatch(route),
      chunked,
      close,
    })
    .map((r): FuzzRequest => ({
      route: label(route),
      who: r.who,
      auth: r.auth,
      method: route.method.toUpperCase(),
      path: [...r.path, ...r.query],
      headers: [...ifMatchHeader(r.ifMatch, r.path), ...r.headers],
      contentType: r.content.contentType,
      body: r.content.body,
      chunked: r.chunked,
      close: r.close,
    }));
}

/** A content request that names finished uploads of the caller's as JSON, the same upload twice now and then. */
export function claimRequest(route: AnyRoute): fc.Arbitrary<FuzzRequest> {
  const schema = jsonSchemaOf(contentSchemas(route).json);
  const own = (n: number) => new Ref("upload", n, "id", "own-finished");
  return fc
    .record({ who: fc.constantFrom<Who>("alice", "bob", "erik"), path: routePath(route), value: valid(schema), n: fc.nat(63), twice: fc.boolean() })
    .map((r): FuzzRequest => {
      const json: Record<string, unknown> = { ...(r.value as Record<string, unknown>), upload: own(r.n) };
      if ("attachments" in (schema.properties ?? {})) json.attachments = r.twice ? [{ upload: own(r.n) }] : [];
      return {
        route: label(route),
        who: r.who,
        auth: "bearer",
        method: "POST",
        path: r.path,
        headers: [],
        contentType: "application/json",
        body: { json },
        chunked: false,
      };
    });
}

// ---------------------------------------------------------------------------------------------------
// Hostile paths and methods on any route.

/** Changes the literal start of a path (/api/cases/…), leaving the references after it. */
const atStart =
  (change: (s: string) => string) =>
  (t: Text): Text =>
    typeof t[0] === "string" ? [change(t[0]), ...t.slice(1)] : t;
const PATH_TRICKS: Array<(t: Text) => Text> = [
  (t) => [...t, "/.."],
  (t) => [...t, "/"],
  (t) => [...t, "%2F"],
  (t) => [...t, "/%2e%2e/%2e%2e/admin/users"],
  (t) => [...t, ";jsessionid=1"],
  atStart((s) => s.replace("/api", "/API")),
  atStart((s) => s.replace("/api/", "/api//")),
  atStart((s) => s.replace("/api/", "/api/./")),
  atStart((s) => s.replace("/api/", "/api/x/../")),
  atStart((s) => s.replace(/^(\/api\/[^/]+)\//, "$1%2F")),
];

export function hostileRequest(route: AnyRoute): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      who: whoFor(route),
      method: fc.oneof(w(3, fc.constant(route.method.toUpperCase())), w(2, fc.constantFrom("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))),
      path: routePath(route),
      trick: fc.nat(PATH_TRICKS.length),
      headers: fc.array(extraHeader, { minLength: 1, maxLength: 3 }),
      body: rarely(jsonBody(route.body), 2),
      contentType: jsonContentType,
    })
    .map((r): FuzzRequest => {
      const path = r.trick < PATH_TRICKS.length ? PATH_TRICKS[r.trick](r.path) : r.path;
      return {
        route: label(route),
        who: r.who,
        auth: "bearer",
        method: r.method,
        path,
        headers: r.headers,
        contentType: r.body ? r.contentType : undefined,
        body: r.body,
        chunked: false,
      };
    });
}
