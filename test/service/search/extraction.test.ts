import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import zlib from "node:zlib";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import request from "supertest";
import type { DocumentDetails, SearchResults } from "../../../shared/api/types.ts";
import { BACKFILL_TEXT_JOB } from "../../../service/features/search/extraction.ts";
import { enqueueJob } from "../../../service/jobs/jobs.ts";
import { corpus, fixture } from "../../support/fixtures.ts";
import { bearer } from "../../support/http.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../../support/service.ts";
import { buildWorld, type World } from "../../support/world.ts";
import { zip } from "../../support/zip.ts";

// Text extraction wired to the archive: a saved file's text is read by a job in the extraction pool, shown
// as each version's extraction status, and found by search; a file that cannot be read is marked, never
// fatal to its save; the files saved before extraction existed are read by a backfill that resumes after a crash.

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

describe("text extraction of saved files", function () {
  this.timeout(120_000);
  let svc: TestService;
  let w: World;
  let caseId: string;

  async function save(bytes: Buffer, filename: string, contentType: string, title: string): Promise<string> {
    const res = await request(svc.url)
      .post("/api/documents")
      .auth(w.tokens.alice, bearer)
      .field("metadata", JSON.stringify({ documentTypeId: w.types.note, caseId, title }))
      .attach("file", bytes, { filename, contentType });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.id;
  }
  const details = async (id: string): Promise<DocumentDetails> =>
    (await request(svc.url).get(`/api/documents/${id}`).auth(w.tokens.alice, bearer).expect(200)).body;
  const find = async (q: string): Promise<SearchResults> =>
    (await request(svc.url).get("/api/search").auth(w.tokens.alice, bearer).query({ q, kind: "documents" }).expect(200)).body;

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    const res = await request(svc.url)
      .post("/api/cases")
      .auth(w.tokens.alice, bearer)
      .send({ templateId: w.templates.pupil, title: "Udtræk", metadata: { elevnummer: "E-1" } });
    caseId = res.body.id;
  });
  after(() => svc.dispose());

  it("reads a saved Word document's text in the background: the version says done and search finds its words in any form", async () => {
    const id = await save(corpus("complex-word-with-images-850kb.docx"), "video.docx", DOCX, "Et dokument uden ordet i titlen");
    expect((await details(id)).currentVersion.extraction.status).to.be.oneOf(["pending", "done"]);
    await svc.jobsIdle();
    const doc = await details(id);
    expect(doc.currentVersion.extraction).to.deep.equal({ status: "done", reason: null });
    // "footnotes" is stemmed like "footnote" in the text; the snippet comes from the file's text.
    const r = await find("powerful footnote");
    expect(r.documents.items.map((h) => h.document.id)).to.deep.equal([id]);
    expect(r.documents.items[0].snippet.filter((p) => p.hit).map((p) => p.text.toLowerCase())).to.include("powerful");
    expect((await find("powerf*")).documents.items.map((h) => h.document.id)).to.include(id);
  });

  // Real files of every kind the archive reads, each found by a word of its text in another form, or by a prefix.
  const CORPUS: Array<[file: string, queries: string[]]> = [
    ["forside-styrelsen-for-it-og-laering.pdf", ["ungdomsuddannelserne", "optagels*"]],
    ["Sundhedsjournal.doc", ["hovedpinen", "mikrokirurg*"]],
    // The mail's own words, and those of the OpenDocument file attached to it.
    ["da-gmail-inline-image-and-attached-odt.eml", ["billederne", "databehandlingen vejstrand"]],
    ["outlook-attachmentFiles.msg", ["hmailuser"]],
    ["sundhedstermer.xlsx", ["kræften", "afmag*"]],
    ["presentation-1mb.pptx", ["layouts"]],
    ["da-brev-med-billede.odt", ["brev*"]],
  ];
  for (const [file, queries] of CORPUS) {
    it(`finds ${file} by what it says: ${queries.join(", ")}`, async () => {
      const id = await save(corpus(file), file, "application/octet-stream", `Fil ${file.slice(0, 8)}`);
      await svc.jobsIdle();
      expect((await details(id)).currentVersion.extraction).to.deep.equal({ status: "done", reason: null });
      for (const q of queries)
        expect(
          (await find(q)).documents.items.map((h) => h.document.id),
          q,
        ).to.include(id);
    });
  }

  it("finds the text of an attachment with its document", async () => {
    const res = await request(svc.url)
      .post("/api/documents")
      .auth(w.tokens.alice, bearer)
      .field("metadata", JSON.stringify({ documentTypeId: w.types.note, caseId, title: "Brev med bilag" }))
      .attach("file", Buffer.from("Følgebrev\n"), { filename: "brev.txt", contentType: "text/plain" })
      .attach("attachment", corpus("da-brev-med-billede.odt"), { filename: "bilag.odt", contentType: "application/vnd.oasis.opendocument.text" });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    await svc.jobsIdle();
    const doc = await details(res.body.id);
    expect(doc.attachments[0].versions[0].extraction.status).to.equal("done");
    const words = (
      await svc.ctx.db.selectFrom("content_texts").select("text").where("sha256", "=", doc.attachments[0].versions[0].sha256).executeTakeFirstOrThrow()
    ).text;
    const word = words.match(/\p{L}{6,}/u)![0];
    expect((await find(word)).documents.items.map((h) => h.document.id)).to.include(res.body.id);
  });

  it("marks an encrypted file skipped and a zip bomb failed, with the reason, and keeps both saved", async () => {
    const encrypted = await save(fs.readFileSync(fixture("search/password-protected-encrypted.docx")), "hemmelig.docx", DOCX, "Krypteret");
    const bomb = await save(zipBomb(), "bombe.docx", DOCX, "Bombe");
    await svc.jobsIdle();
    expect((await details(encrypted)).currentVersion.extraction).to.deep.include({ status: "skipped" });
    expect((await details(encrypted)).currentVersion.extraction.reason).to.match(/encrypt/i);
    const b = (await details(bomb)).currentVersion.extraction;
    expect(b.status).to.equal("failed");
    expect(b.reason).to.match(/bomb/i);
    // Both are still there to download, as saved.
    await request(svc.url).get(`/api/documents/${bomb}/content`).auth(w.tokens.alice, bearer).expect(200);
    expect((await find("Bombe")).documents.items.map((h) => h.document.id)).to.deep.equal([bomb]);
  });

  it("reads the same content once, however many versions hold it", async () => {
    const bytes = Buffer.from("Samme indhold i to dokumenter om vandløbsregulativet\n");
    const a = await save(bytes, "a.txt", "text/plain", "Første");
    const b = await save(bytes, "b.txt", "text/plain", "Anden");
    await svc.jobsIdle();
    const sha = (await details(a)).currentVersion.sha256;
    expect((await details(b)).currentVersion.extraction.status).to.equal("done");
    const rows = await svc.ctx.db.selectFrom("content_texts").select("sha256").where("sha256", "=", sha).execute();
    expect(rows).to.have.length(1);
    expect((await find("vandløbsregulativ")).documents.items.map((h) => h.document.id).sort()).to.deep.equal([a, b].sort());
  });
});

