import { expect } from "chai";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createCase, jobsSettled, MB, openDataDir, prepareDataDir, sampleRss, startChildService, type ChildService } from "../support/child-service.ts";
import { downloadSha256, GeneratedContent, hashing, saveMultipart, saveUpload, saveViaTus, tus, type HttpReply } from "../support/payload.ts";
import type { World } from "../support/world.ts";

const SIZE = 300 * MB;
const MAX_UPLOAD = 400 * MB;
const RSS_BOUND = 64 * MB;
const SLICE = 4 * MB;

const detail = (r: HttpReply) => `${r.status} ${r.body.toString("utf8").slice(0, 500)}`;

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe("streaming: 300 MB saves through the service process", function () {
  this.timeout(180_000);
  let svc: ChildService;
  let w: World;
  let dataDir: string;
  let caseId: string;
  const metadata = () => ({ documentTypeId: w.types.pupil, caseId });

  before(async () => {
    ({ dataDir, world: w } = await prepareDataDir());
    svc = await startChildService(dataDir, { MAX_UPLOAD_MB: String(MAX_UPLOAD / MB) });
    caseId = await createCase(svc, w.tokens.alice, w.templates.pupil, "Elev med store filer", { elevnummer: "E-300" });
    // Warm-up: both paths run once at a size that fills every buffer, so the baseline holds code and pools.
    for (const seed of ["warm-1", "warm-2"]) {
      const sent = new GeneratedContent(16 * MB, seed);
      expect((await saveMultipart(svc.url, metadata(), sent.chunks(), sent.size, { token: w.tokens.alice })).status).to.equal(201);
      const sliced = new GeneratedContent(16 * MB, `${seed}-sliced`);
      expect((await saveViaTus(svc.url, metadata(), sliced.size, (a, b) => sliced.chunks(a, b), { token: w.tokens.alice, sliceBytes: SLICE })).status).to.equal(
        201,
      );
    }
    // Reading the warm-up files' text starts the extraction threads; the baseline holds them too.
    await jobsSettled(dataDir);
  });
  after(async () => {
    await svc?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("a 300 MB multipart save completes, stores the sha256 computed while sending, and the service's RSS grows by less than 64 MB", async () => {
    const baseline = svc.rss();
    const rss = sampleRss(svc.pid);
    const sent = createHash("sha256");
    const content = new GeneratedContent(SIZE, "multipart-300");
    const reply = await saveMultipart(svc.url, metadata(), hashing(content.chunks(), sent), SIZE, { token: w.tokens.alice, filename: "Skanning æøå.bin" });
    const { peak } = rss.stop();
    expect(reply.status, detail(reply)).to.equal(201);
    const sha256 = sent.digest("hex");
    expect(reply.json().currentVersion).to.include({ sha256, size: SIZE });
    expect(peak - baseline, `RSS ${baseline} → ${peak}`).to.be.below(RSS_BOUND);

    const download = sampleRss(svc.pid);
    const got = await downloadSha256(svc.url, w.tokens.alice, reply.json().id);
    const downloadPeak = download.stop().peak;
    expect(got).to.deep.equal({ status: 200, sha256, size: SIZE });
    expect(downloadPeak - baseline, `RSS while downloading ${baseline} → ${downloadPeak}`).to.be.below(RSS_BOUND);
  });

  it("a 300 MB resumable upload in 4 MB slices becomes a version with the sha256 computed while sending, and RSS grows by less than 64 MB (disk)", async () => {
    const baseline = svc.rss();
    const rss = sampleRss(svc.pid);
    const sent = createHash("sha256");
    const content = new GeneratedContent(SIZE, "tus-300");
    const reply = await saveViaTus(svc.url, metadata(), SIZE, (a, b) => hashing(content.chunks(a, b), sent), {
      token: w.tokens.alice,
      sliceBytes: SLICE,
      filename: "Optagelse.bin",
    });
    const { peak } = rss.stop();
    expect(reply.status, detail(reply)).to.equal(201);
    expect(reply.json().currentVersion).to.include({ sha256: sent.digest("hex"), size: SIZE });
    expect(peak - baseline, `RSS ${baseline} → ${peak}`).to.be.below(RSS_BOUND);
  });

  /** What a refused or abandoned upload must not leave behind. */
  async function storedState() {
    const opened = openDataDir(dataDir);
    try {
      const { n } = await opened.db
        .selectFrom("versions")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      return { blobs: filesUnder(path.join(dataDir, "blobs")), tmp: filesUnder(path.join(dataDir, "tmp")), versions: Number(n) };
    } finally {
      await opened.close();
    }
  }

  describe("an upload over MAX_UPLOAD_MB", () => {
    const over = MAX_UPLOAD + MB;
    let before: Awaited<ReturnType<typeof storedState>>;
    beforeEach(async () => {
      before = await storedState();
    });

    it("is counted as it streams, refused with 413 problem+json, and leaves nothing in blobs, tmp or the versions table", async () => {
      const content = new GeneratedContent(over, "over");
      const reply = await saveMultipart(svc.url, metadata(), content.chunks(), over, { token: w.tokens.alice });
      expect(reply.status, detail(reply)).to.equal(413);
      expect(reply.headers["content-type"]).to.match(/^application\/problem\+json/);
      expect(reply.json()).to.include({ status: 413, code: "too_large" });
      expect(await storedState()).to.deep.equal(before);
    });

    it("as a resumable upload: an Upload-Length over the max gets 413", async () => {
      const reply = await tus.create(svc.url, w.tokens.alice, over, "for-stor.bin");
      expect(reply.status, detail(reply)).to.equal(413);
      expect(await storedState()).to.deep.equal(before);
    });
  });

  describe("a client that goes away mid-upload", () => {
    it("leaves no blob, temp file or version behind from a cut-off multipart save, and the service carries on", async () => {
      const before = await storedState();
      const content = new GeneratedContent(SIZE, "abandoned");
      const abort = new AbortController();
      async function* halfThenGone() {
        yield* content.chunks(0, 64 * MB);
        abort.abort();
      }
      const cut = await saveMultipart(svc.url, metadata(), halfThenGone(), SIZE, { token: w.tokens.alice, signal: abort.signal }).then(
        (r) => `answered ${detail(r)}`,
        () => "cut off",
      );
      expect(cut).to.equal("cut off");
      // The service notices the closed connection on its own time; wait for its clean-up, not for a clock.
      let after = await storedState();
      for (let tries = 0; tries < 200 && JSON.stringify(after) !== JSON.stringify(before); tries++) {
        await new Promise((r) => setTimeout(r, 100));
        after = await storedState();
      }
      expect(after).to.deep.equal(before);
      const small = new GeneratedContent(MB, "after-abandoned");
      expect((await saveMultipart(svc.url, metadata(), small.chunks(), small.size, { token: w.tokens.alice })).status).to.equal(201);
    });

    it("resumes a resumable upload cut off inside a slice from the offset the service reports", async () => {
      const content = new GeneratedContent(12 * MB + 12345, "resumed");
      const created = await tus.create(svc.url, w.tokens.alice, content.size, "Genoptaget.bin");
      expect(created.status, detail(created)).to.equal(201);
      const id = created.id!;
      expect(await tus.upload(svc.url, w.tokens.alice, id, SLICE, 0, SLICE, (a, b) => content.chunks(a, b))).to.equal(undefined);
      const abort = new AbortController();
      async function* partOfSlice() {
        yield* content.chunks(SLICE, SLICE + 2 * MB);
        abort.abort();
      }
      await tus.patch(svc.url, w.tokens.alice, id, SLICE, partOfSlice(), SLICE, abort.signal).then(
        () => expect.fail("the cut-off PATCH was answered"),
        () => undefined,
      );
      const offset = await tus.offset(svc.url, w.tokens.alice, id);
      expect(offset).to.be.within(SLICE, 2 * SLICE);
      let refused = await tus.upload(svc.url, w.tokens.alice, id, content.size, offset!, SLICE, (a, b) => content.chunks(a, b));
      // The cut-off PATCH's last bytes may still have been landing when the offset was read: then the service answers 409
      // and a tus client asks for the offset again, as here.
      if (refused?.status === 409) {
        const later = await tus.offset(svc.url, w.tokens.alice, id);
        expect(later).to.be.within(offset!, 2 * SLICE);
        refused = await tus.upload(svc.url, w.tokens.alice, id, content.size, later!, SLICE, (a, b) => content.chunks(a, b));
      }
      expect(refused).to.equal(undefined);
      const saved = await saveUpload(svc.url, metadata(), id, { token: w.tokens.alice });
      expect(saved.status, detail(saved)).to.equal(201);
      expect(saved.json().currentVersion).to.include({ sha256: await content.sha256(), size: content.size });
    });
  });
});
