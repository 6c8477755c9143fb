import fc from "fast-check";
import { z, type ZodType } from "zod";

// Values for the API fuzz suite: valid-ish values read off a route's zod schema (through its JSON Schema,
// the same one the OpenAPI document shows) with single fields mutated, hostile values, and references to
// real objects of the world that are resolved only when a request is sent, so the objects a request
// names exist at that moment even though earlier requests created and deleted some.

/** The kinds of object a request can name. */
export type Kind =
  "case" | "document" | "attachment" | "reference" | "user" | "token" | "group" | "accessGroup" | "type" | "rule" | "template" | "journalCode" | "upload";

export const KINDS: readonly Kind[] = [
  "case",
  "document",
  "attachment",
  "reference",
  "user",
  "token",
  "group",
  "accessGroup",
  "type",
  "rule",
  "template",
  "journalCode",
  "upload",
];

/**
 * Which objects of a kind a reference picks from: for uploads, whose and how far along (tus and claims
 * behave differently for each); for cases and documents, "visible" prefers those the actor may see, so
 * requests get past the access check more often than not.
 */
export type Filter = "own-finished" | "own-unfinished" | "foreign" | "any" | "visible";

/** One object of the world: its id, and for child objects, uploads and journal codes what goes with it. */
export interface PoolEntry {
  id: string;
  /** The document of an attachment or reference, the user of a token. */
  parent?: string;
  owner?: string;
  length?: number;
  offset?: number;
  /** The access group a case or document is in (a document's own, else its case's). */
  group?: string | null;
  /** Bytes an upload still lacks. */
  remaining?: number;
  /** A document's or case's ETag, read when a request needs it. */
  etag?: string;
}

export type Pool = Record<Kind, PoolEntry[]>;

/** What a reference is resolved against: the world as it is now, and who is asking. */
export interface Resolution {
  pool: Pool;
  userId: string | undefined;
  /** The access groups the actor is in; undefined for the administrator, who sees everything. */
  groups?: ReadonlySet<string>;
}

/** Kinds whose objects live in an access group. */
const GROUPED: readonly Kind[] = ["case", "document", "attachment", "reference"];

const MISSING: Record<Kind, string> = Object.fromEntries(
  KINDS.map((k) => [k, k === "journalCode" ? "99.98.97" : "6f1c7e0e-0000-4000-8000-00000000dead"]),
) as Record<Kind, string>;

/** The n-th object of a kind (modulo how many there are), resolved when the request is sent. */
export class Ref {
  constructor(
    readonly kind: Kind,
    readonly n: number,
    readonly field: "id" | "parent" | "offset" | "length" | "remaining" | "etag" = "id",
    readonly filter?: Filter,
  ) {}

  resolve(r: Resolution): string {
    const entry = this.entry(r);
    return entry ? String(entry[this.field] ?? entry.id) : MISSING[this.kind];
  }

  /** The object this reference names now, if there is one. */
  entry({ pool, userId, groups }: Resolution): PoolEntry | undefined {
    let entries = pool[this.kind];
    if (this.filter === "visible") {
      const seen = entries.filter((e) => !groups || e.owner === userId || (e.group && groups.has(e.group)));
      if (seen.length) entries = seen;
    } else if (this.filter && this.filter !== "any") {
      const own = (e: PoolEntry) => e.owner === userId;
      const finished = (e: PoolEntry) => e.offset === e.length;
      entries = entries.filter((e) => (this.filter === "foreign" ? !own(e) : own(e) && (this.filter === "own-finished") === finished(e)));
    }
    return entries.length ? entries[this.n % entries.length] : undefined;
  }

  [fc.toStringMethod](): string {
    return `ref(${this.kind}#${this.n}${this.field === "id" ? "" : `.${this.field}`}${this.filter ? `, ${this.filter}` : ""})`;
  }
}

/** JSON text inserted verbatim where a value goes (nesting too deep to build as objects). */
export class RawJson {
  constructor(readonly text: string) {}
  [fc.toStringMethod](): string {
    return this.text.length > 60 ? `raw(${JSON.stringify(this.text.slice(0, 40))}… ${this.text.length} chars)` : `raw(${JSON.stringify(this.text)})`;
  }
}

/** A string made of literal text and references, e.g. a path or a header value. */
export type Text = Array<string | Ref>;

/** Joins neighbouring literal pieces, so "/api/cases/" is one piece. */
export const compact = (text: Text): Text =>
  text.reduce<Text>(
    (out, p) => (typeof p === "string" && typeof out[out.length - 1] === "string" ? [...out.slice(0, -1), `${out[out.length - 1]}${p}`] : [...out, p]),
    [],
  );

export const resolveText = (text: Text, r: Resolution, encode: (s: string) => string = (s) => s): string =>
  text.map((p) => (typeof p === "string" ? p : encode(p.resolve(r)))).join("");

