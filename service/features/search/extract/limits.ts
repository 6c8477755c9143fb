// The bounds every extractor works within, so that one hostile upload cannot exhaust the indexer's memory or time.

export interface ExtractLimits {
  /** Bytes the extractor may inflate from an archive, over all entries it reads. */
  maxInflatedBytes: number;
  /** Entries a zip archive may list at all. */
  maxEntries: number;
  /** Characters of text kept; the rest is cut off and the result marked truncated. */
  maxChars: number;
  /** Bytes a file may have at all; a larger one is skipped unread. */
  maxInputBytes: number;
  /** Pages of a PDF read; the rest are left unread and the result marked truncated. */
  maxPages: number;
  /** How deep files inside files are read: 1 reads a mail's attachments but not the attachments of an attached mail, 0 none. */
  maxDepth: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = {
  maxInflatedBytes: 64 * 1024 * 1024,
  maxEntries: 5000,
  maxChars: 1_000_000,
  maxInputBytes: 256 * 1024 * 1024,
  maxPages: 2000,
  maxDepth: 3,
};

export const withDefaults = (limits: Partial<ExtractLimits> = {}): ExtractLimits => ({ ...DEFAULT_EXTRACT_LIMITS, ...limits });

/** "failed": the file is damaged or hostile. "skipped": the file may be fine, but its text cannot be read here (encrypted, unsupported). */
export type ExtractStatus = "failed" | "skipped";

export class ExtractError extends Error {
  constructor(
    readonly status: ExtractStatus,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = "ExtractError";
  }
}

export const mebibytes = (bytes: number): string => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;

export const zipBomb = (limits: ExtractLimits): ExtractError =>
  new ExtractError("failed", `zip bomb: inflated size over ${mebibytes(limits.maxInflatedBytes)}`);

export interface ExtractedText {
  text: string;
  truncated: boolean;
  /** What inside the file was left out and why, e.g. a mail's attachment that could not be read; absent when nothing was. */
  leftOut?: string[];
}

/**
 * What is left of maxInflatedBytes for a file and everything read inside it (a mail, its attachments, their
 * attachments), so that a mail of many small bombs gets one budget, not one each.
 */
export interface InflateBudget {
  remaining: number;
}

/** Takes `bytes` from the budget; throws `refusal` when there are not that many left. */
export function spend(budget: InflateBudget, bytes: number, refusal: () => ExtractError): void {
  budget.remaining -= bytes;
  if (budget.remaining < 0) throw refusal();
}

/** Collects text up to maxChars; once full it drops the rest and says so, so callers can stop early. */
export class BoundedText {
  private readonly parts: string[] = [];
  private length = 0;
  truncated = false;

  constructor(private readonly maxChars: number) {}

  get full(): boolean {
    return this.truncated;
  }

  /** Characters that may still be added. */
  get room(): number {
    return this.maxChars - this.length;
  }

  add(text: string): void {
    if (this.truncated || text === "") return;
    const room = this.room;
    if (text.length <= room) {
      this.parts.push(text);
      this.length += text.length;
      return;
    }
    let cut = text.slice(0, room);
    // A cut between the halves of a surrogate pair would leave a lone half that is not a character.
    if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
    this.parts.push(cut);
    this.length += cut.length;
    this.truncated = true;
  }

  result(): ExtractedText {
    return { text: tidyWhitespace(this.parts.join("")), truncated: this.truncated };
  }
}

/** Spaces and tabs collapse within a line, lines lose their ends, and no more than one empty line stands between paragraphs. */
export function tidyWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t\u00A0]+/g, " ")
    .replace(/ *\n */g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
