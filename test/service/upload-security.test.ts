import { expect } from "chai";
import fs from "node:fs";
import http from "node:http";
import sinon from "sinon";
import request from "supertest";
import { engineOf, openDatabase } from "../../service/db/dialect.ts";
import type { Actor } from "../../service/features/access/actor.ts";
import { CLAIM_LEASE_MS, CLAIM_RENEW_MS, claimUpload, releaseClaimsAtStart } from "../../service/features/uploads/uploads.service.ts";
import { bearer, tusClient } from "../support/http.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { storedUpload } from "../support/uploads.ts";
import { buildWorld, type World } from "../support/world.ts";
import { prepareDataDir, startChildService, type ChildService } from "../support/child-service.ts";

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request exactly as written: the path is sent byte for byte (no URL normalising), like an attacker's. */
function raw(base: string, method: string, rawPath: string, headers: Record<string, string>, body?: Buffer): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { hostname, port, method, path: rawPath, headers: { ...headers, ...(body ? { "Content-Length": String(body.length) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const TUS = { "Tus-Resumable": "1.0.0" };
const b64 = (s: string) => Buffer.from(s).toString("base64");
// The victim's upload has a length and an offset no other upload in this test has, so a leak shows.
const VICTIM_LENGTH = 777_777;
const VICTIM_BYTES = Buffer.alloc(12_345, 0x56);

describe("upload security: the upload tus acts on is the one that was checked", function () {
  this.timeout(180_000);
  let svc: TestService;
  let w: World;
  let victim: string;
  const api = () => request(svc.url);
  // Bob's upload as the store holds it (on disk or in the object store): its length, the bytes received, its metadata.
  const victimState = async () => {
    const upload = await storedUpload(svc.config, victim);
    if (!upload) throw new Error("the victim's upload is gone");
    return { size: upload.offset, bytes: upload.bytes, info: JSON.stringify([upload.size, upload.metadata]) };
  };

  async function startUpload(token: string, length = 64): Promise<string> {
    const res = await raw(svc.url, "POST", "/api/uploads", {
      ...TUS,
      Authorization: `Bearer ${token}`,
      "Upload-Length": String(length),
      "Upload-Metadata": `filename ${b64("eget.txt")}`,
    });
    expect(res.status, res.body).to.equal(201);
    return String(res.headers.location).split("/").pop()!;
  }

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    // Bob's upload, half sent: what the attacks aim at.
    victim = await startUpload(w.tokens.bob, VICTIM_LENGTH);
    const sent = await tusClient(svc.url, w.tokens.bob).patch(`/api/uploads/${victim}`, 0, VICTIM_BYTES);
    expect(sent.status).to.equal(204);
  });
  after(() => svc.dispose());

  it("no tus method, method override or URL trick reads, appends to or deletes another user's upload", async () => {
    const before = await victimState();
    const actors = [
      { who: "the owner (another upload of Bob's)", token: w.tokens.bob },
      { who: "another caseworker", token: w.tokens.alice },
      { who: "an external partner", token: w.tokens.erik },
      { who: "no token", token: undefined },
    ];
    const tricks = (own: string, v: string) => [
      `/api/uploads/${own}`,
      `/api/uploads/${own}?x=/${v}`,
      `/api/uploads/${own}?x=%2F${v}`,
      `/api/uploads/${own}?id=${v}&x=/${v}/`,
      `/api/uploads/${own}%2F${v}`,
      `/api/uploads/${own}%2f..%2f${v}`,
      `/api/uploads/${own}/${v}`,
      `/api/uploads/${own};/${v}`,
      `/api/uploads/${own}/..%2F${v}`,
      `/api/uploads//${v}`,
      `/api/uploads?x=/${v}`,
      `/api/uploads/?x=/${v}`,
      `/api/uploads/${v}`,
      `/api/uploads/${v.toUpperCase()}`,
      `/api/uploads/${v}%00`,
    ];
    const methods = ["GET", "POST", "HEAD", "PATCH", "DELETE", "OPTIONS", "PUT"];
    const overrides = [undefined, "HEAD", "PATCH", "DELETE", "GET", "head"];
    let requests = 0;
    for (const actor of actors) {
      let own = actor.token ? await startUpload(actor.token) : "00000000-0000-4000-8000-000000000000";
      for (const [i] of tricks(own, victim).entries()) {
        for (const method of methods) {
          for (const override of overrides) {
            const target = tricks(own, victim)[i];
            // The owner may of course work on their own upload by its own address; that is the normal tests' business.
            if (actor.token === w.tokens.bob && target.includes(`/${victim}`) && !target.includes(own) && !target.includes("?")) continue;
            const headers: Record<string, string> = { ...TUS, ...(actor.token ? { Authorization: `Bearer ${actor.token}` } : {}) };
            if (override) headers["X-HTTP-Method-Override"] = override;
            // A slice that would land exactly at the victim's offset if tus were pointed at it.
            const isPatch = method === "PATCH" || override?.toUpperCase() === "PATCH";
            if (isPatch) Object.assign(headers, { "Upload-Offset": String(VICTIM_BYTES.length), "Content-Type": "application/offset+octet-stream" });
            const res = await raw(svc.url, method, target, headers, isPatch ? Buffer.from("EVIL!") : undefined);
            requests++;
            const what = `${actor.who}: ${method}${override ? ` (override ${override})` : ""} ${target} → ${res.status} ${res.body.slice(0, 200)}`;
            expect(res.status, what).to.be.below(500);
            expect(res.headers["upload-length"], what).to.not.equal(String(VICTIM_LENGTH));
            expect(res.headers["upload-offset"], what).to.not.equal(String(VICTIM_BYTES.length));
            expect(res.headers["access-control-allow-origin"], what).to.equal(undefined);
            if (res.status >= 400 && method !== "HEAD") expect(res.headers["content-type"], what).to.match(/^application\/problem\+json/);
            // Without a token only addresses that are no route at all answer anything but 401.
            if (!actor.token) expect(res.status, what).to.be.oneOf([401, 404]);
            const now = await victimState();
            expect(now.size, what).to.equal(before.size);
            expect(now.bytes.equals(before.bytes), what).to.equal(true);
            expect(now.info, what).to.equal(before.info);
            if (res.status === 204 && (method === "DELETE" || override?.toUpperCase() === "DELETE")) own = await startUpload(actor.token!);
          }
        }
      }
    }
    expect(requests).to.be.greaterThan(1500);
    // Bob can still finish and save his upload, byte for byte what he sent.
    const rest = Buffer.alloc(VICTIM_LENGTH - VICTIM_BYTES.length, 0x57);
    expect((await tusClient(svc.url, w.tokens.bob).patch(`/api/uploads/${victim}`, VICTIM_BYTES.length, rest)).status).to.equal(204);
    expect((await victimState()).bytes.equals(Buffer.concat([VICTIM_BYTES, rest]))).to.equal(true);
  });

  it("a raw upload cannot be downloaded: GET without an override answers 405 and names the allowed methods", async () => {
    const id = await startUpload(w.tokens.alice, 3);
    await tusClient(svc.url, w.tokens.alice).patch(`/api/uploads/${id}`, 0, Buffer.from("abc"));
    for (let i = 0; i < 10; i++) {
      const res = await raw(svc.url, "GET", `/api/uploads/${id}`, { ...TUS, Authorization: `Bearer ${w.tokens.alice}` });
      expect(res.status).to.equal(405);
      expect(res.headers.allow).to.equal("HEAD, PATCH, DELETE");
      expect(JSON.parse(res.body).code).to.equal("method_not_allowed");
      expect(res.body).to.not.contain("abc");
    }
  });

  it("tus refusals are problem+json with a code, keeping Tus-Resumable", async () => {
    const auth = { Authorization: `Bearer ${w.tokens.alice}` };
    const noVersion = await raw(svc.url, "POST", "/api/uploads", { ...auth, "Upload-Length": "10", "Upload-Metadata": `filename ${b64("a.txt")}` });
    expect(noVersion.status).to.equal(412);
    expect(JSON.parse(noVersion.body).code).to.equal("tus_resumable_required");
    const badLength = await raw(svc.url, "POST", "/api/uploads", { ...TUS, ...auth, "Upload-Length": "-5", "Upload-Metadata": `filename ${b64("a.txt")}` });
    expect(badLength.status).to.equal(400);
    expect(JSON.parse(badLength.body)).to.include({ code: "invalid_tus_header" });
    // A refusal of a GET that stands for HEAD is a GET's answer: a body as long as its Content-Length says.
    const ownId = await startUpload(w.tokens.alice, 10);
    const asHead = await raw(svc.url, "GET", `/api/uploads/${ownId}`, { ...auth, "Tus-Resumable": "0.2.2", "X-HTTP-Method-Override": "HEAD" });
    expect(asHead.status).to.equal(400);
    expect(Buffer.byteLength(asHead.body)).to.equal(Number(asHead.headers["content-length"]));
    expect(JSON.parse(asHead.body).code).to.equal("invalid_tus_header");
    const concat = await raw(svc.url, "POST", "/api/uploads", {
      ...TUS,
      ...auth,
      "Upload-Concat": "partial",
      "Upload-Length": "10",
      "Upload-Metadata": `filename ${b64("a.txt")}`,
    });
    expect(concat.status).to.equal(400);
    expect(JSON.parse(concat.body).code).to.equal("unsupported_tus_extension");
    const noName = await raw(svc.url, "POST", "/api/uploads", { ...TUS, ...auth, "Upload-Length": "10" });
    expect(noName.status).to.equal(400);
    expect(JSON.parse(noName.body).code).to.equal("missing_filename");
    const id = await startUpload(w.tokens.alice, 10);
    const conflict = await raw(
      svc.url,
      "PATCH",
      `/api/uploads/${id}`,
      { ...TUS, ...auth, "Upload-Offset": "3", "Content-Type": "application/offset+octet-stream" },
      Buffer.from("x"),
    );
    expect(conflict.status).to.equal(409);
    expect(conflict.headers["content-type"]).to.match(/^application\/problem\+json/);
    expect(conflict.headers["tus-resumable"]).to.equal("1.0.0");
    expect(JSON.parse(conflict.body).code).to.equal("upload_offset_conflict");
    const tooLong = await raw(
      svc.url,
      "PATCH",
      `/api/uploads/${id}`,
      { ...TUS, ...auth, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream" },
      Buffer.alloc(11),
    );
    expect(tooLong.status).to.equal(413);
  });

  describe("claiming a finished upload", () => {
    let caseId: string;
    before(async () => {
      caseId = (
        await api()
          .post("/api/cases")
          .auth(w.tokens.alice, bearer)
          .send({ templateId: w.templates.pupil, title: "Elev 9", metadata: { elevnummer: "E-9" } })
          .expect(201)
      ).body.id;
    });
    const finished = async (text: string) => {
      const id = await startUpload(w.tokens.alice, Buffer.byteLength(text));
      expect((await tusClient(svc.url, w.tokens.alice).patch(`/api/uploads/${id}`, 0, Buffer.from(text))).status).to.equal(204);
      return id;
    };
    const documentsIn = async () => (await svc.ctx.db.selectFrom("documents").select("id").where("case_id", "=", caseId).execute()).length;

    it("of three saves of one upload at the same time exactly one makes a document; the others get 409 or 404", async () => {
      for (let round = 0; round < 5; round++) {
        const id = await finished(`indhold ${round} `.repeat(2000));
        const before = await documentsIn();
        const answers = await Promise.all(
          [1, 2, 3].map(() =>
            api()
              .post("/api/documents")
              .auth(w.tokens.alice, bearer)
              .send({ upload: id, caseId, documentTypeId: w.types.pupil, title: `Samtidig ${round}` }),
          ),
        );
        const statuses = answers.map((a) => a.status).sort();
        expect(
          statuses.filter((s) => s === 201),
          JSON.stringify(answers.map((a) => a.body)),
        ).to.have.length(1);
        for (const a of answers.filter((x) => x.status !== 201)) {
          expect(a.status).to.be.oneOf([404, 409]);
          expect(a.body.code).to.be.oneOf(["upload_claimed", "not_found"]);
        }
        expect(await documentsIn()).to.equal(before + 1);
      }
    });

    it("one upload named as both the file and an attachment of one save is refused and stays for a corrected retry", async () => {
      const id = await finished("bilag og fil på én gang");
      const before = await documentsIn();
      const res = await api()
        .post("/api/documents")
        .auth(w.tokens.alice, bearer)
        .send({ upload: id, caseId, documentTypeId: w.types.pupil, attachments: [{ upload: id, title: "Bilag" }] });
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal("upload_used_twice");
      expect(await documentsIn()).to.equal(before);
      await api().post("/api/documents").auth(w.tokens.alice, bearer).send({ upload: id, caseId, documentTypeId: w.types.pupil }).expect(201);
    });

    it("a save that fails after claiming gives its uploads back, so the retry succeeds", async () => {
      const file = await finished("gives back");
      const unfinished = await startUpload(w.tokens.alice, 100);
      const refused = await api()
        .post("/api/documents")
        .auth(w.tokens.alice, bearer)
        .send({ upload: file, caseId, documentTypeId: w.types.pupil, attachments: [{ upload: unfinished, title: "Halvt" }] });
      expect(refused.status).to.equal(409);
      expect(refused.body.code).to.equal("upload_incomplete");
      const rows = await svc.ctx.db.selectFrom("uploads").select(["id", "claimed_at"]).where("id", "in", [file, unfinished]).execute();
      expect(rows.map((r) => r.claimed_at)).to.deep.equal([null, null]);
      await api().post("/api/documents").auth(w.tokens.alice, bearer).send({ upload: file, caseId, documentTypeId: w.types.pupil }).expect(201);
    });

    const claimedAt = async (id: string) =>
      (await svc.ctx.db.selectFrom("uploads").select("claimed_at").where("id", "=", id).executeTakeFirstOrThrow()).claimed_at;
    const claimAgo = (id: string, ms: number) =>
      svc.ctx.db
        .updateTable("uploads")
        .set({ claimed_at: new Date(Date.now() - ms).toISOString() })
        .where("id", "=", id)
        .execute();
    const save = (upload: string) => api().post("/api/documents").auth(w.tokens.alice, bearer).send({ upload, caseId, documentTypeId: w.types.pupil });

    it("a claim within its lease is a running save's (409); one past it is a dead process's, and the next save takes the upload over", async () => {
      const id = await finished("en proces døde midt i gemningen");
      await claimAgo(id, CLAIM_LEASE_MS - 10_000);
      const refused = await save(id);
      expect(refused.status).to.equal(409);
      expect(refused.body.code).to.equal("upload_claimed");
      await claimAgo(id, CLAIM_LEASE_MS + 1000);
      await save(id).expect(201);
    });

    it("a save renews its claim while it runs, and gives it back under the renewed time", async () => {
      const id = await finished("en langsom gemning");
      // Only intervals made meanwhile are fake; the service's own (its job runner's) are still cleared when it asks.
      const clock = sinon.useFakeTimers({ toFake: ["setInterval", "clearInterval"], shouldClearNativeTimers: true });
      try {
        const claimed = await claimUpload(svc.ctx, { userId: w.users.alice } as Actor, id);
        const taken = await claimedAt(id);
        await new Promise((resolve) => setTimeout(resolve, 5));
        await clock.tickAsync(CLAIM_RENEW_MS);
        let renewed = taken;
        while (renewed === taken) renewed = await claimedAt(id);
        expect(renewed! > taken!, `${renewed} after ${taken}`).to.equal(true);
        await claimed.giveBack();
        expect(await claimedAt(id)).to.equal(null);
      } finally {
        clock.restore();
      }
      await save(id).expect(201);
    });

    it("a claim of a running process is refused; one of a process that is gone is taken over at once on PostgreSQL (on SQLite the starting process frees it)", async () => {
      const id = await finished("en proces der døde midt i gemningen");
      const claimBy = (mark: string) =>
        svc.ctx.db
          .updateTable("uploads")
          .set({ claimed_at: `${new Date(Date.now() - 1000).toISOString()}|${mark}` })
          .where("id", "=", id)
          .execute();
      await claimBy(await svc.ctx.liveness.mine());
      expect((await save(id)).body.code).to.equal("upload_claimed");
      // A mark no running process holds.
      await claimBy("2147483646");
      expect(await svc.ctx.liveness.alive("2147483646")).to.equal(engineOf(svc.ctx.db) === "sqlite");
      if (engineOf(svc.ctx.db) === "postgres") await save(id).expect(201);
      else expect((await save(id)).body.code).to.equal("upload_claimed");
    });

    it("a process's mark is alive while it runs and gone once its connection closes, as another process sees it (on SQLite the one process always is)", async () => {
      const other = openDatabase(svc.config);
      const mark = await other.liveness.mine();
      expect(await other.liveness.mine()).to.equal(mark);
      expect(await svc.ctx.liveness.alive(mark)).to.equal(true);
      await other.close();
      if (engineOf(svc.ctx.db) === "sqlite") expect(await svc.ctx.liveness.alive(mark)).to.equal(true);
      // PostgreSQL drops the lock as it ends the closed connection's session; the test's timeout bounds the wait.
      else while (await svc.ctx.liveness.alive(mark)) await new Promise((resolve) => setTimeout(resolve, 20));
    });

    it("a starting process frees every claim on SQLite, where it is the only one; on PostgreSQL it leaves the running saves' claims of other processes", async () => {
      const id = await finished("en anden proces gemmer");
      await claimAgo(id, 1000);
      const engine = engineOf(svc.ctx.db);
      await releaseClaimsAtStart(svc.ctx, engine);
      if (engine === "sqlite") expect(await claimedAt(id)).to.equal(null);
      else expect((await save(id)).body.code).to.equal("upload_claimed");
    });
  });
});

describe("upload security: the service process stays up", function () {
  this.timeout(120_000);
  let child: ChildService;
  let token: string;
  before(async () => {
    const { dataDir, world } = await prepareDataDir();
    token = world.tokens.alice;
    child = await startChildService(dataDir);
  });
  after(async () => {
    await child.stop();
    fs.rmSync(child.dataDir, { recursive: true, force: true });
  });

  it("repeating GET of one's own finished upload never ends the process (it crashed within 1–5 requests)", async () => {
    const tus = tusClient(child.url, token);
    const id = await tus.upload(Buffer.from("færdig upload"), "færdig.txt", "text/plain");
    for (let i = 0; i < 25; i++) {
      const res = await raw(child.url, "GET", `/api/uploads/${id}`, { ...TUS, Authorization: `Bearer ${token}` });
      expect(res.status, child.output()).to.equal(405);
    }
    const health = await raw(child.url, "GET", "/api/health", {});
    expect(health.status, child.output()).to.equal(200);
  });
});
