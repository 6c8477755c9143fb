import { expect } from "chai";
import fs from "node:fs";
import request from "supertest";
import { openDatabase } from "../../service/db/dialect.ts";
import { flushAuthRefusals } from "../../service/http/auth.ts";
import { throttleKey } from "../../service/http/throttle.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";

const LIMIT = 20;
const BAD = "not-a-token-of-anyone-0123456789";

interface Refusal {
  ip: string;
  path: string;
  reason?: string;
  count?: number;
  from?: string;
  to?: string;
  blocked?: boolean;
}

describe("throttling failed authentication", () => {
  let svc: TestService;
  // Each test uses addresses of its own (the test client is on loopback, so X-Forwarded-For is believed).
  const me = (address: string, token = BAD, path = "/api/me") => request(svc.url).get(path).set("X-Forwarded-For", address).auth(token, { type: "bearer" });

  async function refusalsFrom(ip: string): Promise<Array<Refusal & { bytes: number }>> {
    const rows = await svc.ctx.db.selectFrom("audit_events").select("details").where("action", "=", "auth.refused").orderBy("seq").execute();
    return rows.map((r) => ({ ...(JSON.parse(r.details) as Refusal), bytes: r.details.length })).filter((r) => r.ip === ip);
  }

  /** Sends `total` requests, `parallel` at a time, and tallies the statuses. */
  async function flood(total: number, parallel: number, send: (i: number) => request.Test) {
    const statuses = new Map<number, number>();
    const retryAfter = new Set<string>();
    for (let i = 0; i < total; i += parallel) {
      const batch = await Promise.all(Array.from({ length: Math.min(parallel, total - i) }, (_, j) => send(i + j)));
      for (const res of batch) {
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 429) {
          expect(res.headers["content-type"]).to.match(/^application\/problem\+json/);
          expect(res.body.code).to.equal("too_many_requests");
          retryAfter.add(res.headers["retry-after"]);
        }
      }
    }
    return { statuses: Object.fromEntries(statuses), retryAfter: [...retryAfter] };
  }

  before(async () => {
    svc = await startTestService({ IMS_AUTH_FAILURES_PER_MINUTE: String(LIMIT), IMS_AUTH_BLOCK_SECONDS: "60" });
  });
  after(() => svc.dispose());

  it("3,000 bad guesses from one address: 20 are answered 401, the rest 429 with Retry-After, and the audit log grows by 20 rows and a count", async () => {
    const { statuses, retryAfter } = await flood(3000, 50, () => me("203.0.113.10"));
    expect(statuses).to.deep.equal({ 401: LIMIT, 429: 3000 - LIMIT });
    for (const seconds of retryAfter) expect(Number(seconds)).to.be.within(1, 60);
    await flushAuthRefusals(svc.ctx);
    const rows = await refusalsFrom("203.0.113.10");
    const evaluated = rows.filter((r) => r.reason !== "throttled");
    const summaries = rows.filter((r) => r.reason === "throttled");
    expect(evaluated).to.have.length(LIMIT);
    expect(evaluated.at(-1)).to.include({ blocked: true });
    expect(summaries.reduce((n, r) => n + r.count!, 0)).to.equal(3000 - LIMIT);
    const minutes = summaries.map((r) => r.from!.slice(0, 16));
    expect(new Set(minutes).size, "one summary row per address per minute").to.equal(summaries.length);
    for (const r of summaries) expect(r.to!.slice(0, 16)).to.equal(r.from!.slice(0, 16));
  });

  it("while an address is blocked even a correct token from it gets 429; another address is not blocked and the token works from there", async () => {
    await flood(LIMIT, 5, () => me("203.0.113.20"));
    const blocked = await me("203.0.113.20", ADMIN_TOKEN);
    expect(blocked.status).to.equal(429);
    expect(Number(blocked.headers["retry-after"])).to.be.within(1, 60);
    expect((await me("203.0.113.21")).status, "a bad token from a second address is judged, not throttled").to.equal(401);
    expect((await me("203.0.113.21", ADMIN_TOKEN)).status).to.equal(200);
    expect((await me("203.0.113.22", ADMIN_TOKEN)).status).to.equal(200);
  });

  it("successful authentications do not count against the address, and do not buy it more guesses either", async () => {
    const { statuses } = await flood(2 * LIMIT, 1, (i) => me("203.0.113.30", i % 2 ? BAD : ADMIN_TOKEN));
    expect(statuses).to.deep.equal({ 200: LIMIT, 401: LIMIT });
    expect((await me("203.0.113.30")).status).to.equal(429);
  });

  it("an 8 KB path is written as at most 200 characters of it, and 500 such refusals stay a few kilobytes", async () => {
    const long = `/api/${"x".repeat(8192)}`;
    const { statuses } = await flood(500, 25, () => me("203.0.113.40", BAD, long));
    expect(statuses).to.deep.equal({ 401: LIMIT, 429: 500 - LIMIT });
    await flushAuthRefusals(svc.ctx);
    const rows = await refusalsFrom("203.0.113.40");
    for (const r of rows) expect(r.path.length).to.be.at.most(201);
    expect(rows.filter((r) => r.reason !== "throttled")).to.have.length(LIMIT);
    expect(
      rows.filter((r) => r.reason === "throttled").reduce((n, r) => n + r.count!, 0),
      "the attempts refused while blocked are all counted",
    ).to.equal(500 - LIMIT);
    const bytes = rows.reduce((n, r) => n + r.bytes, 0);
    expect(bytes, `${rows.length} rows`).to.be.below(10_000);
  });

  it("addresses of one IPv6 /64 are counted together; another /64 is not blocked", async () => {
    const { statuses } = await flood(LIMIT + 5, 5, (i) => me(`2001:db8:7:7::${(i + 1).toString(16)}`));
    expect(statuses).to.deep.equal({ 401: LIMIT, 429: 5 });
    expect((await me("2001:db8:7:8::1")).status).to.equal(401);
    expect(throttleKey("2001:DB8:7:7:0:0:0:1")).to.equal("2001:db8:7:7::/64");
    expect(throttleKey("::ffff:192.0.2.1")).to.equal("192.0.2.1");
  });

  it("throttled attempts still being counted at shutdown are written before the database closes", async () => {
    const own = await startTestService({ IMS_AUTH_FAILURES_PER_MINUTE: "2" });
    let stopped = false;
    try {
      for (let i = 0; i < 12; i++) await request(own.url).get("/api/me").set("X-Forwarded-For", "198.51.100.9").auth(BAD, { type: "bearer" });
      await own.stop();
      stopped = true;
      const reopened = openDatabase(own.config);
      const rows = await reopened.db.selectFrom("audit_events").select("details").where("action", "=", "auth.refused").execute();
      await reopened.close();
      const refusals = rows.map((r) => JSON.parse(r.details) as Refusal);
      expect(refusals.filter((r) => r.reason !== "throttled")).to.have.length(2);
      expect(refusals.filter((r) => r.reason === "throttled").reduce((n, r) => n + r.count!, 0)).to.equal(10);
    } finally {
      if (!stopped) await own.stop();
      fs.rmSync(own.dataDir, { recursive: true, force: true });
    }
  });
});
