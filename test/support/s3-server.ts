import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";
import { freePort } from "./child-service.ts";

export interface LocalS3 {
  client: S3Client;
  bucket: string;
  endpoint: string;
  stop(): Promise<void>;
}

/** A local S3-compatible server (s3rver) on a spare port, its objects in a temp directory, with one empty bucket. */
export async function startLocalS3(bucket = "ims-case"): Promise<LocalS3> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "ims-s3-"));
  const port = await freePort();
  const server = new S3rver({ address: "127.0.0.1", port, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  keepDirectories(server);
  await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  // s3rver's fixed development credentials; path-style addressing, as MinIO and Ceph take it too.
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  return {
    client,
    bucket,
    endpoint,
    async stop() {
      client.destroy();
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

/**
 * s3rver removes a directory a delete left empty, also while another request is writing a new object into it, and the write
 * stream's error then goes unhandled and ends the process (many saves at once each write and remove an object under tmp/).
 * Its store is told to leave directories be: an S3 store has none, so nothing the tests see changes.
 */
function keepDirectories(server: S3rver): void {
  const store = (server as unknown as { store: { deleteObject(bucket: string, key: string): Promise<void>; getResourcePath(...a: string[]): string } }).store;
  store.deleteObject = async (bucket, key) => {
    for (const kind of ["object", "object.md5", "metadata.json"])
      await fs.promises.unlink(store.getResourcePath(bucket, key, kind)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== "ENOENT") throw err;
      });
  };
}
