import fsp from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { FileStore } from "@tus/file-store";
import type { DataStore, Upload } from "@tus/server";
import { s3ClientOf } from "../../blobs/s3-store.ts";
import type { Config } from "../../config.ts";
import { S3UploadStore } from "./s3-upload-store.ts";

/**
 * Where resumable uploads are kept: the tus datastore behind /api/uploads, and the two things a save needs
 * of a finished upload besides tus's own `getUpload` (declared size, bytes received, metadata) and `remove`.
 * Everything goes through this, never through tus's files, so an S3 tus store can take the disk's place.
 */
export interface UploadStore {
  /** What tus knows of the upload; rejects (tus's FILE_NOT_FOUND / FILE_NO_LONGER_EXISTS) when it has none. */
  getUpload(id: string): Promise<Upload>;
  /** The bytes received so far, or null when the upload is gone. */
  content(id: string): Promise<Readable | null>;
  /** Where the upload's bytes lie, when the store keeps them in a file on local disk (null otherwise, or for no such upload). */
  localFile(id: string): string | null;
  /** Removes the upload and what tus keeps about it. */
  remove(id: string): Promise<void>;
}

/**
 * tus's FileStore: `<id>` and `<id>.json` in the upload directory. FileStore makes its directory in the
 * background and throws from the callback if that fails (say, the data directory was removed meanwhile),
 * which would end the process; the router makes it first instead.
 */
class DiskUploadStore extends FileStore implements UploadStore {
  localFile(id: string): string | null {
    return path.basename(id) !== id || id.startsWith(".") ? null : path.join(this.directory, id);
  }

  async content(id: string): Promise<Readable | null> {
    const file = this.localFile(id);
    if (!file) return null;
    const handle = await fsp.open(file, "r").catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return null;
      throw err;
    });
    return handle && handle.createReadStream({ highWaterMark: 1 << 20 });
  }
}
Object.defineProperty(DiskUploadStore.prototype, "checkOrCreateDirectory", { value: () => undefined });

// Uploads left unfinished for a day are removed (tus's expiration extension).
const EXPIRES_AFTER_MS = 24 * 3600 * 1000;

const stores = new WeakMap<object, UploadStore & DataStore>();

/**
 * The upload store of a configuration: the same one for the tus server and for the saves that claim its uploads. With an
 * object store configured, uploads are kept there (S3UploadStore), unless IMS_UPLOAD_DIR names a directory for them.
 */
export function uploadStore(config: Pick<Config, "uploadDir" | "uploadsInS3" | "s3">): UploadStore & DataStore {
  let store = stores.get(config);
  if (!store) {
    store =
      config.uploadsInS3 && config.s3
        ? new S3UploadStore(s3ClientOf(config.s3), config.s3.bucket, config.s3.prefix, EXPIRES_AFTER_MS)
        : new DiskUploadStore({ directory: config.uploadDir, expirationPeriodInMilliseconds: EXPIRES_AFTER_MS });
    stores.set(config, store);
  }
  return store;
}
