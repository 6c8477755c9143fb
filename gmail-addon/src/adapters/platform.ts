import { ImsClient, type RetryPolicy } from "../../../shared/index.ts";
import { NotConfiguredError, SignInError } from "../errors.ts";
import type { AddOnFlow } from "../flow.ts";
import type { Services } from "../handlers/services.ts";
import { cachedFlowStore } from "../runtime/flow-store.ts";
import { DRIVE_API, drivePort } from "./drive.ts";
import { gmailPort } from "./gmail.ts";
import { urlFetchTransport } from "./transport.ts";

/** Script properties, set once per deployment (Apps Script editor → Project settings → Script properties). */
export const PROPERTIES = {
  /** The archive's address, e.g. https://ims.example.dk/ (also in the manifest's urlFetchWhitelist). */
  serviceUrl: "IMS_SERVICE_URL",
  /** Development only: an IMS Case API token sent instead of the user's Google ID token. */
  apiToken: "IMS_API_TOKEN",
  /** Tests only: where the Drive API is (default https://www.googleapis.com). */
  driveApi: "DRIVE_API_URL",
} as const;

/** UrlFetch slices: well under the 50 MB a call may carry, and quick enough to fit a 30-second action. */
export const CHUNK_SIZE = 8 * 1024 * 1024;

/** Short waits between attempts, so that three of them and the work itself fit in a card action's 30 s. */
export const appsScriptRetry: RetryPolicy = {
  attempts: 3,
  delayMs: (attempt) => Math.min(500 * 2 ** (attempt - 1), 2000),
  sleep: (ms) => {
    Utilities.sleep(ms);
    return Promise.resolve();
  },
};

const property = (name: string): string => (PropertiesService.getScriptProperties().getProperty(name) ?? "").trim();

/**
 * The bearer credential: the user's Google ID token (openid + userinfo.email scopes), which the service
 * verifies and maps to an IMS Case user: the one who linked the Google account in the web view, else by e-mail. A script property IMS_API_TOKEN overrides it, for
 * development against a service without Google sign-in; never set it in a shared deployment.
 */
export function credential(): string {
  const apiToken = property(PROPERTIES.apiToken);
  if (apiToken) return apiToken;
  return identityToken();
}

function identityToken(): string {
  const idToken = ScriptApp.getIdentityToken();
  if (!idToken) throw new SignInError("Apps Script returned no identity token (is the openid scope granted?)");
  return idToken;
}

const serviceBase = () => property(PROPERTIES.serviceUrl).replace(/\/+$/, "");

/** Everything the handlers use, made of Apps Script's services. */
export function appsScriptServices(): Services {
  return {
    client() {
      const baseUrl = property(PROPERTIES.serviceUrl);
      if (!baseUrl) throw new NotConfiguredError();
      return new ImsClient({ baseUrl, credential: async () => credential(), transport: urlFetchTransport() });
    },
    flows: cachedFlowStore<AddOnFlow>(CacheService.getUserCache()!),
    retry: appsScriptRetry,
    chunkSize: CHUNK_SIZE,
    newId: () => Utilities.getUuid(),
    now: () => new Date(),
    userEmail: () => Session.getActiveUser().getEmail(),
    async startSignIn() {
      const baseUrl = serviceBase();
      if (!baseUrl) throw new NotConfiguredError();
      // The ID token goes in the body: as a bearer credential the service would refuse it (no user answers to it).
      const link = await new ImsClient({ baseUrl, transport: urlFetchTransport() }).startGoogleLink(identityToken());
      return `${baseUrl}${link.path}`;
    },
    webViewBase: serviceBase,
    mail: gmailPort,
    files: drivePort(() => property(PROPERTIES.driveApi) || DRIVE_API),
  };
}
