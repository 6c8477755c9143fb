import { randomUUID } from "node:crypto";
import fs from "node:fs";
import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { S3Config } from "../config.ts";
import { ABANDONED_MS, BlobMissing, Meter, type BlobStore, type StoredBlob } from "./blob-store.ts";

const SHA256 = /^[0-9a-f]{64}$/;
/** Parts of a multipart upload: S3's minimum is 5 MiB; 8 MiB keeps a 200 MB file to 25 parts, two in flight. */
const PART_BYTES = 8 * 1024 * 1024;

export interface S3Location {
  client: S3Client;
  bucket: string;
  /** Prepended to every key, so one bucket can hold several archives ("" by default). */
  prefix?: string;
}

const clients = new WeakMap<S3Config, S3Client>();

/** The client of a configuration's object store: one for its blobs and its resumable uploads. */
export function s3ClientOf(s3: S3Config): S3Client {
  let client = clients.get(s3);
  if (!client) {
    client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      // Path-style addressing (endpoint/bucket/key), which every S3-compatible server takes; AWS itself uses virtual hosts.
      forcePathStyle: s3.endpoint !== undefined,
      credentials: s3.credentials,
    });
    clients.set(s3, client);
  }
  return client;
}

/** Whether the store answered that the object is not there (HEAD's NotFound, GET's NoSuchKey). */
export const notThere = (err: unknown) => {
  const e = err as S3ServiceException;
  return e?.name === "NotFound" || e?.name === "NoSuchKey" || e?.$metadata?.httpStatusCode === 404;
};

/**
 * Content-addressed objects in an S3-compatible store under `<prefix>blobs/ab/cd/<sha256>`. Content is streamed (in parts,
 * each sent with its SHA-256 for the store to check) to a temporary key while it is hashed, then copied to its name and the
 * temporary object removed: a blob's key never shows a partial object, and the copy's checksum, where the store reports one,
 * is compared with the hash. Any process can read any blob; nothing lies on a local disk.
 */
