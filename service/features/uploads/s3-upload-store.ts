import { Readable, Transform } from "node:stream";
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { Upload as S3Upload } from "@aws-sdk/lib-storage";
import { DataStore, ERRORS, Upload } from "@tus/server";
import { notThere } from "../../blobs/s3-store.ts";

/**
 * Resumable uploads kept in the S3-compatible store the archive's content is in, so that every service process resumes
 * every upload with no volume shared between them. An upload is its record, `<prefix>uploads/<id>.json` (what tus was told
 * at its creation), and one object a slice received, `<prefix>uploads/<id>/<offset>`, each written whole or not at all:
 * the bytes received are the slices that follow one another from 0, and a slice cut off midway is not kept (the client
 * sends it again from the offset HEAD answers). A save streams the slices in order into the blob store.
 *
 * (@tus/s3-store keeps an upload as one S3 multipart upload, which needs ListParts; s3rver, the local S3 the tests run
 * against, has none, and a slice below S3's 5 MiB part minimum would be held aside.)
 */

/** The store's upload ids are the service's: UUIDs. Anything else names no upload, and never becomes part of a key. */
const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Offsets in keys are zero-padded so keys sort as offsets do. */
const OFFSET_DIGITS = 16;
/** A slice is sent in parts of S3's minimum size, one at a time: what a slice holds in memory is about two of them. */
const PART_BYTES = 5 * 1024 * 1024;

interface Stored {
  size?: number;
  metadata?: Record<string, string | null>;
  creation_date?: string;
}

interface Slice {
  key: string;
  offset: number;
  size: number;
}

