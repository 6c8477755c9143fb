import { expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import request from "supertest";
import { loadConfig } from "../../service/config.ts";
import { saveMultipart, saveViaTus } from "../support/payload.ts";
import { startLocalS3, type LocalS3 } from "../support/s3-server.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const bearer = { type: "bearer" } as const;

describe("the service with its content in an S3-compatible object store (S3_ENDPOINT, S3_BUCKET)", () => {
  let s3: LocalS3;
  let svc: TestService;
  let w: World;
  before(async () => {
    s3 = await startLocalS3();
    svc = await startTestService({
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      S3_PREFIX: "skole/",
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
    });
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
  });
  after(async () => {
    await svc.dispose();
    await s3.stop();
  });

  const objects = async () => {
    const page = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: "skole/" }));
    return (page.Contents ?? []).map((o) => o.Key!);
  };
  const onDisk = () => (fs.existsSync(svc.config.blobDir) ? fs.readdirSync(svc.config.blobDir) : []);

  it("saves a document in one request and in resumable slices, keeps the bytes in the bucket under their sha256, and hands them back whole and by range", async () => {
    const letter = randomBytes(300 * 1024);
    const saved = await saveMultipart(svc.url, { documentTypeId: w.types.letter }, [letter], letter.length, { token: w.tokens.alice, filename: "brev.pdf" });
    expect(saved.status).to.equal(201);
    const big = randomBytes(11 * 1024 * 1024 + 7);
    const resumed = await saveViaTus(
      svc.url,
      { documentTypeId: w.types.letter },
      big.length,
      async function* (a, b) {
        yield big.subarray(a, b);
      },
      {
        token: w.tokens.alice,
        sliceBytes: 4 * 1024 * 1024,
      },
    );
    expect(resumed.status).to.equal(201);
    const keyOf = (h: string) => `skole/blobs/${h.slice(0, 2)}/${h.slice(2, 4)}/${h}`;
    expect((await objects()).sort()).to.deep.equal([keyOf(sha(letter)), keyOf(sha(big))].sort());
    expect(onDisk()).to.deep.equal([]);

    const whole = await request(svc.url).get(`/api/documents/${resumed.json().id}/content`).auth(w.tokens.alice, bearer).buffer(true).expect(200);
    expect(sha(whole.body)).to.equal(sha(big));
    const part = await request(svc.url)
      .get(`/api/documents/${saved.json().id}/content`)
      .set("Range", "bytes=1000-1999")
      .auth(w.tokens.alice, bearer)
      .buffer(true)
      .expect(206);
    expect(Buffer.compare(part.body, letter.subarray(1000, 2000))).to.equal(0);
  });

  it("removes a deleted document's content from the bucket with the sweep, past the grace period", async () => {
    const text = Buffer.from("Referat, der slettes");
    const saved = await saveMultipart(svc.url, { documentTypeId: w.types.letter }, [text], text.length, { token: w.tokens.alice, filename: "referat.txt" });
    await request(svc.url).delete(`/api/documents/${saved.json().id}`).auth(ADMIN_TOKEN, bearer).expect(204);
    const key = `skole/blobs/${sha(text).slice(0, 2)}/${sha(text).slice(2, 4)}/${sha(text)}`;
    expect(await objects()).to.include(key);
    const { isContentReferenced } = await import("../../service/features/documents/documents.service.ts");
    expect(await svc.ctx.blobs.sweep((h) => isContentReferenced(svc.ctx.db, h), 0)).to.equal(1);
    expect(await objects()).not.to.include(key);
  });

  it("names what is missing in the S3 configuration instead of starting", () => {
    const dir = path.join(svc.dataDir, "other");
    expect(() => loadConfig({ DATA_DIR: dir, S3_ENDPOINT: s3.endpoint })).to.throw(/S3_BUCKET must name the bucket/);
    expect(() => loadConfig({ DATA_DIR: dir, S3_BUCKET: "b", S3_ENDPOINT: "ftp://x" })).to.throw(/S3_ENDPOINT must be an http or https URL/);
    expect(() => loadConfig({ DATA_DIR: dir, S3_BUCKET: "b", S3_ACCESS_KEY_ID: "k" })).to.throw(/go together/);
    expect(() => loadConfig({ DATA_DIR: dir, S3_BUCKET: "b", S3_PREFIX: "../x" })).to.throw(/S3_PREFIX must be a path/);
    expect(loadConfig({ DATA_DIR: dir }).s3).to.equal(undefined);
  });
});
