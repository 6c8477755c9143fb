import crypto from "node:crypto";
import vm from "node:vm";
import sinon from "sinon";
import { SyncHttpError, type SyncHttpClient } from "../../support/sync-http.ts";
import { fakeCardService } from "./card-service.ts";

export type { Json } from "./card-service.ts";

// Fakes of the Apps Script services the add-on uses, with Apps Script's limits, and a loader that runs the
// built dist/Code.js in a node:vm context that has them and nothing else: no timers, no TextEncoder, no
// fetch, no btoa — as in Apps Script.

export const URLFETCH_PAYLOAD_LIMIT = 50 * 1024 * 1024;
export const CACHE_VALUE_LIMIT = 100 * 1024;
export const CACHE_MAX_SECONDS = 21_600;

/** A Java byte[] as Apps Script gives it to JavaScript: an array of signed bytes. */
export function byteArray(bytes: Uint8Array): number[] {
  // Grown by push: V8 keeps a `new Array(n)` of more than ~32 million slots as a slow dictionary, and
  // concatenating large arrays can exceed its table sizes.
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) out.push((bytes[i] << 24) >> 24);
  return out;
}

/** Bytes from whatever Apps Script accepts as bytes: a string (UTF-8), a byte array, or a Blob. */
function bytesOf(data: unknown): Buffer {
  if (typeof data === "string") return Buffer.from(data, "utf8");
  if (data && typeof data === "object" && typeof (data as FakeBlob).getBytes === "function" && BLOBS.has(data as FakeBlob)) return BLOBS.get(data as FakeBlob)!;
  if (data && typeof data === "object" && typeof (data as ArrayLike<number>).length === "number") {
    // By hand: Buffer.from takes seconds over an array from another realm (the vm's).
    const array = data as ArrayLike<number>;
    const out = Buffer.allocUnsafe(array.length);
    for (let i = 0; i < array.length; i++) out[i] = array[i] & 255;
    return out;
  }
  throw new Error(`Invalid argument: ${Object.prototype.toString.call(data)}`);
}

// ------------------------------------------------------------------------------------------------------
// Blobs, Utilities

interface FakeBlob {
  getBytes(): number[];
  getDataAsString(charset?: string): string;
  getContentType(): string | null;
  getName(): string | null;
  setName(name: string): FakeBlob;
  setContentType(type: string): FakeBlob;
}
const BLOBS = new WeakMap<FakeBlob, Buffer>();

export function fakeBlob(bytes: Buffer, contentType: string | null = null, name: string | null = null): FakeBlob {
  const blob: FakeBlob = {
    getBytes: () => byteArray(bytes),
    getDataAsString: () => bytes.toString("utf8"),
    getContentType: () => contentType,
    getName: () => name,
    setName(n) {
      name = n;
      return blob;
    },
    setContentType(t) {
      contentType = t;
      return blob;
    },
  };
  BLOBS.set(blob, bytes);
  return blob;
}

export function fakeUtilities() {
  return {
    newBlob: sinon.spy((data: unknown, contentType?: string, name?: string) => fakeBlob(bytesOf(data), contentType ?? null, name ?? null)),
    base64Encode: (data: unknown) => bytesOf(data).toString("base64"),
    base64Decode: (text: string) => byteArray(Buffer.from(text, "base64")),
    base64EncodeWebSafe: (data: unknown) => bytesOf(data).toString("base64url"),
    base64DecodeWebSafe: (text: string) => byteArray(Buffer.from(text, "base64url")),
    /** Apps Script's only way to wait; the fake returns at once and remembers the waits. */
    sleep: sinon.spy((_ms: number) => undefined),
    getUuid: () => crypto.randomUUID(),
  };
}

// ------------------------------------------------------------------------------------------------------
// UrlFetchApp over real, synchronous HTTP

export interface FetchRecord {
  method: string;
  url: string;
  headers: Record<string, string>;
  payloadBytes: number;
  status?: number;
  /** A JSON answer's text. */
  json?: string;
}

const METHODS = new Set(["get", "delete", "patch", "post", "put"]);
const titleCase = (name: string) => name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());

function httpResponse(status: number, headers: Record<string, string | string[] | undefined>, body: Buffer) {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[titleCase(name)] = Array.isArray(value) ? value.join(", ") : value;
  return {
    getResponseCode: () => status,
    getContentText: () => body.toString("utf8"),
    getContent: () => byteArray(body),
    getBlob: () => fakeBlob(body, flat["Content-Type"] ?? null),
    getHeaders: () => ({ ...flat }),
    getAllHeaders: () => ({ ...flat }),
  };
}

