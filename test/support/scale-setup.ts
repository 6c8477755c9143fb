import { startLocalPostgres, type LocalPostgres } from "./postgres-server.ts";
import { startLocalS3, type LocalS3 } from "./s3-server.ts";

// `npm run test:scale`: mocha's global fixtures start one throwaway PostgreSQL 15 and one local S3-compatible server for the
// whole run, in the main process, before the parallel workers; every test service then takes its own database and its own
// prefix in the bucket (service.ts: scaleBackends), and both servers stop when the run ends.

let postgres: LocalPostgres | undefined;
let s3: LocalS3 | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  // The SDK is pinned to its last release for Node 20 (package.json); its notice about later ones is no news to the test run.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  postgres = await startLocalPostgres();
  s3 = await startLocalS3();
  process.env.IMS_TEST_POSTGRES = postgres.url;
  process.env.IMS_TEST_S3 = JSON.stringify({ S3_ENDPOINT: s3.endpoint, S3_BUCKET: s3.bucket, S3_ACCESS_KEY_ID: "S3RVER", S3_SECRET_ACCESS_KEY: "S3RVER" });
}

export async function mochaGlobalTeardown(): Promise<void> {
  await s3?.stop();
  await postgres?.stop();
}
