import fs from "node:fs";

// Single sign-on with Microsoft Entra ID and Google, from the environment (README, "Single sign-on"). Nothing
// here is required: without it, local sign-in, API tokens and the add-ins' web-view sign-in work as before.

export type SsoRole = "caseworker" | "external";

/** A tenant (Entra) or Workspace domain (Google) whose accounts may sign in; `createRole` set: unknown accounts become users with it. */
export interface SsoRealm {
  /** Entra: the tenant id (a GUID, lower case). Google: the Workspace domain (the ID token's `hd`, lower case). */
  id: string;
  createRole: SsoRole | null;
}

export interface EntraConfig {
  /** The app registration's application (client) id: the web sign-in's client and the API the task panes ask tokens for. */
  clientId: string;
  /** ENTRA_CLIENT_SECRET, or a certificate (ENTRA_CLIENT_CERTIFICATE_FILE, PEM with the private key, + ENTRA_CLIENT_CERTIFICATE_THUMBPRINT):
   *  what the service proves itself with when it redeems a sign-in code or asks for a Graph token on the user's behalf. Neither: only access tokens
   *  are checked (task panes), no web sign-in and no Graph. */
  credential: { secret: string } | { certificate: { privateKey: string; thumbprint: string } } | null;
  /** The tenants whose accounts are accepted (ENTRA_TENANTS); every other tenant is refused. */
  tenants: SsoRealm[];
  /** The audiences an access token for the API may carry: the client id and the application id URI (ENTRA_APP_ID_URI, default api://<clientId>). */
  audiences: string[];
  /** The delegated scope the task panes ask for (ENTRA_API_SCOPE, default access_as_user); an access token must carry it in `scp`. */
  scope: string;
  /** The application id URI; the panes ask for `<appIdUri>/<scope>`. */
  appIdUri: string;
  /** https://login.microsoftonline.com, or another Entra-compatible authority (ENTRA_AUTHORITY; sovereign clouds, tests). Tenant issuers are
   *  `<authority>/<tid>/v2.0`. */
  authority: string;
  /** Microsoft Graph (ENTRA_GRAPH_URL, default https://graph.microsoft.com/v1.0). */
  graphUrl: string;
  /** Scopes the service asks Graph tokens for on the user's behalf (ENTRA_GRAPH_SCOPES). */
  graphScopes: string[];
}

export interface GoogleWebConfig {
  /** A "Web application" OAuth client (GOOGLE_OAUTH_CLIENT_ID / GOOGLE_OAUTH_CLIENT_SECRET). */
  clientId: string;
  clientSecret: string;
  /** Google's OpenID configuration (GOOGLE_DISCOVERY_URL; tests point it at a local provider). */
  discoveryUrl: string;
}

export interface GoogleRealmsConfig {
  /** Workspace domains (GOOGLE_HOSTED_DOMAINS, or the older GOOGLE_HOSTED_DOMAIN): accounts of these domains only, when any is set. A
   *  verified address of one of them may sign in as the user with that address the first time (Google vouches for the domain's accounts);
   *  other accounts need a link made in the web view. */
  domains: SsoRealm[];
}

/** An identity provider's group (Entra: the group's object id; Google: the group's address) that confers membership of an IMS Case group. */
export interface GroupMapping {
  provider: "microsoft" | "google";
  external: string;
  /** The IMS Case group, by name. */
  group: string;
}

export interface SsoConfig {
  microsoft: EntraConfig | undefined;
  /** Web sign-in with Google; the Gmail add-on's ID tokens are configured apart (GOOGLE_CLIENT_ID). */
  google: GoogleWebConfig | undefined;
  googleRealms: GoogleRealmsConfig;
  /** IMS_SSO_GROUPS: memberships that follow the directory, refreshed at each sign-in. */
  groups: GroupMapping[];
  /** IMS_SSO_CA_FILE: extra certificate authorities (PEM) trusted for the identity providers and Graph, for a private CA; undefined: the system's. */
  ca: string | undefined;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Where keys and tokens come from decides who can sign in: https, unless on this machine (tests). */
export function secureUrl(name: string, value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new Error(`${name} must be a URL, got "${value}"`);
  }
  const local = ["localhost", "127.0.0.1", "[::1]"].includes(parsed.hostname);
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && local)) throw new Error(`${name} must use https, got "${value}"`);
  return value.replace(/\/+$/, "");
}

/** `a, b:caseworker` → realms; `valid` checks each id. */
function realms(name: string, value: string | undefined, valid: RegExp, what: string): SsoRealm[] {
  if (!value?.trim()) return [];
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const [rawId, role, ...rest] = entry.split(":").map((s) => s.trim());
      const id = rawId.toLowerCase();
      if (!valid.test(id) || rest.length) throw new Error(`${name}: "${entry}" is not ${what}, optionally followed by :caseworker or :external`);
      if (role !== undefined && role !== "caseworker" && role !== "external") {
        throw new Error(`${name}: "${entry}": the role for new users must be caseworker or external, got "${role}"`);
      }
      return { id, createRole: (role as SsoRole | undefined) ?? null };
    });
}