export function s3BlobStore({ client, bucket, prefix = "" }: S3Location): BlobStore {
  const blobsPrefix = `${prefix}blobs/`;
  const tmpPrefix = `${prefix}tmp/`;
  const keyOf = (sha256: string) => {
    if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return `${blobsPrefix}${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
  };

  async function head(key: string) {
    try {
      return await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    } catch (err) {
      if (notThere(err)) return null;
      throw err;
    }
  }

  const remove = (key: string) => client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));

  /** Copies `from` onto `to` with its SHA-256 computed by the store; a copy onto itself refreshes its age for the sweep. */
  async function copy(from: string, to: string, sha256: string): Promise<void> {
    const { CopyObjectResult } = await client.send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: to,
        CopySource: `${bucket}/${from}`,
        ChecksumAlgorithm: "SHA256",
        MetadataDirective: "REPLACE",
        Metadata: { sha256 },
      }),
    );
    const reported = CopyObjectResult?.ChecksumSHA256;
    if (reported && Buffer.from(reported, "base64").toString("hex") !== sha256) {
      if (from !== to) await remove(to);
      throw new Error(`the object store holds other bytes under ${sha256} than were sent (its checksum is ${reported})`);
    }
  }

  async function commit(tmp: string, sha256: string, size: number): Promise<boolean> {
    const key = keyOf(sha256);
    try {
      const there = await head(key);
      if (there?.ContentLength === size) {
        // Identical content is stored once; copied onto itself so that a concurrent sweep's grace period starts over.
        await copy(key, key, sha256);
        return false;
      }
      await copy(tmp, key, sha256);
      const stored = await head(key);
      if (stored?.ContentLength !== size) throw new Error(`the object store holds ${stored?.ContentLength ?? "no"} bytes under ${sha256}, not ${size}`);
      return true;
    } finally {
      await remove(tmp);
    }
  }

  /**
   * Content that fits in one part, its hash known: one PutObject straight to its name (atomic: the name shows all of it or
   * nothing), with its SHA-256 for the store to check, unless the name is taken already. Two requests, not the five of a
   * large file's temporary object, copy and removal.
   */
  async function putWhole(bytes: Buffer, sha256: string): Promise<boolean> {
    const key = keyOf(sha256);
    // Taken only by all of the content: a store whose writes are not atomic (s3rver) may hold part of it under the name
    // from a process killed mid-request, and that is written over.
    if ((await head(key))?.ContentLength === bytes.length) {
      await copy(key, key, sha256);
      return false;
    }
    const checksum = Buffer.from(sha256, "hex").toString("base64");
    const { ChecksumSHA256 } = await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentLength: bytes.length, ChecksumSHA256: checksum, Metadata: { sha256 } }),
    );
    if (ChecksumSHA256 && ChecksumSHA256 !== checksum) {
      await remove(key);
      throw new Error(`the object store holds other bytes under ${sha256} than were sent (its checksum is ${ChecksumSHA256})`);
    }
    return true;
  }

  /** Content larger than a part: streamed in parts to a temporary key while it is hashed, then copied to its name. */
  async function putInParts(body: Readable, meter: Meter): Promise<StoredBlob> {
    const tmp = `${tmpPrefix}${randomUUID()}`;
    const upload = new Upload({
      client,
      params: { Bucket: bucket, Key: tmp, Body: body, ChecksumAlgorithm: "SHA256" },
      partSize: PART_BYTES,
      queueSize: 2,
    });
    try {
      await upload.done();
      const sha256 = meter.sha256();
      return { sha256, size: meter.size, created: await commit(tmp, sha256, meter.size) };
    } catch (err) {
      await upload.abort().catch(() => {});
      await remove(tmp).catch(() => {});
      throw err;
    }
  }

  const store: BlobStore = {
    async put(content, maxBytes) {
      const meter = new Meter(maxBytes);
      // A failed read (too large, a request cut short) ends the iteration below with its error.
      void pipeline(content, meter).catch(() => {});
      const chunks = meter[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      const first: Buffer[] = [];
      let bytes = 0;
      let next = await chunks.next();
      while (!next.done) {
        first.push(next.value);
        bytes += next.value.length;
        if (bytes > PART_BYTES) break;
        next = await chunks.next();
      }
      if (next.done) {
        const sha256 = meter.sha256();
        return { sha256, size: meter.size, created: await putWhole(Buffer.concat(first), sha256) };
      }
      // What the read failed with (too large, a request cut short) is the save's error, not what the upload made of it.
      let readFailure: unknown;
      async function* rest() {
        yield* first;
        try {
          for (let more = await chunks.next(); !more.done; more = await chunks.next()) yield more.value;
        } catch (err) {
          readFailure = err;
          throw err;
        }
      }
      const body = Readable.from(rest(), { objectMode: false });
      try {
        return await putInParts(body, meter);
      } catch (err) {
        throw readFailure ?? err;
      } finally {
        // A failed upload stops the read, and with it the request's body.
        meter.destroy();
      }
    },

    async putFile(file, size) {
      const blob: StoredBlob = await store.put(fs.createReadStream(file, { highWaterMark: 1 << 20 }), size);
      if (blob.size !== size) {
        await store.discard(blob, async () => false);
        throw new Error(`the file has ${blob.size} bytes, not the ${size} expected`);
      }
      return blob;
    },

    async discard(blob, referenced) {
      if (!blob.created || (await referenced(blob.sha256))) return;
      await remove(keyOf(blob.sha256));
    },

    async stat(sha256) {
      const found = await head(keyOf(sha256));
      return found && { size: found.ContentLength ?? 0 };
    },

    async open(sha256, range) {
      if (range && !(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end) && 0 <= range.start && range.start <= range.end)) {
        throw new RangeError(`not a byte range: ${range.start}-${range.end}`);
      }
      try {
        const { Body, ContentRange } = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: keyOf(sha256), Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
        );
        if (!range) return Body as Readable;
        // A store may answer a Range with more than was asked, the whole object even (HTTP lets a server ignore Range, and
        // s3rver answers bytes=0-0 with all of it): the range is then cut from what came, so a download never sends more
        // than it announced.
        const sent = /^bytes (\d+)-(\d+)\//.exec(ContentRange ?? "");
        const [first, last] = sent ? [Number(sent[1]), Number(sent[2])] : [0, Infinity];
        if (first === range.start && last === range.end) return Body as Readable;
        if (first > range.start || last < range.end) {
          (Body as Readable).destroy();
          throw new Error(`the object store answered bytes ${ContentRange} for bytes=${range.start}-${range.end} of ${sha256}`);
        }
        return cut(Body as Readable, range.start - first, range.end - first);
      } catch (err) {
        throw notThere(err) ? new BlobMissing(sha256) : err;
      }
    },

    async clearTemporaryFiles() {
      // Other processes share the store and may be uploading: only what no upload can still be writing is removed.
      let removed = 0;
      for await (const object of listed(tmpPrefix)) {
        if (Date.now() - (object.LastModified?.getTime() ?? 0) < ABANDONED_MS) continue;
        await remove(object.Key!);
        removed++;
      }
      return removed;
    },

    async sweep(referenced, graceSeconds) {
      const cutoff = Date.now() - graceSeconds * 1000;
      let removed = 0;
      for await (const object of listed(blobsPrefix)) {
        const name = object.Key!.slice(object.Key!.lastIndexOf("/") + 1);
        if (!SHA256.test(name) || (object.LastModified?.getTime() ?? 0) > cutoff) continue;
        if (await referenced(name)) continue;
        await remove(object.Key!);
        removed++;
      }
      for await (const object of listed(tmpPrefix)) {
        if ((object.LastModified?.getTime() ?? 0) <= cutoff) await remove(object.Key!);
      }
      return removed;
    },
  };

  /** Every object under a prefix, a page of keys at a time. */
  async function* listed(under: string) {
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: under, ContinuationToken: token }));
      yield* page.Contents ?? [];
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  return store;
}

/** Bytes `start` to `end` (inclusive) of a stream; the rest of it is not read. */
function cut(whole: Readable, start: number, end: number): Readable {
  let at = 0;
  const out = new PassThrough();
  whole.on("error", (err) => out.destroy(err));
  whole.on("data", (chunk: Buffer) => {
    const from = Math.max(0, start - at);
    const to = Math.min(chunk.length, end + 1 - at);
    at += chunk.length;
    if (from < to && !out.write(chunk.subarray(from, to))) {
      whole.pause();
      out.once("drain", () => whole.resume());
    }
    if (at > end) {
      whole.destroy();
      out.end();
    }
  });
  whole.on("end", () => out.end());
  out.on("close", () => whole.destroy());
  return out;
}