/** JSON with references resolved; keys such as "__proto__" are written like any other key. */
export function renderJson(value: unknown, r: Resolution): string {
  if (value instanceof Ref) return JSON.stringify(value.resolve(r));
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map((v) => renderJson(v, r)).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .map((k) => `${JSON.stringify(k)}:${renderJson((value as Record<string, unknown>)[k], r)}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

/** Percent-encodes UTF-8 bytes outside the unreserved set; unlike encodeURIComponent it takes lone surrogates. */
export const pct = (s: string) =>
  [...Buffer.from(s, "utf8")]
    .map((b) => (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`))
    .join("");

// ---------------------------------------------------------------------------------------------------
// Which property or path segment names which kind of object.

const NAME_KINDS: Record<string, Kind | Kind[]> = {
  caseId: "case",
  documentId: "document",
  toDocumentId: "document",
  attachmentId: "attachment",
  referenceId: "reference",
  userId: "user",
  userIds: "user",
  memberIds: "user",
  ownerId: "user",
  responsibleId: "user",
  tokenId: "token",
  groupId: "group",
  groupIds: "group",
  accessGroupId: "accessGroup",
  retentionRuleId: "rule",
  documentTypeId: "type",
  documentTypeIds: "type",
  templateId: "template",
  journalCode: "journalCode",
  parentCode: "journalCode",
  code: "journalCode",
  upload: "upload",
  objectId: ["case", "document"],
};

const SEGMENT_KINDS: Record<string, Kind> = {
  cases: "case",
  documents: "document",
  attachments: "attachment",
  references: "reference",
  users: "user",
  tokens: "token",
  groups: "group",
  "access-groups": "accessGroup",
  "retention-rules": "rule",
  "document-types": "type",
  templates: "template",
  "journal-plan": "journalCode",
  uploads: "upload",
};

/** The kind a property names, from its name; undefined for properties that name no object. */
export const kindOfName = (name: string | undefined): Kind[] | undefined => {
  const k = name === undefined ? undefined : NAME_KINDS[name];
  return k === undefined ? undefined : Array.isArray(k) ? k : [k];
};

/** The kind a path parameter names: by its own name, else by the segment before it (/api/cases/:id); every kind when unknown. */
export const kindOfParam = (name: string, segmentBefore: string): Kind[] =>
  kindOfName(name) ?? (SEGMENT_KINDS[segmentBefore] ? [SEGMENT_KINDS[segmentBefore]] : [...KINDS]);

/** Children whose parent goes in the path before them (/documents/:id/attachments/:attachmentId). */
export const CHILD_KINDS: readonly Kind[] = ["attachment", "reference", "token"];

/** A reference to an object of one of the kinds: mostly one the actor may see, sometimes any. */
export const refTo = (kinds: readonly Kind[], uploads?: Filter) =>
  fc
    .tuple(fc.constantFrom(...kinds), fc.nat({ max: 63 }), fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }))
    .map(([k, n, visible]) => new Ref(k, n, "id", k === "upload" ? uploads : visible && GROUPED.includes(k) ? "visible" : undefined));

// ---------------------------------------------------------------------------------------------------
// Hostile values.

const deep = (depth: number) => new RawJson(`${"[".repeat(depth)}${"]".repeat(depth)}`);
const withProto = (value: unknown) => Object.defineProperty({}, "__proto__", { value, enumerable: true, configurable: true, writable: true });

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "   \t\n  ",
    "\u0000",
    "a\u0000b",
    "\ud800",
    "\udfff\ud800",
    "👩‍👩‍👧‍👦",
    "\u202eevil\u202c",
    "e\u0301\u0301\u0301",
    "Æblegrød på Ærø",
    "../../etc/passwd",
    "..\\..\\windows",
    "%ff",
    "%2F",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    '"; DROP TABLE cases; --',
    "1.0",
    "2024-02-30",
    "0000-00-00",
    "9999-12-31",
    "-1",
    "1e309",
    "NaN",
    "true",
    "null",
    "__proto__",
    "\r\nX-Injected: 1",
    "6F1C7E0E-0000-4000-8000-00000000DEAD",
  ),
  fc.constantFrom(100_000, 300_000).map((n) => "x".repeat(n)),
  fc.constant("ø".repeat(70_000)),
  fc.string({ unit: "binary", maxLength: 40 }),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(0, -1, -0.5, 1.5, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e308, true, false, null, [], {}, [null], [[]], { $gt: "" }),
  },
  { weight: 1, arbitrary: fc.constantFrom(50, 5_000, 100_000).map(deep) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: hostileString.map(withProto) },
);

