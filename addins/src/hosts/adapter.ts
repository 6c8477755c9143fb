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
  /** How the pane signs in: with Microsoft Entra ID (no stored credential: msal asks Office for tokens), through the web view
   *  (`token` + `deviceId`), or with a pasted API token. Settings from before single sign-on have none and are read by their fields. */
  method?: "microsoft" | "device" | "token";
  /** The add-in's credential from signing in through the web view, or an API token pasted by a developer; "" when signed out or with Microsoft. */
  token: string;
  /** The web view's sign-in: which of the person's sessions this is (to sign out), and whose. */
  deviceId?: string;
  signedInAs?: string;
}

/** The web view, seen from the pane: Office's dialog for signing in, and the browser for pages of the archive. */
export interface WebViewPort {
  /**
   * Opens `url` in Office's dialog and resolves with the first message a page from `origin` sends back with
   * Office.context.ui.messageParent; null when the person closes the dialog first. Throws HostError when Office cannot open it.
   */
  ask(url: string, origin: string): Promise<string | null>;
  /** Opens a page of the web view in the person's browser (Office's own browser window where it has one). */
  openInBrowser(url: string): void;
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
  /**
   * Limits of this host worth telling the user up front, for a pane signed in by `method` (signed in with Microsoft, Graph
   * fetches what the host cannot hand over, so those limits are none).
   */
  notices(method?: ConnectionSettings["method"]): Message[];
  readonly settings: SettingsStore;
  readonly webView: WebViewPort;
}

/** A failure in the host with the message to show. */
export class HostError extends Error {
  constructor(readonly userMessage: Message) {
    super(userMessage.key);
    this.name = "HostError";
  }
}
