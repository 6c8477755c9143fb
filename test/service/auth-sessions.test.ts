import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { loadConfig } from "../../service/config.ts";
import { openDatabase, type OpenedDatabase } from "../../service/db/dialect.ts";
import { migrateToLatest } from "../../service/db/migrate.ts";
import { recordCredentialUse } from "../../service/features/auth/sessions.ts";
import { startService, type RunningService } from "../../service/server.ts";
import { scaleBackends } from "../support/service.ts";

const minutes = (n: number, from: Date) => new Date(from.getTime() + n * 60_000);

describe("sign-in sessions (auth_sessions)", () => {
  let dir: string;
  let one: OpenedDatabase;
  let other: OpenedDatabase;
  const t0 = new Date("2026-12-01T08:00:00.000Z");

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-sessions-"));
    const config = loadConfig({ DATA_DIR: dir, ...(await scaleBackends(path.basename(dir))) });
    one = openDatabase(config);
    await migrateToLatest(one.db);
    // A second service process on the same database.
    other = openDatabase(config);
    await one.db
      .insertInto("users")
      .values({ id: "u-alice", email: "alice@skole.dk", name: "Alice", role: "caseworker", active: 1, created_at: t0.toISOString() })
      .execute();
  });
  afterEach(async () => {
    await one.close();
    await other.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the first use starts a session, uses within 30 minutes of the last continue it, and a use after a longer pause starts a new one", async () => {
    expect(await recordCredentialUse(one.db, "u-alice", "api-token", t0)).to.equal(true);
    expect(await recordCredentialUse(one.db, "u-alice", "api-token", minutes(0.5, t0))).to.equal(false);
    expect(await recordCredentialUse(one.db, "u-alice", "api-token", minutes(20, t0))).to.equal(false);
    expect(await recordCredentialUse(one.db, "u-alice", "api-token", minutes(45, t0))).to.equal(false);
    expect(await recordCredentialUse(one.db, "u-alice", "api-token", minutes(80, t0))).to.equal(true);
    const row = await one.db.selectFrom("auth_sessions").selectAll().executeTakeFirstOrThrow();
    expect(row).to.deep.equal({
      user_id: "u-alice",
      credential: "api-token",
      started_at: minutes(80, t0).toISOString(),
      last_used_at: minutes(80, t0).toISOString(),
    });
  });

  it("each kind of credential has its own session: signing in with Google after an API token is a login of its own", async () => {
    expect(await recordCredentialUse(one.db, "u-alice", "api-token", t0)).to.equal(true);
    expect(await recordCredentialUse(one.db, "u-alice", "google", minutes(1, t0))).to.equal(true);
    expect(await recordCredentialUse(one.db, "u-alice", "google", minutes(2, t0))).to.equal(false);
  });

  it("two service processes that see the same user's first use at once start one session between them, not two", async () => {
    const results = await Promise.all([recordCredentialUse(one.db, "u-alice", "google", t0), recordCredentialUse(other.db, "u-alice", "google", t0)]);
    expect(results.filter(Boolean)).to.have.length(1);
    const later = minutes(40, t0);
    const again = await Promise.all([recordCredentialUse(other.db, "u-alice", "google", later), recordCredentialUse(one.db, "u-alice", "google", later)]);
    expect(again.filter(Boolean)).to.have.length(1);
  });

  it("a session continued in one process is continued in the other: the other does not log the user in again", async () => {
    expect(await recordCredentialUse(one.db, "u-alice", "api-token", t0)).to.equal(true);
    expect(await recordCredentialUse(other.db, "u-alice", "api-token", minutes(5, t0))).to.equal(false);
  });
});

describe("sign-in sessions across a restart", () => {
  const TOKEN = "session-admin-token-0123456789";
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-sessions-restart-"));
  let svc: RunningService | undefined;
  const start = async () => {
    await svc?.stop();
    svc = await startService(
      loadConfig({
        DATA_DIR: dataDir,
        ...(await scaleBackends(path.basename(dataDir))),
        PORT: "0",
        HOST: "127.0.0.1",
        SEED_DEMO: "false",
        LOG_LEVEL: "silent",
        IMS_ADMIN_TOKEN: TOKEN,
      }),
    );
    return svc;
  };
  after(async () => {
    await svc?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("a token used again right after the service restarts continues its session: the restart logs nobody in", async () => {
    await request((await start()).url)
      .get("/api/me")
      .auth(TOKEN, { type: "bearer" })
      .expect(200);
    const restarted = await start();
    await request(restarted.url).get("/api/me").auth(TOKEN, { type: "bearer" }).expect(200);
    const logins = await restarted.ctx.db.selectFrom("audit_events").select("details").where("action", "=", "auth.login").execute();
    expect(logins.map((l) => JSON.parse(l.details))).to.deep.equal([{ via: "api-token" }]);
  });
});
