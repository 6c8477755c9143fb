import { expect } from "chai";
import { createHash } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import sinon from "sinon";
import request from "supertest";
import { text } from "node:stream/consumers";
import { BlobMissing, BlobTooLarge, diskBlobStore } from "../../service/blobs/blob-store.ts";
import { isContentReferenced } from "../../service/features/documents/documents.service.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

// The disk store's layout, which only it and these tests know: root/ab/cd/<sha256>.
const blobFile = (root: string, sha256: string) => path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);

const age = (file: string, seconds: number) => {
  const t = new Date(Date.now() - seconds * 1000);
  fs.utimesSync(file, t, t);
};

describe("the content-addressed blob store", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-blobs-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("stores identical content once, under its sha256, and leaves no temporary file", async () => {
    const store = diskBlobStore(path.join(dir, "blobs"));
    const a = await store.put(Readable.from([Buffer.from("Indstillingsnotat")]), 1000);
    const b = await store.put(Readable.from([Buffer.from("Indstilling"), Buffer.from("snotat")]), 1000);
    expect(a.sha256).to.equal(b.sha256);
    expect([a.created, b.created]).to.deep.equal([true, false]);
    expect(fs.readFileSync(blobFile(path.join(dir, "blobs"), a.sha256), "utf8")).to.equal("Indstillingsnotat");
    expect(fs.readdirSync(path.join(dir, "tmp"))).to.deep.equal([]);
  });

  it("at start removes every temporary file when it is the archive's only process, and only day-old ones when others share it", async () => {
    const store = diskBlobStore(path.join(dir, "blobs"));
    const tmp = path.join(dir, "tmp");
    const old = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    const write = (name: string, at?: Date) => {
      fs.writeFileSync(path.join(tmp, name), "x");
      if (at) fs.utimesSync(path.join(tmp, name), at, at);
    };
    write("abandoned.part", old);
    write("being-written.part");
    expect(await store.clearTemporaryFiles(true)).to.equal(1);
    expect(fs.readdirSync(tmp)).to.deep.equal(["being-written.part"]);
    expect(await store.clearTemporaryFiles()).to.equal(1);
    expect(fs.readdirSync(tmp)).to.deep.equal([]);
  });

  it("takes in a finished file on the same disk as a link, not a copy: hashed, durable, fresh for the sweep, the file left where it was", async () => {
    const store = diskBlobStore(path.join(dir, "blobs"));
    const upload = path.join(dir, "upload");
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, "Skolebestyrelsens referat ");
    fs.writeFileSync(upload, bytes);
    age(upload, 86_400);
    const blob = await store.putFile(upload, bytes.length);
    expect(blob).to.deep.equal({ sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length, created: true });
    const stored = blobFile(path.join(dir, "blobs"), blob.sha256);
    expect(fs.statSync(stored).ino).to.equal(fs.statSync(upload).ino);
    expect(Date.now() - fs.statSync(stored).mtimeMs).to.be.below(60_000);
    expect(fs.readdirSync(path.join(dir, "tmp"))).to.deep.equal([]);
    // Removing the upload afterwards leaves the blob.
    fs.rmSync(upload);
    expect(fs.readFileSync(stored).equals(bytes)).to.equal(true);
    // The same content again is stored once.
    fs.writeFileSync(upload, bytes);
    expect((await store.putFile(upload, bytes.length)).created).to.equal(false);
  });

  it("refuses a file of another size than the one declared and keeps nothing; on another disk it copies", async () => {
    const store = diskBlobStore(path.join(dir, "blobs"));
    const upload = path.join(dir, "upload");
    fs.writeFileSync(upload, "Elevens handleplan");
    let refused: unknown;
    await store.putFile(upload, 5).catch((err) => (refused = err));
    expect(refused).to.be.instanceOf(BlobTooLarge);
    await store.putFile(upload, 100).catch((err) => (refused = err));
    expect(String(refused)).to.match(/18 bytes, not the 100 expected/);
    expect(fs.readdirSync(path.join(dir, "tmp"))).to.deep.equal([]);
    expect(fs.readdirSync(path.join(dir, "blobs"))).to.deep.equal([]);
    const link = sinon.stub(fsp, "link").rejects(Object.assign(new Error("EXDEV: cross-device link not permitted"), { code: "EXDEV" }));
    try {
      const blob = await store.putFile(upload, 18);
      const stored = blobFile(path.join(dir, "blobs"), blob.sha256);
      expect(fs.readFileSync(stored, "utf8")).to.equal("Elevens handleplan");
      expect(fs.statSync(stored).ino).to.not.equal(fs.statSync(upload).ino);
    } finally {
      link.restore();
    }
  });

  it("hands out a blob as a stream, whole or a range of it, and tells its size", async () => {
    const store = diskBlobStore(path.join(dir, "blobs"));
    const { sha256 } = await store.put(Readable.from([Buffer.from("Elevplan for skoleåret")]), 1000);
    expect(await store.stat(sha256)).to.deep.equal({ size: Buffer.byteLength("Elevplan for skoleåret") });
    expect(await text(await store.open(sha256))).to.equal("Elevplan for skoleåret");
    expect(await text(await store.open(sha256, { start: 0, end: 7 }))).to.equal("Elevplan");
    expect(await text(await store.open(sha256, { start: 13, end: 1000 }))).to.equal("skoleåret");
  });

  it("says a blob it does not have is not there, before any byte is promised", async () => {
    const store = diskBlobStore(path.join(dir, "blobs"));
    const absent = "0".repeat(64);
    expect(await store.stat(absent)).to.equal(null);
    expect(await store.open(absent).catch((e) => e)).to.be.instanceOf(BlobMissing);
  });

  it("refuses content over the limit and keeps nothing", async () => {
    const store = diskBlobStore(path.join(dir, "blobs"));
    const err = await store.put(Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), 1000).catch((e) => e);
    expect(err).to.be.instanceOf(BlobTooLarge);
    expect(fs.readdirSync(path.join(dir, "blobs"))).to.deep.equal([]);
    expect(fs.readdirSync(path.join(dir, "tmp"))).to.deep.equal([]);
  });

  it("fails with the content's error when the content breaks off before it is read (a request cut short), and keeps nothing", async () => {
    const store = diskBlobStore(path.join(dir, "blobs"));
    const content = new PassThrough();
    const put = store.put(content, 1000);
    // Broken off while the store still opens its file: an error no one listened for would end the process.
    content.destroy(new Error("Unexpected end of form"));
    const err = await put.catch((e) => e);
    expect(err).to.be.instanceOf(Error).with.property("message", "Unexpected end of form");
    expect(fs.readdirSync(path.join(dir, "blobs"))).to.deep.equal([]);
    expect(fs.readdirSync(path.join(dir, "tmp"))).to.deep.equal([]);
  });

  it("never turns a name into a path: only a sha256 addresses a blob", async () => {
    const store = diskBlobStore(path.join(dir, "blobs"));
    for (const name of ["../../etc/passwd", `../${"a".repeat(64)}`, "A".repeat(64)]) {
      expect(await store.stat(name).catch((e) => e), name).to.be.instanceOf(Error);
      expect(await store.open(name).catch((e) => e), name)
        .to.be.instanceOf(Error)
        .and.not.instanceOf(BlobMissing);
    }
  });

  it("refuses a range that is not one: backwards, negative or fractional", async () => {
    const store = diskBlobStore(path.join(dir, "blobs"));
    const { sha256 } = await store.put(Readable.from([Buffer.from("Indstillingsnotat")]), 1000);
    for (const range of [
      { start: 5, end: 4 },
      { start: -1, end: 4 },
      { start: 0.5, end: 4 },
    ]) {
      expect(await store.open(sha256, range).catch((e) => e), JSON.stringify(range)).to.be.instanceOf(RangeError);
    }
  });
});