export class S3UploadStore extends DataStore {
  private readonly root: string;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    prefix: string,
    private readonly expirationPeriodInMilliseconds: number,
  ) {
    super();
    this.root = `${prefix}uploads/`;
    this.extensions = ["creation", "creation-with-upload", "creation-defer-length", "termination", "expiration"];
  }

  private recordKey(id: string): string {
    if (!ID.test(id)) throw ERRORS.FILE_NOT_FOUND;
    return `${this.root}${id}.json`;
  }

  private async record(id: string): Promise<Stored> {
    try {
      const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.recordKey(id) }));
      return JSON.parse(await Body!.transformToString("utf8")) as Stored;
    } catch (err) {
      if (notThere(err)) throw ERRORS.FILE_NOT_FOUND;
      throw err;
    }
  }

  private async putRecord(id: string, stored: Stored): Promise<void> {
    const body = JSON.stringify(stored);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.recordKey(id),
        Body: body,
        ContentLength: Buffer.byteLength(body),
        ContentType: "application/json",
      }),
    );
  }

  /** Every key under `prefix`, page by page. */
  private async *keys(prefix: string): AsyncGenerator<{ key: string; size: number; modified: number }> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) yield { key: o.Key!, size: o.Size ?? 0, modified: o.LastModified?.getTime() ?? 0 };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** The slices that follow one another from offset 0: the bytes received. */
  private async slices(id: string): Promise<Slice[]> {
    const all: Slice[] = [];
    for await (const { key, size } of this.keys(`${this.root}${id}/`)) {
      const offset = Number(key.slice(key.lastIndexOf("/") + 1));
      if (Number.isSafeInteger(offset)) all.push({ key, offset, size });
    }
    all.sort((a, b) => a.offset - b.offset);
    const received: Slice[] = [];
    let next = 0;
    for (const slice of all) {
      if (slice.offset !== next || slice.size === 0) continue;
      received.push(slice);
      next += slice.size;
    }
    return received;
  }

  async create(upload: Upload): Promise<Upload> {
    await this.putRecord(upload.id, { size: upload.size, metadata: upload.metadata, creation_date: upload.creation_date ?? new Date().toISOString() });
    upload.storage = { type: "s3", path: this.recordKey(upload.id), bucket: this.bucket };
    return upload;
  }

  async write(readable: Readable, id: string, offset: number): Promise<number> {
    if (!ID.test(id)) throw ERRORS.FILE_NOT_FOUND;
    const key = `${this.root}${id}/${String(offset).padStart(OFFSET_DIGITS, "0")}`;
    let received = 0;
    const counted = readable.pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          received += chunk.length;
          callback(null, chunk);
        },
      }),
    );
    readable.once("error", (err) => counted.destroy(err));
    const put = new S3Upload({ client: this.client, params: { Bucket: this.bucket, Key: key, Body: counted }, partSize: PART_BYTES, queueSize: 1 });
    try {
      await put.done();
    } catch {
      // A slice cut off midway is not kept: the client sends it again from the offset it had.
      await put.abort().catch(() => undefined);
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })).catch(() => undefined);
      throw ERRORS.FILE_WRITE_ERROR;
    }
    if (received === 0) await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    return offset + received;
  }

  async getUpload(id: string): Promise<Upload> {
    const stored = await this.record(id);
    const received = await this.slices(id);
    return new Upload({
      id,
      size: stored.size,
      offset: received.reduce((sum, s) => sum + s.size, 0),
      metadata: stored.metadata ?? undefined,
      creation_date: stored.creation_date,
      storage: { type: "s3", path: this.recordKey(id), bucket: this.bucket },
    });
  }

  async declareUploadLength(id: string, length: number): Promise<void> {
    await this.putRecord(id, { ...(await this.record(id)), size: length });
  }

  async remove(id: string): Promise<void> {
    await this.record(id);
    // The record goes first: from then on the upload is gone for every process, whatever slices are still being removed.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.recordKey(id) }));
    await this.removeSlices(id);
  }

  private async removeSlices(id: string): Promise<void> {
    const keys: string[] = [];
    for await (const { key } of this.keys(`${this.root}${id}/`)) keys.push(key);
    for (const key of keys) await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Uploads begun longer ago than the expiration period, and slices whose record is gone (a removal cut off), go. */
  async deleteExpired(): Promise<number> {
    const expiry = this.getExpiration();
    if (expiry <= 0) return 0;
    const before = Date.now() - expiry;
    const records = new Set<string>();
    const newestSlice = new Map<string, number>();
    for await (const { key, modified } of this.keys(this.root)) {
      const rest = key.slice(this.root.length);
      if (rest.endsWith(".json")) records.add(rest.slice(0, -".json".length));
      else {
        const id = rest.slice(0, rest.indexOf("/"));
        newestSlice.set(id, Math.max(modified, newestSlice.get(id) ?? 0));
      }
    }
    let removed = 0;
    for (const id of records) {
      if (!ID.test(id)) continue;
      const stored = await this.record(id).catch(() => null);
      const created = stored?.creation_date ? Date.parse(stored.creation_date) : NaN;
      if (Number.isFinite(created) && created < before) {
        await this.remove(id).catch((err: unknown) => {
          if (err !== ERRORS.FILE_NOT_FOUND) throw err;
        });
        removed++;
      }
    }
    for (const [id, modified] of newestSlice) if (!records.has(id) && ID.test(id) && modified < before) await this.removeSlices(id);
    return removed;
  }

  getExpiration(): number {
    return this.expirationPeriodInMilliseconds;
  }

  localFile(): string | null {
    return null;
  }

  async content(id: string): Promise<Readable | null> {
    let received: Slice[];
    try {
      await this.record(id);
      received = await this.slices(id);
    } catch (err) {
      if (err === ERRORS.FILE_NOT_FOUND) return null;
      throw err;
    }
    const { client, bucket } = this;
    return Readable.from(
      (async function* () {
        for (const slice of received) {
          const { Body, ContentLength } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: slice.key }));
          if (ContentLength !== slice.size) throw new Error(`the upload's slice ${slice.key} holds ${ContentLength} bytes, not ${slice.size}`);
          yield* Body as Readable;
        }
      })(),
      { objectMode: false },
    );
  }
}
