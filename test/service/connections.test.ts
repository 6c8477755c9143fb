import { expect } from "chai";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { loadConfig } from "../../service/config.ts";
import { startService } from "../../service/server.ts";
import { REPO } from "../support/browser.ts";
import { prepareDataDir } from "../support/child-service.ts";
import { ADMIN_TOKEN, startTestService, type TestService, scaleBackends } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BOUNDARY = "----ims-slow-boundary";

/** A raw connection to the service, to send a request as slowly or as incompletely as a test needs. */
function connect(url: string): Promise<{ socket: net.Socket; closed: Promise<string> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      let received = "";
      socket.on("data", (c) => (received += c.toString("latin1")));
      socket.on("error", () => undefined);
      resolve({ socket, closed: new Promise((done) => socket.once("close", () => done(received))) });
    });
    socket.once("error", reject);
  });
}

/** Writes one byte every `everyMs` until the connection closes; resolves with how many bytes it got out. */
async function trickle(socket: net.Socket, everyMs: number): Promise<number> {
  let sent = 0;
  while (!socket.destroyed && socket.writable) {
    socket.write("x");
    sent++;
    await sleep(everyMs);
  }
  return sent;
}

function multipartStart(token: string, metadata: unknown): string {
  const head = [
    `--${BOUNDARY}`,
    'Content-Disposition: form-data; name="metadata"',
    "",
    JSON.stringify(metadata),
    `--${BOUNDARY}`,
    'Content-Disposition: form-data; name="file"; filename="langsom.txt"',
    "Content-Type: text/plain",
    "",
    "",
  ].join("\r\n");
  return [
    "POST /api/documents HTTP/1.1",
    "Host: localhost",
    `Authorization: Bearer ${token}`,
    `Content-Type: multipart/form-data; boundary=${BOUNDARY}`,
    "Content-Length: 10000000",
    "",
    head,
  ].join("\r\n");
}

const tmpFiles = (svc: TestService) => fs.readdirSync(path.join(svc.dataDir, "tmp"));

describe("connections: slow and excess clients hold nothing for long", function () {
  this.timeout(60_000);
  let svc: TestService;
  let w: World;

  afterEach(async () => svc?.dispose());

  it("a body that trickles in a byte at a time is cut after the idle timeout and its temporary file removed (disk)", async () => {
    svc = await startTestService({ IMS_IDLE_TIMEOUT_SECONDS: "1" });
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    const { socket, closed } = await connect(svc.url);
    socket.write(multipartStart(w.tokens.alice, { documentTypeId: w.types.note, title: "Langsom" }));
    socket.write("begyndelsen af filen");
    while (tmpFiles(svc).length === 0) await sleep(20);
    // Quiet for longer than the idle timeout between bytes.
    const sending = trickle(socket, 1_500);
    await closed;
    await sending;
    while (tmpFiles(svc).length > 0) await sleep(20);
    expect(await svc.ctx.db.selectFrom("documents").select("id").execute()).to.have.length(0);
  });

  it("a request still sending when the request timeout ends is cut, however steadily its bytes come (disk)", async () => {
    svc = await startTestService({ IMS_REQUEST_TIMEOUT_SECONDS: "2", IMS_IDLE_TIMEOUT_SECONDS: "10" });
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    const { socket, closed } = await connect(svc.url);
    socket.write(multipartStart(w.tokens.alice, { documentTypeId: w.types.note, title: "Langsom" }));
    const sending = trickle(socket, 100);
    const answer = await closed;
    const sent = await sending;
    // 2 s at 10 bytes a second: cut after some dozens of bytes, not after the 10 MB it announced.
    expect(sent).to.be.below(1_000);
    expect(answer === "" || answer.startsWith("HTTP/1.1 408"), answer).to.equal(true);
    while (tmpFiles(svc).length > 0) await sleep(20);
  });

  it("shutdown does not wait for a connection that trickles on: it closes it when the grace period ends (disk)", async () => {
    svc = await startTestService({ IMS_SHUTDOWN_GRACE_SECONDS: "1" });
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    const { socket, closed } = await connect(svc.url);
    socket.write(multipartStart(w.tokens.alice, { documentTypeId: w.types.note, title: "Langsom" }));
    const sending = trickle(socket, 200);
    while (tmpFiles(svc).length === 0) await sleep(20);
    // Without a grace period this waits for the trickle, which never ends; mocha's timeout would fail the test.
    await svc.stop();
    await closed;
    await sending;
    svc = await startTestService();
  });

  it("connections beyond the limit are refused, and served again once others have gone", async () => {
    svc = await startTestService({ IMS_MAX_CONNECTIONS: "3" });
    const held = await Promise.all([1, 2, 3].map(() => connect(svc.url)));
    for (const h of held) h.socket.write("GET /api/health HTTP/1.1\r\nHost: localhost\r\n");
    await sleep(100);
    const excess = await connect(svc.url);
    excess.socket.write("GET /api/health HTTP/1.1\r\nHost: localhost\r\n\r\n");
    expect(await excess.closed).to.equal("");
    for (const h of held) h.socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    await sleep(100);
    const res = await fetch(`${svc.url}/api/health`);
    expect(res.status).to.equal(200);
  });
});

