import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { loadConfig } from "../../service/config.ts";
import { startService, type RunningService } from "../../service/server.ts";
import { ADMIN_TOKEN, scaleBackends } from "../support/service.ts";

// Several service processes started at the same moment on a new archive, as a scale-out start does (README: Running at
// scale): one of them makes the audit chain's key and the checkpoint signing key, and every other one takes those.
describe("service processes started at once on a new archive", () => {
  let dataDir: string;
  const services: RunningService[] = [];
  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-start-"));
  });
  after(async () => {
    for (const s of services) await s.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("all start, with one chain key and one signing key, and the chain they write together verifies", async () => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      ...(await scaleBackends(path.basename(dataDir))),
      PORT: "0",
      HOST: "127.0.0.1",
      SEED_DEMO: "false",
      LOG_LEVEL: "silent",
      IMS_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    services.push(...(await Promise.all([1, 2, 3].map(() => startService(config)))));
    const audit = path.join(dataDir, "audit");
    for (const file of ["chain.key", "chain.json", "checkpoint-signing.pem", "checkpoint-signing.pub.pem"])
      expect(fs.existsSync(path.join(audit, file)), file).to.equal(true);
    expect(fs.readdirSync(audit).filter((f) => f.endsWith(".tmp"))).to.deep.equal([]);
    // Each process keys the rows it appends with the key it holds: had two made their own, the chain would break.
    for (const [i, s] of services.entries()) {
      const res = await request(s.url)
        .post("/api/admin/groups")
        .auth(ADMIN_TOKEN, { type: "bearer" })
        .send({ name: `Gruppe ${i}` });
      expect(res.status, res.text).to.equal(201);
    }
    for (const s of services) {
      const verified = await request(s.url).get("/api/audit/verify").auth(ADMIN_TOKEN, { type: "bearer" });
      expect(verified.status, verified.text).to.equal(200);
      expect(verified.body).to.include({ status: "ok" });
    }
  });
});
