import { pipeline } from "node:stream/promises";
import { create as contentDisposition } from "content-disposition";
import type { Request, Response } from "express";
import { asciiFileName } from "../../shared/flow/safe-names.ts";
import { BlobMissing, type BlobStore, type ByteRange } from "../blobs/blob-store.ts";
import { Problem } from "./problem.ts";

export interface Downloadable {
  sha256: string;
  filename: string;
  mediaType: string;
}

/** What a Range header asks of content of `size` bytes: one range of it, all of it, or bytes it does not have. */
export type RangeRequest = ByteRange | "whole" | "unsatisfiable";

const BYTE_RANGE = /^(\d*)-(\d*)$/;

/**
 * Reads a Range header (RFC 9110 §14.1.2) for content of `size` bytes. One range is served as asked
 * (`0-99`, open-ended `100-`, suffix `-10`; a last position past the end is clamped). A header that is
 * not valid `bytes=` syntax, names another unit, or names more than one range is ignored and the whole
 * content is sent: RFC 9110 §14.2 lets a server ignore Range, and no client of the archive needs
 * multipart/byteranges. One valid range that starts past the end (or a suffix of 0 bytes, or any range
 * of empty content) is unsatisfiable: 416.
 */
export function requestedRange(header: string | undefined, size: number): RangeRequest {
  const set = header === undefined ? null : /^bytes=(.*)$/i.exec(header.trim());
  if (!set) return "whole";
  // A list may hold empty elements (RFC 9110 §5.6.1); they count for nothing.
  const specs = set[1]
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (specs.length !== 1) return "whole";
  const spec = BYTE_RANGE.exec(specs[0]);
  if (!spec || (spec[1] === "" && spec[2] === "")) return "whole";
  const [first, last] = [spec[1] === "" ? null : Number(spec[1]), spec[2] === "" ? null : Number(spec[2])];
  if (first === null) {
    const suffix = last!;
    return suffix === 0 || size === 0 ? "unsatisfiable" : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  if (last !== null && last < first) return "whole";
  if (first >= size) return "unsatisfiable";
  return { start: first, end: last === null ? size - 1 : Math.min(last, size - 1) };
}

/** The entity tags of an If-Match / If-None-Match / If-Range value, or "*". */
function entityTags(value: string): string[] | "*" {
  if (value.trim() === "*") return "*";
  return value
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
}

const weakly = (tag: string) => tag.replace(/^W\//, "");

/**
 * What the request's preconditions (RFC 9110 §13.2.2) make of content with the strong ETag `etag`: 412,
 * 304, or go on. The content has no modification date, so If-Unmodified-Since and If-Modified-Since are ignored.
 */
function preconditions(req: Request, etag: string): "failed" | "not-modified" | "go-on" {
  const ifMatch = req.get("If-Match");
  if (ifMatch !== undefined) {
    const tags = entityTags(ifMatch);
    if (tags !== "*" && !tags.includes(etag)) return "failed";
  }
  const ifNoneMatch = req.get("If-None-Match");
  if (ifNoneMatch !== undefined) {
    const tags = entityTags(ifNoneMatch);
    if (tags === "*" || tags.some((t) => weakly(t) === etag)) return "not-modified";
  }
  return "go-on";
}

/** Range applies to GET only, and If-Range (a strong ETag; this content has no date) can turn it off. */
function rangeFor(req: Request, etag: string, size: number): RangeRequest {
  if (req.method !== "GET") return "whole";
  const ifRange = req.get("If-Range");
  if (ifRange !== undefined && ifRange.trim() !== etag) return "whole";
  return requestedRange(req.get("Range"), size);
}

/**
 * Content-Disposition naming the file: filename*=UTF-8''… for clients that read RFC 5987, and filename= spelled
 * in ASCII (æ→ae, ø→oe, å→aa) for those that do not, instead of the library's "?" for every other letter. A name
 * that is ASCII already is left to the library, which adds filename* when it looks percent-encoded.
 */
function dispositionFor(filename: string, inline: boolean): string {
  const ascii = asciiFileName(filename);
  return contentDisposition(filename, { type: inline ? "inline" : "attachment", fallback: ascii === filename || ascii });
}

function contentMissing(req: Request, sha256: string): Problem {
  req.log?.error({ sha256, url: req.originalUrl }, "a version's stored content is missing from the blob store");
  return new Problem(500, "content_missing", "The stored content of this version is missing; report it to an administrator.");
}

/**
 * Streams stored content from the blob store with a server-built Content-Disposition (RFC 6266 / 5987:
 * æøå, quotes and path parts are safe), nosniff, a strong ETag from the content hash, If-Match (412),
 * If-None-Match (304), If-Range and one byte range (206, or 416 with `Content-Range: bytes *\/size`; see
 * requestedRange). Inline previews get a sandboxing CSP so an uploaded HTML file cannot run script in the
 * archive's origin. A blob the version names but the store lacks is a server fault: 500 content_missing.
 */
export async function sendStoredFile(res: Response, blobs: BlobStore, file: Downloadable, inline: boolean): Promise<void> {
  const req = res.req;
  const etag = `"${file.sha256}"`;
  const stat = await blobs.stat(file.sha256);
  if (!stat) throw contentMissing(req, file.sha256);

  const condition = preconditions(req, etag);
  if (condition === "failed") throw new Problem(412, "precondition_failed", "The content has changed since the ETag you sent in If-Match; fetch it again.");
  const range = condition === "not-modified" ? "whole" : rangeFor(req, etag, stat.size);
  if (range === "unsatisfiable") {
    throw new Problem(
      416,
      "range_not_satisfiable",
      "The requested Range lies outside the content; ask for bytes within its size (see Content-Range).",
      {},
      { "Content-Range": `bytes */${stat.size}` },
    );
  }
  res.setHeader("ETag", etag);
  res.setHeader("Cache-Control", "private, no-cache");
  res.setHeader("X-Content-Type-Options", "nosniff");
  if (condition === "not-modified") {
    res.status(304).end();
    return;
  }

  const body =
    req.method === "HEAD"
      ? null
      : await blobs.open(file.sha256, range === "whole" ? undefined : range).catch((err: unknown) => {
          throw err instanceof BlobMissing ? contentMissing(req, file.sha256) : err;
        });
  res.setHeader("Content-Disposition", dispositionFor(file.filename, inline));
  if (inline) res.setHeader("Content-Security-Policy", "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'");
  res.type(file.mediaType);
  res.setHeader("Accept-Ranges", "bytes");
  if (range === "whole") {
    res.status(200);
    res.setHeader("Content-Length", stat.size);
  } else {
    res.status(206);
    res.setHeader("Content-Range", `bytes ${range.start}-${range.end}/${stat.size}`);
    res.setHeader("Content-Length", range.end - range.start + 1);
  }
  if (!body) {
    res.end();
    return;
  }
  try {
    await pipeline(body, res);
  } catch (err) {
    // The client went away: nothing to answer. A read that fails midway can only cut the answer off.
    if ((err as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE") return;
    if (!res.headersSent) throw err;
    req.log?.error({ err, sha256: file.sha256 }, "a download failed while it was being sent");
  }
}
