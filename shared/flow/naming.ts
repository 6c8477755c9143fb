// Names and header values as every host captures them; pure, so Office and Apps Script share them.

/** A file name made from a mail subject or document title: no path or reserved characters, never empty. */
export function safeFilename(base: string, extension: string, fallback = "IMS Case"): string {
  const cleaned = base
    .replace(/[\\/:*?"<>|\u0000-\u001f\u007f]+/g, "_")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\.+/, "")
    .slice(0, 150)
    .trim();
  return `${cleaned || fallback}${extension}`;
}

/** Message-IDs in angle brackets, as In-Reply-To and References hold them. */
export const messageIdsIn = (value: string | undefined): string[] => (value ? (value.match(/<[^<>\s]+>/g) ?? []) : []);

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
