import type { Transform } from "node:stream";
import { Splitter, type MimeNode } from "@zone-eu/mailsplit";
import libqp from "libqp";
import addressparser from "nodemailer/lib/addressparser";
import { messageIdsIn, normaliseMessageId } from "../../../shared/flow/naming.ts";
import { decodeBytes, decodeHeaderText, headerParameter, rawHeaders } from "./header-text.ts";
import { emptyMail, type ParsedAddress, type ParsedMail, type ParsedPart, type PartKind, type ReadLimits } from "./parsed-mail.ts";
import { isTnef, readTnef } from "./tnef.ts";

// A MIME message (.eml) read into a ParsedMail. mailsplit tokenises the message as mailparser does (it copes
// with bare LF, missing boundaries and overlong lines), but hands over every part's raw header bytes, so names
// and subjects are decoded here with the fallbacks real mail needs (header-text.ts), and its body bytes, which
// are decoded leniently: a bad base64 character is skipped and reported, never fatal.

interface Leaf {
  node: MimeNode;
  headers: Map<string, Buffer[]>;
  chunks: Buffer[];
  size: number;
}

const first = (headers: Map<string, Buffer[]>, name: string) => headers.get(name)?.[0];
const latin1 = (b: Buffer | undefined) => (b ? b.toString("latin1") : "");

/** Splits the message into its leaves (the parts that hold content), keeping each one's raw headers. */
function split(content: Buffer, limits: ReadLimits, problems: string[]): Promise<{ root: Leaf | null; leaves: Leaf[]; multiparts: MimeNode[] }> {
  return new Promise((resolve) => {
    const splitter = new Splitter({ ignoreEmbedded: true, maxChildNodes: limits.maxParts, maxHeadSize: 1024 * 1024 });
    const leaves: Leaf[] = [];
    const multiparts: MimeNode[] = [];
    let root: Leaf | null = null;
    let current: Leaf | null = null;
    let total = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      resolve({ root, leaves, multiparts });
    };
    splitter.on("data", (chunk) => {
      if (chunk.type === "node") {
        const leaf: Leaf = { node: chunk, headers: rawHeaders(chunk.getHeaders()), chunks: [], size: 0 };
        if (chunk.root) root = leaf;
        if (chunk.multipart) multiparts.push(chunk);
        else leaves.push(leaf);
        current = chunk.multipart ? null : leaf;
      } else if (chunk.type === "body" && current) {
        total += chunk.value.length;
        if (total > limits.maxBytes) {
          if (!problems.includes("the message is larger than the parser reads; the rest is not shown"))
            problems.push("the message is larger than the parser reads; the rest is not shown");
          return;
        }
        current.chunks.push(chunk.value);
        current.size += chunk.value.length;
      }
    });
    const stream = splitter as unknown as Transform;
    stream.on("error", (err: Error) => {
      problems.push(`the MIME structure could not be read past a point: ${err.message}`);
      finish();
    });
    stream.on("end", finish);
    splitter.end(content);
  });
}

/** A part's bytes decoded from its transfer encoding; what cannot be decoded is skipped and reported. */
function decodeBody(leaf: Leaf, label: string, problems: string[]): Buffer {
  const raw = Buffer.concat(leaf.chunks);
  const encoding = (leaf.node.encoding || "").toLowerCase();
  if (encoding === "base64") {
    const text = raw.toString("latin1").replace(/[\r\n\t ]/g, "");
    const clean = text.replace(/[^A-Za-z0-9+/=]/g, "");
    if (clean.length !== text.length) problems.push(`${label}: ${text.length - clean.length} characters that are not base64 were skipped`);
    return Buffer.from(clean.replace(/=+(?=[^=])/g, ""), "base64");
  }
  if (encoding === "quoted-printable") return libqp.decode(raw.toString("latin1"));
  return raw;
}

function addresses(raw: Buffer | undefined): ParsedAddress[] {
  if (!raw) return [];
  const out: ParsedAddress[] = [];
  const walk = (list: ReturnType<typeof addressparser>) => {
    for (const a of list) {
      if ("group" in a && a.group) walk(a.group);
      else if ("address" in a && a.address) out.push({ name: decodeHeaderText(Buffer.from(a.name ?? "", "latin1")), address: a.address.toLowerCase() });
    }
  };
  try {
    walk(addressparser(latin1(raw)));
  } catch {
    return [];
  }
  return out.slice(0, 1000);
}

function sentAt(raw: Buffer | undefined): string | null {
  if (!raw) return null;
  const date = new Date(
    latin1(raw)
      .replace(/\s*\([^)]*\)\s*$/, "")
      .trim(),
  );
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function kindOf(mediaType: string, filename: string | null, contentId: string | null, disposition: string, parentType: string): PartKind {
  if (mediaType === "message/rfc822" || mediaType === "message/global") return "message";
  if (mediaType === "text/calendar" || mediaType === "application/ics" || /\.ics$/i.test(filename ?? "")) return "calendar";
  if (disposition !== "attachment" && (disposition === "inline" || parentType === "multipart/related") && (contentId || mediaType.startsWith("image/")))
    return "inline";
  return "file";
}

