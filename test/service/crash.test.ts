import { expect } from "chai";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { loadConfig } from "../../service/config.ts";
import { blobStoreOf } from "../../service/open-archive.ts";
import { archiveEnvOf, createCase, MB, openDataDir, prepareDataDir, startChildService, type ChildService } from "../support/child-service.ts";
import { downloadSha256, GeneratedContent, saveMultipart, saveUpload, send, tus, type HttpReply } from "../support/payload.ts";
import type { World } from "../support/world.ts";

const KB = 1024;
const SLICE = 4 * MB;

/**
 * One save as a client makes it. `pause` holds it at a point until the service has been killed, so
 * some saves are certainly in flight then; the others run free and end wherever the kill finds them.
 */
interface Save {
  title: string;
  kind: "multipart" | "tus";
  content: GeneratedContent;
  sha256: string;
  key: string;
  pause?: "mid-body" | "before-save";
  uploadId?: string;
  /** A resumable upload held before its save has all its bytes with the service. */
  uploaded?: boolean;
  acknowledged?: { id: string; sha256: string };
}

// Even: multipart, odd: resumable. Sizes from 100 KB to 20 MB.
const SIZES = [100 * KB, 300 * KB, 20 * MB, 1 * MB, 12 * MB, 150 * KB, 2 * MB, 20 * MB, 700 * KB, 4.5 * MB, 6 * MB, 2 * MB, 16 * MB, 8 * MB, 3 * MB, 10 * MB];
const PAUSED: Record<number, Save["pause"]> = { 1: "before-save", 2: "mid-body", 7: "mid-body", 10: "mid-body", 15: "mid-body" };
const KILL_AFTER_ACKS = 6;

/** The content from `start` to `end`, waiting for `gate` when it reaches `pauseAt`. */
async function* pausing(content: GeneratedContent, start: number, end: number, pauseAt: number | undefined, gate: Promise<void>) {
  if (pauseAt === undefined || pauseAt <= start || pauseAt >= end) return yield* content.chunks(start, end);
  yield* content.chunks(start, pauseAt);
  await gate;
  yield* content.chunks(pauseAt, end);
}

