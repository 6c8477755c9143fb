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
