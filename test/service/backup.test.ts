import { expect } from "chai";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createCase, MB, openDataDir, prepareDataDir, startChildService, type ChildService } from "../support/child-service.ts";
import { downloadSha256, GeneratedContent, saveMultipart, saveViaTus, send, type HttpReply } from "../support/payload.ts";
import type { World } from "../support/world.ts";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const KB = 1024;
// Varied sizes, small to a few MB; even saves go as multipart, odd ones through a resumable upload.
const SIZES = [2 * KB, 60 * KB, 350 * KB, 1.2 * MB, 4 * MB, 150 * KB, 800 * KB, 2.5 * MB, 9 * KB, 3 * MB];
const WRITERS = 4;
const ACKS_BEFORE_BACKUP = 16;
const ACKS_AFTER_BACKUP = 8;

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one of the service's command-line tools the way `npm run` does, as its own process. */
function runCli(script: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const backup = (dataDir: string, dest: string) => runCli("service/cli/backup.ts", [dest], { DATA_DIR: dataDir });
const restore = (src: string, dataDir: string, ...more: string[]) => runCli("service/cli/restore.ts", [src, "--data-dir", dataDir, ...more]);
const said = (run: CliRun) => `exit ${run.code}\n${run.stdout}\n${run.stderr}`;

interface Save {
  n: number;
  title: string;
  sha256: string;
  size: number;
  /** The backup had not begun when the service acknowledged this save. */
  acknowledgedBeforeBackup?: boolean;
  acknowledgedDuringBackup?: boolean;
  /** The backup had finished before this save was sent. */
  sentAfterBackup: boolean;
  id?: string;
  refused?: string;
}

describe("backup and restore: a backup taken while four clients save documents restores every acknowledged save (SQLite)", function () {
  this.timeout(240_000);
  let w: World;
  let root: string;
  let dataDir: string;
  let svc: ChildService | undefined;
  let restored: ChildService | undefined;
  const saves: Save[] = [];
  let backupRun: CliRun;
  let restoreRun: CliRun;
  let originalAuditCount: number;
  const backupDir = () => path.join(root, "backup");

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "ims-backup-"));
    ({ dataDir, world: w } = await prepareDataDir());
    svc = await startChildService(dataDir);
    const running = svc;
    const caseId = await createCase(running, w.tokens.alice, w.templates.pupil, "Elev med sikkerhedskopi", { elevnummer: "E-77" });

    let phase: "before" | "during" | "after" = "before";
    const acks = { before: 0, during: 0, after: 0 };
    let stop = false;
    let next = 0;
    const writer = async () => {
      while (!stop) {
        const n = next++;
        const content = new GeneratedContent(Math.round(SIZES[n % SIZES.length]), `backup-${n}`);
        const s: Save = { n, title: `Sikkerhedskopi ${n}`, sha256: await content.sha256(), size: content.size, sentAfterBackup: phase === "after" };
        saves.push(s);
        const metadata = { documentTypeId: w.types.pupil, caseId, title: s.title };
        const opts = { token: w.tokens.alice, idempotencyKey: `backup-test-${n}`, filename: `kopi-${n}.bin` };
        let reply: HttpReply;
        try {
          reply =
            n % 2 === 0
              ? await saveMultipart(running.url, metadata, content.chunks(), content.size, opts)
              : await saveViaTus(running.url, metadata, content.size, (a, b) => content.chunks(a, b), { ...opts, sliceBytes: 1 * MB });
        } catch (err) {
          s.refused = `${(err as Error).message}\n${running.output()}`;
          return;
        }
        if (reply.status !== 201) {
          s.refused = `${reply.status}: ${reply.body.toString("utf8").slice(0, 300)}`;
          continue;
        }
        s.id = reply.json().id;
        s.acknowledgedBeforeBackup = phase === "before";
        s.acknowledgedDuringBackup = phase === "during";
        acks[phase]++;
      }
    };
    const until = async (enough: () => boolean) => {
      while (!enough() && saves.every((s) => !s.refused)) await new Promise((r) => setTimeout(r, 20));
    };

    const writers = Array.from({ length: WRITERS }, writer);
    await until(() => acks.before >= ACKS_BEFORE_BACKUP);
    phase = "during";
    backupRun = await backup(dataDir, backupDir());
    phase = "after";
    await until(() => acks.after >= ACKS_AFTER_BACKUP);
    stop = true;
    await Promise.all(writers);
    // SIGTERM: the service finishes and writes its last checkpoint, the newest the original will have.
    await running.stop();
    svc = undefined;
    const opened = openDataDir(dataDir);
    try {
      originalAuditCount = Number(
        (
          await opened.db
            .selectFrom("audit_events")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .executeTakeFirstOrThrow()
        ).n,
      );
    } finally {
      await opened.close();
    }

    // The original's checkpoints, as shipped to another machine.
    const shipped = path.join(root, "shipped-checkpoints.jsonl");
    fs.copyFileSync(path.join(dataDir, "audit", "checkpoints.jsonl"), shipped);
    restoreRun = await restore(backupDir(), path.join(root, "restored"), "--checkpoints", shipped);
    if (restoreRun.code === 0) restored = await startChildService(path.join(root, "restored"));
  });

  after(async () => {
    await svc?.stop();
    await restored?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it("the clients saved before, during and after the backup, and every save was acknowledged", () => {
    expect(saves.filter((s) => s.refused).map((s) => `${s.title}: ${s.refused}`)).to.deep.equal([]);
    expect(saves.filter((s) => s.acknowledgedBeforeBackup).length).to.be.at.least(ACKS_BEFORE_BACKUP);
    expect(saves.filter((s) => s.acknowledgedDuringBackup).length, "saves acknowledged while the backup ran").to.be.at.least(1);
    expect(saves.filter((s) => s.sentAfterBackup && s.id).length).to.be.at.least(1);
  });

  it("the backup succeeds and says what it copied and how long it took", () => {
    expect(backupRun.code, said(backupRun)).to.equal(0);
    expect(backupRun.stdout).to.match(/backup complete: .*\d+ files, .*audit chain \d+ events.*took \d+\.\d s/);
    const manifest = JSON.parse(fs.readFileSync(path.join(backupDir(), "manifest.json"), "utf8"));
    const paths = (manifest.files as Array<{ path: string }>).map((f) => f.path);
    expect(paths).to.include.members(["ims-case.sqlite", "audit/chain.key", "audit/checkpoints.jsonl"]);
    expect(fs.existsSync(`${backupDir()}.partial`)).to.equal(false);
  });

  it("restore verifies the backup and says it is behind the newest checkpoint of the original", () => {
    expect(restoreRun.code, said(restoreRun)).to.equal(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(backupDir(), "manifest.json"), "utf8"));
    const position =
      /restored archive ends at audit event (\d+); newest checkpoint known is (\d+) \(.*\): (\d+) events after the backup are not in this copy/.exec(
        restoreRun.stdout,
      );
    expect(position, restoreRun.stdout).to.not.equal(null);
    const [ends, newest, missing] = position!.slice(1).map(Number);
    expect(ends).to.equal(manifest.audit.count);
    expect(newest).to.equal(originalAuditCount);
    expect(missing)
      .to.equal(originalAuditCount - ends)
      .and.to.be.greaterThan(0);
  });

  it("every save acknowledged before the backup began is in the restored archive, byte for byte", async () => {
    const before = saves.filter((s) => s.acknowledgedBeforeBackup);
    for (const s of before) {
      const doc = await send(`${restored!.url}/api/documents/${s.id}`, { token: w.tokens.alice });
      expect(doc.status, s.title).to.equal(200);
      expect(doc.json().currentVersion).to.include({ sha256: s.sha256, size: s.size });
      expect(await downloadSha256(restored!.url, w.tokens.alice, s.id!), s.title).to.deep.equal({ status: 200, sha256: s.sha256, size: s.size });
    }
  });

  it("saves sent after the backup finished are not in the restored archive", async () => {
    for (const s of saves.filter((x) => x.sentAfterBackup && x.id)) {
      const doc = await send(`${restored!.url}/api/documents/${s.id}`, { token: w.tokens.alice });
      expect(doc.status, s.title).to.equal(404);
    }
  });

  it("the restored archive's audit chain verifies, and the restored service does not take it for a cut-off chain", async () => {
    const reply = await send(`${restored!.url}/api/audit/verify`, { token: w.tokens.admin });
    expect(reply.status, reply.body.toString("utf8")).to.equal(200);
    expect(reply.json()).to.include({ status: "ok" });
    expect(restored!.output()).to.not.include("does not hold the head of the newest audit checkpoint");
  });

  const copyOfBackup = (name: string) => {
    const dir = path.join(root, name);
    fs.cpSync(backupDir(), dir, { recursive: true });
    return dir;
  };

  it("a checkpoint written while the backup ran is reported, and left out of the restored checkpoints so the copy does not look cut short", async () => {
    // The audit directory is copied after the database: a checkpoint signed in between is past the copy's end.
    const later = copyOfBackup("later-checkpoint");
    const newest = fs
      .readFileSync(path.join(dataDir, "audit", "checkpoints.jsonl"), "utf8")
      .trim()
      .split("\n")
      .pop()!;
    const file = path.join(later, "audit", "checkpoints.jsonl");
    fs.appendFileSync(file, `${newest}\n`);
    const manifestFile = path.join(later, "manifest.json");
    const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8"));
    const entry = manifest.files.find((f: { path: string }) => f.path === "audit/checkpoints.jsonl");
    Object.assign(entry, { size: fs.statSync(file).size, sha256: createHash("sha256").update(fs.readFileSync(file)).digest("hex") });
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    const target = path.join(root, "restored-with-later-checkpoint");

    const run = await restore(later, target);
    expect(run.code, said(run)).to.equal(0);
    expect(run.stdout).to.include(`newest checkpoint known is ${JSON.parse(newest).seq}`);
    expect(run.stdout).to.include("1 checkpoint past the copy's end was left out");
    const restoredCheckpoints = fs.readFileSync(path.join(target, "audit", "checkpoints.jsonl"), "utf8");
    const kept = restoredCheckpoints
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l).seq as number);
    expect(kept.filter((seq) => seq > manifest.audit.count)).to.deep.equal([]);
    expect(restoredCheckpoints).to.not.include(newest);
  });

  describe("restore refuses what it cannot trust, naming what is wrong, and restores nothing (SQLite)", () => {
    it("a blob changed in the backup is refused, naming the file", async () => {
      const tampered = copyOfBackup("tampered");
      const s = saves.find((x) => x.acknowledgedBeforeBackup && x.size > 100 * KB)!;
      const rel = `blobs/${s.sha256.slice(0, 2)}/${s.sha256.slice(2, 4)}/${s.sha256}`;
      const fd = fs.openSync(path.join(tampered, rel), "r+");
      fs.writeSync(fd, Buffer.from("forged"), 0, 6, Math.floor(s.size / 2));
      fs.closeSync(fd);
      const target = path.join(root, "restored-from-tampered");

      const run = await restore(tampered, target);
      expect(run.code, said(run)).to.equal(1);
      expect(run.stderr).to.include(rel).and.to.include("does not hold the content its name says");
      expect(fs.existsSync(target), "the target is left as it was").to.equal(false);

      const check = await runCli("service/cli/restore.ts", [tampered, "--check"]);
      expect(check.code, said(check)).to.equal(1);
      expect(check.stderr).to.include(rel);
    });

    it("a data directory that is not empty is refused and left as it was", async () => {
      const target = path.join(root, "occupied");
      fs.mkdirSync(target);
      fs.writeFileSync(path.join(target, "ims-case.sqlite"), "an archive already lives here");

      const run = await restore(backupDir(), target);
      expect(run.code, said(run)).to.equal(1);
      expect(run.stderr).to.include(`${target} is not empty`);
      expect(fs.readdirSync(target)).to.deep.equal(["ims-case.sqlite"]);
      expect(fs.readFileSync(path.join(target, "ims-case.sqlite"), "utf8")).to.equal("an archive already lives here");
    });

    it("a backup without its manifest is refused as incomplete", async () => {
      const incomplete = copyOfBackup("no-manifest");
      fs.rmSync(path.join(incomplete, "manifest.json"));
      const target = path.join(root, "restored-from-incomplete");

      const run = await restore(incomplete, target);
      expect(run.code, said(run)).to.equal(1);
      expect(run.stderr).to.include("manifest.json is missing").and.to.include("not a complete backup");
      expect(fs.existsSync(target)).to.equal(false);
    });

    it("the untouched backup verifies where it lies with --check", async () => {
      const run = await runCli("service/cli/restore.ts", [backupDir(), "--check"]);
      expect(run.code, said(run)).to.equal(0);
      expect(run.stdout).to.match(/the backup ends at audit event \d+/);
    });
  });

  it("a backup into a directory that is not empty is refused and writes nothing there", async () => {
    const dest = path.join(root, "busy-dest");
    fs.mkdirSync(dest);
    fs.writeFileSync(path.join(dest, "notes.txt"), "mine");
    const run = await backup(dataDir, dest);
    expect(run.code, said(run)).to.equal(1);
    expect(run.stderr).to.include(`${dest} is not empty`);
    expect(fs.readdirSync(dest)).to.deep.equal(["notes.txt"]);
  });
});