describe("start after a crash", function () {
  this.timeout(60_000);

  it("temporary files no request owns are removed and claims on finished uploads are released (disk)", async () => {
    const { dataDir } = await prepareDataDir();
    const tmp = path.join(dataDir, "tmp");
    fs.mkdirSync(tmp, { recursive: true });
    for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(tmp, `crash-${i}.part`), Buffer.alloc(100_000, i));
    const config = loadConfig({
      DATA_DIR: dataDir,
      ...(await scaleBackends(path.basename(dataDir))),
      PORT: "0",
      HOST: "127.0.0.1",
      IMS_ADMIN_TOKEN: ADMIN_TOKEN,
      SEED_DEMO: "false",
      LOG_LEVEL: "silent",
    });
    const first = await startService(config);
    const user = await first.ctx.db.selectFrom("users").select("id").executeTakeFirstOrThrow();
    await first.ctx.db
      .insertInto("uploads")
      .values({ id: "6b1f0d2e-8c7a-4f55-9a51-3d2b1c0e9f87", user_id: user.id, created_at: new Date().toISOString(), claimed_at: new Date().toISOString() })
      .execute();
    await first.stop();
    fs.writeFileSync(path.join(tmp, "after.part"), "x");

    const second = await startService(config);
    try {
      expect(fs.readdirSync(tmp)).to.deep.equal([]);
      const claim = await second.ctx.db.selectFrom("uploads").select("claimed_at").executeTakeFirstOrThrow();
      expect(claim.claimed_at).to.equal(null);
    } finally {
      await second.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("errors that escape a request", function () {
  this.timeout(60_000);

  it("an error thrown from a stream nobody listens to is logged and the server goes on answering", async () => {
    // A server with the service's guard whose handler lets a stream fail unheard, as the tus GET did.
    const script = `
      import http from "node:http";
      import { Readable } from "node:stream";
      import pino from "pino";
      import { keepServingThroughStrayErrors } from "./service/crash-guard.ts";
      keepServingThroughStrayErrors(pino({ level: "error" }));
      const server = http.createServer((req, res) => {
        if (req.url === "/boom") {
          const s = new Readable({ read() {} });
          setImmediate(() => s.destroy(new Error("ERR_INVALID_STATE: ReadableStream is already closed")));
          Promise.reject(new Error("nobody awaited this"));
          res.end("boom\\n");
        } else res.end("alive\\n");
      });
      server.listen(0, "127.0.0.1", () => console.log("port " + server.address().port));
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    try {
      while (!/port (\d+)/.test(out)) {
        if (child.exitCode !== null) throw new Error(out);
        await sleep(20);
      }
      const port = /port (\d+)/.exec(out)![1];
      for (let i = 0; i < 5; i++) expect(await (await fetch(`http://127.0.0.1:${port}/boom`)).text()).to.equal("boom\n");
      await sleep(100);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).to.equal("alive\n");
      expect(child.exitCode).to.equal(null);
      expect(out).to.contain("an error escaped a request").and.contain("ReadableStream is already closed");
      expect(out).to.contain("a promise was rejected without a handler");
    } finally {
      child.kill();
    }
  });
});
