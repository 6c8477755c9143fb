import iconv from "iconv-lite";

// What Outlook's two formats (.msg and winmail.dat) leave for the reader to work out: an attachment's media
// type when only its name says it, and the encoding of 8-bit text from the code page the message names.

const EXTENSION_TYPES: Record<string, string> = {
  pdf: "application/pdf",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ppt: "application/vnd.ms-powerpoint",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  tif: "image/tiff",
  tiff: "image/tiff",
  txt: "text/plain",
  htm: "text/html",
  html: "text/html",
  eml: "message/rfc822",
  msg: "application/vnd.ms-outlook",
  ics: "text/calendar",
  zip: "application/zip",
};

/** The media type a file name's extension gives; application/octet-stream when it gives none. */
export function mediaTypeFromName(filename: string | null | undefined): string {
  const extension = filename?.match(/\.([^.]+)$/)?.[1]?.toLowerCase() ?? "";
  return EXTENSION_TYPES[extension] ?? "application/octet-stream";
}

/** The iconv-lite name of a Windows code page; null when it names none iconv-lite knows. */
export function encodingOfCodePage(codePage: number | null | undefined): string | null {
  if (!codePage) return null;
  if (codePage === 65001) return "utf8";
  if (codePage === 1200) return "utf16le";
  // Declared US-ASCII yet holding 8-bit bytes: Windows-1252 is what such text nearly always is.
  if (codePage === 20127) return "windows-1252";
  return iconv.encodingExists(`cp${codePage}`) ? `cp${codePage}` : null;
}
