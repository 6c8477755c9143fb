import SqliteDatabase from "better-sqlite3";
import { expect } from "chai";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import request from "supertest";
import { loadConfig } from "../../service/config.ts";
import { canonicalRow, chainHash } from "../../service/features/audit/audit.service.ts";
import type { AuditEventRow } from "../../service/features/audit/audit.table.ts";
import { startService } from "../../service/server.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run audit:verify` as an operator runs it: the service's configuration comes from the environment. */
function auditVerifyCli(archiveEnv: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile("npx", ["tsx", "service/cli/audit-verify.ts"], { cwd: repoRoot, env: { ...process.env, ...archiveEnv } }, (err, stdout, stderr) => {
      const code = err ? Number((err as NodeJS.ErrnoException & { code?: unknown }).code ?? 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("audit log", () => {
  let svc: TestService;
  let w: World;
  let caseId: string;
  let docId: string;
  const as = (token: string) => ({
    get: (url: string) => request(svc.url).get(url).auth(token, { type: "bearer" }),
    post: (url: string) => request(svc.url).post(url).auth(token, { type: "bearer" }),
    patch: (url: string) => request(svc.url).patch(url).auth(token, { type: "bearer" }),
  });
  const auditRows = () => svc.ctx.db.selectFrom("audit_events").selectAll().orderBy("seq").execute();

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    const alice = as(w.tokens.alice);
    const c = await alice
      .post("/api/cases")
      .send({ templateId: w.templates.pupil, title: "Elev 7", metadata: { elevnummer: "E-7" } })
      .expect(201);
    caseId = c.body.id;
    const doc = await alice
      .post("/api/documents")
      .field("metadata", JSON.stringify({ documentTypeId: w.types.pupil, caseId }))
      .attach("file", Buffer.from("Elevplan for elev 7\n"), { filename: "Elevplan.txt", contentType: "text/plain" })
      .expect(201);
    docId = doc.body.id;
    await alice
      .post("/api/documents")
      .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, caseId }))
      .attach("file", Buffer.from("Brev til forældre\n"), { filename: "Brev.txt", contentType: "text/plain" })
      .expect(201);
    await alice.get(`/api/documents/${docId}`).expect(200);
    await alice.get(`/api/documents/${docId}/content`).expect(200);
    await alice.patch(`/api/documents/${docId}`).send({ title: "Elevplan 2026" }).expect(200);
    await alice.post(`/api/documents/${docId}/comments`).send({ body: "Gennemgået med forældrene" }).expect(201);
    await as(w.tokens.carl).get(`/api/cases/${caseId}`).expect(200);
    await as(w.tokens.bob).get(`/api/documents/${docId}`).expect(404);
    await as("not-a-real-token-at-all").get("/api/me").expect(401);
  });
  after(() => svc.dispose());

  describe("after real activity through the API", () => {
    it("the chain verifies for an administrator, counting every event", async () => {
      const res = await as(ADMIN_TOKEN).get("/api/audit/verify").expect(200);
      const rows = await auditRows();
      expect(rows.length).to.be.greaterThan(20);
      expect(res.body).to.include({ status: "ok", count: rows.length, head: rows[rows.length - 1].hash });
    });

    it("a caseworker may not verify the chain", async () => {
      const res = await as(w.tokens.alice).get("/api/audit/verify").expect(403);
      expect(res.headers["content-type"]).to.match(/^application\/problem\+json/);
      expect(res.body.code).to.equal("admin_only");
    });

    it("`npm run audit:verify` reports ok with the count and the head hash", async () => {
      const rows = await auditRows();
      const run = await auditVerifyCli(svc.archiveEnv);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout.split("\n")[0]).to.equal(`ok: ${rows.length} events, head ${rows[rows.length - 1].hash}`);
    });

    it("`npm run audit:verify` on a data directory without a database exits 2 and creates none", async () => {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), "ims-audit-empty-"));
      try {
        const run = await auditVerifyCli({ DATA_DIR: empty });
        expect(run.code).to.equal(2);
        expect(run.stderr).to.contain("no database");
        expect(fs.readdirSync(empty)).to.deep.equal([]);
      } finally {
        fs.rmSync(empty, { recursive: true, force: true });
      }
    });
  });

  describe("GET /api/audit", () => {
    it("a colleague who may see the document gets its create, view, download and update events with the actor", async () => {
      const res = await as(w.tokens.carl).get(`/api/audit?objectType=document&objectId=${docId}`).expect(200);
      const items = res.body.items as Array<{
        seq: number;
        action: string;
        actor: { id: string; name: string } | null;
        objectId: string;
        details: Record<string, unknown>;
      }>;
      const actions = items.map((e) => e.action);
      expect(actions).to.include.members(["document.create", "document.view", "document.download", "document.update", "comment.create"]);
      for (const e of items.filter((e) => ["document.create", "document.view", "document.download", "document.update"].includes(e.action))) {
        expect(e.actor).to.deep.equal({ id: w.users.alice, name: "Alice Sagsbehandler" });
        expect(e.objectId).to.equal(docId);
      }
      expect(items.find((e) => e.action === "document.download")!.details).to.include({ version: "1.0" });
      const seqs = items.map((e) => e.seq);
      expect(seqs).to.deep.equal(
        [...seqs].sort((a, b) => b - a),
        "newest first",
      );
    });

    it("the events page with a cursor, newest first, without gaps or repeats", async () => {
      const all = (await as(w.tokens.alice).get(`/api/audit?objectType=document&objectId=${docId}&limit=500`).expect(200)).body.items.map(
        (e: { seq: number }) => e.seq,
      );
      expect(all.length).to.be.greaterThan(4);
      const paged: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/audit?objectType=document&objectId=${docId}&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
        const res = await as(w.tokens.alice).get(url).expect(200);
        expect(res.body.items.length).to.be.at.most(2);
        paged.push(...res.body.items.map((e: { seq: number }) => e.seq));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      expect(paged).to.deep.equal(all);
      expect(pages).to.equal(Math.ceil(all.length / 2));
    });

    it("a case's events are listed too", async () => {
      const res = await as(w.tokens.alice).get(`/api/audit?objectType=case&objectId=${caseId}`).expect(200);
      const items = res.body.items as Array<{ action: string; actor: { id: string } | null }>;
      expect(items.find((e) => e.action === "case.create")?.actor?.id).to.equal(w.users.alice);
      expect(items.find((e) => e.action === "case.view")?.actor?.id).to.equal(w.users.carl);
    });

    it("a caseworker outside the access group gets 404 for the document's events, and the refusal is recorded", async () => {
      const res = await as(w.tokens.bob).get(`/api/audit?objectType=document&objectId=${docId}`).expect(404);
      expect(res.headers["content-type"]).to.match(/^application\/problem\+json/);
      expect(res.body.code).to.equal("not_found");
      const seen = await as(w.tokens.alice).get(`/api/audit?objectType=document&objectId=${docId}`).expect(200);
      const refusals = (seen.body.items as Array<{ action: string; actor: { id: string } | null }>).filter((e) => e.action === "access.refused");
      expect(refusals.length).to.be.at.least(2);
      expect(refusals.every((e) => e.actor?.id === w.users.bob)).to.equal(true);
    });

    it("an external partner cannot read the events of a document outside their access", async () => {
      await as(w.tokens.erik).get(`/api/audit?objectType=document&objectId=${docId}`).expect(404);
    });

    it("the first use of a token is recorded as a login, once per session", async () => {
      const logins = await svc.ctx.db.selectFrom("audit_events").selectAll().where("action", "=", "auth.login").where("actor_id", "=", w.users.alice).execute();
      expect(logins).to.have.length(1);
      expect(logins[0].object_type).to.equal("user");
      expect(logins[0].object_id).to.equal(w.users.alice);
      expect(JSON.parse(logins[0].details)).to.deep.equal({ via: "api-token" });
    });

    it("a request with an unknown token is refused and the refusal is recorded", async () => {
      const refused = await svc.ctx.db.selectFrom("audit_events").selectAll().where("action", "=", "auth.refused").execute();
      expect(refused).to.have.length(1);
      expect(refused[0].actor_id).to.equal(null);
      expect(JSON.parse(refused[0].details)).to.include({ path: "/me" });
    });
  });

  describe("tampering with a copy of the SQLite file (SQLite)", () => {
    let pristine: string;
    let rows: AuditEventRow[];
    let middle: number;
    const copies: string[] = [];

    before(async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-audit-pristine-"));
      copies.push(dir);
      pristine = path.join(dir, "ims-case.sqlite");
      // A consistent copy of the live database, taken while the service keeps running.
      await sql`VACUUM INTO ${pristine}`.execute(svc.ctx.db);
      rows = await auditRows();
      // A row in the middle that differs from the next one, so swapping the two is a real change.
      middle = Math.floor(rows.length / 2);
      while (rows[middle - 1].action === rows[middle].action) middle++;
    });
    after(() => {
      for (const dir of copies) fs.rmSync(dir, { recursive: true, force: true });
    });

    /** A data directory holding a copy of the archive (and its keys), changed behind the service's back. */
    function tamperedArchive(tamper: (db: SqliteDatabase.Database) => void): string {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-audit-tampered-"));
      copies.push(dataDir);
      const config = loadConfig({ DATA_DIR: dataDir });
      fs.copyFileSync(pristine, config.databaseFile);
      fs.mkdirSync(config.auditDir, { mode: 0o700 });
      for (const key of ["chain.key", "chain.json", "checkpoint-signing.pem", "checkpoint-signing.pub.pem"]) {
        fs.copyFileSync(path.join(svc.config.auditDir, key), path.join(config.auditDir, key));
      }
      const file = config.databaseFile;
      const db = new SqliteDatabase(file);
      try {
        db.transaction(() => tamper(db))();
      } finally {
        db.close();
      }
      return dataDir;
    }

    async function verifyOverApi(dataDir: string) {
      const copy = await startService(
        loadConfig({ DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", IMS_ADMIN_TOKEN: ADMIN_TOKEN, SEED_DEMO: "false", LOG_LEVEL: "silent" }),
      );
      try {
        return await request(copy.url).get("/api/audit/verify").auth(ADMIN_TOKEN, { type: "bearer" });
      } finally {
        await copy.stop();
      }
    }

    async function expectBrokenAt(dataDir: string, seq: number, reason: RegExp) {
      const res = await verifyOverApi(dataDir);
      expect(res.status).to.equal(409);
      expect(res.body).to.include({ status: "broken", brokenAt: seq });
      expect(res.body.reason).to.match(reason);
      const run = await auditVerifyCli({ DATA_DIR: dataDir });
      expect(run.code, run.stderr).to.equal(1);
      expect(run.stdout).to.match(new RegExp(`^broken_row \\(row ${seq}\\): `));
      expect(run.stdout).to.match(reason);
    }

    const row = (seq: number) => rows[seq - 1];
    const setRow = (db: SqliteDatabase.Database, seq: number, r: AuditEventRow) =>
      db
        .prepare("UPDATE audit_events SET at = ?, actor_id = ?, action = ?, object_type = ?, object_id = ?, details = ?, prev_hash = ?, hash = ? WHERE seq = ?")
        .run(r.at, r.actor_id, r.action, r.object_type, r.object_id, r.details, r.prev_hash, r.hash, seq);
    const makeRoomAt = (db: SqliteDatabase.Database, seq: number) => {
      // Two steps, so the primary key never sees two rows with the same seq.
      db.prepare("UPDATE audit_events SET seq = -(seq + 1) WHERE seq >= ?").run(seq);
      db.prepare("UPDATE audit_events SET seq = -seq WHERE seq < 0").run();
    };
    const insertRow = (db: SqliteDatabase.Database, r: AuditEventRow) =>
      db
        .prepare("INSERT INTO audit_events (seq, at, actor_id, action, object_type, object_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .run(r.seq, r.at, r.actor_id, r.action, r.object_type, r.object_id, r.details, r.prev_hash, r.hash);

    it("an untouched copy verifies over the API and from the command line", async () => {
      const dataDir = tamperedArchive(() => {});
      const res = await verifyOverApi(dataDir);
      expect(res.status).to.equal(200);
      expect(res.body).to.include({ status: "ok", count: rows.length });
      const run = await auditVerifyCli({ DATA_DIR: dataDir });
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.match(new RegExp(`^ok: ${rows.length} events, head [0-9a-f]{64}`));
    });

    it("a row whose details were edited is the first broken row", async () => {
      const dataDir = tamperedArchive((db) => {
        db.prepare("UPDATE audit_events SET details = ? WHERE seq = ?").run(JSON.stringify({ edited: true }), middle);
      });
      await expectBrokenAt(dataDir, middle, /changed/);
    });

    it("a row whose action was edited is the first broken row", async () => {
      const dataDir = tamperedArchive((db) => {
        db.prepare("UPDATE audit_events SET action = 'document.view.forged' WHERE seq = ?").run(middle + 1);
      });
      await expectBrokenAt(dataDir, middle + 1, /changed/);
    });

    it("the very first row edited is detected at row 1", async () => {
      const dataDir = tamperedArchive((db) => {
        db.prepare("UPDATE audit_events SET actor_id = ? WHERE seq = 1").run(w.users.bob);
      });
      await expectBrokenAt(dataDir, 1, /changed/);
    });

    it("a deleted row in the middle is reported as missing", async () => {
      const dataDir = tamperedArchive((db) => {
        db.prepare("DELETE FROM audit_events WHERE seq = ?").run(middle);
      });
      await expectBrokenAt(dataDir, middle, /missing/);
    });

    it("a deleted row whose successors were renumbered is detected where the link breaks", async () => {
      const dataDir = tamperedArchive((db) => {
        db.prepare("DELETE FROM audit_events WHERE seq = ?").run(middle);
        db.prepare("UPDATE audit_events SET seq = -(seq - 1) WHERE seq > ?").run(middle);
        db.prepare("UPDATE audit_events SET seq = -seq WHERE seq < 0").run();
      });
      await expectBrokenAt(dataDir, middle, /does not link/);
    });

    it("a forged row inserted by renumbering, with a plain sha256 hash and a correct link, is the first broken row: it was made without the chain key", async () => {
      const dataDir = tamperedArchive((db) => {
        makeRoomAt(db, middle);
        const forged = {
          seq: middle,
          at: row(middle).at,
          actor_id: w.users.alice,
          action: "document.delete",
          object_type: "document",
          object_id: docId,
          details: JSON.stringify({ reason: "forged" }),
        };
        const prev_hash = row(middle - 1).hash;
        insertRow(db, { ...forged, prev_hash, hash: chainHash(prev_hash, canonicalRow(forged)) });
      });
      await expectBrokenAt(dataDir, middle, /changed.*without the chain key/);
    });

    it("a forged row with a correct-looking hash but the wrong link is the first broken row", async () => {
      const dataDir = tamperedArchive((db) => {
        makeRoomAt(db, middle);
        const forged = { seq: middle, at: row(middle).at, actor_id: null, action: "auth.login", object_type: "user", object_id: w.users.carl, details: "{}" };
        const prev_hash = row(middle - 2).hash;
        insertRow(db, { ...forged, prev_hash, hash: chainHash(prev_hash, canonicalRow(forged)) });
      });
      await expectBrokenAt(dataDir, middle, /does not link/);
    });

    it("two rows whose contents were swapped (seq kept) are detected at the first of them", async () => {
      const dataDir = tamperedArchive((db) => {
        setRow(db, middle, row(middle + 1));
        setRow(db, middle + 1, row(middle));
      });
      await expectBrokenAt(dataDir, middle, /does not link/);
    });

    it("two rows whose events were swapped but hashes left in place are detected at the first of them", async () => {
      const dataDir = tamperedArchive((db) => {
        setRow(db, middle, { ...row(middle + 1), prev_hash: row(middle).prev_hash, hash: row(middle).hash });
        setRow(db, middle + 1, { ...row(middle), prev_hash: row(middle + 1).prev_hash, hash: row(middle + 1).hash });
      });
      await expectBrokenAt(dataDir, middle, /changed/);
    });
  });
});