const hostileKey = fc.constantFrom("__proto__", "constructor", "prototype", "", "\u0000", "x".repeat(300), "toString", "$where", "Title", "title ", "extra");

// ---------------------------------------------------------------------------------------------------
// JSON Schema (as zod writes it) → valid values, and valid values with mutated fields.

export interface JsonSchema {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
}

export const jsonSchemaOf = (schema: ZodType): JsonSchema => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;

/** Names a case template's custom fields go by, so custom metadata sometimes fits a template. */
const METADATA_KEYS = fc.constantFrom("elevnummer", "klasse", "optaget", "projekt", "Elevnummer", "x");

const isoDate = fc
  .date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2060-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

function validString(s: JsonSchema): fc.Arbitrary<string> {
  const minLength = s.minLength ?? 0;
  const maxLength = Math.min(s.maxLength ?? 60, 60);
  if (s.format === "date") return isoDate;
  if (s.format === "email") return fc.tuple(fc.stringMatching(/^[a-z]{1,12}$/), fc.nat(9999)).map(([w, n]) => `${w}${n}@skole.dk`);
  if (s.format === "uuid") return fc.uuid();
  if (s.pattern) return fc.stringMatching(new RegExp(s.pattern)).filter((v) => v.length >= minLength && v.length <= (s.maxLength ?? Infinity));
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength: Math.max(minLength, 1), maxLength: Math.max(maxLength, 1) }).filter((v) => v.trim().length >= minLength) },
    {
      weight: 1,
      arbitrary: fc
        .string({ unit: "grapheme", minLength: Math.max(minLength, 1), maxLength: Math.max(maxLength, 1) })
        .filter((v) => v.trim().length >= minLength),
    },
  );
}

/** A value the schema accepts; properties that name objects get references to real ones. */
export function valid(s: JsonSchema, name?: string): fc.Arbitrary<unknown> {
  const kinds = kindOfName(name);
  if (kinds && s.type === "string") return refTo(kinds, "own-finished");
  if (kinds && s.anyOf)
    return s.anyOf.some((a) => a.type === "null") ? fc.option(refTo(kinds, "own-finished"), { freq: 4, nil: null }) : refTo(kinds, "own-finished");
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => valid(a, name)));
  switch (s.type) {
    case "string":
      return validString(s);
    case "integer":
      return fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 });
    case "number":
      return fc.double({ min: s.minimum ?? -1000, max: s.maximum ?? 1000, noNaN: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(valid(s.items ?? {}, name), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, 4) });
    case "object":
      return objectOf(s, (p, key) => valid(p, key));
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectOf(s: JsonSchema, field: (schema: JsonSchema, key: string) => fc.Arbitrary<unknown>, mutate = false): fc.Arbitrary<unknown> {
  const props = s.properties ?? {};
  const required = new Set(s.required ?? []);
  const entries = Object.entries(props).map(([key, p]) => {
    // A required field is left out now and then; an optional one is there about half the time.
    const present = required.has(key)
      ? mutate
        ? fc.oneof({ weight: 15, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) })
        : fc.constant(true)
      : fc.boolean();
    return fc.tuple(fc.constant(key), present, field(p, key));
  });
  const open = typeof s.additionalProperties === "object" ? fc.dictionary(METADATA_KEYS, valid(s.additionalProperties), { maxKeys: 3 }) : fc.constant({});
  const extra = mutate
    ? fc.oneof(
        { weight: 12, arbitrary: fc.constant([] as Array<[string, unknown]>) },
        { weight: 1, arbitrary: fc.array(fc.tuple(hostileKey, hostileValue), { minLength: 1, maxLength: 2 }) },
      )
    : fc.constant([]);
  return fc.tuple(fc.tuple(...entries), open, extra).map(([fields, rest, extras]) => {
    const out: Record<string, unknown> = { ...rest };
    for (const [key, present, value] of fields) if (present) out[key] = value;
    for (const [key, value] of extras) Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true });
    return out;
  });
}

/**
 * A valid value with, now and then, one of its fields mutated: a wrong type, a huge or strange string,
 * a negative number, deep nesting, an id of another kind, a missing required field or an extra key.
 */
export function fuzzed(s: JsonSchema, name?: string): fc.Arbitrary<unknown> {
  const wrongKind = fc.oneof(refTo(KINDS), fc.uuid());
  const ok =
    s.type === "object" && s.properties
      ? objectOf(s, (p, key) => fuzzed(p, key), true)
      : s.type === "array" && s.items
        ? fc.array(fuzzed(s.items, name), { maxLength: 4 })
        : valid(s, name);
  const mutations = [{ weight: 1, arbitrary: hostileValue }, ...(kindOfName(name) ? [{ weight: 1, arbitrary: wrongKind }] : [])];
  return fc.oneof({ weight: 14, arbitrary: ok }, ...mutations);
}
