import type { Capture, ImsClient, RetryPolicy, SaveSources } from "../../../shared/index.ts";
import type { AddOnEvent } from "../event.ts";
import type { AddOnFlow, FileOrigin, GmailOrigin } from "../flow.ts";
import type { FlowStore } from "../runtime/flow-store.ts";

// What handlers may use, so they stay thin and free of Apps Script globals: adapters/platform.ts builds
// the real thing from UrlFetchApp, GmailApp, CacheService and friends.

/** Gmail's open message. */
export interface MailPort {
  /** Describes the message the event is about (no content read yet). */
  describe(event: AddOnEvent): { capture: Capture; origin: GmailOrigin };
  /** Reads the raw message and its attachments when the user saves. */
  sources(event: AddOnEvent, origin: GmailOrigin, capture: Capture): SaveSources;
}

/** The open Doc, Sheet or Slides file, exported through Drive. */
export interface FilePort {
  sources(origin: FileOrigin, capture: Capture): SaveSources;
}

export interface Services {
  /** The archive's API client; throws NotConfiguredError when the service URL is not set. */
  client(): ImsClient;
  flows: FlowStore<AddOnFlow>;
  /** Retries with Utilities.sleep, short enough to fit a card action's 30 seconds. */
  retry: RetryPolicy;
  /** UrlFetch carries at most 50 MB a call; uploads go in slices of this size. */
  chunkSize: number;
  newId(): string;
  now(): Date;
  /** The signed-in Google account's address, for the refusal card. */
  userEmail(): string;
  /**
   * A Google account no IMS Case user answers to: asks the service for a link request with the user's ID token,
   * and gives the web view's page that confirms it. Throws NotConfiguredError / SignInError / ApiError.
   */
  startSignIn(): Promise<string>;
  /** The web view's address (the service's, without a trailing slash); "" when not configured. */
  webViewBase(): string;
  mail: MailPort;
  files: FilePort;
}
