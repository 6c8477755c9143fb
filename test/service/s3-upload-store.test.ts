import { expect } from "chai";
import { randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { ERRORS, Upload } from "@tus/server";
import { S3UploadStore } from "../../service/features/uploads/s3-upload-store.ts";
import { startLocalS3, type LocalS3 } from "../support/s3-server.ts";

const DAY = 24 * 3600 * 1000;

describe("resumable uploads in the S3 store, against a local S3-compatible server", () => {
  let s3: LocalS3;
  let store: S3UploadStore;
  // Each test its own prefix in the one bucket: what a test finds is what it made.
  let prefix: string;
  let n = 0;
  const keys = async () => {
    const page = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
    return (page.Contents ?? []).map((o) => o.Key!.slice(prefix.length)).sort();
  };
  const begin = async (size: number | undefined, filename = "referat.docx", created = new Date()) => {
    const upload = new Upload({ id: randomUUID(), size, offset: 0, metadata: { filename }, creation_date: created.toISOString() });
    await store.create(upload);
    return upload.id;
  };
  const rejection = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (err: unknown) => err,
    );

  before(async () => {
    s3 = await startLocalS3();
  });
  after(async () => {
    await s3.stop();
  });
  beforeEach(() => {
    prefix = `u${++n}/`;
    store = new S3UploadStore(s3.client, s3.bucket, prefix, DAY);
  });

  it("keeps the slices as they arrive, answers the offset any process can resume from, and streams the bytes back in order", async () => {
    // The second slice is larger than a part, so it goes up in parts; the others in one request each.
    const slices = [randomBytes(4 * 1024 * 1024), randomBytes(9 * 1024 * 1024 + 17), randomBytes(1000)];
    const total = slices.reduce((sum, s) => sum + s.length, 0);
    const id = await begin(total);
    expect(await store.getUpload(id)).to.include({ id, size: total, offset: 0 });
    let offset = 0;
    for (const slice of slices) {
      // A slice arrives in chunks, as a request body does.
      const chunks = Array.from({ length: Math.ceil(slice.length / 65536) }, (_, i) => slice.subarray(i * 65536, (i + 1) * 65536));
      offset = await store.write(Readable.from(chunks), id, offset);
      // Another process's store, on the same bucket, sees what this one wrote.
      expect((await new S3UploadStore(s3.client, s3.bucket, prefix, DAY).getUpload(id)).offset).to.equal(offset);
    }
    expect(offset).to.equal(total);
    const upload = await store.getUpload(id);
    expect(upload).to.include({ size: total, offset: total });
    expect(upload.metadata).to.deep.equal({ filename: "referat.docx" });
    expect((await buffer((await store.content(id))!)).equals(Buffer.concat(slices))).to.equal(true);
    expect(store.localFile()).to.equal(null);
  });

  it("keeps nothing of a slice cut off midway: the offset stays where it was, and the slice sent again completes the upload", async () => {
    const first = randomBytes(100_000);
    const second = randomBytes(12 * 1024 * 1024);
    const id = await begin(first.length + second.length);
    await store.write(Readable.from([first]), id, 0);
    for (const cutAt of [50_000, 9 * 1024 * 1024]) {
      const broken = new Readable({ read() {} });
      broken.push(second.subarray(0, cutAt));
      setTimeout(() => broken.destroy(new Error("the connection broke")), 50);
      expect(await rejection(store.write(broken, id, first.length))).to.equal(ERRORS.FILE_WRITE_ERROR);
      expect((await store.getUpload(id)).offset).to.equal(first.length);
      expect(await keys()).to.deep.equal([`uploads/${id}.json`, `uploads/${id}/${String(0).padStart(16, "0")}`]);
    }
    expect(await store.write(Readable.from([second]), id, first.length)).to.equal(first.length + second.length);
    expect((await buffer((await store.content(id))!)).equals(Buffer.concat([first, second]))).to.equal(true);
  });

  it("an empty slice adds no object; a deferred length is declared later", async () => {
    const id = await begin(undefined);
    expect(await store.write(Readable.from([]), id, 0)).to.equal(0);
    expect(await keys()).to.deep.equal([`uploads/${id}.json`]);
    await store.write(Readable.from([Buffer.from("hej")]), id, 0);
    await store.declareUploadLength(id, 3);
    expect(await store.getUpload(id)).to.include({ size: 3, offset: 3 });
  });

  it("a removed upload is gone with its slices; an id that is no upload id names nothing and never becomes a key", async () => {
    const id = await begin(6);
    await store.write(Readable.from([Buffer.from("abc")]), id, 0);
    await store.write(Readable.from([Buffer.from("def")]), id, 3);
    await store.remove(id);
    expect(await keys()).to.deep.equal([]);
    expect(await rejection(store.getUpload(id))).to.equal(ERRORS.FILE_NOT_FOUND);
    expect(await store.content(id)).to.equal(null);
    expect(await rejection(store.remove(id))).to.equal(ERRORS.FILE_NOT_FOUND);
    for (const bad of ["../uploads/x", `${id}/../${id}`, "", id.toUpperCase()]) {
      expect(await rejection(store.getUpload(bad)), bad).to.equal(ERRORS.FILE_NOT_FOUND);
      expect(await rejection(store.write(Readable.from([Buffer.from("x")]), bad, 0)), bad).to.equal(ERRORS.FILE_NOT_FOUND);
    }
    expect(await keys()).to.deep.equal([]);
  });

  it("removes uploads begun longer ago than the expiration period, and slices a cut-off removal left without their record", async () => {
    const old = await begin(10, "gammel.pdf", new Date(Date.now() - DAY - 60_000));
    await store.write(Readable.from([Buffer.from("gammel")]), old, 0);
    const fresh = await begin(10, "ny.pdf");
    await store.write(Readable.from([Buffer.from("ny")]), fresh, 0);
    const orphan = randomUUID();
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${prefix}uploads/${orphan}/${String(0).padStart(16, "0")}`, Body: "rest" }));
    expect(await store.deleteExpired()).to.equal(1);
    // The orphan is younger than a day: it may be a removal under way elsewhere.
    expect(await keys()).to.deep.equal(
      [`uploads/${fresh}.json`, `uploads/${fresh}/${String(0).padStart(16, "0")}`, `uploads/${orphan}/${String(0).padStart(16, "0")}`].sort(),
    );
    // A store whose period is a moment finds the orphan old enough (the store's times are to the second).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await new S3UploadStore(s3.client, s3.bucket, prefix, 1).deleteExpired();
    expect(await keys()).to.deep.equal([]);
  });
});
