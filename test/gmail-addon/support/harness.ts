import crypto, { type KeyObject } from "node:crypto";
import http from "node:http";
import { syncHttpClient, type SyncHttpClient } from "../../support/sync-http.ts";
import { appsScript, loadAddon, type AppsScript, type FakeMessage, type Json, type LoadedAddon } from "./apps-script.ts";
import { startBackend, type Backend, type BackendConfig } from "./backend.ts";
import { buttonAction, cardOf, field, findAll, formOf, type FormInputs, type FormValue } from "./cards.ts";

// One archive service and one stand-in Google for a test file; a fresh Apps Script (fakes, cache, Code.js
// in a new vm context) for each test.

export const CLIENT_ID = "123456789012-imscase.apps.googleusercontent.com";
export const OAUTH_TOKEN = "ya29.a0-drive-file-token-for-tests";
const KEY_ID = "local-google-key-1";

export interface Harness {
  backend: Backend;
  http: SyncHttpClient;
  /** A Google ID token for `email`, signed by the key the service trusts, as ScriptApp.getIdentityToken() gives it. */
  idToken(email: string, claims?: Record<string, unknown>): string;
  /** The archive's API from the test's side (alice's API token unless another is given). */
  api<T = Json>(method: string, path: string, body?: unknown, token?: string): Promise<T>;
  download(path: string, token?: string): Promise<Buffer>;
  /** The web view, as alice's browser: signs in with her password, then sends JSON from the service's own page with her session cookie. */
  web<T = Json>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** Alice's password in the web view (the backend sets it). */
export const WEB_PASSWORD = "Skolekontoret-2026!";

export async function startHarness(exports: BackendConfig["google"]["exports"]): Promise<Harness> {
  const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const backend = await startBackend({
    env: {},
    google: {
      clientId: CLIENT_ID,
      keyId: KEY_ID,
      publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
      oauthToken: OAUTH_TOKEN,
      exports,
    },
  });
  const syncHttp = syncHttpClient();
  const alice = backend.world.tokens.alice;
  // A new connection each time: while the add-on's synchronous calls block this thread, the service
  // closes idle keep-alive connections, which a pooled client would then try to reuse.
  const send = (method: string, path: string, body: unknown, headers: Record<string, string>) =>
    new Promise<{ body: Buffer; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = http.request(`${backend.serviceUrl}${path}`, {
        method,
        agent: false,
        headers: { ...headers, ...(payload ? { "Content-Type": "application/json", "Content-Length": payload.length } : {}) },
      });
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const all = Buffer.concat(chunks);
          if (res.statusCode! >= 300) reject(new Error(`${method} ${path} answered ${res.statusCode}: ${all.toString("utf8").slice(0, 500)}`));
          else resolve({ body: all, headers: res.headers });
        });
      });
      req.on("error", reject);
      req.end(payload);
    });
  const request = async (method: string, path: string, body: unknown, token: string) =>
    (await send(method, path, body, { Authorization: `Bearer ${token}` })).body;
  let cookie: string | undefined;
  return {
    backend,
    http: syncHttp,
    idToken: (email, claims = {}) => signedIdToken(privateKey, { email, ...claims }),
    api: async (method, path, body, token = alice) => JSON.parse((await request(method, path, body, token)).toString("utf8")) as never,
    download: (path, token = alice) => request("GET", path, undefined, token),
    async web(method, path, body) {
      if (!cookie) {
        const signedIn = await send("POST", "/api/auth/sign-in", { email: "alice@skole.dk", password: WEB_PASSWORD }, {});
        cookie = String(signedIn.headers["set-cookie"]?.[0] ?? "").split(";")[0];
      }
      const answer = await send(method, path, body, { Cookie: cookie, "Sec-Fetch-Site": "same-origin" });
      return (answer.body.length ? JSON.parse(answer.body.toString("utf8")) : undefined) as never;
    },
    async stop() {
      await syncHttp.close();
      await backend.stop();
    },
  };
}

function signedIdToken(key: KeyObject, claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const payload = {
    iss: "https://accounts.google.com",
    azp: CLIENT_ID,
    aud: CLIENT_ID,
    // One Google account per address, as at Google: the service knows an account by its subject, not its address.
    sub: `g-${String(claims.email).toLowerCase()}`,
    email_verified: true,
    iat: now,
    exp: now + 3600,
    ...claims,
  };
  const input = `${b64({ alg: "RS256", kid: KEY_ID, typ: "JWT" })}.${b64(payload)}`;
  return `${input}.${crypto.sign("sha256", Buffer.from(input), key).toString("base64url")}`;
}

