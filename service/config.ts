import type { GoogleSignInConfig } from "./features/auth/google-id-token.ts";
import path from "node:path";

/** Everything the service reads from its environment, resolved once at start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseFile: string;
  blobDir: string;
  uploadDir: string;
  maxUploadBytes: number;
  blobGraceSeconds: number;
  adminToken: string | undefined;
  seedDemo: boolean;
  /** Demo users' API tokens from IMS_DEMO_TOKEN_<LOGIN>, keyed by login in lower case. */
  demoTokens: Record<string, string>;
  logLevel: string;
  publicUrl: string;
  /** Sign-in with Google ID tokens, from GOOGLE_CLIENT_ID and GOOGLE_CERTS_URL; undefined when not configured. */
  googleSignIn: GoogleSignInConfig | undefined;
}

const GOOGLE_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs";

// Whoever serves the keys decides who can sign in, so they come over TLS unless from this machine (tests).
function certsUrl(value: string | undefined): string {
  const url = value || GOOGLE_CERTS_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`GOOGLE_CERTS_URL must be a URL, got "${url}"`);
  }
  const local = ["localhost", "127.0.0.1", "[::1]"].includes(parsed.hostname);
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && local)) throw new Error(`GOOGLE_CERTS_URL must use https, got "${url}"`);
  return url;
}

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(env.DATA_DIR || "./data");
  const port = integer("PORT", env.PORT, 3000);
  return {
    port,
    host: env.HOST || "0.0.0.0",
    dataDir,
    databaseFile: path.join(dataDir, "ims-case.sqlite"),
    blobDir: path.join(dataDir, "blobs"),
    uploadDir: path.join(dataDir, "uploads"),
    maxUploadBytes: integer("MAX_UPLOAD_MB", env.MAX_UPLOAD_MB, 200) * 1024 * 1024,
    blobGraceSeconds: integer("BLOB_GRACE_SECONDS", env.BLOB_GRACE_SECONDS, 24 * 3600),
    adminToken: env.IMS_ADMIN_TOKEN || undefined,
    seedDemo: env.SEED_DEMO !== "false",
    demoTokens: Object.fromEntries(
      Object.entries(env).flatMap(([name, value]) => {
        const login = /^IMS_DEMO_TOKEN_([A-Z0-9_]+)$/.exec(name)?.[1];
        return login && value ? [[login.toLowerCase(), value]] : [];
      }),
    ),
    logLevel: env.LOG_LEVEL || (env.NODE_ENV === "test" ? "silent" : "info"),
    publicUrl: env.PUBLIC_URL || `http://localhost:${port}`,
    googleSignIn: env.GOOGLE_CLIENT_ID
      ? {
          clientId: env.GOOGLE_CLIENT_ID,
          certsUrl: certsUrl(env.GOOGLE_CERTS_URL),
          ...(env.GOOGLE_HOSTED_DOMAIN?.trim() ? { hostedDomain: env.GOOGLE_HOSTED_DOMAIN.trim().toLowerCase() } : {}),
        }
      : undefined,
  };
}
