import path from "node:path";
import { ExtractError, mebibytes, withDefaults, type ExtractedText, type ExtractLimits, type InflateBudget } from "./limits.ts";
import { extractMail, type InnerFile } from "./mail.ts";
import { extractPdf } from "./pdf.ts";
import { extractHtml, extractPlainText, extractRtf } from "./plain.ts";
import { extractWord97 } from "./word97.ts";
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

/**
 * The searchable text of a file, within the limits; throws ExtractError when the file is refused or cannot be read.
 * A hostile file can still take long or, inside pdf.js, much memory: run untrusted files through the pool (pool.ts).
 */
export async function extractText(bytes: Buffer, file: { filename: string; mediaType: string }, limits?: Partial<ExtractLimits>): Promise<ExtractedText> {
  const bounds = withDefaults(limits);
  return extractWithin(bytes, file, bounds, { remaining: bounds.maxInflatedBytes }, 0);
}

/** One file at `depth` inside the file extractText was given, spending from the budget that file started with. */
async function extractWithin(bytes: Buffer, file: InnerFile, limits: ExtractLimits, budget: InflateBudget, depth: number): Promise<ExtractedText> {
  if (bytes.length > limits.maxInputBytes) throw new ExtractError("skipped", `larger than ${mebibytes(limits.maxInputBytes)}`);
  const format = formatOf(file);
  switch (format) {
    case "word":
    case "sheet":
    case "slides":
    case "odf":
      return extractZipXml(bytes, format, limits, budget);
    case "plain":
      return extractPlainText(bytes, limits);
    case "html":
      return extractHtml(bytes, limits);
    case "rtf":
      return extractRtf(bytes, limits);
    case "pdf":
      return extractPdf(bytes, limits, budget);
    case "word97":
      return extractWord97(bytes, limits);
    case "mail":
    case "outlook":
      return extractMail(bytes, file, limits, budget, depth, extractWithin);
    case undefined:
      throw new ExtractError("skipped", "unsupported format");
  }
}
