// Names and header values as every host captures them; pure, so Office and Apps Script share them.

/** A file name made from a mail subject or document title: no path or reserved characters, never empty. */
export function safeFilename(base: string, extension: string, fallback = "IMS Case"): string {
  const cleaned = base
    // eslint-disable-next-line no-control-regex -- control characters are not allowed in file names
    .replace(/[\\/:*?"<>|\u0000-\u001f\u007f]+/g, "_")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\.+/, "")
    .slice(0, 150)
    .trim();
  return `${cleaned || fallback}${extension}`;
}

/** A document's title from its file name: the name without its extension, or `fallback` when nothing is left. */
export const titleFromFileName = (name: string, fallback = name): string => name.replace(/\.[^.]{1,8}$/, "") || fallback;

/** A case as a person names it in a list or a sentence: "20200108-1459092 Kurt Jensen". */
export const caseLabel = (c: { number: string; title: string }): string => `${c.number} ${c.title}`;

/**
 * Message-IDs in angle brackets, as In-Reply-To and References hold them (a header value: a string or a
 * list of them), each once; a lone id without brackets (as some clients hand over a Message-ID) gets them.
 */
export function messageIdsIn(value: unknown): string[] {
  const text = Array.isArray(value) ? value.join(" ") : typeof value === "string" ? value : "";
  const found = text.match(/<[^<>\s]+>/g);
  if (found) return [...new Set(found)];
  const bare = text.trim();
  return bare && !/\s/.test(bare) ? [`<${bare.replace(/^<|>$/g, "")}>`] : [];
}

/** One Message-ID in its canonical form (in angle brackets), or null when there is none. */
export const normaliseMessageId = (id: string | null | undefined): string | null => (id ? (messageIdsIn(id)[0] ?? null) : null);

/** E-mail addresses in a header value such as `"Møller, Paw" <paw@example.dk>, skole@example.dk`. */
export const addressesIn = (value: string): string[] => value.match(/[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+/g) ?? [];

/** Header lines (RFC 5322, folded) to a map of lower-case name → first value. */
export function parseHeaderBlock(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const unfolded = text.replace(/\r?\n[ \t]+/g, " ");
  for (const line of unfolded.split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    if (!out.has(name)) out.set(name, line.slice(i + 1).trim());
  }
  return out;
}
