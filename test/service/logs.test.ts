import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { scaleBackends } from "../support/service.ts";
import sinon from "sinon";
import request from "supertest";
import { loadConfig } from "../../service/config.ts";
import { startService } from "../../service/server.ts";
import { bearer, binary, tusClient } from "../support/http.ts";
import { buildWorld } from "../support/world.ts";

// Names a person could be recognised by: they may be logged at debug, never at info.
const TUS_FILE = "Klage-fra-Hansen-tus.pdf";
const MULTIPART_FILE = "Klage-fra-Hansen-multipart.txt";
const SEARCH_WORD = "Hansenklagen";
const IDEMPOTENCY_KEY = "idem-key-9f8e7d6c5b4a";
// A CPR number looked up by query string (GET /api/contacts?cpr=…): never logged, not even at debug.
const CPR = "0101904321";
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

interface Session {
  /** Everything the service wrote to its JSON log. */
  log: string;
  /** The administrator token the first start generated, as printed on standard output. */
  adminToken: string;
  aliceToken: string;
}

/** A first start (generated administrator token), uploads by tus and multipart, downloads and a search, at `level`. */
async function sessionAt(level: "info" | "debug"): Promise<Session> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-logs-"));
  const lines: string[] = [];
  const config = loadConfig({
    DATA_DIR: dataDir,
    ...(await scaleBackends(path.basename(dataDir))),
    PORT: "0",
    HOST: "127.0.0.1",
    SEED_DEMO: "false",
    LOG_LEVEL: level,
  });
  const printed: string[] = [];
  const write = sinon.stub(process.stdout, "write").callsFake((chunk: string | Uint8Array) => (printed.push(String(chunk)), true));
  let svc;
  try {
    svc = await startService(config, { logDestination: { write: (line: string) => lines.push(line) } });
  } finally {
    write.restore();
  }
  try {
    const adminToken = /administrator token \(shown once, keep it\): (\S+)/.exec(printed.join(""))?.[1];
    expect(adminToken, "the first start prints the generated token").to.be.a("string");
    const w = await buildWorld(svc.ctx.db, adminToken!);
    const api = () => request(svc.url);
    const caseId = (
      await api()
        .post("/api/cases")
        .auth(w.tokens.alice, bearer)
        .send({ templateId: w.templates.pupil, title: "Elev 9", metadata: { elevnummer: "E-9" } })
        .expect(201)
    ).body.id;

    const uploadId = await tusClient(svc.url, w.tokens.alice).upload(Buffer.from("%PDF-1.4 klage\n"), TUS_FILE, "application/pdf");
    const fromTus = await api()
      .post("/api/documents")
      .auth(w.tokens.alice, bearer)
      .send({ upload: uploadId, documentTypeId: w.types.pupil, caseId })
      .expect(201);
    const multipart = await api()
      .post("/api/documents")
      .auth(w.tokens.alice, bearer)
      .set("Idempotency-Key", IDEMPOTENCY_KEY)
      .field("metadata", JSON.stringify({ documentTypeId: w.types.pupil, caseId }))
      .attach("file", Buffer.from("klage\n"), { filename: MULTIPART_FILE, contentType: "text/plain" })
      .expect(201);
    for (const doc of [fromTus.body, multipart.body]) {
      await api().get(`/api/documents/${doc.id}/content`).auth(w.tokens.alice, bearer).buffer(true).parse(binary).expect(200);
    }
    await api().get(`/api/cases/suggest?q=${SEARCH_WORD}`).auth(w.tokens.alice, bearer).expect(200);
    await api()
      .get(`/api/contacts?limit=5&cpr=${CPR.slice(0, 6)}-${CPR.slice(6)}`)
      .auth(adminToken!, bearer)
      .expect(200);
    await api().get(`/api/contacts?CPR=${CPR}`).auth(w.tokens.alice, bearer).expect(200);
    // Refused (alice may not look CPR numbers up): the problem's instance and the log name no number either.
    const refused = await api().get(`/api/contacts?cpr=${CPR}`).auth(w.tokens.alice, bearer).expect(403);
    expect(refused.body.instance).to.equal("/api/contacts?cpr=[redacted]");
    await api().get("/api/me").set("Cookie", "session=cookie-secret-1234").auth("a-wrong-token-0123456789", bearer).expect(401);
    return { log: lines.join(""), adminToken: adminToken!, aliceToken: w.tokens.alice };
  } finally {
    await svc.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

describe("the log", () => {
  let info: Session;
  let debug: Session;
  before(async () => {
    info = await sessionAt("info");
    debug = await sessionAt("debug");
  });

  it("logs each request at info: method, path and status", () => {
    const completed = info.log
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l))
      .filter((l) => l.msg === "request completed");
    expect(completed.map((l) => `${l.req.method} ${l.req.path} ${l.res.statusCode}`)).to.include.members([
      "POST /api/uploads 201",
      "POST /api/documents 201",
      "GET /api/cases/suggest 200",
      "GET /api/me 401",
    ]);
  });

  for (const level of ["info", "debug"] as const) {
    it(`never carries a secret at ${level}: the generated administrator token, API tokens, cookies or idempotency keys`, () => {
      const { log, adminToken, aliceToken } = level === "info" ? info : debug;
      expect(log).to.contain("a new API token was printed to standard output");
      for (const secret of [adminToken, aliceToken, "a-wrong-token-0123456789", "cookie-secret-1234", IDEMPOTENCY_KEY]) expect(log).to.not.contain(secret);
      for (const cpr of [CPR, `${CPR.slice(0, 6)}-${CPR.slice(6)}`]) expect(log, "a CPR number in a query string").to.not.contain(cpr);
      expect(log.toLowerCase()).to.not.contain('"authorization"');
    });
  }

  it("carries no file name or search word at info, in any encoding", () => {
    for (const personal of [TUS_FILE, b64(TUS_FILE), MULTIPART_FILE, "Klage-fra-Hansen", SEARCH_WORD]) expect(info.log).to.not.contain(personal);
  });

  it("carries file names and search words at debug, for finding out what a request did", () => {
    expect(debug.log).to.contain(b64(TUS_FILE));
    expect(debug.log).to.contain(MULTIPART_FILE);
    expect(debug.log).to.contain(SEARCH_WORD);
  });
});
