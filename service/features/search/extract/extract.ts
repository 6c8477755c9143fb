import path from "node:path";
import { ExtractError, withDefaults, type ExtractedText, type ExtractLimits } from "./limits.ts";
import { extractHtml, extractPlainText, extractRtf } from "./plain.ts";
import { extractZipXml, type ZipXmlFormat } from "./zip-xml.ts";

export { ExtractError, type ExtractedText, type ExtractLimits } from "./limits.ts";

type Format = ZipXmlFormat | "plain" | "html" | "rtf" | "pdf" | "word97" | "mail" | "outlook";

const BY_EXTENSION: Record<string, Format> = {
  docx: "word",
  docm: "word",
  dotx: "word",
  dotm: "word",
  xlsx: "sheet",
  xlsm: "sheet",
  xltx: "sheet",
  pptx: "slides",
  pptm: "slides",
  ppsx: "slides",
  odt: "odf",
  ods: "odf",
  odp: "odf",
  ott: "odf",
  txt: "plain",
  text: "plain",
  csv: "plain",
  tsv: "plain",
  md: "plain",
  htm: "html",
  html: "html",
  rtf: "rtf",
  pdf: "pdf",
  doc: "word97",
  eml: "mail",
  msg: "outlook",
};

const BY_MEDIA_TYPE: Record<string, Format> = {
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word",
  "application/vnd.ms-word.document.macroenabled.12": "word",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "sheet",
  "application/vnd.ms-excel.sheet.macroenabled.12": "sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": "slides",
  "application/vnd.oasis.opendocument.text": "odf",
  "application/vnd.oasis.opendocument.spreadsheet": "odf",
  "application/vnd.oasis.opendocument.presentation": "odf",
  "text/plain": "plain",
  "text/csv": "plain",
  "text/html": "html",
  "application/rtf": "rtf",
  "text/rtf": "rtf",
  "application/pdf": "pdf",
  "application/msword": "word97",
  "message/rfc822": "mail",
  "application/vnd.ms-outlook": "outlook",
};

/** The extension decides; the media type is asked only when the name has no extension we know. */
function formatOf(file: { filename: string; mediaType: string }): Format | undefined {
  const extension = path.extname(file.filename).slice(1).toLowerCase();
  const mediaType = file.mediaType.split(";")[0].trim().toLowerCase();
  return BY_EXTENSION[extension] ?? BY_MEDIA_TYPE[mediaType];
}

/** The searchable text of a file, within the limits; throws ExtractError when the file is refused or cannot be read. */
export async function extractText(bytes: Buffer, file: { filename: string; mediaType: string }, limits?: Partial<ExtractLimits>): Promise<ExtractedText> {
  const bounds = withDefaults(limits);
  const format = formatOf(file);
  switch (format) {
    case "word":
    case "sheet":
    case "slides":
    case "odf":
      return extractZipXml(bytes, format, bounds);
    case "plain":
      return extractPlainText(bytes, bounds);
    case "html":
      return extractHtml(bytes, bounds);
    case "rtf":
      return extractRtf(bytes, bounds);
    // Extracted by another part, not yet written: PDF, Word 97-2003, and mails (whose text and attachments
    // will come back through extractText).
    case "pdf":
    case "word97":
    case "mail":
    case "outlook":
    case undefined:
      throw new ExtractError("skipped", "unsupported format");
  }
}
