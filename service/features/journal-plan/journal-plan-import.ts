import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CsvError, parse } from "csv-parse";
import type { Db } from "../../db/database.ts";
import { Problem, unprocessable } from "../../http/problem.ts";
import type { Actor } from "../access/actor.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { diff } from "../audit/changes.ts";
import { JOURNAL_CODE } from "../../../shared/api/schemas/admin.ts";
import type { JournalPlanImported } from "../../../shared/api/types.ts";
import { parentOf, relinkJournalPlan, requireRetiredAfterCreated } from "./journal-plan.service.ts";

// Importing a journal plan from CSV as Danish offices export it: `code;title[;created_on;retired_on]`,
// `;` (Excel with Danish regional settings) or `,` as separator, an optional header row, UTF-8 with or
// without a byte order mark. The whole file is checked before anything is written, and then written in
// one transaction: a file with one bad row changes nothing.

/** One row of the file, with the line it came from. `undefined` dates: the column was absent. */
export interface PlanRow {
  line: number;
  code: string;
  title: string;
  createdOn: string | undefined;
  /** null: the column is present and empty, so the code is not (or no longer) retired. */
  retiredOn: string | null | undefined;
}

/** What an import did, as the API answers it (shared/api/schemas/admin.ts). */
export type ImportReport = JournalPlanImported;

const MAX_ERRORS = 20;
const COLUMNS = "code;title[;created_on;retired_on]";

/** An ISO date (2024-01-31) or a Danish one (31-01-2024, 31.01.2024), as ISO; undefined when it is neither. */
function parseDate(value: string): string | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const danish = /^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$/.exec(value);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : danish ? [danish[3], danish[2], danish[1]] : [];
  if (!y) return undefined;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) return undefined;
  return date.toISOString().slice(0, 10);
}

/** `;` or `,`, whichever the first line uses more outside quotes; a tie goes to `;`, Danish Excel's choice. */
function sniffDelimiter(firstLine: string): ";" | "," {
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === ";") semicolons++;
    else if (!quoted && ch === ",") commas++;
  }
  return commas > semicolons ? "," : ";";
}

/** Decodes UTF-8 strictly (a BOM is dropped), refusing more than maxBytes. */
async function* utf8Text(source: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<string> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let bytes = 0;
  for await (const chunk of source) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    bytes += buf.length;
    if (bytes > maxBytes) throw new Problem(413, "too_large", `The journal plan file is larger than ${Math.round(maxBytes / 1024 / 1024)} MB.`, { maxBytes });
    yield decode(decoder, buf, true);
  }
  yield decode(decoder, undefined, false);
}

function decode(decoder: TextDecoder, buf: Buffer | undefined, stream: boolean): string {
  try {
    return decoder.decode(buf, { stream });
  } catch {
    throw unprocessable("invalid_encoding", "The file is not UTF-8. In Excel choose 'CSV UTF-8 (kommasepareret)' when saving, or convert the file to UTF-8.");
  }
}

