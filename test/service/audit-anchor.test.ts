import SqliteDatabase from "better-sqlite3";
import { expect } from "chai";
import { execFile } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import request from "supertest";
import { loadConfig } from "../../service/config.ts";
import { openSqlite } from "../../service/db/dialect.ts";
import { migrateToLatest } from "../../service/db/migrate.ts";
import { canonicalRow, chainHash, recordAudit } from "../../service/features/audit/audit.service.ts";
import type { AuditEventRow } from "../../service/features/audit/audit.table.ts";
import { checkpointProblem, readPublicKey, type Checkpoint } from "../../service/features/audit/checkpoints.ts";
import { verifyArchive, type ArchiveVerification } from "../../service/features/audit/verify-archive.ts";
import { startService, type RunningService } from "../../service/server.ts";
import { ADMIN_TOKEN } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dirs: string[] = [];

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

const configOf = (dataDir: string, env: Record<string, string> = {}) =>
  loadConfig({ DATA_DIR: dataDir, PORT: "0", HOST: "127.0.0.1", IMS_ADMIN_TOKEN: ADMIN_TOKEN, SEED_DEMO: "false", LOG_LEVEL: "silent", ...env });

const run = (dataDir: string, env: Record<string, string> = {}) => startService(configOf(dataDir, env));

/** verifyArchive over a stopped data directory, opened read-only as `npm run audit:verify` opens it. */
async function verify(dataDir: string, checkpointFiles?: string[]): Promise<ArchiveVerification> {
  const config = configOf(dataDir);
  const opened = openSqlite(config.databaseFile, { readOnly: true });
  try {
    return await verifyArchive(opened.db, config, { checkpointFiles });
  } finally {
    await opened.close();
  }
}

