import path from "node:path";
import { loadSsoConfig, type SsoConfig } from "./config-sso.ts";

/** Sign-in with Google ID tokens (the Gmail add-on's identity token). */
export interface GoogleSignInConfig {
  /** The OAuth client id Google ID tokens must be issued to (their `aud`): the add-on's Apps Script project. */
  clientId: string;
  /** Where Google publishes the keys its ID tokens are signed with, as a PEM map keyed by key id (oauth2/v1/certs). */
  certsUrl: string;
  // Which Workspace domains may sign in (GOOGLE_HOSTED_DOMAINS, or the older GOOGLE_HOSTED_DOMAIN) is sso.googleRealms: one rule for the
  // add-on and the web view.
}

/** Everything the service reads from its environment, resolved once at start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseFile: string;
  /** PostgreSQL instead of the SQLite file, when DATABASE_URL (postgres://…) is set. */
  databaseUrl: string | undefined;
  blobDir: string;
  /** Content in an S3-compatible object store instead of blobDir, when S3_ENDPOINT (or S3_BUCKET, for AWS itself) is set. */
  s3: S3Config | undefined;
  uploadDir: string;
  /** Resumable uploads in the S3 store (under `<prefix>uploads/`) rather than uploadDir: S3 is configured and IMS_UPLOAD_DIR is not set. */
  uploadsInS3: boolean;
  maxUploadBytes: number;
  blobGraceSeconds: number;
  /** The audit chain's key, the checkpoint signing key and the checkpoints (IMS_AUDIT_DIR, default DATA_DIR/audit); keep it apart and backed up. */
  auditDir: string;
  /** Seconds between signed checkpoints of the audit chain while its head moves (IMS_AUDIT_CHECKPOINT_SECONDS; 0: only at shutdown). */
  auditCheckpointSeconds: number;
  /** The longest a whole request may take, body included (IMS_REQUEST_TIMEOUT_SECONDS); large files go through resumable uploads. */
  requestTimeoutMs: number;
  /** A connection on which nothing arrives for this long is cut (IMS_IDLE_TIMEOUT_SECONDS): a body trickling in byte by byte holds nothing for long. */
  idleTimeoutMs: number;
  /** Connections served at once (IMS_MAX_CONNECTIONS); more are refused at the socket. */
  maxConnections: number;
  /** How long shutdown lets requests in progress go on before their connections are closed (IMS_SHUTDOWN_GRACE_SECONDS). */
  shutdownGraceMs: number;
  /** Failed authentications a client address may make per minute (IMS_AUTH_FAILURES_PER_MINUTE) before it gets 429. */
  authFailuresPerMinute: number;
  /** How long an address that used them up waits (IMS_AUTH_BLOCK_SECONDS). */
  authBlockSeconds: number;
  adminToken: string | undefined;
  seedDemo: boolean;
  /** Demo users' API tokens from IMS_DEMO_TOKEN_<LOGIN>, keyed by login in lower case. */
  demoTokens: Record<string, string>;
  logLevel: string;
  publicUrl: string;
  /** The proxies whose X-Forwarded-For is believed (Express's "trust proxy"): loopback, or IMS_TRUST_PROXY's addresses and subnets. */
  trustProxy: string;
  /** Sign-in with Google ID tokens, from GOOGLE_CLIENT_ID and GOOGLE_CERTS_URL; undefined when not configured. */
  googleSignIn: GoogleSignInConfig | undefined;
  /** Single sign-on with Microsoft Entra ID and Google (config-sso.ts); every part undefined or empty when not configured. */
  sso: SsoConfig;
  /** Tests (IMS_VALIDATE_RESPONSES=true): every JSON answer is checked against its route's response schema; a mismatch is a 500. */
  validateResponses: boolean;
  /** Whether the service runs background jobs itself (IMS_RUN_JOBS, default true); false leaves them to `npm run worker`. */
  runJobs: boolean;
  /** How long a claimed job is held before another runner may take it (IMS_JOB_LEASE_SECONDS); renewed while it runs. */
  jobLeaseMs: number;
  /** Reading saved mail (attachments, bodies): larger mails are kept but not read (IMS_MAIL_PARSE_MAX_MB), and each read is stopped after
   *  IMS_MAIL_PARSE_SECONDS or IMS_MAIL_PARSE_HEAP_MB of JavaScript heap. */
  mailParse: { maxBytes: number; timeoutMs: number; heapMb: number };
  /** Reading saved files' text for search: larger files are not read (IMS_EXTRACT_MAX_MB); each read runs in one of IMS_EXTRACT_WORKERS
   *  worker threads and is stopped after IMS_EXTRACT_SECONDS or when it needs more than IMS_EXTRACT_MEMORY_MB. */
  extraction: { maxBytes: number; timeoutMs: number; memoryMb: number; workers: number | undefined };
  /** A web session unused for IMS_SESSION_IDLE_MINUTES ends; every session ends IMS_SESSION_MAX_HOURS after sign-in. */
  sessions: { idleMs: number; maxMs: number };
  /** How long an invitation link works (IMS_INVITE_DAYS). */
  inviteMs: number;
  /** Demo users' passwords from IMS_DEMO_PASSWORD_<LOGIN>, keyed by login in lower case. */
  demoPasswords: Record<string, string>;
}