describe("crash: the service is killed with SIGKILL in the middle of concurrent uploads", function () {
  this.timeout(150_000);
  let w: World;
  let dataDir: string;
  let svc: ChildService | undefined;
  let caseId: string;
  const saves: Save[] = [];
  let maybeKill = () => {};
  const metadata = (s: Save) => ({ documentTypeId: w.types.pupil, caseId, title: s.title });

  /** Sends a save, held at its pause point until `gate` opens (no gate: straight through); resolves with the reply to the save itself. */
  async function run(s: Save, base: string, gate?: Promise<void>, from = 0): Promise<HttpReply> {
    const pauseAt = gate && s.pause === "mid-body" ? Math.floor(s.content.size / 2) : undefined;
    const held = gate ?? Promise.resolve();
    const opts = { token: w.tokens.alice, idempotencyKey: s.key, filename: `${s.title}.bin` };
    if (s.kind === "multipart") return saveMultipart(base, metadata(s), pausing(s.content, 0, s.content.size, pauseAt, held), s.content.size, opts);
    if (!s.uploadId) {
      const created = await tus.create(base, w.tokens.alice, s.content.size, opts.filename);
      if (created.status !== 201) return created;
      s.uploadId = created.id!;
    }
    const refused = await tus.upload(base, w.tokens.alice, s.uploadId, s.content.size, from, SLICE, (a, b) => pausing(s.content, a, b, pauseAt, held));
    if (refused) return refused;
    if (gate && s.pause === "before-save") {
      s.uploaded = true;
      maybeKill();
      await gate;
    }
    return saveUpload(base, metadata(s), s.uploadId, opts);
  }

  before(async () => {
    ({ dataDir, world: w } = await prepareDataDir());
    for (const [i, size] of SIZES.entries()) {
      const content = new GeneratedContent(Math.round(size), `crash-${i}`);
      saves.push({
        title: `Nedbrud ${i}`,
        kind: i % 2 ? "tus" : "multipart",
        content,
        sha256: await content.sha256(),
        key: `crash-test-${i}-${content.size}`,
        pause: PAUSED[i],
      });
    }
    svc = await startChildService(dataDir);
    caseId = await createCase(svc, w.tokens.alice, w.templates.pupil, "Elev under nedbrud", { elevnummer: "E-9" });

    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const running = svc;
    let acks = 0;
    let killed: Promise<void> | undefined;
    // The kill comes once enough saves are acknowledged and every held resumable upload is complete.
    maybeKill = () => {
      if (!killed && acks >= KILL_AFTER_ACKS && saves.every((s) => s.pause !== "before-save" || s.uploaded)) killed = running.kill();
    };
    const outcomes = saves.map((s) =>
      run(s, running.url, gate).then(
        (reply) => {
          if (reply.status !== 201) return;
          const body = reply.json();
          s.acknowledged = { id: body.id, sha256: body.currentVersion.sha256 };
          acks++;
          maybeKill();
        },
        () => undefined, // cut off by the kill: not acknowledged
      ),
    );
    // Every unpaused save ends (acknowledged or cut off) or the kill comes first; then the paused ones fail on a dead service.
    await Promise.all(outcomes.filter((_, i) => !PAUSED[i]));
    await (killed ?? running.kill());
    openGate();
    await Promise.all(outcomes);
    svc = await startChildService(dataDir);
  });
  after(async () => {
    await svc?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("was killed with saves both acknowledged and in flight", () => {
    const acknowledged = saves.filter((s) => s.acknowledged);
    expect(acknowledged.length).to.be.at.least(KILL_AFTER_ACKS);
    expect(saves.length - acknowledged.length).to.be.at.least(Object.keys(PAUSED).length);
    for (const s of acknowledged) expect(s.acknowledged!.sha256, s.title).to.equal(s.sha256);
  });

  it("every acknowledged document exists after the restart and downloads with the same sha256", async () => {
    for (const s of saves.filter((x) => x.acknowledged)) {
      const doc = await send(`${svc!.url}/api/documents/${s.acknowledged!.id}`, { token: w.tokens.alice });
      expect(doc.status, s.title).to.equal(200);
      expect(doc.json().currentVersion).to.include({ sha256: s.sha256, size: s.content.size });
      expect(await downloadSha256(svc!.url, w.tokens.alice, s.acknowledged!.id)).to.deep.equal({ status: 200, sha256: s.sha256, size: s.content.size });
    }
  });

  it("retrying an interrupted save with the same Idempotency-Key creates exactly one document; a second retry returns it again", async () => {
    const base = svc!.url;
    for (const s of saves.filter((x) => !x.acknowledged)) {
      // A resumable upload goes on from what the service kept; one it never recorded starts over.
      const offset = s.uploadId ? await tus.offset(base, w.tokens.alice, s.uploadId) : undefined;
      if (offset === undefined) s.uploadId = undefined;
      const first = await run(s, base, undefined, offset ?? 0);
      // 200: the save had committed before the kill, only its answer was lost.
      expect(first.status, `${s.title}: ${first.body.toString("utf8").slice(0, 300)}\n${svc!.output()}`).to.be.oneOf([200, 201]);
      expect(first.json().currentVersion.sha256, s.title).to.equal(s.sha256);
      s.acknowledged = { id: first.json().id, sha256: first.json().currentVersion.sha256 };
    }
    for (const s of saves) {
      // The service answers a known key before reading any content, so a retried multipart save sends little.
      const again =
        s.kind === "multipart" ? await run(s, base) : await saveUpload(base, metadata(s), s.uploadId!, { token: w.tokens.alice, idempotencyKey: s.key });
      expect(again.status, s.title).to.equal(200);
      expect(again.json().id, s.title).to.equal(s.acknowledged!.id);
    }
    const listed = await send(`${base}/api/documents?caseId=${caseId}&limit=100`, { token: w.tokens.alice });
    const titles = (listed.json().items as Array<{ title: string }>).map((d) => d.title).sort();
    expect(titles).to.deep.equal(saves.map((s) => s.title).sort());
  });

  it("the audit chain verifies after the restart", async () => {
    const reply = await send(`${svc!.url}/api/audit/verify`, { token: w.tokens.admin });
    expect(reply.status, reply.body.toString("utf8")).to.equal(200);
    expect(reply.json()).to.include({ status: "ok" });
  });

  it("leaves a consistent database: integrity_check ok, every version has its blob with the right bytes, every document its current version", async () => {
    await svc!.stop();
    svc = undefined;
    const opened = openDataDir(dataDir);
    try {
      expect(await opened.integrityCheck()).to.equal("ok");
      const versions = await opened.db.selectFrom("versions").select(["sha256", "size"]).distinct().execute();
      // Read from the content store the service wrote (files under the data directory, or the object store).
      const blobs = blobStoreOf(loadConfig(archiveEnvOf(dataDir)));
      for (const v of versions) {
        const hash = createHash("sha256");
        let size = 0;
        for await (const c of await blobs.open(v.sha256)) {
          hash.update(c as Buffer);
          size += (c as Buffer).length;
        }
        expect({ sha256: hash.digest("hex"), size }, `blob of version ${v.sha256}`).to.deep.equal({ sha256: v.sha256, size: v.size });
      }
      const headless = await opened.db
        .selectFrom("documents")
        .select("id")
        .where((eb) => eb.not(eb.exists(eb.selectFrom("versions").select("versions.id").whereRef("versions.id", "=", "documents.current_version_id"))))
        .execute();
      expect(headless).to.deep.equal([]);
      const documents = await opened.db.selectFrom("documents").select("title").where("case_id", "=", caseId).execute();
      expect(documents.map((d) => d.title).sort()).to.deep.equal(saves.map((s) => s.title).sort());
    } finally {
      await opened.close();
    }
  });
});
