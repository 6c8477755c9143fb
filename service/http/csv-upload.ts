import busboy from "busboy";
import type { Request } from "express";
import type { Readable } from "node:stream";
import { badRequest, Problem } from "./problem.ts";

/** A CSV file arriving in a request, read as it streams in. */
export interface CsvUpload {
  source: AsyncIterable<Buffer>;
  filename: string | null;
  /** Lets the rest of an unread body drain when the file was refused part-way. */
  discard(): void;
}

const CSV_TYPES = ["text/csv", "text/plain", "application/csv", "application/vnd.ms-excel"];

/** The CSV body of a request: `text/csv` (UTF-8), or `multipart/form-data` with a `file` part. */
export async function csvUpload(req: Request, maxBytes: number): Promise<CsvUpload> {
  // Refuse a declared oversize body before reading it; a chunked one is counted as it arrives.
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > maxBytes + 64 * 1024) {
    req.resume();
    throw new Problem(413, "too_large", `The journal plan file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.`, { maxBytes });
  }
  if (req.is("multipart/form-data")) return multipartFile(req, maxBytes);
  if (req.is(CSV_TYPES)) {
    const charset = /;\s*charset="?([^";]+)/i.exec(req.get("content-type") ?? "")?.[1];
    if (charset && !/^utf-?8$/i.test(charset)) {
      throw new Problem(415, "unsupported_charset", `The file is sent as ${charset}; send it as UTF-8 (in Excel: 'CSV UTF-8').`);
    }
    return { source: guarded(req), filename: null, discard: () => req.resume() };
  }
  throw new Problem(415, "csv_required", "Send the journal plan as text/csv, or as multipart/form-data with a 'file' part.");
}

function multipartFile(req: Request, maxBytes: number): Promise<CsvUpload> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      // One byte over the limit lets the reader tell "exactly the limit" from "too large".
      bb = busboy({ headers: req.headers, defParamCharset: "utf8", limits: { files: 1, fields: 10, fileSize: maxBytes + 1 } });
    } catch {
      return reject(badRequest("malformed_multipart", "The multipart body has no boundary; send it as multipart/form-data."));
    }
    let found = false;
    const discard = () => {
      req.unpipe(bb);
      req.resume();
    };
    bb.on("file", (name, stream, info) => {
      if (name !== "file" || found) {
        stream.resume();
        return;
      }
      found = true;
      resolve({ source: guarded(stream), filename: info.filename ? info.filename.slice(0, 255) : null, discard });
    });
    bb.on("close", () => {
      if (!found) reject(badRequest("missing_file", "Send the journal plan CSV in a multipart part named 'file'."));
    });
    bb.on("error", () => {
      if (!found) {
        discard();
        reject(badRequest("malformed_multipart", "The multipart body is malformed or ended early."));
      }
    });
    req.pipe(bb);
  });
}

/** A body that breaks off (a dropped connection, a malformed multipart) is the client's 400, not a server error. */
async function* guarded(stream: Readable): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch {
    throw badRequest("incomplete_body", "The upload ended early or was malformed; nothing was imported.");
  }
}
