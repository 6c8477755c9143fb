import { expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import sinon from "sinon";
import { CopyObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { BlobMissing, BlobTooLarge, type BlobStore } from "../../service/blobs/blob-store.ts";
import { s3BlobStore } from "../../service/blobs/s3-store.ts";
import { startLocalS3, type LocalS3 } from "../support/s3-server.ts";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

describe("the S3 blob store, against a local S3-compatible server", () => {
  let s3: LocalS3;
  let store: BlobStore;
  // Each test its own prefix in the one bucket: what a test finds is what it made.
  let prefix: string;
  let n = 0;
  const keys = async (under = "") => {
    const page = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix + under }));
    return (page.Contents ?? []).map((o) => o.Key!.slice(prefix.length)).sort();
  };

  before(async () => {
    s3 = await startLocalS3();
  });
  after(async () => {
    await s3.stop();
  });
  beforeEach(() => {
    prefix = `t${++n}/`;
    store = s3BlobStore({ client: s3.client, bucket: s3.bucket, prefix });
  });

  it("stores identical content once, under its sha256, and leaves no temporary object", async () => {
    const a = await store.put(Readable.from([Buffer.from("Indstillingsnotat")]), 1000);
    const b = await store.put(Readable.from([Buffer.from("Indstilling"), Buffer.from("snotat")]), 1000);
    expect(a.sha256).to.equal(sha(Buffer.from("Indstillingsnotat")));
    expect(b.sha256).to.equal(a.sha256);
    expect([a.created, b.created]).to.deep.equal([true, false]);
    expect(await keys()).to.deep.equal([`blobs/${a.sha256.slice(0, 2)}/${a.sha256.slice(2, 4)}/${a.sha256}`]);
    expect((await buffer(await store.open(a.sha256))).toString("utf8")).to.equal("Indstillingsnotat");
    expect(await store.stat(a.sha256)).to.deep.equal({ size: 17 });
  });

  it("writes over part of a content left under its name (a process killed mid-put on a store whose writes are not atomic)", async () => {
    for (const size of [3 * 1024 * 1024, 10 * 1024 * 1024]) {
      const content = randomBytes(size);
      const key = `${prefix}blobs/${sha(content).slice(0, 2)}/${sha(content).slice(2, 4)}/${sha(content)}`;
      await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: content.subarray(0, size - 4096) }));
      const blob = await store.put(Readable.from([content]), 50 * 1024 * 1024);
      expect(blob).to.deep.equal({ sha256: sha(content), size, created: true });
      expect(sha(await buffer(await store.open(blob.sha256)))).to.equal(blob.sha256);
    }
  });

  it("puts content that fits in one part straight under its name, in one request with its SHA-256 after one look", async () => {
    const sent: Array<{ command: string; checksum?: string }> = [];
    s3.client.middlewareStack.add(
      ((next: (args: unknown) => Promise<unknown>, context: { commandName: string }) => async (args: unknown) => {
        const headers = (args as { request: { headers: Record<string, string> } }).request.headers;
        sent.push({ command: context.commandName, checksum: headers["x-amz-checksum-sha256"] });
        return next(args);
      }) as never,
      { step: "finalizeRequest", name: "watchCommands" },
    );
    try {
      const content = randomBytes(3 * 1024 * 1024);
      await store.put(Readable.from([content]), 50 * 1024 * 1024);
      expect(sent).to.deep.equal([
        { command: "HeadObjectCommand", checksum: undefined },
        { command: "PutObjectCommand", checksum: createHash("sha256").update(content).digest("base64") },
      ]);
    } finally {
      s3.client.middlewareStack.remove("watchCommands");
    }
  });

  it("sends a large file in parts and hands it back whole and by range, byte for byte", async () => {
    const content = randomBytes(19 * 1024 * 1024 + 12345);
    // Fed in uneven chunks, as a request body arrives.
    const chunks = [];
    for (let at = 0; at < content.length; at += 700_001) chunks.push(content.subarray(at, at + 700_001));
    const blob = await store.put(Readable.from(chunks), 50 * 1024 * 1024);
    expect(blob).to.deep.equal({ sha256: sha(content), size: content.length, created: true });
    expect(sha(await buffer(await store.open(blob.sha256)))).to.equal(blob.sha256);
    const part = await buffer(await store.open(blob.sha256, { start: 8 * 1024 * 1024 - 10, end: 8 * 1024 * 1024 + 9 }));
    expect(part.equals(content.subarray(8 * 1024 * 1024 - 10, 8 * 1024 * 1024 + 10))).to.equal(true);
    expect(await keys("tmp/")).to.deep.equal([]);
  });

  it("hands back exactly the range asked for when the store answers a Range with the whole object (s3rver does for bytes=0-0)", async () => {
    const content = randomBytes(3 * 1024 * 1024);
    const blob = await store.put(Readable.from([content]), 50 * 1024 * 1024);
    expect((await buffer(await store.open(blob.sha256, { start: 0, end: 0 }))).equals(content.subarray(0, 1))).to.equal(true);
    expect((await buffer(await store.open(blob.sha256, { start: 0, end: 9 }))).equals(content.subarray(0, 10))).to.equal(true);
  });

  it("sends each part with its SHA-256 for the store to check, and refuses a copy whose checksum is not the content's", async () => {
    const sent: string[] = [];
    const watch = (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
      const headers = (args as { request: { headers: Record<string, string> } }).request.headers;
      if (headers["x-amz-checksum-sha256"]) sent.push(headers["x-amz-checksum-sha256"]);
      return next(args);
    };
    s3.client.middlewareStack.add(watch as never, { step: "finalizeRequest", name: "watchChecksums" });
    try {
      const content = randomBytes(12 * 1024 * 1024);
      await store.put(Readable.from([content]), 50 * 1024 * 1024);
      const parts = [content.subarray(0, 8 * 1024 * 1024), content.subarray(8 * 1024 * 1024)];
      expect(sent).to.deep.equal(parts.map((p) => createHash("sha256").update(p).digest("base64")));
    } finally {
      s3.client.middlewareStack.remove("watchChecksums");
    }

    // A store that reports other bytes under the name than were sent: refused, and the name left empty.
    const send = s3.client.send.bind(s3.client);
    const lying = sinon.stub(s3.client, "send").callsFake(async (command: unknown) => {
      const answer = await send(command as never);
      const other = createHash("sha256").update("other").digest("base64");
      if (command instanceof CopyObjectCommand) return { ...answer, CopyObjectResult: { ChecksumSHA256: other } };
      if (command instanceof PutObjectCommand) return { ...answer, ChecksumSHA256: other };
      return answer;
    });
    try {
      const err = await store.put(Readable.from([Buffer.from("Tilsagn om tilskud")]), 1000).catch((e) => e);
      expect(err)
        .to.be.instanceOf(Error)
        .with.property("message")
        .that.matches(/other bytes/);
    } finally {
      lying.restore();
    }
    expect(await keys()).to.have.length(1);
  });

  it("refuses content over the limit, and content that breaks off, and keeps nothing of either", async () => {
    const tooLarge = await store.put(Readable.from([randomBytes(600), randomBytes(600)]), 1000).catch((e) => e);
    expect(tooLarge).to.be.instanceOf(BlobTooLarge);
    // Past the first part too, while the parts are being sent.
    const tooLargeInParts = await store.put(Readable.from([randomBytes(9 * 1024 * 1024), randomBytes(3 * 1024 * 1024)]), 10 * 1024 * 1024).catch((e) => e);
    expect(tooLargeInParts).to.be.instanceOf(BlobTooLarge);
    const content = new PassThrough();
    const broken = store.put(content, 10 * 1024 * 1024);
    content.write(randomBytes(6 * 1024 * 1024));
    setImmediate(() => content.destroy(new Error("Unexpected end of form")));
    expect(await broken.catch((e) => e)).to.have.property("message", "Unexpected end of form");
    expect(await keys()).to.deep.equal([]);
  });

  it("says a blob it does not have is not there, and never turns a name into a key", async () => {
    const absent = sha(Buffer.from("absent"));
    expect(await store.stat(absent)).to.equal(null);
    expect(await store.open(absent).catch((e) => e)).to.be.instanceOf(BlobMissing);
    expect(await store.open("../../etc/passwd").catch((e) => e)).to.have.property("message", "not a sha256: ../../etc/passwd");
    expect(await store.open(absent, { start: 5, end: 2 }).catch((e) => e)).to.be.instanceOf(RangeError);
  });

  it("takes in a finished local file, refusing one of another size than declared", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ims-s3-file-"));
    try {
      const file = path.join(dir, "upload");
      fs.writeFileSync(file, "Referat af mødet");
      const size = fs.statSync(file).size;
      const blob = await store.putFile(file, size);
      expect(blob).to.deep.equal({ sha256: sha(fs.readFileSync(file)), size, created: true });
      expect(fs.existsSync(file)).to.equal(true);
      fs.writeFileSync(file, "Referat af mødet, rettet");
      expect(await store.putFile(file, size + 3).catch((e) => e)).to.be.instanceOf(Error);
      expect(await keys()).to.deep.equal([`blobs/${blob.sha256.slice(0, 2)}/${blob.sha256.slice(2, 4)}/${blob.sha256}`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("discards only what the request created and nothing names; the sweep removes the unreferenced past the grace period", async () => {
    const kept = await store.put(Readable.from([Buffer.from("bevares")]), 1000);
    const gone = await store.put(Readable.from([Buffer.from("kasseres")]), 1000);
    await store.discard({ ...kept, created: false }, async () => false);
    await store.discard(gone, async () => true);
    expect(await store.stat(kept.sha256)).to.deep.equal({ size: 7 });
    expect(await store.stat(gone.sha256)).to.deep.equal({ size: 8 });
    // A temporary object another process is still writing, and an abandoned one.
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${prefix}tmp/running`, Body: "…" }));
    expect(await store.clearTemporaryFiles()).to.equal(0);
    expect(await keys("tmp/")).to.deep.equal(["tmp/running"]);

    const referenced = async (name: string) => name === kept.sha256;
    expect(await store.sweep(referenced, 3600)).to.equal(0);
    expect(await store.sweep(referenced, 0)).to.equal(1);
    expect(await store.stat(gone.sha256)).to.equal(null);
    expect(await store.stat(kept.sha256)).to.deep.equal({ size: 7 });
    expect(await keys("tmp/")).to.deep.equal([]);
    const raw = await s3.client.send(
      new GetObjectCommand({ Bucket: s3.bucket, Key: `${prefix}blobs/${kept.sha256.slice(0, 2)}/${kept.sha256.slice(2, 4)}/${kept.sha256}` }),
    );
    expect(raw.Metadata).to.deep.equal({ sha256: kept.sha256 });
  });
});
