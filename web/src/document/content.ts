import type { DocumentDetails, VersionInfo } from "../../../shared/index.ts";

// Where a document's bytes are, and what the page can safely show of them.

const documentPath = (documentId: string) => `/api/documents/${encodeURIComponent(documentId)}`;

/** The document's content (a given version, or the current one); `inline` asks for it shown in place, under the service's sandboxing CSP. */
export function contentUrl(documentId: string, options: { version?: string; inline?: boolean } = {}): string {
  const query = [options.version ? `version=${encodeURIComponent(options.version)}` : "", options.inline ? "inline=1" : ""].filter(Boolean).join("&");
  return `${documentPath(documentId)}/content${query ? `?${query}` : ""}`;
}

/** An attachment's content (a given version, or its current one). */
export function attachmentUrl(documentId: string, attachmentId: string, version?: string): string {
  return `${documentPath(documentId)}/attachments/${encodeURIComponent(attachmentId)}/content${version ? `?version=${encodeURIComponent(version)}` : ""}`;
}

export const versionsPath = (documentId: string) => `${documentPath(documentId)}/versions`;
export const attachmentsPath = (documentId: string) => `${documentPath(documentId)}/attachments`;

/** How the preview shows a document: the browser's PDF viewer, an image, a text prefix, a mail's body, or not at all. */
export type PreviewKind = "pdf" | "image" | "text" | "mail" | "none";

// Raster and vector images an <img> shows without running anything.
const IMAGES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/avif", "image/svg+xml"]);
// Text shown as text. HTML is not among them: its markup would be the preview's to judge, so it is offered as a download.
const TEXTS = new Set(["application/json", "application/xml", "text/xml", "application/x-yaml", "application/yaml"]);

const essence = (mediaType: string) => mediaType.split(";")[0].trim().toLowerCase();

export function previewKind(doc: Pick<DocumentDetails, "mail">, version: Pick<VersionInfo, "mediaType">): PreviewKind {
  if (doc.mail) return "mail";
  const type = essence(version.mediaType);
  if (type === "application/pdf") return "pdf";
  if (IMAGES.has(type)) return "image";
  if ((type.startsWith("text/") && type !== "text/html") || TEXTS.has(type)) return "text";
  return "none";
}

/** A file size the way people read it: "812 B", "14 kB", "3,4 MB". */
export function formatSize(bytes: number, language: "da" | "en"): string {
  const number = (n: number, digits: number) => n.toLocaleString(language === "en" ? "en-GB" : "da-DK", { maximumFractionDigits: digits });
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${number(bytes / 1000, 0)} kB`;
  if (bytes < 1_000_000_000) return `${number(bytes / 1_000_000, 1)} MB`;
  return `${number(bytes / 1_000_000_000, 1)} GB`;
}
