import { ApiError, type SaveSources } from "../../../shared/index.ts";
import { CaptureError } from "../errors.ts";
import { safeFilename } from "../../../shared/index.ts";
import { formatOf, PDF_FORMAT, type FileFormat, type FileOrigin } from "../flow.ts";
import type { FilePort } from "../handlers/services.ts";
import { byteArraySource } from "./bytes.ts";
import { urlFetch } from "./transport.ts";

export const DRIVE_API = "https://www.googleapis.com";

/** Drive's reason for a refused export, from its JSON error (e.g. "This file is too large to be exported."). */
function driveError(status: number, text: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: string } }).error?.message;
    if (message) return `${message} (${status})`;
  } catch {
    // not JSON: fall through
  }
  return `HTTP ${status}`;
}

/**
 * The open file exported by Drive (files.export) with the user's own token: drive.file covers the file
 * the user opened the add-on on once onFileScopeGranted has run. Drive exports at most 10 MB.
 */
export function drivePort(apiBase: () => string): FilePort {
  function exported(origin: FileOrigin, format: FileFormat, filename: string) {
    const url = `${apiBase().replace(/\/+$/, "")}/drive/v3/files/${encodeURIComponent(origin.fileId)}/export?mimeType=${encodeURIComponent(format.mimeType)}`;
    const response = urlFetch(url, { method: "get", headers: { Authorization: `Bearer ${ScriptApp.getOAuthToken()}` }, muteHttpExceptions: true });
    const status = response.getResponseCode();
    if (status === 429) throw new ApiError(429, "drive_rate_limited", driveError(status, response.getContentText()), null);
    if (status !== 200) throw new CaptureError({ key: "google.error.export", params: { detail: driveError(status, response.getContentText()) } });
    return byteArraySource(response.getContent(), filename, format.mimeType);
  }

  return {
    sources(origin, capture): SaveSources {
      return {
        main: async () => exported(origin, formatOf(origin), capture.filename),
        pdf: async () => exported(origin, PDF_FORMAT, safeFilename(capture.title, PDF_FORMAT.extension, "Dokument")),
        attachment: async () => {
          throw new CaptureError({ key: "google.error.export", params: { detail: "Google files have no attachments" } });
        },
      };
    },
  };
}