/** UrlFetchApp whose fetch makes real HTTP requests, synchronously, and refuses what Apps Script refuses. */
export function fakeUrlFetchApp(http: SyncHttpClient) {
  const calls: FetchRecord[] = [];
  const realFetch = (url: string, params: Record<string, unknown> = {}) => {
    const method = String(params.method ?? "get").toLowerCase();
    if (!METHODS.has(method)) throw new Error(`Invalid argument: method (${method})`);
    const headers: Record<string, string> = { ...(params.headers as Record<string, string> | undefined) };
    if (params.contentType) headers["Content-Type"] = String(params.contentType);
    const body = params.payload === undefined ? undefined : bytesOf(params.payload);
    const call: FetchRecord = { method, url, headers, payloadBytes: body?.length ?? 0 };
    calls.push(call);
    if (body && body.length > URLFETCH_PAYLOAD_LIMIT) throw new Error("Limit Exceeded: URLFetch POST Size.");
    let res;
    try {
      res = http.request({ method: method.toUpperCase(), url, headers, body });
    } catch (err) {
      if (err instanceof SyncHttpError) throw new Error(`Address unavailable: ${url}`, { cause: err });
      throw err;
    }
    call.status = res.status;
    if (/json/.test(String(res.headers["content-type"] ?? ""))) call.json = res.body.toString("utf8");
    if (res.status >= 400 && params.muteHttpExceptions !== true) {
      throw new Error(`Request failed for ${url} returned code ${res.status}. Truncated server response: ${res.body.toString("utf8").slice(0, 100)}`);
    }
    return httpResponse(res.status, res.headers, res.body);
  };
  const fetch = sinon.stub().callsFake(realFetch);
  return { app: { fetch }, fetch, realFetch, calls };
}

// ------------------------------------------------------------------------------------------------------
// GmailApp

export interface FakeAttachment {
  name: string;
  contentType: string;
  bytes: Buffer;
  inline: boolean;
}

export interface FakeMessage {
  id: string;
  threadId: string;
  /** The per-message token Gmail puts in the event; the message is readable only after it is set. */
  accessToken: string;
  raw: Buffer;
  subject: string;
  from: string;
  to: string;
  cc: string;
  date: Date;
  /** Header values by lower-case name. */
  headers: Record<string, string>;
  attachments: FakeAttachment[];
}

function gmailAttachment(a: FakeAttachment) {
  return {
    getName: () => a.name,
    getContentType: () => a.contentType,
    getSize: () => a.bytes.length,
    getBytes: () => byteArray(a.bytes),
    copyBlob: () => fakeBlob(a.bytes, a.contentType, a.name),
    getHash: () => crypto.createHash("sha1").update(a.bytes).digest("hex"),
  };
}

function gmailMessage(m: FakeMessage) {
  return {
    getId: () => m.id,
    getSubject: () => m.subject,
    getFrom: () => m.from,
    getTo: () => m.to,
    getCc: () => m.cc,
    getDate: () => new Date(m.date.getTime()),
    getHeader: (name: string) => m.headers[name.toLowerCase()] ?? "",
    // Apps Script gives the raw message as a string; for 7-bit mail that is the bytes themselves.
    getRawContent: () => m.raw.toString("latin1"),
    getThread: () => ({ getId: () => m.threadId }),
    getAttachments: (options: { includeInlineImages?: boolean; includeAttachments?: boolean } = {}) =>
      m.attachments.filter((a) => (a.inline ? options.includeInlineImages !== false : options.includeAttachments !== false)).map(gmailAttachment),
  };
}

export function fakeGmailApp(messages: FakeMessage[]) {
  let token: string | null = null;
  return {
    setCurrentMessageAccessToken: sinon.spy((accessToken: string) => {
      token = accessToken;
    }),
    getMessageById: sinon.spy((id: string) => {
      const m = messages.find((x) => x.id === id);
      if (!m) throw new Error("Invalid argument: id");
      if (token !== m.accessToken) throw new Error("Access denied: : Missing access token for per message scope authorization.");
      return gmailMessage(m);
    }),
  };
}

// ------------------------------------------------------------------------------------------------------
// CacheService, PropertiesService

