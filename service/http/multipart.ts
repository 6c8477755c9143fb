import busboy from "busboy";
import type { Request } from "express";
import type { Readable } from "node:stream";
import type { BlobStore, StoredBlob } from "../blobs/blob-store.ts";
import { BlobTooLarge } from "../blobs/blob-store.ts";
import { safeFileName } from "../../shared/flow/safe-names.ts";
import { badRequest, Problem } from "./problem.ts";

export interface ReceivedFile {
  field: string;
  blob: StoredBlob;
  filename: string;
  originalFilename: string | null;
  mediaType: string;
}

export interface MultipartSpec<M> {
  fileFields: string[];
  maxFiles: number;
  maxBytes: number;
  /** Validates the `metadata` part. It must come before any file, so nothing is stored for a request that would be refused. */
  metadata: (json: unknown) => Promise<M>;
  /** The metadata part may be left out (a new version needs nothing but its file): then `metadata({})` runs before the file is stored. */
  metadataOptional?: boolean;
}

const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

/** A client's file name, kept as a label only (blobs are stored by hash); names with path parts are refused. */
/**
 * A sent file name made safe to store and show (path separators, control and bidirectional characters,
 * length: see safeFileName), so no name can block a save; `original` is the name as sent when it changed.
 * Only a missing name is refused: the client must say what the file is called.
 */
export function fileNameOf(name: string | undefined): { filename: string; original: string | null } {
  const sent = (name ?? "").normalize("NFC");
  if (!sent.trim()) throw badRequest("missing_filename", "The file part has no filename; send Content-Disposition with filename=.");
  const filename = safeFileName(sent);
  return { filename, original: filename === sent.trim() ? null : sent.slice(0, 2000) };
}

export const mediaTypeOf = (value: string | undefined) => (value && MEDIA_TYPE.test(value) ? value.toLowerCase() : "application/octet-stream");

/**
 * Reads a multipart/form-data request: the `metadata` JSON part first, then file parts streamed straight
 * into the blob store. On any failure every blob this request created is discarded again.
 */
export function receiveMultipart<M>(
  req: Request,
  blobs: BlobStore,
  referenced: (sha256: string) => Promise<boolean>,
  spec: MultipartSpec<M>,
): Promise<{ metadata: M | undefined; files: ReceivedFile[] }> {
  if (!req.is("multipart/form-data")) {
    return Promise.reject(
      new Problem(415, "multipart_required", "Send the file as multipart/form-data with a 'metadata' JSON part followed by a 'file' part."),
    );
  }
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > spec.maxBytes * spec.maxFiles + 1024 * 1024 || (spec.maxFiles === 1 && declared > spec.maxBytes + 1024 * 1024)) {
    return Promise.reject(tooLarge(spec.maxBytes));
  }
  return new Promise((resolve, reject) => {
    let metadata: Promise<M> | undefined;
    let failed: unknown;
    let settled = false;
    const active = new Set<Readable>();
    const files: ReceivedFile[] = [];
    const pending: Promise<unknown>[] = [];
    let bb: busboy.Busboy;
    try {
      // busboy reports partsLimit on reaching the limit, not on passing it: metadata + maxFiles files + 1.
      bb = busboy({
        headers: req.headers,
        preservePath: true,
        defParamCharset: "utf8",
        limits: { files: spec.maxFiles, fields: 1, fieldSize: 256 * 1024, parts: spec.maxFiles + 2 },
      });
    } catch {
      return reject(badRequest("malformed_multipart", "The multipart body has no boundary; send it as multipart/form-data."));
    }

    const fail = (err: unknown) => {
      if (failed) return;
      failed = err;
      req.unpipe(bb);
      req.resume();
      for (const s of active) s.destroy(err instanceof Error ? err : new Error(String(err)));
      void finish();
    };

    const finish = async () => {
      if (settled) return;
      await Promise.allSettled(pending);
      if (settled) return;
      settled = true;
      if (failed) {
        await Promise.allSettled(files.map((f) => blobs.discard(f.blob, referenced)));
        return reject(failed);
      }
      resolve({ metadata: metadata ? await metadata : undefined, files });
    };

    bb.on("field", (name, value, info) => {
      if (name === "metadata" && metadata)
        return fail(
          badRequest("unknown_part", files.length || active.size ? "The metadata part must come before the file." : "Send one 'metadata' part, not several."),
        );
      if (name !== "metadata")
        return fail(badRequest("unknown_part", `Unknown form field "${name}"; expected "metadata" and ${spec.fileFields.map((f) => `"${f}"`).join(" or ")}.`));
      if (info.valueTruncated) return fail(badRequest("metadata_too_large", "The metadata part is larger than 256 KB."));
      let json: unknown;
      try {
        json = JSON.parse(value);
      } catch {
        return fail(badRequest("malformed_metadata", "The metadata part is not valid JSON."));
      }
      // A validator that throws before returning its promise must still fail this request, not the process.
      metadata = (async () => spec.metadata(json))();
      pending.push(metadata.catch(fail));
    });

    bb.on("file", (name, stream, info) => {
      // busboy destroys a part's stream when the body breaks off, perhaps while the metadata is still being
      // checked: its error is the request's (busboy's own "error" fails it), never the process's.
      stream.on("error", () => {});
      const work = (async () => {
        if (failed) throw failed;
        if (!spec.fileFields.includes(name))
          throw badRequest("unknown_part", `Unknown file part "${name}"; expected ${spec.fileFields.map((f) => `"${f}"`).join(" or ")}.`);
        if (!metadata && spec.metadataOptional) metadata = spec.metadata({});
        if (!metadata) throw badRequest("metadata_first", "Send the 'metadata' part before the file, so it can be checked before the upload.");
        await metadata;
        // The request may have failed meanwhile (another part was refused): its body is no longer read, so
        // this stream would never end.
        if (failed) throw failed;
        // Browsers (WHATWG form-data encoding) send a quote in a filename as %22.
        const { filename, original } = fileNameOf(info.filename?.replaceAll("%22", '"'));
        active.add(stream);
        const blob = await blobs.put(stream, spec.maxBytes).finally(() => active.delete(stream));
        if (failed) {
          await blobs.discard(blob, referenced);
          throw failed;
        }
        files.push({ field: name, blob, filename, originalFilename: original, mediaType: mediaTypeOf(info.mimeType) });
      })();
      pending.push(
        work.catch((err) => {
          stream.resume();
          fail(err instanceof BlobTooLarge ? tooLarge(spec.maxBytes) : err);
        }),
      );
    });

    // busboy drops fields past its limit without a word; a second field is a request error, never ignored.
    bb.on("fieldsLimit", () => fail(badRequest("unknown_part", "Only one field, 'metadata', may come with the file; remove the others.")));
    bb.on("filesLimit", () => fail(badRequest("too_many_files", `At most ${spec.maxFiles} files in one request.`)));
    bb.on("partsLimit", () => fail(badRequest("too_many_parts", "Too many parts in the multipart body.")));
    bb.on("error", () => fail(badRequest("malformed_multipart", "The multipart body is malformed or ended early.")));
    bb.on("close", () => void finish());
    req.on("aborted", () => fail(badRequest("aborted", "The upload was interrupted.")));
    req.pipe(bb);
  });
}

function tooLarge(max: number): Problem {
  return new Problem(413, "too_large", `The file is larger than the maximum of ${Math.round(max / 1024 / 1024)} MB; nothing was stored.`, { maxBytes: max });
}
