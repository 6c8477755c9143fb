// Runs in a worker thread (see backend.ts): the archive service, the test organisation, and a stand-in for
// Google's endpoints (signing keys, Drive export). They must not share a thread with the add-on's vm,
// whose synchronous UrlFetchApp blocks its thread until the answer is there.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parentPort, workerData } from "node:worker_threads";
import { hashPassword } from "../../../service/features/auth/passwords.ts";
import { ADMIN_TOKEN, startTestService } from "../../support/service.ts";
import { buildWorld } from "../../support/world.ts";

export interface BackendConfig {
  /** Extra environment for the service. */
  env: Record<string, string>;
  google: {
    /** The client id ID tokens are issued to; the service trusts it. */
    clientId: string;
    keyId: string;
    /** The public half of the key the test signs ID tokens with (SPKI PEM). */
    publicKeyPem: string;
    /** The access token Drive expects (ScriptApp.getOAuthToken()). */
    oauthToken: string;
    /** Drive file id → export MIME type → file whose bytes Drive hands out. */
    exports: Record<string, Record<string, string>>;
  };
}

export interface DriveRequest {
  fileId: string;
  mimeType: string;
  authorization: string;
}

const config = workerData.config as BackendConfig;
const driveLog: DriveRequest[] = [];

const google = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://google.test");
  if (req.method === "GET" && url.pathname === "/oauth2/v1/certs") {
    res.writeHead(200, { "Content-Type": "application/json; charset=UTF-8", "Cache-Control": "public, max-age=21600" });
    return res.end(JSON.stringify({ [config.google.keyId]: config.google.publicKeyPem }));
  }
  const exported = /^\/drive\/v3\/files\/([^/]+)\/export$/.exec(url.pathname);
  if (req.method === "GET" && exported) {
    const fileId = decodeURIComponent(exported[1]);
    const mimeType = url.searchParams.get("mimeType") ?? "";
    driveLog.push({ fileId, mimeType, authorization: req.headers.authorization ?? "" });
    const json = (status: number, message: string) => {
      res.writeHead(status, { "Content-Type": "application/json; charset=UTF-8" });
      res.end(JSON.stringify({ error: { code: status, message } }));
    };
    if (req.headers.authorization !== `Bearer ${config.google.oauthToken}`) return json(401, "Request had invalid authentication credentials.");
    const file = config.google.exports[fileId]?.[mimeType];
    if (!file) return json(404, `File not found: ${fileId}.`);
    res.writeHead(200, { "Content-Type": mimeType });
    return res.end(fs.readFileSync(file));
  }
  res.writeHead(404).end();
});

await new Promise<void>((resolve) => google.listen(0, "127.0.0.1", resolve));
const googleUrl = `http://127.0.0.1:${(google.address() as AddressInfo).port}`;
const svc = await startTestService({
  GOOGLE_CLIENT_ID: config.google.clientId,
  GOOGLE_CERTS_URL: `${googleUrl}/oauth2/v1/certs`,
  ...config.env,
});
const world = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
// Alice signs in to the web view too: there she confirms linking a Google account (WEB_PASSWORD in harness.ts).
await svc.ctx.db
  .insertInto("user_passwords")
  .values({ user_id: world.users.alice, hash: await hashPassword("Skolekontoret-2026!"), must_change: 0, set_at: new Date().toISOString() })
  .execute();

parentPort!.on("message", async (msg: { id: number; op: "driveLog" | "stop" }) => {
  if (msg.op === "driveLog") return parentPort!.postMessage({ id: msg.id, result: driveLog.splice(0) });
  await svc.dispose();
  await new Promise<void>((resolve) => google.close(() => resolve()));
  parentPort!.postMessage({ id: msg.id, result: null });
});
parentPort!.postMessage({ ready: { serviceUrl: svc.url, googleUrl, world } });