export function fakeCacheService() {
  const store = new Map<string, string>();
  let largest = 0;
  const check = (key: string, value: string, seconds?: number) => {
    if (key.length > 250) throw new Error("Argument too large: key");
    const size = Buffer.byteLength(value, "utf8");
    if (size > CACHE_VALUE_LIMIT) throw new Error("Argument too large: value");
    if (seconds !== undefined && (seconds < 1 || seconds > CACHE_MAX_SECONDS)) throw new Error("Invalid argument: expirationInSeconds");
    largest = Math.max(largest, size);
  };
  const cache = {
    get: (key: string) => store.get(key) ?? null,
    put: (key: string, value: string, seconds?: number) => {
      check(key, value, seconds);
      store.set(key, value);
    },
    getAll: (keys: string[]) => Object.fromEntries(keys.filter((k) => store.has(k)).map((k) => [k, store.get(k)!])),
    putAll: (values: Record<string, string>, seconds?: number) => {
      for (const [k, v] of Object.entries(values)) check(k, v, seconds);
      for (const [k, v] of Object.entries(values)) store.set(k, v);
    },
    remove: (key: string) => void store.delete(key),
    removeAll: (keys: string[]) => keys.forEach((k) => store.delete(k)),
  };
  return {
    service: { getUserCache: sinon.spy(() => cache), getScriptCache: () => cache, getDocumentCache: () => null },
    store,
    largestValue: () => largest,
  };
}

export function fakePropertiesService(initial: Record<string, string>) {
  const values = new Map(Object.entries(initial));
  const properties = {
    getProperty: (key: string) => values.get(key) ?? null,
    setProperty: (key: string, value: string) => {
      values.set(key, value);
      return properties;
    },
    deleteProperty: (key: string) => {
      values.delete(key);
      return properties;
    },
    getProperties: () => Object.fromEntries(values),
  };
  return { service: { getScriptProperties: () => properties }, properties };
}

// ------------------------------------------------------------------------------------------------------
// The whole environment

export interface AppsScriptOptions {
  http: SyncHttpClient;
  messages?: FakeMessage[];
  scriptProperties: Record<string, string>;
  /** What ScriptApp.getIdentityToken() returns. */
  identityToken?: () => string;
  oauthToken: string;
  /** The Google account: Session.getActiveUser().getEmail(). */
  email: string;
}

export function appsScript(options: AppsScriptOptions) {
  const urlFetch = fakeUrlFetchApp(options.http);
  const cache = fakeCacheService();
  const properties = fakePropertiesService(options.scriptProperties);
  const utilities = fakeUtilities();
  const gmail = fakeGmailApp(options.messages ?? []);
  const scriptApp = {
    getIdentityToken: sinon.stub().callsFake(options.identityToken ?? (() => "")),
    getOAuthToken: sinon.stub().returns(options.oauthToken),
  };
  const driveApp = { getFileById: sinon.stub().throws(new Error("DriveApp needs the drive scope, which the add-on does not ask for")) };
  const user = { getEmail: () => options.email };
  const silent = { log: sinon.spy(), info: sinon.spy(), warn: sinon.spy(), error: sinon.spy() };
  const globals = {
    CardService: fakeCardService(),
    GmailApp: gmail,
    DriveApp: driveApp,
    ScriptApp: scriptApp,
    Utilities: utilities,
    UrlFetchApp: urlFetch.app,
    CacheService: cache.service,
    PropertiesService: properties.service,
    Session: { getActiveUser: () => user, getEffectiveUser: () => user, getActiveUserLocale: () => "da" },
    Logger: { log: sinon.spy() },
    console: silent,
  };
  return { globals, urlFetch, cache, properties: properties.properties, utilities, gmail, scriptApp, driveApp };
}

export type AppsScript = ReturnType<typeof appsScript>;

export interface LoadedAddon {
  context: vm.Context;
  /** Calls a global function of Code.js, as Apps Script calls triggers and actions. */
  call(name: string, event?: unknown): unknown;
}

/** Runs Code.js in a fresh context holding only the fakes and JavaScript's own built-ins. */
export function loadAddon(code: string, globals: Record<string, unknown>): LoadedAddon {
  const context = vm.createContext({ ...globals });
  vm.runInContext(code, context, { filename: "Code.js" });
  return {
    context,
    call(name, event) {
      const fn = (context as Record<string, unknown>)[name];
      if (typeof fn !== "function") throw new Error(`Code.js defines no global function ${name}`);
      return (fn as (e: unknown) => unknown)(event);
    },
  };
}