/**
 * An S3-compatible object store (MinIO, Ceph, AWS S3): S3_BUCKET, S3_ENDPOINT (left out for AWS), S3_REGION, S3_PREFIX, and the
 * credentials in S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY (or, left out, the AWS SDK's own chain: AWS_* variables, a role).
 */
export interface S3Config {
  endpoint: string | undefined;
  bucket: string;
  region: string;
  prefix: string;
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
}

function databaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.DATABASE_URL;
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`DATABASE_URL must be a postgres:// URL, got "${value.replace(/\/\/[^@/]*@/, "//…@")}"`);
  }
  if (!["postgres:", "postgresql:"].includes(url.protocol))
    throw new Error(`DATABASE_URL must be a postgres:// URL; ${url.protocol}// is not a database IMS Case runs on`);
  return value;
}

function s3Config(env: NodeJS.ProcessEnv): S3Config | undefined {
  if (!env.S3_ENDPOINT && !env.S3_BUCKET) return undefined;
  if (!env.S3_BUCKET) throw new Error("S3_BUCKET must name the bucket the archive's content goes in, since S3_ENDPOINT is set");
  if (env.S3_ENDPOINT) {
    let url: URL;
    try {
      url = new URL(env.S3_ENDPOINT);
    } catch {
      throw new Error(`S3_ENDPOINT must be a URL, got "${env.S3_ENDPOINT}"`);
    }
    if (!["http:", "https:"].includes(url.protocol)) throw new Error(`S3_ENDPOINT must be an http or https URL, got "${env.S3_ENDPOINT}"`);
  }
  if (!env.S3_ACCESS_KEY_ID !== !env.S3_SECRET_ACCESS_KEY) throw new Error("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together: set both, or neither");
  const prefix = env.S3_PREFIX ?? "";
  if (prefix && !/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/.test(prefix)) throw new Error(`S3_PREFIX must be a path ending in "/", got "${prefix}"`);
  return {
    endpoint: env.S3_ENDPOINT || undefined,
    bucket: env.S3_BUCKET,
    region: env.S3_REGION || "us-east-1",
    prefix,
    credentials: env.S3_ACCESS_KEY_ID ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY! } : undefined,
  };
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

function positive(name: string, value: string | undefined, fallback: number): number {
  const n = integer(name, value, fallback);
  if (n === 0) throw new Error(`${name} must be at least 1`);
  return n;
}

