import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { scaleBackends } from "../support/service.ts";
import sinon from "sinon";
import request from "supertest";
import { loadConfig } from "../../service/config.ts";
import * as tokenSource from "../../service/db/migrations/2026_12_01_020_token_source.ts";
import { startService, type RunningService } from "../../service/server.ts";

const OLD = "admin-token-before-rotation-0123";
const NEW = "admin-token-after-rotation-45678";

/** One data directory started again and again with a changing environment, as an operator rotates tokens. */
class Restarts {
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-tokens-"));
  svc: RunningService | undefined;
  /** What the last start printed to standard output (the banner of a generated token). */
  printed = "";

  async start(env: Record<string, string>): Promise<RunningService> {
    await this.svc?.stop();
    const config = loadConfig({
      DATA_DIR: this.dataDir,
      ...(await scaleBackends(path.basename(this.dataDir))),
      PORT: "0",
      HOST: "127.0.0.1",
      SEED_DEMO: "false",
      LOG_LEVEL: "silent",
      ...env,
    });
    const chunks: string[] = [];
    const write = sinon.stub(process.stdout, "write").callsFake((chunk: string | Uint8Array) => (chunks.push(String(chunk)), true));
    try {
      this.svc = await startService(config);
    } finally {
      write.restore();
    }
    this.printed = chunks.join("");
    return this.svc;
  }

  /** The token the last start printed, or null. */
  get printedToken(): string | null {
    return /administrator token \(shown once, keep it\): (\S+)/.exec(this.printed)?.[1] ?? null;
  }

  status = async (token: string) => (await request(this.svc!.url).get("/api/me").auth(token, { type: "bearer" })).status;

  events = async (action: string) =>
    (await this.svc!.ctx.db.selectFrom("audit_events").select("details").where("action", "=", action).orderBy("seq").execute()).map(
      (e): Record<string, unknown> & { raw: string } => ({ ...JSON.parse(e.details), raw: e.details }),
    );

