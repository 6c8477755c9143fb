import type { PartyProposals } from "../../shared/flow/parties.ts";
import { safeFilename, type Capture, type FlowState, type MessageKey } from "../../shared/index.ts";
import type { EditorHost } from "./event.ts";

// What the add-on keeps between card actions: the shared flow's state and where its content comes from.

/** The Gmail message being saved; attachment ids are "a<n>" (attachments) and "i<n>" (inline images) in Gmail's order. */
export interface GmailOrigin {
  host: "gmail";
  messageId: string;
}

export type ExportFormat = "native" | "pdf";

/** The open Doc, Sheet or Slides file, exported through Drive in the chosen format. */
export interface FileOrigin {
  host: EditorHost;
  fileId: string;
  title: string;
  format: ExportFormat;
}

export type Origin = GmailOrigin | FileOrigin;

export interface AddOnFlow {
  origin: Origin;
  state: FlowState;
  /** After a mail is saved: its sender and recipients proposed as parties (absent until looked up). */
  parties?: PartyProposals | null;
}

export interface FileFormat {
  mimeType: string;
  extension: string;
  label: MessageKey;
}

/** What Drive exports each kind of file as, natively (Office formats) or as PDF. */
export const FILE_FORMATS: Record<EditorHost, FileFormat> = {
  docs: { mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", extension: ".docx", label: "google.format.docx" },
  sheets: { mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", extension: ".xlsx", label: "google.format.xlsx" },
  slides: { mimeType: "application/vnd.openxmlformats-officedocument.presentationml.presentation", extension: ".pptx", label: "google.format.pptx" },
};

export const PDF_FORMAT: FileFormat = { mimeType: "application/pdf", extension: ".pdf", label: "google.format.pdf" };

const FALLBACK_TITLE: Record<EditorHost, string> = { docs: "Dokument", sheets: "Regneark", slides: "Præsentation" };

export const formatOf = (origin: FileOrigin): FileFormat => (origin.format === "pdf" ? PDF_FORMAT : FILE_FORMATS[origin.host]);

/** The capture for a Google file in its chosen format; the PDF copy is offered alongside a native export. */
export function fileCapture(origin: FileOrigin): Capture {
  const format = formatOf(origin);
  const title = origin.title.trim() || FALLBACK_TITLE[origin.host];
  return {
    kind: "document",
    title,
    filename: safeFilename(title, format.extension, FALLBACK_TITLE[origin.host]),
    mediaType: format.mimeType,
    attachments: [],
    pdfAvailable: origin.format === "native",
  };
}

/** Switches a file's export between its Office format and PDF, keeping what the user typed. */
export function withExportFormat(flow: AddOnFlow, format: ExportFormat): AddOnFlow {
  if (flow.origin.host === "gmail" || flow.origin.format === format) return flow;
  const origin: FileOrigin = { ...flow.origin, format };
  return { origin, state: { ...flow.state, capture: fileCapture(origin), savePdf: format === "pdf" ? false : flow.state.savePdf } };
}