/** Variables named `<prefix><LOGIN>` with a value, by login in lower case (IMS_DEMO_TOKEN_ANNE → anne). */
function prefixed(env: NodeJS.ProcessEnv, prefix: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).flatMap(([name, value]) => {
      const login = name.startsWith(prefix) && /^[A-Z0-9_]+$/.test(name.slice(prefix.length)) ? name.slice(prefix.length) : undefined;
      return login && value ? [[login.toLowerCase(), value]] : [];
    }),
  );
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = path.resolve(env.DATA_DIR || "./data");
  const port = integer("PORT", env.PORT, 3000);
  return {
    port,
    host: env.HOST || "0.0.0.0",
    dataDir,
    databaseFile: path.join(dataDir, "ims-case.sqlite"),
    databaseUrl: databaseUrl(env),
    blobDir: path.join(dataDir, "blobs"),
    s3: s3Config(env),
    // Several service processes on several hosts resume each other's uploads when they share this directory, or the object store.
    uploadDir: path.resolve(env.IMS_UPLOAD_DIR || path.join(dataDir, "uploads")),
    uploadsInS3: Boolean((env.S3_ENDPOINT || env.S3_BUCKET) && !env.IMS_UPLOAD_DIR),
    maxUploadBytes: integer("MAX_UPLOAD_MB", env.MAX_UPLOAD_MB, 200) * 1024 * 1024,
    blobGraceSeconds: integer("BLOB_GRACE_SECONDS", env.BLOB_GRACE_SECONDS, 24 * 3600),
    auditDir: path.resolve(env.IMS_AUDIT_DIR || path.join(dataDir, "audit")),
    auditCheckpointSeconds: integer("IMS_AUDIT_CHECKPOINT_SECONDS", env.IMS_AUDIT_CHECKPOINT_SECONDS, 60),
    requestTimeoutMs: positive("IMS_REQUEST_TIMEOUT_SECONDS", env.IMS_REQUEST_TIMEOUT_SECONDS, 600) * 1000,
    idleTimeoutMs: positive("IMS_IDLE_TIMEOUT_SECONDS", env.IMS_IDLE_TIMEOUT_SECONDS, 20) * 1000,
    maxConnections: positive("IMS_MAX_CONNECTIONS", env.IMS_MAX_CONNECTIONS, 1000),
    shutdownGraceMs: integer("IMS_SHUTDOWN_GRACE_SECONDS", env.IMS_SHUTDOWN_GRACE_SECONDS, 20) * 1000,
    authFailuresPerMinute: positive("IMS_AUTH_FAILURES_PER_MINUTE", env.IMS_AUTH_FAILURES_PER_MINUTE, 20),
    authBlockSeconds: positive("IMS_AUTH_BLOCK_SECONDS", env.IMS_AUTH_BLOCK_SECONDS, 60),
    adminToken: env.IMS_ADMIN_TOKEN || undefined,
    seedDemo: env.SEED_DEMO !== "false",
    demoTokens: prefixed(env, "IMS_DEMO_TOKEN_"),
    validateResponses: env.IMS_VALIDATE_RESPONSES === "true",
    runJobs: env.IMS_RUN_JOBS !== "false",
    jobLeaseMs: positive("IMS_JOB_LEASE_SECONDS", env.IMS_JOB_LEASE_SECONDS, 60) * 1000,
    sessions: {
      idleMs: positive("IMS_SESSION_IDLE_MINUTES", env.IMS_SESSION_IDLE_MINUTES, 120) * 60 * 1000,
      maxMs: positive("IMS_SESSION_MAX_HOURS", env.IMS_SESSION_MAX_HOURS, 12) * 60 * 60 * 1000,
    },
    inviteMs: positive("IMS_INVITE_DAYS", env.IMS_INVITE_DAYS, 7) * 24 * 60 * 60 * 1000,
    demoPasswords: prefixed(env, "IMS_DEMO_PASSWORD_"),
    mailParse: {
      maxBytes: positive("IMS_MAIL_PARSE_MAX_MB", env.IMS_MAIL_PARSE_MAX_MB, 100) * 1024 * 1024,
      timeoutMs: positive("IMS_MAIL_PARSE_SECONDS", env.IMS_MAIL_PARSE_SECONDS, 60) * 1000,
      heapMb: positive("IMS_MAIL_PARSE_HEAP_MB", env.IMS_MAIL_PARSE_HEAP_MB, 256),
    },
    extraction: {
      maxBytes: positive("IMS_EXTRACT_MAX_MB", env.IMS_EXTRACT_MAX_MB, 100) * 1024 * 1024,
      timeoutMs: positive("IMS_EXTRACT_SECONDS", env.IMS_EXTRACT_SECONDS, 60) * 1000,
      memoryMb: positive("IMS_EXTRACT_MEMORY_MB", env.IMS_EXTRACT_MEMORY_MB, 512),
      workers: env.IMS_EXTRACT_WORKERS ? positive("IMS_EXTRACT_WORKERS", env.IMS_EXTRACT_WORKERS, 1) : undefined,
    },
    logLevel: env.LOG_LEVEL || (env.NODE_ENV === "test" ? "silent" : "info"),
    publicUrl: env.PUBLIC_URL || `http://localhost:${port}`,
    trustProxy: env.IMS_TRUST_PROXY || "loopback",
    googleSignIn: env.GOOGLE_CLIENT_ID
      ? {
          clientId: env.GOOGLE_CLIENT_ID,
          certsUrl: certsUrl(env.GOOGLE_CERTS_URL),
        }
      : undefined,
    sso: loadSsoConfig(env),
  };
}