describe("text extraction: the backfill of files saved before it existed", function () {
  this.timeout(180_000);
  let svc: TestService;
  let w: World;
  const workers: ChildProcess[] = [];

  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, ["--import", "tsx", "service/worker.ts"], {
      cwd: REPO,
      env: { ...process.env, ...svc.archiveEnv, SEED_DEMO: "false", LOG_LEVEL: "warn", IMS_JOB_LEASE_SECONDS: "1" },
      stdio: "ignore",
    });
    workers.push(child);
    return child;
  }
  const readCount = async () =>
    Number(
      (
        await svc.ctx.db
          .selectFrom("content_texts")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  before(async () => {
    // The service runs no jobs: only the worker processes the test starts do.
    svc = await startTestService({ IMS_RUN_JOBS: "false" });
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
  });
  after(async () => {
    for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await svc.dispose();
  });

  it("reads every file in batches, and a worker killed in the middle leaves the rest to the next, which finishes without reading anything twice", async () => {
    const FILES = 450;
    for (let i = 0; i < FILES; i++) {
      const res = await request(svc.url)
        .post("/api/documents")
        .auth(w.tokens.alice, bearer)
        .field("metadata", JSON.stringify({ documentTypeId: w.types.note, title: `Notat ${i}` }))
        .attach("file", Buffer.from(`Notat nummer ${i} om ${i % 2 ? "skolebestyrelsen" : "forældrerådet"}\n`), {
          filename: `notat-${i}.txt`,
          contentType: "text/plain",
        });
      expect(res.status).to.equal(201);
    }
    // As before the upgrade: no file read, nothing queued but the one backfill job the migration adds.
    await svc.ctx.db.deleteFrom("jobs").execute();
    await enqueueJob(svc.ctx.db, BACKFILL_TEXT_JOB, {});

    const first = startWorker();
    while ((await readCount()) < 60) {
      if (first.exitCode !== null) throw new Error("the worker exited");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const atKill = await readCount();
    expect(atKill).to.be.below(FILES);

    startWorker();
    while ((await readCount()) < FILES) await new Promise((resolve) => setTimeout(resolve, 50));
    const texts = await svc.ctx.db.selectFrom("content_texts").select(["status", "text"]).execute();
    expect(texts.filter((t) => t.status !== "done")).to.deep.equal([]);
    // Every batch job ran to done, one chain of them, none twice.
    for (;;) {
      const pending = await svc.ctx.db.selectFrom("jobs").select("id").where("state", "=", "pending").execute();
      if (!pending.length) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const jobs = await svc.ctx.db.selectFrom("jobs").select(["kind", "state"]).execute();
    expect(jobs.every((j) => j.kind === BACKFILL_TEXT_JOB && j.state === "done")).to.equal(true);
    expect(jobs).to.have.length(Math.ceil(FILES / 200) + (FILES % 200 === 0 ? 1 : 0));
  });
});

/** A docx whose document.xml inflates to 200 MiB of zeros: some 200 KB saved. */
function zipBomb(): Buffer {
  const zeros = zlib.deflateRawSync(Buffer.alloc(200 * 1024 * 1024), { level: 9 });
  return zip([{ name: "word/document.xml", content: Buffer.alloc(0), declaredSize: 200 * 1024 * 1024, rawDeflated: zeros }]);
}