/** Reads and checks a journal plan CSV; 422 listing the lines that are wrong (up to 20) when any is. */
export async function readJournalPlanCsv(source: AsyncIterable<Buffer | string>, maxBytes: number): Promise<PlanRow[]> {
  const text = utf8Text(source, maxBytes)[Symbol.asyncIterator]();
  // The separator is decided from the first line, so read up to its end before parsing.
  let head = "";
  for (;;) {
    const next = await text.next();
    if (next.done) break;
    head += next.value;
    if (/[\r\n]/.test(head)) break;
  }
  async function* rest() {
    yield head;
    for (;;) {
      const next = await text.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const parser = parse({
    delimiter: sniffDelimiter(head.split(/\r?\n|\r/)[0]),
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    trim: true,
    info: true,
  });

  const rows: PlanRow[] = [];
  const errors: Array<{ line: number; message: string }> = [];
  const seen = new Map<string, number>();
  let first = true;
  // Past this many wrong lines the file is plainly not a plan; stop reading rather than list them all.
  let stopped = false;
  const consume = async (records: AsyncIterable<{ record: string[]; info: { lines: number } }>) => {
    for await (const { record, info } of records) {
      const isHeader = first && !/\d/.test(record[0] ?? "");
      first = false;
      if (isHeader) continue;
      const problem = checkRow(record, info.lines, seen);
      if (typeof problem === "string") {
        errors.push({ line: info.lines, message: problem });
        if (errors.length === MAX_ERRORS) {
          stopped = true;
          throw new Error("enough errors");
        }
      } else rows.push(problem);
    }
  };
  try {
    await pipeline(Readable.from(rest()), parser, consume);
  } catch (err) {
    // Stopping tears the pipeline down, and which stage's error surfaces first is not defined.
    if (stopped) return reportErrors(errors, true);
    if (err instanceof Problem) throw err;
    // Every CsvError but a wrong option is the file's fault; not all their codes start with CSV_ (INVALID_OPENING_QUOTE).
    if (err instanceof CsvError && !err.code.startsWith("CSV_INVALID_OPTION")) {
      const line = (err as CsvError & { lines?: number }).lines ?? 0;
      throw unprocessable("invalid_csv", `Line ${line}: ${err.message.replace(/\s+/g, " ")}`, { errors: [...errors, { line, message: err.message }] });
    }
    throw err;
  }
  if (errors.length) return reportErrors(errors, false);
  if (!rows.length) throw unprocessable("empty_import", `The file has no journal plan rows; expected ${COLUMNS}.`);
  return rows;
}

function reportErrors(errors: Array<{ line: number; message: string }>, stopped: boolean): never {
  const others = `${errors.length - 1} more line${errors.length > 2 ? "s" : ""}`;
  const more = stopped ? ` (and ${others}; reading stopped at ${MAX_ERRORS} wrong lines)` : errors.length > 1 ? ` (and ${others})` : "";
  throw unprocessable("invalid_import_row", `Line ${errors[0].line}: ${errors[0].message}${more}. Nothing was imported.`, { errors });
}

function checkRow(record: string[], line: number, seen: Map<string, number>): PlanRow | string {
  if (record.length < 2) return `only one column; expected ${COLUMNS} separated by ';' or ','`;
  if (record.length > 4) return `${record.length} columns; expected ${COLUMNS} (put a title that contains the separator in double quotes)`;
  const [code, title, created, retired] = record;
  if (!JOURNAL_CODE.test(code)) return `"${code}" is not a journal plan code; use groups of digits separated by dots, e.g. 00.01.00`;
  if (seen.has(code)) return `the code ${code} is also on line ${seen.get(code)}`;
  seen.set(code, line);
  if (!title) return `the code ${code} has no title`;
  if (title.length > 500) return `the title of ${code} is longer than 500 characters`;
  const createdOn = created ? parseDate(created) : undefined;
  if (created && !createdOn) return `the created date "${created}" is not a date; use 2024-01-31 or 31-01-2024`;
  const retiredOn = retired === undefined ? undefined : retired ? parseDate(retired) : null;
  if (retired && !retiredOn) return `the retired date "${retired}" is not a date; use 2024-01-31 or 31-01-2024`;
  if (createdOn && retiredOn && retiredOn < createdOn) return `the code ${code} is retired on ${retiredOn}, before it was created on ${createdOn}`;
  return { line, code, title, createdOn, retiredOn };
}

/**
 * Writes checked rows in one transaction: existing codes get the file's title and dates, new codes are
 * inserted under the parent `parentOf` derives, and every entry is re-linked to its parent afterwards.
 */
export async function importJournalPlan(db: Db, actor: Actor, rows: PlanRow[], source: { filename: string | null }): Promise<ImportReport> {
  return db.transaction().execute(async (trx) => {
    const existing = new Map((await trx.selectFrom("journal_plan").selectAll().execute()).map((r) => [r.code, r]));
    const codes = new Set([...existing.keys(), ...rows.map((r) => r.code)]);
    const today = new Date().toISOString().slice(0, 10);
    const report: ImportReport = { inserted: 0, updated: 0, unchanged: 0, relinked: 0 };
    // Parents sort before their children (17 < 17.01 < 17.01.00), so inserting in code order keeps every
    // new row's parent present already.
    for (const row of [...rows].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))) {
      const current = existing.get(row.code);
      if (!current) {
        const entry = {
          code: row.code,
          title: row.title,
          parent_code: parentOf(row.code, codes),
          created_on: row.createdOn ?? today,
          retired_on: row.retiredOn ?? null,
        };
        requireRetiredAfterCreated(row.code, entry.created_on, entry.retired_on, `Line ${row.line}: `);
        await trx.insertInto("journal_plan").values(entry).execute();
        await recordAudit(trx, {
          actor,
          action: "journal_plan.create",
          objectType: "journal_plan",
          objectId: row.code,
          details: { title: entry.title, parentCode: entry.parent_code, createdOn: entry.created_on, retiredOn: entry.retired_on, via: "import" },
        });
        report.inserted++;
        continue;
      }
      const next = {
        title: row.title,
        created_on: row.createdOn ?? current.created_on,
        retired_on: row.retiredOn === undefined ? current.retired_on : row.retiredOn,
      };
      requireRetiredAfterCreated(row.code, next.created_on, next.retired_on, `Line ${row.line}: `);
      const changes = diff(current, next);
      if (!Object.keys(changes).length) {
        report.unchanged++;
        continue;
      }
      await trx.updateTable("journal_plan").set(next).where("code", "=", row.code).execute();
      await recordAudit(trx, { actor, action: "journal_plan.update", objectType: "journal_plan", objectId: row.code, details: { ...changes, via: "import" } });
      report.updated++;
    }
    report.relinked = await relinkJournalPlan(trx, actor);
    await recordAudit(trx, {
      actor,
      action: "journal_plan.import",
      objectType: "journal_plan",
      objectId: null,
      details: { filename: source.filename, rows: rows.length, ...report },
    });
    return report;
  });
}
