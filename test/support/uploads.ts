import fs from "node:fs";
import { buffer } from "node:stream/consumers";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { s3ClientOf } from "../../service/blobs/s3-store.ts";
import type { Config } from "../../service/config.ts";
import { uploadStore } from "../../service/features/uploads/upload-store.ts";

// What the service's upload store holds, read through the store itself, so that a test sees the same on disk (tus's files in
// the upload directory) and in the object store (S3UploadStore's objects).

type UploadsConfig = Pick<Config, "uploadDir" | "uploadsInS3" | "s3">;

/** An upload as the store has it: its declared size, the bytes received and what tus was told; undefined when it has none. */
export async function storedUpload(config: UploadsConfig, id: string) {
  const store = uploadStore(config);
  const upload = await store.getUpload(id).catch(() => undefined);
  if (!upload) return undefined;
  const content = await store.content(id);
  return { size: upload.size, offset: upload.offset, metadata: upload.metadata, bytes: content ? await buffer(content) : Buffer.alloc(0) };
}

export const isStored = async (config: UploadsConfig, id: string) =>
  (await uploadStore(config)
    .getUpload(id)
    .catch(() => undefined)) !== undefined;

/** The ids the store keeps bytes of: tus's files on disk, the slices' uploads in the object store. */
export async function storedUploadIds(config: UploadsConfig): Promise<string[]> {
  if (!config.uploadsInS3 || !config.s3) return fs.existsSync(config.uploadDir) ? fs.readdirSync(config.uploadDir).filter((f) => !f.endsWith(".json")) : [];
  const root = `${config.s3.prefix}uploads/`;
  const ids = new Set<string>();
  let token: string | undefined;
  do {
    const page = await s3ClientOf(config.s3).send(new ListObjectsV2Command({ Bucket: config.s3.bucket, Prefix: root, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (!o.Key!.endsWith(".json")) ids.add(o.Key!.slice(root.length).split("/")[0]);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return [...ids];
}