/** What an event carries besides the action: which app, which locale, which message or file. */
export interface Context {
  host: "GMAIL" | "DOCS" | "SHEETS" | "SLIDES";
  locale: string;
  gmail?: { messageId: string; threadId: string; accessToken: string };
  file?: { id: string; title: string };
}

/** A card as the user sees it, with the context its actions run in. */
export interface Screen {
  ctx: Context;
  card: Json;
}

export function eventFor(ctx: Context, parameters: Record<string, string> = {}, formInputs?: FormInputs): Json {
  const event: Json = {
    commonEventObject: { hostApp: ctx.host, platform: "WEB", userLocale: ctx.locale, parameters, ...(formInputs ? { formInputs } : {}) },
    parameters,
  };
  if (ctx.gmail) event.gmail = { ...ctx.gmail };
  if (ctx.file) event[ctx.host.toLowerCase()] = { id: ctx.file.id, title: ctx.file.title, addonHasFileScopePermission: true };
  return event;
}

export interface Desk {
  gas: AppsScript;
  addon: LoadedAddon;
  openMail(message: FakeMessage, locale?: string): Screen;
  /** An editor's homepage; without `granted` the add-on has no access to the file yet. */
  openFile(host: "DOCS" | "SHEETS" | "SLIDES", file: { id: string; title: string }, granted: boolean, locale?: string): Screen;
  /** Runs an action as Google does: its parameters, and the card's inputs as the user left them. */
  run(screen: Screen, action: Json, changes?: Record<string, FormValue>): unknown;
  click(screen: Screen, label: string, changes?: Record<string, FormValue>): Screen;
  /** Changes an input that has an onChange action (dropdown, radio buttons, search box). */
  change(screen: Screen, fieldName: string, value: FormValue): Screen;
  /** The "choose" button next to a case. */
  chooseCase(screen: Screen, caseId: string): Screen;
}

export interface DeskOptions {
  code: string;
  harness: Harness;
  messages?: FakeMessage[];
  /** Script properties; IMS_SERVICE_URL defaults to the test service. */
  properties?: Record<string, string>;
  identityToken?: () => string;
  email?: string;
}

export function desk(options: DeskOptions): Desk {
  const h = options.harness;
  const gas = appsScript({
    http: h.http,
    messages: options.messages,
    scriptProperties: { IMS_SERVICE_URL: `${h.backend.serviceUrl}/`, DRIVE_API_URL: h.backend.googleUrl, ...options.properties },
    identityToken: options.identityToken,
    oauthToken: OAUTH_TOKEN,
    email: options.email ?? "alice@skole.dk",
  });
  const addon = loadAddon(options.code, gas.globals);
  const d: Desk = {
    gas,
    addon,
    openMail(message, locale = "da") {
      const ctx: Context = { host: "GMAIL", locale, gmail: { messageId: message.id, threadId: message.threadId, accessToken: message.accessToken } };
      return { ctx, card: cardOf(addon.call("onGmailMessageOpen", eventFor(ctx))) };
    },
    openFile(host, file, granted, locale = "da") {
      const ctx: Context = { host, locale, ...(granted ? { file } : {}) };
      return { ctx, card: cardOf(addon.call(granted ? "onFileScopeGranted" : "onEditorHomepage", eventFor(ctx))) };
    },
    run(screen, action, changes = {}) {
      return addon.call(String(action.functionName), eventFor(screen.ctx, (action.parameters as Record<string, string>) ?? {}, formOf(screen.card, changes)));
    },
    click(screen, label, changes) {
      return { ctx: screen.ctx, card: cardOf(d.run(screen, buttonAction(screen.card, label), changes)) };
    },
    change(screen, fieldName, value) {
      const action = field(screen.card, fieldName).onChangeAction as Json;
      return { ctx: screen.ctx, card: cardOf(d.run(screen, action, { [fieldName]: value })) };
    },
    chooseCase(screen, caseId) {
      const button = findAll(screen.card, "TextButton").find(
        (b) => ((b.onClickAction as Json | undefined)?.parameters as Record<string, string>)?.caseId === caseId,
      );
      if (!button) throw new Error(`no case ${caseId} to choose on the card`);
      return { ctx: screen.ctx, card: cardOf(d.run(screen, button.onClickAction as Json)) };
    },
  };
  return d;
}