const isTnefPart = (mediaType: string, filename: string | null) =>
  mediaType === "application/ms-tnef" || mediaType === "application/vnd.ms-tnef" || /^winmail\.dat$/i.test(filename ?? "");

/**
 * Reads a MIME message: its headers, its first plain and HTML bodies, and every other part as a ParsedPart —
 * attached messages read in turn (to limits.maxDepth), a winmail.dat unpacked into what it carries.
 */
export async function readMime(content: Buffer, limits: ReadLimits, depth = 0): Promise<ParsedMail> {
  const mail = emptyMail();
  const { root, leaves, multiparts } = await split(content, limits, mail.problems);
  if (!root) {
    mail.problems.push("no MIME header block was found");
    return mail;
  }
  const h = root.headers;
  mail.subject = first(h, "subject") ? decodeHeaderText(first(h, "subject")!) : null;
  mail.messageId = normaliseMessageId(latin1(first(h, "message-id")));
  mail.inReplyTo = messageIdsIn(latin1(first(h, "in-reply-to")))[0] ?? null;
  mail.references = messageIdsIn(latin1(first(h, "references")));
  mail.from = addresses(first(h, "from"))[0] ?? addresses(first(h, "sender"))[0] ?? null;
  mail.to = addresses(first(h, "to"));
  mail.cc = addresses(first(h, "cc"));
  mail.sentAt = sentAt(first(h, "date"));

  for (const node of multiparts) {
    const boundary = (node as unknown as { _boundary?: Buffer | false })._boundary;
    if (boundary && !content.includes(Buffer.concat([Buffer.from("--"), boundary, Buffer.from("--")]))) {
      mail.problems.push(`the closing boundary of a ${node.contentType || "multipart"} part is missing; read up to the end of the file`);
    }
  }

  for (const [i, leaf] of leaves.entries()) {
    if (mail.parts.length >= limits.maxParts) {
      mail.problems.push(`more than ${limits.maxParts} parts; the rest are not listed`);
      break;
    }
    const label = `part ${i + 1}`;
    const node = leaf.node;
    const mediaType = (node.contentType || "text/plain").toLowerCase();
    const disposition = (node.disposition || "").toLowerCase();
    const dispositionHeader = first(leaf.headers, "content-disposition");
    const typeHeader = first(leaf.headers, "content-type");
    const filename = (dispositionHeader && headerParameter(dispositionHeader, "filename")) || (typeHeader && headerParameter(typeHeader, "name")) || null;
    const contentId = normaliseContentId(latin1(first(leaf.headers, "content-id")));
    const bytes = decodeBody(leaf, label, mail.problems);
    const parentType = node.parentNode ? ((node.parentNode as MimeNode).contentType || "").toLowerCase() : "";

    const isText = mediaType === "text/plain" || mediaType === "text/html";
    if (isText && disposition !== "attachment" && !filename) {
      const text = decodeBytes(bytes, node.charset || null);
      if (mediaType === "text/plain" && mail.text === null) {
        mail.text = text;
        continue;
      }
      if (mediaType === "text/html" && mail.html === null) {
        mail.html = text;
        continue;
      }
    }
    const part: ParsedPart = { kind: kindOf(mediaType, filename, contentId, disposition, parentType), filename, mediaType, contentId, content: bytes };
    if (part.kind === "message") {
      if (depth + 1 > limits.maxDepth)
        mail.problems.push(`${label}: an attached message nested deeper than ${limits.maxDepth} levels is kept as a file, not read`);
      else part.message = await readMime(bytes, limits, depth + 1);
    } else if (isTnefPart(mediaType, filename) && isTnef(bytes)) {
      const carried = readTnef(bytes, limits, depth + 1);
      part.message = carried;
      // Outlook's rich-text mail has its body only in the winmail.dat.
      if (mail.text === null && carried.text) mail.text = carried.text;
      if (mail.html === null && carried.html) mail.html = carried.html;
    }
    mail.parts.push(part);
  }
  // Whatever the headers say, a part the HTML body shows by its Content-ID is an inline image (Gmail marks them attachments).
  const html = mail.html?.toLowerCase() ?? "";
  for (const p of mail.parts) if (p.contentId && p.kind === "file" && html.includes(`cid:${p.contentId.toLowerCase()}`)) p.kind = "inline";
  return mail;
}

function normaliseContentId(value: string): string | null {
  const id = value.trim().replace(/^<|>$/g, "").trim();
  return id || null;
}
