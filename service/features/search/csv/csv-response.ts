import { create as contentDisposition } from "content-disposition";
import { stringify } from "csv-stringify";
import type { Request, Response } from "express";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Language } from "../../../../shared/i18n/index.ts";

// A table sent as CSV the way Danish Excel opens it: UTF-8 with a BOM, `;` between cells, CRLF between rows,
// quoting where a cell holds `;`, `"` or a line break (csv-stringify's). A cell that a spreadsheet would read
// as a formula (= + - @, a tab or CR first) gets a ' in front (OWASP, CSV injection); numbers stay numbers.
// Rows are pulled from the source only as fast as the client takes them, and not at all once it has gone.

export type CsvCell = string | number | null;

export interface CsvTable {
  /** ASCII, e.g. sager-2026-12-02.csv. */
  filename: string;
  header: string[];
  rows: AsyncIterable<CsvCell[]>;
}

/** The language of an export's header and words: English when the client prefers it, Danish otherwise. */
export const exportLanguage = (req: Request): Language => (req.acceptsLanguages("da", "en") === "en" ? "en" : "da");

/** Streams the table as the response; resolves when it is sent or the client went away. */
export async function sendCsv(res: Response, table: CsvTable): Promise<void> {
  // The first row is read before anything is sent, so a search that fails at once is answered with a problem, not a cut-off file.
  const rows = table.rows[Symbol.asyncIterator]();
  const first = await rows.next();
  res.status(200);
  res.setHeader("Content-Type", "text/csv; charset=utf-8");
  res.setHeader("Content-Disposition", contentDisposition(table.filename, { type: "attachment" }));
  // What a search found is the caller's alone: no cache keeps a copy.
  res.setHeader("Cache-Control", "no-store");
  const csv = stringify({
    bom: true,
    delimiter: ";",
    record_delimiter: "\r\n",
    // A record delimiter of its own turns off quoting of a lone \n or \r; a cell holding one must be quoted all the same.
    quote_record_delimiter: true,
    escape_formulas: true,
  });
  async function* records() {
    try {
      yield table.header;
      if (first.done) return;
      yield first.value;
      for (let next = await rows.next(); !next.done; next = await rows.next()) yield next.value;
    } finally {
      // The client went away (or all is sent): the source reads no further page.
      await rows.return?.();
    }
  }
  try {
    await pipeline(Readable.from(records()), csv, res);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_STREAM_PREMATURE_CLOSE" && res.destroyed) return;
    throw err;
  }
}
