import type { Capture, Message, SaveResult, SaveSources } from "../../../shared/index.ts";

export type HostName = "outlook" | "word" | "excel" | "powerpoint";

/** What the pane remembers about an item or file it saved before. */
export interface FiledMark {
  documentId: string;
  etag?: string;
  caseLabel?: string | null;
}

export interface ConnectionSettings {
  serviceUrl: string;
  token: string;
}

/** Where the pane keeps the service URL and token (Office roaming settings where the host has them). */
export interface SettingsStore {
  load(): Promise<ConnectionSettings | null>;
  save(settings: ConnectionSettings): Promise<void>;
}

/**
 * Everything host-specific, behind one small interface: the React pane never calls Office.js itself.
 * One implementation per host family (Outlook; Word/Excel/PowerPoint).
 */
export interface HostAdapter {
  readonly host: HostName;
  /** Office's display language, e.g. "da-DK". */
  readonly displayLanguage: string;
  /** Describes the open mail or document (no bytes yet). Throws HostError with a readable reason. */
  capture(): Promise<Capture>;
  /** Reads the bytes when the user saves. */
  sources(capture: Capture): SaveSources;
  /** Marks the item or file as saved (Outlook category + custom property; document settings). */
  markFiled(result: SaveResult): Promise<void>;
  /** The mark left by an earlier save, if any. */
  filedMark(): Promise<FiledMark | null>;
  /** Limits of this host worth telling the user up front. */
  notices(): Message[];
  readonly settings: SettingsStore;
}

/** A failure in the host with the message to show. */
export class HostError extends Error {
  constructor(readonly userMessage: Message) {
    super(userMessage.key);
    this.name = "HostError";
  }
}