/** `microsoft:<object id>=Lærere, google:laerere@skole.dk=Lærere` */
function groupMappings(value: string | undefined): GroupMapping[] {
  if (!value?.trim()) return [];
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^(microsoft|google):([^=]+)=(.+)$/.exec(entry);
      if (!m) throw new Error(`IMS_SSO_GROUPS: "${entry}" is not provider:group=IMS Case group (provider microsoft or google)`);
      return { provider: m[1] as GroupMapping["provider"], external: m[2].trim().toLowerCase(), group: m[3].trim() };
    });
}

function readFile(name: string, file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`${name}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
}

function entraConfig(env: NodeJS.ProcessEnv): EntraConfig | undefined {
  const clientId = env.ENTRA_CLIENT_ID?.trim();
  if (!clientId) return undefined;
  const tenants = realms("ENTRA_TENANTS", env.ENTRA_TENANTS, GUID, "a tenant id (GUID)");
  if (!tenants.length) throw new Error("ENTRA_TENANTS must name the tenant ids whose accounts may sign in when ENTRA_CLIENT_ID is set");
  let credential: EntraConfig["credential"] = null;
  if (env.ENTRA_CLIENT_SECRET) credential = { secret: env.ENTRA_CLIENT_SECRET };
  else if (env.ENTRA_CLIENT_CERTIFICATE_FILE) {
    const thumbprint = env.ENTRA_CLIENT_CERTIFICATE_THUMBPRINT?.replace(/:/g, "").trim();
    if (!thumbprint || !/^[0-9a-fA-F]{40}$/.test(thumbprint)) {
      throw new Error(
        "ENTRA_CLIENT_CERTIFICATE_THUMBPRINT must be the certificate's SHA-1 thumbprint (40 hex digits) when ENTRA_CLIENT_CERTIFICATE_FILE is set",
      );
    }
    credential = { certificate: { privateKey: readFile("ENTRA_CLIENT_CERTIFICATE_FILE", env.ENTRA_CLIENT_CERTIFICATE_FILE), thumbprint } };
  }
  const appIdUri = env.ENTRA_APP_ID_URI?.trim() || `api://${clientId}`;
  const scope = env.ENTRA_API_SCOPE?.trim() || "access_as_user";
  if (!/^[A-Za-z0-9._-]+$/.test(scope)) throw new Error(`ENTRA_API_SCOPE must be a scope name such as access_as_user, got "${scope}"`);
  return {
    clientId,
    credential,
    tenants,
    audiences: [clientId, appIdUri],
    scope,
    appIdUri,
    authority: secureUrl("ENTRA_AUTHORITY", env.ENTRA_AUTHORITY?.trim() || "https://login.microsoftonline.com"),
    graphUrl: secureUrl("ENTRA_GRAPH_URL", env.ENTRA_GRAPH_URL?.trim() || "https://graph.microsoft.com/v1.0"),
    graphScopes: (env.ENTRA_GRAPH_SCOPES?.trim() || "https://graph.microsoft.com/Mail.Read https://graph.microsoft.com/Files.Read.All").split(/\s+/),
  };
}

function googleWebConfig(env: NodeJS.ProcessEnv): GoogleWebConfig | undefined {
  const clientId = env.GOOGLE_OAUTH_CLIENT_ID?.trim();
  if (!clientId) return undefined;
  const clientSecret = env.GOOGLE_OAUTH_CLIENT_SECRET;
  if (!clientSecret) throw new Error("GOOGLE_OAUTH_CLIENT_SECRET must be set when GOOGLE_OAUTH_CLIENT_ID is");
  const discoveryUrl = secureUrl("GOOGLE_DISCOVERY_URL", env.GOOGLE_DISCOVERY_URL?.trim() || "https://accounts.google.com/.well-known/openid-configuration");
  return { clientId, clientSecret, discoveryUrl };
}

export function loadSsoConfig(env: NodeJS.ProcessEnv): SsoConfig {
  const domains = env.GOOGLE_HOSTED_DOMAINS ?? env.GOOGLE_HOSTED_DOMAIN;
  return {
    microsoft: entraConfig(env),
    google: googleWebConfig(env),
    googleRealms: { domains: realms("GOOGLE_HOSTED_DOMAINS", domains, DOMAIN, "a domain name") },
    groups: groupMappings(env.IMS_SSO_GROUPS),
    ca: env.IMS_SSO_CA_FILE ? readFile("IMS_SSO_CA_FILE", env.IMS_SSO_CA_FILE) : undefined,
  };
}
