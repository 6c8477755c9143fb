import fs from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "../config.ts";
import { parseInWorker } from "../features/mail/mail-parser-pool.ts";
import { DEFAULT_READ_LIMITS, type ParsedMail, type ParsedPart } from "../features/mail/parsed-mail.ts";
import { mailFormatOf } from "../features/mail/read-mail.ts";
import { runCommand } from "./run-command.ts";

// `npm run mail:read -- <file>…`: what the archive reads out of mail files, read as the parse job reads them
// (same worker, same limits), one Markdown table row per file. For checking a mail a user reports as shown
// wrongly, without saving it.

const cell = (s: string | null | undefined) => (s ?? "–").replace(/\|/g, "\\|").replace(/\s+/g, " ").slice(0, 60);

function partsInWords(parts: ParsedPart[], depth = 0): string {
  return parts
    .map((p) => {
      const inner = p.message
        ? ` (${p.message.subject ? `"${cell(p.message.subject)}"` : ""}${p.message.parts.length ? `: ${partsInWords(p.message.parts, depth + 1)}` : ""})`
        : "";
      return `${p.kind} ${cell(p.filename ?? p.mediaType)}${inner}`;
    })
    .join(", ");
}

function row(name: string, mail: ParsedMail, html: boolean): string {
  const from = mail.from ? `${mail.from.name ? `${mail.from.name} ` : ""}<${mail.from.address}>` : null;
  const body = [mail.text ? "text" : null, html ? "html" : null].filter(Boolean).join("+") || "–";
  const outcome = mail.problems.length ? `partial: ${cell(mail.problems.join("; "))}` : "done";
  return `| ${name} | ${cell(mail.subject)} | ${cell(from)} | ${mail.sentAt ?? "–"} | ${body} | ${partsInWords(mail.parts) || "–"} | ${outcome} |`;
}

async function main(): Promise<number> {
  const files = process.argv.slice(2);
  if (!files.length) {
    process.stderr.write("usage: npm run mail:read -- <file.eml|file.msg>…\n");
    return 2;
  }
  const { timeoutMs, heapMb } = loadConfig().mailParse;
  process.stdout.write("| file | subject | from | date | body | parts | read |\n| --- | --- | --- | --- | --- | --- | --- |\n");
  let failed = 0;
  for (const file of files) {
    const bytes = await fs.readFile(file);
    const name = path.basename(file);
    const format = mailFormatOf(bytes.subarray(0, 4096), name, "application/octet-stream") ?? "mime";
    try {
      const { mail, body } = await parseInWorker(
        bytes,
        format,
        { ...DEFAULT_READ_LIMITS, maxBytes: Math.max(4 * bytes.length, 1024 * 1024) },
        { timeoutMs, heapMb },
      );
      process.stdout.write(`${row(name, mail, body.html !== null)}\n`);
    } catch (err) {
      failed++;
      process.stdout.write(`| ${name} | | | | | | failed: ${cell(err instanceof Error ? err.message : String(err))} |\n`);
    }
  }
  return failed ? 1 : 0;
}

runCommand(main, "mail:read", 2);