describe("the sweep of unreferenced blobs", () => {
  let svc: TestService;
  let w: World;
  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
  });
  after(() => svc.dispose());

  it("removes a deleted document's content after the grace period and keeps what versions still use (disk)", async () => {
    const save = (text: string) =>
      request(svc.url)
        .post("/api/documents")
        .auth(w.tokens.alice, { type: "bearer" })
        .field("metadata", JSON.stringify({ documentTypeId: w.types.letter }))
        .attach("file", Buffer.from(text), { filename: "brev.txt", contentType: "text/plain" })
        .expect(201);
    const kept = (await save("bliver")).body;
    const gone = (await save("slettes")).body;
    await request(svc.url).delete(`/api/documents/${gone.id}`).auth(ADMIN_TOKEN, { type: "bearer" }).expect(204);
    const keptFile = blobFile(svc.config.blobDir, kept.currentVersion.sha256);
    const goneFile = blobFile(svc.config.blobDir, gone.currentVersion.sha256);
    const stray = path.join(svc.dataDir, "tmp", "crashed-upload.part");
    fs.writeFileSync(stray, "half an upload");
    const referenced = (sha: string) => isContentReferenced(svc.ctx.db, sha);

    // Within the grace period nothing goes: an upload may be about to commit a reference to it.
    expect(await svc.ctx.blobs.sweep(referenced, 3600)).to.equal(0);
    expect(fs.existsSync(goneFile)).to.equal(true);

    for (const f of [keptFile, goneFile, stray]) age(f, 7200);
    expect(await svc.ctx.blobs.sweep(referenced, 3600)).to.equal(1);
    expect(fs.existsSync(goneFile)).to.equal(false);
    expect(fs.existsSync(stray)).to.equal(false);
    expect(fs.existsSync(keptFile)).to.equal(true);
    const dl = await request(svc.url).get(`/api/documents/${kept.id}/content`).auth(w.tokens.alice, { type: "bearer" }).expect(200);
    expect(dl.text).to.equal("bliver");
  });
});
