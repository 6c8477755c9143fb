import { create as contentDisposition } from "content-disposition";
import type { Response } from "express";
import { Problem } from "./problem.ts";

export interface Downloadable {
  path: string;
  filename: string;
  mediaType: string;
  sha256: string;
}

/**
 * Streams a stored file with a server-built Content-Disposition (RFC 6266 / 5987: æøå, quotes and path
 * parts are safe), nosniff, a strong ETag from the content hash and Range support. Inline previews get a
 * sandboxing CSP so an uploaded HTML file cannot run script in the archive's origin.
 */
export function sendStoredFile(res: Response, file: Downloadable, inline: boolean): Promise<void> {
  res.setHeader("Content-Disposition", contentDisposition(file.filename, { type: inline ? "inline" : "attachment" }));
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("ETag", `"${file.sha256}"`);
  res.setHeader("Cache-Control", "private, no-cache");
  if (inline) res.setHeader("Content-Security-Policy", "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'");
  res.type(file.mediaType);
  return new Promise((resolve, reject) => {
    res.sendFile(file.path, { etag: false, lastModified: false, acceptRanges: true, cacheControl: false, dotfiles: "allow" }, (err) => {
      if (!err) return resolve();
      if ((err as NodeJS.ErrnoException).code === "ENOENT") {
        return reject(new Problem(500, "content_missing", "The stored content of this version is missing; report it to an administrator."));
      }
      if (res.headersSent) return resolve();
      reject(err);
    });
  });
}