  async dispose(): Promise<void> {
    await this.svc?.stop();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

describe("tokens from the environment (rotation)", () => {
  let env: Restarts;
  beforeEach(() => {
    env = new Restarts();
  });
  afterEach(() => env.dispose());

  it("changing IMS_ADMIN_TOKEN retires the old token: it is refused, the new one works, and token.retire names the variable but no token", async () => {
    await env.start({ IMS_ADMIN_TOKEN: OLD });
    expect(await env.status(OLD)).to.equal(200);
    await env.start({ IMS_ADMIN_TOKEN: NEW });
    expect(await env.status(OLD)).to.equal(401);
    expect(await env.status(NEW)).to.equal(200);
    const retired = await env.events("token.retire");
    expect(retired).to.have.length(1);
    expect(retired[0]).to.include({ variable: "IMS_ADMIN_TOKEN", reason: "changed" });
    const issued = await env.events("token.issue");
    expect(issued.map((e) => e.variable)).to.deep.equal(["IMS_ADMIN_TOKEN", "IMS_ADMIN_TOKEN"]);
    for (const e of [...retired, ...issued]) expect(e.raw).to.not.contain(OLD).and.not.contain(NEW);
    expect(env.printedToken, "a configured token needs no generated one").to.equal(null);
  });

  it("the same IMS_ADMIN_TOKEN again changes nothing: no new token, no audit event", async () => {
    await env.start({ IMS_ADMIN_TOKEN: OLD });
    const tokensBefore = await env.svc!.ctx.db.selectFrom("api_tokens").selectAll().execute();
    const eventsBefore = await env.svc!.ctx.db.selectFrom("audit_events").select("seq").execute();
    await env.start({ IMS_ADMIN_TOKEN: OLD });
    expect(await env.svc!.ctx.db.selectFrom("api_tokens").selectAll().execute()).to.deep.equal(tokensBefore);
    expect(await env.svc!.ctx.db.selectFrom("audit_events").select("seq").execute()).to.deep.equal(eventsBefore);
    expect(await env.status(OLD)).to.equal(200);
  });

  it("removing IMS_ADMIN_TOKEN retires its token and, with no other administrator token left, prints a fresh one that works", async () => {
    await env.start({ IMS_ADMIN_TOKEN: OLD });
    await env.start({});
    expect(await env.status(OLD)).to.equal(401);
    expect(await env.events("token.retire")).to.have.length(1);
    expect((await env.events("token.retire"))[0]).to.include({ variable: "IMS_ADMIN_TOKEN", reason: "removed" });
    const generated = env.printedToken;
    expect(generated, "the administrator would be locked out").to.be.a("string");
    expect(await env.status(generated!)).to.equal(200);
    await env.start({});
    expect(env.printedToken, "a second start without the variable prints nothing new").to.equal(null);
    expect(await env.status(generated!)).to.equal(200);
  });

  it("removing IMS_ADMIN_TOKEN while the administrator holds a token issued through the API retires only the variable's token", async () => {
    await env.start({ IMS_ADMIN_TOKEN: OLD });
    const me = (await request(env.svc!.url).get("/api/me").auth(OLD, { type: "bearer" }).expect(200)).body;
    const issued = await request(env.svc!.url).post(`/api/admin/users/${me.id}/tokens`).auth(OLD, { type: "bearer" }).send({ label: "laptop" }).expect(201);
    await env.start({});
    expect(await env.status(OLD)).to.equal(401);
    expect(await env.status(issued.body.token)).to.equal(200);
    expect(env.printedToken).to.equal(null);
  });

  it("a retired value does not come back (old → new → old): the old token stays refused and the administrator gets a printed one", async () => {
    await env.start({ IMS_ADMIN_TOKEN: OLD });
    await env.start({ IMS_ADMIN_TOKEN: NEW });
    await env.start({ IMS_ADMIN_TOKEN: OLD });
    expect(await env.status(OLD)).to.equal(401);
    expect(await env.status(NEW)).to.equal(401);
    expect(await env.status(env.printedToken!)).to.equal(200);
  });

  it("a token from IMS_ADMIN_TOKEN revoked by an administrator stays revoked on the next start with the same variable", async () => {
    await env.start({ IMS_ADMIN_TOKEN: OLD });
    const me = (await request(env.svc!.url).get("/api/me").auth(OLD, { type: "bearer" }).expect(200)).body;
    const tokens = (await request(env.svc!.url).get(`/api/admin/users/${me.id}/tokens`).auth(OLD, { type: "bearer" }).expect(200)).body.items;
    await request(env.svc!.url).delete(`/api/admin/users/${me.id}/tokens/${tokens[0].id}`).auth(OLD, { type: "bearer" }).expect(204);
    await env.start({ IMS_ADMIN_TOKEN: OLD });
    expect(await env.status(OLD)).to.equal(401);
    expect(await env.status(env.printedToken!)).to.equal(200);
  });

  it("changing IMS_DEMO_TOKEN_<LOGIN> retires the demo user's old token, and removing it retires the new one even without seeding", async () => {
    await env.start({ IMS_ADMIN_TOKEN: OLD, SEED_DEMO: "true", IMS_DEMO_TOKEN_ANNE: "anne-first-token-0123456789" });
    expect(await env.status("anne-first-token-0123456789")).to.equal(200);
    await env.start({ IMS_ADMIN_TOKEN: OLD, SEED_DEMO: "true", IMS_DEMO_TOKEN_ANNE: "anne-second-token-0123456789" });
    expect(await env.status("anne-first-token-0123456789")).to.equal(401);
    expect(await env.status("anne-second-token-0123456789")).to.equal(200);
    await env.start({ IMS_ADMIN_TOKEN: OLD, SEED_DEMO: "false" });
    expect(await env.status("anne-second-token-0123456789")).to.equal(401);
    expect(await env.status(OLD)).to.equal(200);
    const retired = await env.events("token.retire");
    expect(retired.map((e) => [e.variable, e.reason])).to.deep.equal([
      ["IMS_DEMO_TOKEN_ANNE", "changed"],
      ["IMS_DEMO_TOKEN_ANNE", "removed"],
    ]);
  });

  it("a token set through IMS_ADMIN_TOKEN before tokens remembered their variable is retired when the variable changes", async () => {
    await env.start({ IMS_ADMIN_TOKEN: OLD });
    const db = env.svc!.ctx.db;
    // As the database was before the migration: the token carries the variable only as its label.
    await tokenSource.down(db);
    await tokenSource.up(db);
    expect(await db.selectFrom("api_tokens").select(["label", "env_variable"]).execute()).to.deep.equal([
      { label: "IMS_ADMIN_TOKEN", env_variable: "IMS_ADMIN_TOKEN" },
    ]);
    await env.start({ IMS_ADMIN_TOKEN: NEW });
    expect(await env.status(OLD)).to.equal(401);
  });
});