const kinds = (v: ArchiveVerification) => [...new Set(v.findings.map((f) => f.kind))].sort();
const findingOf = (v: ArchiveVerification, kind: string) => {
  const found = v.findings.find((f) => f.kind === kind);
  expect(found, `a ${kind} finding among ${JSON.stringify(v.findings)}`).to.not.equal(undefined);
  return found!;
};

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(script: "audit-verify" | "audit-checkpoint", dataDir: string, args: string[] = []): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile("npx", ["tsx", `service/cli/${script}.ts`, ...args], { cwd: repoRoot, env: { ...process.env, DATA_DIR: dataDir } }, (err, stdout, stderr) => {
      const code = err ? Number((err as NodeJS.ErrnoException & { code?: unknown }).code ?? 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Changes the database of a stopped data directory behind the service's back. */
function tamper(dataDir: string, change: (db: SqliteDatabase.Database) => void): void {
  const db = new SqliteDatabase(configOf(dataDir).databaseFile);
  try {
    db.transaction(() => change(db))();
  } finally {
    db.close();
  }
}

const rowsOf = (db: SqliteDatabase.Database) => db.prepare("SELECT * FROM audit_events ORDER BY seq").all() as AuditEventRow[];

/** Recomputes every hash from row `from` on with `hashOf`, the way someone who can write the database would. */
function rechain(db: SqliteDatabase.Database, from: number, hashOf: (prevHash: string, canonical: string) => string): void {
  const rows = rowsOf(db);
  let prev = rows[from - 2]?.hash ?? "0".repeat(64);
  for (const row of rows.filter((r) => r.seq >= from)) {
    const hash = hashOf(prev, canonicalRow(row));
    db.prepare("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE seq = ?").run(prev, hash, row.seq);
    prev = hash;
  }
}

function readCheckpoints(file: string): Checkpoint[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Checkpoint);
}

const lastSeqOf = (dataDir: string) => {
  const db = new SqliteDatabase(configOf(dataDir).databaseFile, { readonly: true });
  try {
    return (db.prepare("SELECT max(seq) AS seq FROM audit_events").get() as { seq: number | null }).seq ?? 0;
  } finally {
    db.close();
  }
};

describe("audit log anchored outside the database: keyed chain and signed checkpoints", () => {
  let archive: string;
  let older: string;
  let w: World;
  let caseId: string;
  /** Saved final with an attachment: versions 1.0 and 2.0 (the final copy), attachment 1.0. */
  let finalDoc: string;
  /** A draft that got a version 1.1, an attachment and that attachment's 1.1. */
  let draftDoc: string;
  let attachmentId: string;
  let deletedDoc: string;

  const as = (svc: RunningService, token: string) => ({
    get: (url: string) => request(svc.url).get(url).auth(token, { type: "bearer" }),
    post: (url: string) => request(svc.url).post(url).auth(token, { type: "bearer" }),
    delete: (url: string) => request(svc.url).delete(url).auth(token, { type: "bearer" }),
  });

  // The archive: real activity over two runs of the service, then stopped. Every tamper works on a copy.
  before(async () => {
    archive = tempDir("ims-anchor-");
    const first = await run(archive);
    try {
      w = await buildWorld(first.ctx.db, ADMIN_TOKEN);
      const alice = as(first, w.tokens.alice);
      caseId = (
        await alice
          .post("/api/cases")
          .send({ templateId: w.templates.pupil, title: "Elev 12", metadata: { elevnummer: "E-12" } })
          .expect(201)
      ).body.id;
      const saved = await alice
        .post("/api/documents")
        .field("metadata", JSON.stringify({ documentTypeId: w.types.pupil, caseId, status: "final", attachments: [{ title: "Bilag A" }] }))
        .attach("file", Buffer.from("Elevplan, endelig\n"), { filename: "Elevplan.txt", contentType: "text/plain" })
        .attach("attachment", Buffer.from("Bilag A\n"), { filename: "Bilag-A.txt", contentType: "text/plain" })
        .expect(201);
      finalDoc = saved.body.id;
      const draft = await alice
        .post("/api/documents")
        .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, caseId }))
        .attach("file", Buffer.from("Brev, udkast\n"), { filename: "Brev.txt", contentType: "text/plain" })
        .expect(201);
      draftDoc = draft.body.id;
      await alice
        .post(`/api/documents/${draftDoc}/versions`)
        .set("If-Match", draft.headers.etag ?? draft.body.etag)
        .field("metadata", JSON.stringify({ comment: "rettet" }))
        .attach("file", Buffer.from("Brev, rettet\n"), { filename: "Brev.txt", contentType: "text/plain" })
        .expect(201);
      const attachment = await alice
        .post(`/api/documents/${draftDoc}/attachments`)
        .field("metadata", JSON.stringify({ title: "Bilag B" }))
        .attach("file", Buffer.from("Bilag B\n"), { filename: "Bilag-B.txt", contentType: "text/plain" })
        .expect(201);
      attachmentId = attachment.body.id;
      await alice
        .post(`/api/documents/${draftDoc}/attachments/${attachmentId}/versions`)
        .field("metadata", JSON.stringify({ comment: "ny udgave" }))
        .attach("file", Buffer.from("Bilag B, ny udgave\n"), { filename: "Bilag-B.txt", contentType: "text/plain" })
        .expect(201);
      const doomed = await alice
        .post("/api/documents")
        .field("metadata", JSON.stringify({ documentTypeId: w.types.note, caseId }))
        .attach("file", Buffer.from("Notat\n"), { filename: "Notat.txt", contentType: "text/plain" })
        .expect(201);
      deletedDoc = doomed.body.id;
      await as(first, ADMIN_TOKEN).delete(`/api/documents/${deletedDoc}?reason=fejl`).expect(204);
    } finally {
      await first.stop();
    }
    older = tempDir("ims-anchor-older-");
    fs.cpSync(archive, older, { recursive: true });

    const second = await run(archive);
    try {
      await as(second, w.tokens.alice).get(`/api/documents/${finalDoc}`).expect(200);
      await as(second, w.tokens.alice).get(`/api/documents/${draftDoc}/content`).expect(200);
      await as(second, w.tokens.carl).get(`/api/cases/${caseId}`).expect(200);
    } finally {
      await second.stop();
    }
  });
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of the stopped archive to change. */
  function copyOf(source = archive): string {
    const dir = tempDir("ims-anchor-copy-");
    fs.cpSync(source, dir, { recursive: true });
    return dir;
  }
  const auditDirOf = (dataDir: string) => configOf(dataDir).auditDir;
  const checkpointsOf = (dataDir: string) => path.join(auditDirOf(dataDir), "checkpoints.jsonl");

  describe("an untouched archive", () => {
    it("verifies after a restart of the service, up to a checkpoint of its head", async () => {
      const report = await verify(archive);
      expect(report.findings).to.deep.equal([]);
      expect(report.ok).to.equal(true);
      expect(report.count).to.equal(lastSeqOf(archive));
      expect(report.newestCheckpoint?.seq).to.equal(lastSeqOf(archive));
      expect(report.newestCheckpoint?.head).to.equal(report.head);
    });

    it("`npm run audit:verify` says ok with the count, the head and the newest checkpoint, exit 0", async () => {
      const report = await verify(archive);
      const run = await cli("audit-verify", archive);
      expect(run.code, run.stdout + run.stderr).to.equal(0);
      expect(run.stdout).to.equal(
        `ok: ${report.count} events, head ${report.head}\nnewest checkpoint: row ${report.count} at ${report.newestCheckpoint!.at}\n`,
      );
    });

    it("keeps the chain key (32 bytes) and the signing key readable by the service's user only, in a directory only it may enter", () => {
      const dir = auditDirOf(archive);
      expect(fs.statSync(dir).mode & 0o777).to.equal(0o700);
      expect(fs.statSync(path.join(dir, "chain.key")).mode & 0o777).to.equal(0o600);
      expect(fs.statSync(path.join(dir, "checkpoint-signing.pem")).mode & 0o777).to.equal(0o600);
      expect(fs.readFileSync(path.join(dir, "chain.key"))).to.have.length(32);
      expect(fs.readFileSync(path.join(dir, "checkpoint-signing.pub.pem"), "utf8")).to.match(/^-----BEGIN PUBLIC KEY-----/);
    });

    it("the service wrote a signed checkpoint of its head at each shutdown", () => {
      const publicKey = readPublicKey(auditDirOf(archive));
      const atFirstStop = readCheckpoints(checkpointsOf(older));
      const atSecondStop = readCheckpoints(checkpointsOf(archive));
      expect(atFirstStop.at(-1)?.seq).to.equal(lastSeqOf(older));
      expect(atSecondStop.at(-1)?.seq).to.equal(lastSeqOf(archive));
      expect(atSecondStop.length).to.be.greaterThan(atFirstStop.length);
      for (const c of atSecondStop) expect(checkpointProblem(c, publicKey)).to.equal(null);
    });
  });

  describe("the running service", () => {
    it("signs a checkpoint at its interval while the head moves", async function () {
      const dataDir = copyOf();
      const svc = await run(dataDir, { IMS_AUDIT_CHECKPOINT_SECONDS: "1" });
      try {
        await as(svc, w.tokens.alice).get(`/api/documents/${finalDoc}`).expect(200);
        const head = await svc.ctx.db.selectFrom("audit_events").select(["seq", "hash"]).orderBy("seq", "desc").executeTakeFirstOrThrow();
        // Wait for the timer, not for a fixed time: the test's own timeout bounds it.
        let written: Checkpoint | undefined;
        while (!(written = readCheckpoints(checkpointsOf(dataDir)).find((c) => c.seq === head.seq))) await new Promise((r) => setTimeout(r, 100));
        expect(written.head).to.equal(head.hash);
        expect(checkpointProblem(written, readPublicKey(auditDirOf(dataDir)))).to.equal(null);
      } finally {
        await svc.stop();
      }
    });

    it("verification over the API stays ok while documents are saved, versioned and checkpointed at the same time", async () => {
      const dataDir = copyOf();
      const svc = await run(dataDir, { IMS_AUDIT_CHECKPOINT_SECONDS: "1" });
      try {
        const alice = as(svc, w.tokens.alice);
        const save = async (i: number) => {
          const saved = await alice
            .post("/api/documents")
            .field("metadata", JSON.stringify({ documentTypeId: w.types.letter, caseId }))
            .attach("file", Buffer.from(`Brev ${i}\n`), { filename: `Brev-${i}.txt`, contentType: "text/plain" })
            .expect(201);
          await alice
            .post(`/api/documents/${saved.body.id}/versions`)
            .set("If-Match", saved.headers.etag ?? saved.body.etag)
            .field("metadata", JSON.stringify({ comment: "rettet" }))
            .attach("file", Buffer.from(`Brev ${i}, rettet\n`), { filename: `Brev-${i}.txt`, contentType: "text/plain" })
            .expect(201);
        };
        const verifyNow = async () => (await as(svc, ADMIN_TOKEN).get("/api/audit/verify")).body as { status: string; findings: unknown[] };
        const writers = Promise.all(
          Array.from({ length: 4 }, async (_, k) => {
            for (let i = 0; i < 5; i++) await save(k * 10 + i);
          }),
        );
        const reports: Array<{ status: string; findings: unknown[] }> = [];
        let done = false;
        void writers.finally(() => (done = true));
        while (!done) reports.push(await verifyNow());
        await writers;
        reports.push(await verifyNow());
        expect(reports.length).to.be.greaterThan(1);
        for (const r of reports) expect(r, JSON.stringify(r.findings)).to.deep.include({ status: "ok", findings: [] });
      } finally {
        await svc.stop();
      }
      expect((await verify(dataDir)).findings).to.deep.equal([]);
    });

    it("refuses to start on a keyed archive whose chain key is missing, rather than make a new one", async () => {
      const dataDir = copyOf();
      fs.rmSync(path.join(auditDirOf(dataDir), "chain.key"));
      let refusal: unknown;
      await run(dataDir).then(
        (svc) => svc.stop(),
        (err: unknown) => (refusal = err),
      );
      expect(String(refusal)).to.match(/chain\.key is missing/);
      expect(fs.existsSync(path.join(auditDirOf(dataDir), "chain.key"))).to.equal(false);
    });

    it("recordAudit through a handle without the chain key cannot add to a keyed chain", async () => {
      const dataDir = copyOf();
      const opened = openSqlite(configOf(dataDir).databaseFile);
      try {
        let refusal: unknown;
        await recordAudit(opened.db, { actor: null, action: "forged.event", objectType: "user", objectId: null, details: {} }).catch(
          (err: unknown) => (refusal = err),
        );
        expect(String(refusal)).to.match(/keyed/);
      } finally {
        await opened.close();
      }
      expect(lastSeqOf(dataDir)).to.equal(lastSeqOf(archive));
    });
  });

  describe("rows rewritten in the database", () => {
    it("a row edited and the chain recomputed with plain sha256 is the first broken row", async () => {
      const dataDir = copyOf();
      const target = 10;
      tamper(dataDir, (db) => {
        db.prepare("UPDATE audit_events SET details = ? WHERE seq = ?").run(JSON.stringify({ edited: true }), target);
        rechain(db, target, chainHash);
      });
      const report = await verify(dataDir);
      expect(report.ok).to.equal(false);
      expect(findingOf(report, "broken_row")).to.deep.include({ seq: target });
      expect(findingOf(report, "broken_row").message).to.match(/without the chain key/);
      // The checkpoints name the heads the rewrite replaced.
      expect(kinds(report)).to.include("checkpoint_mismatch");
    });

    it("a row edited and the chain recomputed with another key is the first broken row", async () => {
      const dataDir = copyOf();
      const wrongKey = randomBytes(32);
      const target = lastSeqOf(dataDir) - 3;
      tamper(dataDir, (db) => {
        db.prepare("UPDATE audit_events SET actor_id = ? WHERE seq = ?").run(w.users.bob, target);
        rechain(db, target, (prev, canonical) => createHmac("sha256", wrongKey).update(prev).update(canonical).digest("hex"));
      });
      const report = await verify(dataDir);
      expect(findingOf(report, "broken_row")).to.deep.include({ seq: target });
      expect(findingOf(report, "broken_row").message).to.match(/not made with this archive's chain key/);
    });

    it("a forged row appended after the head is a broken row, and `npm run audit:verify` names it and exits 1", async () => {
      const dataDir = copyOf();
      const last = lastSeqOf(dataDir);
      tamper(dataDir, (db) => {
        const head = rowsOf(db).at(-1)!;
        const forged = {
          seq: last + 1,
          at: new Date().toISOString(),
          actor_id: w.users.alice,
          action: "document.delete",
          object_type: "document",
          object_id: finalDoc,
          details: "{}",
        };
        db.prepare(
          "INSERT INTO audit_events (seq, at, actor_id, action, object_type, object_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ).run(
          forged.seq,
          forged.at,
          forged.actor_id,
          forged.action,
          forged.object_type,
          forged.object_id,
          forged.details,
          head.hash,
          chainHash(head.hash, canonicalRow(forged)),
        );
      });
      const report = await verify(dataDir);
      expect(report.findings.map((f) => [f.kind, f.seq])).to.deep.equal([["broken_row", last + 1]]);
      const run = await cli("audit-verify", dataDir);
      expect(run.code, run.stderr).to.equal(1);
      expect(run.stdout).to.match(new RegExp(`^broken_row \\(row ${last + 1}\\): row ${last + 1} was changed after it was written`));
      expect(run.stdout).to.match(/^broken: 1 finding in \d+ events/m);
    });
  });

  describe("rows taken away", () => {
    it("the tail cut off is a chain shorter than the newest checkpoint", async () => {
      const dataDir = copyOf();
      const last = lastSeqOf(dataDir);
      tamper(dataDir, (db) => db.prepare("DELETE FROM audit_events WHERE seq > ?").run(last - 3));
      const report = await verify(dataDir);
      expect(kinds(report)).to.deep.equal(["truncated"]);
      expect(findingOf(report, "truncated")).to.deep.include({ seq: last - 2 });
      expect(report.newestCheckpoint?.seq).to.equal(last);
    });

    it("every row deleted is a chain shorter than the newest checkpoint", async () => {
      const dataDir = copyOf();
      tamper(dataDir, (db) => db.prepare("DELETE FROM audit_events").run());
      const report = await verify(dataDir);
      expect(report.count).to.equal(0);
      expect(kinds(report)).to.include("truncated");
      expect(findingOf(report, "truncated").message).to.match(/no rows/);
    });

    it("an older copy of the database restored is a chain shorter than the newest checkpoint", async () => {
      const dataDir = copyOf();
      fs.copyFileSync(configOf(older).databaseFile, configOf(dataDir).databaseFile);
      const report = await verify(dataDir);
      expect(kinds(report)).to.deep.equal(["truncated"]);
      expect(findingOf(report, "truncated")).to.deep.include({ seq: lastSeqOf(older) + 1 });
    });

    it("an older copy restored and written past the newest checkpoint no longer matches that checkpoint", async () => {
      const dataDir = copyOf();
      fs.copyFileSync(configOf(older).databaseFile, configOf(dataDir).databaseFile);
      const newest = readCheckpoints(checkpointsOf(dataDir)).at(-1)!;
      const svc = await run(dataDir);
      try {
        while (lastSeqOf(dataDir) < newest.seq) await as(svc, w.tokens.alice).get(`/api/documents/${finalDoc}`).expect(200);
      } finally {
        await svc.stop();
      }
      const report = await verify(dataDir);
      expect(kinds(report)).to.deep.equal(["checkpoint_mismatch"]);
      expect(report.findings.map((f) => f.seq)).to.include(newest.seq);
    });

    it("the key and its metadata deleted and the chain recomputed as plain sha256 is still caught by the checkpoints", async () => {
      const dataDir = copyOf();
      tamper(dataDir, (db) => {
        db.prepare("UPDATE audit_events SET details = ? WHERE seq = 5").run(JSON.stringify({ edited: true }));
        rechain(db, 1, chainHash);
      });
      fs.rmSync(path.join(auditDirOf(dataDir), "chain.key"));
      fs.rmSync(path.join(auditDirOf(dataDir), "chain.json"));
      const report = await verify(dataDir);
      expect(kinds(report)).to.include.members(["bad_key_metadata", "checkpoint_mismatch"]);
      expect(findingOf(report, "bad_key_metadata").message).to.match(/no chain key/);
    });
  });

  describe("checkpoints", () => {
    it("a checkpoint line edited is a bad checkpoint, and a forged later seq does not count as newest", async () => {
      const dataDir = copyOf();
      const file = checkpointsOf(dataDir);
      const lines = fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
      const last = JSON.parse(lines.at(-1)!) as Checkpoint;
      lines[lines.length - 1] = JSON.stringify({ ...last, seq: last.seq + 100 });
      fs.writeFileSync(file, `${lines.join("\n")}\n`);
      const report = await verify(dataDir);
      expect(kinds(report)).to.deep.equal(["bad_checkpoint"]);
      expect(findingOf(report, "bad_checkpoint").message).to.match(/signature does not match/);
      expect(report.newestCheckpoint?.seq).to.be.below(last.seq + 100);
    });

    it("`npm run audit:checkpoint -- --out FILE` signs the head into the archive's file and the shipped one", async () => {
      const dataDir = copyOf();
      const shipped = path.join(tempDir("ims-anchor-shipped-"), "ims-checkpoints.jsonl");
      const run = await cli("audit-checkpoint", dataDir, ["--out", shipped]);
      expect(run.code, run.stdout + run.stderr).to.equal(0);
      const copy = readCheckpoints(shipped);
      expect(copy).to.have.length(1);
      expect(copy[0]).to.deep.equal(readCheckpoints(checkpointsOf(dataDir)).at(-1));
      expect(copy[0].seq).to.equal(lastSeqOf(dataDir));
      expect(checkpointProblem(copy[0], readPublicKey(auditDirOf(dataDir)))).to.equal(null);
      expect(run.stdout).to.contain(`checkpoint: row ${copy[0].seq}, head ${copy[0].head}`);
    });

    it("a shipped copy of the checkpoints catches a cut tail even when the archive's own checkpoints were deleted", async () => {
      const dataDir = copyOf();
      const shipped = path.join(tempDir("ims-anchor-shipped-"), "ims-checkpoints.jsonl");
      fs.copyFileSync(checkpointsOf(dataDir), shipped);
      const last = lastSeqOf(dataDir);
      tamper(dataDir, (db) => db.prepare("DELETE FROM audit_events WHERE seq > ?").run(last - 2));
      fs.rmSync(checkpointsOf(dataDir));
      expect((await verify(dataDir)).ok, "without the shipped copy nothing outside the archive remembers the tail").to.equal(true);
      const run = await cli("audit-verify", dataDir, ["--checkpoints", shipped]);
      expect(run.code, run.stderr).to.equal(1);
      expect(run.stdout).to.match(new RegExp(`^truncated \\(row ${last - 1}\\): the chain ends at row ${last - 2}`));
    });

    it("`npm run audit:checkpoint` signs nothing when the chain does not verify", async () => {
      const dataDir = copyOf();
      tamper(dataDir, (db) => {
        db.prepare("UPDATE audit_events SET details = ? WHERE seq = ?").run(JSON.stringify({ edited: true }), lastSeqOf(dataDir) - 1);
        rechain(db, lastSeqOf(dataDir) - 1, chainHash);
      });
      const before = fs.readFileSync(checkpointsOf(dataDir), "utf8");
      const run = await cli("audit-checkpoint", dataDir);
      expect(run.code, run.stderr).to.equal(1);
      expect(run.stdout).to.match(/^broken_row/);
      expect(fs.readFileSync(checkpointsOf(dataDir), "utf8")).to.equal(before);
    });
  });

  describe("business data against the log", () => {
    const versionId = (db: SqliteDatabase.Database, subject: string, major: number, minor: number) =>
      (db.prepare("SELECT id FROM versions WHERE subject_id = ? AND major = ? AND minor = ?").get(subject, major, minor) as { id: string }).id;

    it("a version's sha256 changed disagrees with its version.create event", async () => {
      const dataDir = copyOf();
      tamper(dataDir, (db) => db.prepare("UPDATE versions SET sha256 = ? WHERE id = ?").run("ab".repeat(32), versionId(db, draftDoc, 1, 1)));
      const report = await verify(dataDir);
      expect(kinds(report)).to.deep.equal(["version_mismatch"]);
      expect(findingOf(report, "version_mismatch").message).to.match(
        new RegExp(`version 1\\.1 of document ${draftDoc} has sha256 ${"ab".repeat(32)}.*version\\.create`),
      );
    });

    it("a version's size changed disagrees with its document.create event", async () => {
      const dataDir = copyOf();
      tamper(dataDir, (db) => db.prepare("UPDATE versions SET size = size + 1 WHERE id = ?").run(versionId(db, draftDoc, 1, 0)));
      const report = await verify(dataDir);
      expect(kinds(report)).to.deep.equal(["version_mismatch"]);
      expect(findingOf(report, "version_mismatch").message).to.match(/bytes, the log recorded \d+ \(document\.create/);
    });

    it("an attachment's version changed disagrees with its attachment.create or attachment.version event", async () => {
      const dataDir = copyOf();
      tamper(dataDir, (db) => {
        db.prepare("UPDATE versions SET sha256 = ? WHERE id = ?").run("cd".repeat(32), versionId(db, attachmentId, 1, 0));
        db.prepare("UPDATE versions SET sha256 = ? WHERE id = ?").run("ef".repeat(32), versionId(db, attachmentId, 1, 1));
      });
      const report = await verify(dataDir);
      const messages = report.findings.map((f) => `${f.kind}: ${f.message}`);
      expect(
        messages.some((m) => /^version_mismatch: version 1\.0 of attachment .*attachment\.create/.test(m)),
        messages.join("\n"),
      ).to.equal(true);
      expect(
        messages.some((m) => /^version_mismatch: version 1\.1 of attachment .*attachment\.version/.test(m)),
        messages.join("\n"),
      ).to.equal(true);
    });

    it("the final version changed no longer equals the version it was made final from", async () => {
      const dataDir = copyOf();
      tamper(dataDir, (db) => db.prepare("UPDATE versions SET sha256 = ? WHERE id = ?").run("12".repeat(32), versionId(db, finalDoc, 2, 0)));
      const report = await verify(dataDir);
      expect(kinds(report)).to.deep.equal(["version_mismatch"]);
      expect(findingOf(report, "version_mismatch").message).to.match(/version 2\.0 .*made final from 1\.0/);
    });

    it("a version row added without an event is an unaudited version", async () => {
      const dataDir = copyOf();
      tamper(dataDir, (db) => {
        const v = db.prepare("SELECT * FROM versions WHERE id = ?").get(versionId(db, draftDoc, 1, 1)) as Record<string, unknown>;
        db.prepare(
          "INSERT INTO versions (id, document_id, subject_id, major, minor, filename, media_type, size, sha256, author_id, created_at, comment) VALUES (?, ?, ?, 1, 2, ?, ?, ?, ?, ?, ?, ?)",
        ).run("forged-version", v.document_id, v.subject_id, v.filename, v.media_type, v.size, "34".repeat(32), v.author_id, v.created_at, "");
      });
      const report = await verify(dataDir);
      expect(kinds(report)).to.deep.equal(["unaudited_version"]);
      expect(findingOf(report, "unaudited_version").message).to.contain(`version 1.2 of document ${draftDoc}`);
    });

    it("a document row deleted without a document.delete event is an unaudited delete, named with its create row", async () => {
      const dataDir = copyOf();
      let createdAt = 0;
      tamper(dataDir, (db) => {
        createdAt = (db.prepare("SELECT seq FROM audit_events WHERE action = 'document.create' AND object_id = ?").get(draftDoc) as { seq: number }).seq;
        db.prepare("DELETE FROM documents WHERE id = ?").run(draftDoc);
      });
      const report = await verify(dataDir);
      expect(kinds(report)).to.deep.equal(["unaudited_delete"]);
      expect(findingOf(report, "unaudited_delete")).to.deep.include({ seq: createdAt });
      expect(findingOf(report, "unaudited_delete").message).to.contain(draftDoc);
    });

    it("GET /api/audit/verify answers 409 with the findings of a tampered archive", async () => {
      const dataDir = copyOf();
      tamper(dataDir, (db) => db.prepare("UPDATE versions SET size = 1 WHERE id = ?").run(versionId(db, finalDoc, 1, 0)));
      const svc = await run(dataDir);
      try {
        const res = await request(svc.url).get("/api/audit/verify").auth(ADMIN_TOKEN, { type: "bearer" }).expect(409);
        expect(res.body.status).to.equal("broken");
        expect(res.body.findings.map((f: { kind: string }) => f.kind)).to.include("version_mismatch");
        expect(res.body.reason).to.match(/version 1\.0 of document/);
      } finally {
        await svc.stop();
      }
    });
  });

  describe("an archive created before the chain was keyed", () => {
    let legacy: string;
    let legacyRows: number;

    before(async () => {
      legacy = tempDir("ims-anchor-legacy-");
      // The archive as the service before keying left it: every row plain sha256, no audit directory.
      const opened = openSqlite(configOf(legacy).databaseFile);
      try {
        await migrateToLatest(opened.db);
        await buildWorld(opened.db, ADMIN_TOKEN);
      } finally {
        await opened.close();
      }
      legacyRows = lastSeqOf(legacy);
    });

    it("verifies as it is, unkeyed, before the service has run on it", async () => {
      expect(legacyRows).to.be.greaterThan(5);
      const report = await verify(legacy);
      expect(report).to.deep.include({ ok: true, count: legacyRows, newestCheckpoint: null });
    });

    it("is keyed at the next start: its rows stay plain up to the boundary, which a signed checkpoint records, and it verifies", async () => {
      const svc = await run(legacy);
      try {
        const alice = (await svc.ctx.db.selectFrom("users").select("id").where("email", "=", "alice@skole.dk").executeTakeFirstOrThrow()).id;
        expect(alice).to.be.a("string");
        await request(svc.url).get("/api/me").auth(ADMIN_TOKEN, { type: "bearer" }).expect(200);
      } finally {
        await svc.stop();
      }
      const meta = JSON.parse(fs.readFileSync(path.join(auditDirOf(legacy), "chain.json"), "utf8"));
      expect(meta.keyedFrom).to.equal(legacyRows + 1);
      const checkpoints = readCheckpoints(checkpointsOf(legacy));
      expect(checkpoints[0]).to.deep.include({ seq: legacyRows, keyedFrom: legacyRows + 1 });
      expect(lastSeqOf(legacy)).to.be.greaterThan(legacyRows);
      const report = await verify(legacy);
      expect(report.findings).to.deep.equal([]);
      expect(report.count).to.equal(lastSeqOf(legacy));
    });

    it("a plain row edited is the first broken row", async () => {
      const dataDir = copyOf(legacy);
      tamper(dataDir, (db) => db.prepare("UPDATE audit_events SET details = ? WHERE seq = 3").run(JSON.stringify({ edited: true })));
      expect(findingOf(await verify(dataDir), "broken_row")).to.deep.include({ seq: 3 });
    });

    it("keyed rows rewritten as plain sha256 rows are broken: nobody can move them to the unkeyed part", async () => {
      const dataDir = copyOf(legacy);
      tamper(dataDir, (db) => rechain(db, legacyRows + 1, chainHash));
      const report = await verify(dataDir);
      expect(findingOf(report, "broken_row")).to.deep.include({ seq: legacyRows + 1 });
      expect(findingOf(report, "broken_row").message).to.match(/without the chain key/);
    });

    it("the boundary moved in chain.json is bad key metadata", async () => {
      const dataDir = copyOf(legacy);
      const file = path.join(auditDirOf(dataDir), "chain.json");
      const meta = JSON.parse(fs.readFileSync(file, "utf8"));
      fs.writeFileSync(file, JSON.stringify({ ...meta, keyedFrom: 10_000 }));
      const report = await verify(dataDir);
      expect(kinds(report)).to.include.members(["bad_key_metadata", "broken_row"]);
    });
  });
});
