// A fake Office host with the parts of Office.js the add-in's adapters call. Used by the adapter unit
// tests under Node and, bundled by esbuild, injected into Chromium before the task pane loads.

export interface FakeAttachment {
  id: string;
  name: string;
  contentType: string;
  isInline: boolean;
  attachmentType: "file" | "item" | "cloud";
  /** base64 for files; text for item (.eml) attachments. */
  content: string;
}

export interface FakeMail {
  itemId: string;
  subject: string;
  from: { displayName: string; emailAddress: string };
  to: Array<{ displayName: string; emailAddress: string }>;
  cc: Array<{ displayName: string; emailAddress: string }>;
  dateTimeCreated: string;
  internetMessageId: string;
  conversationId: string;
  /** The whole message, base64, as getAsFileAsync hands it out. */
  emlBase64: string;
  headers: string;
  attachments: FakeAttachment[];
}

export interface FakeDocument {
  url: string;
  /** base64 of the file Compressed hands out. */
  fileBase64: string;
  pdfBase64?: string;
  sliceSize?: number;
}

export interface FakeOfficeOptions {
  host: "Outlook" | "Word" | "Excel" | "PowerPoint";
  platform?: "PC" | "OfficeOnline" | "Mac";
  displayLanguage?: string;
  /** Office on the web's storage partition, when it partitions. */
  partitionKey?: string;
  requirementSets?: Record<string, string>;
  mail?: FakeMail;
  document?: FakeDocument;
  /** Make a named call fail with an Office error. */
  fail?: Record<string, { code: number; message: string }>;
  /** What earlier sessions left behind (roaming settings, document settings, custom properties). */
  stored?: { roaming?: Record<string, unknown>; documentSettings?: Record<string, unknown>; customProperties?: Record<string, unknown> };
}

export interface FakeOfficeLog {
  calls: Array<{ name: string; args: unknown[] }>;
  roaming: Record<string, unknown>;
  documentSettings: Record<string, unknown>;
  customProperties: Record<string, unknown>;
  categories: string[];
  masterCategories: Array<{ displayName: string; color: string }>;
  openFiles: number;
  /** Office's dialogs the add-in opened (displayDialogAsync), in order; `closed` once closed by either side. */
  dialogs: Array<{ url: string; options: unknown; closed: boolean }>;
  /** Pages opened with Office.context.ui.openBrowserWindow. */
  browserWindows: string[];
}

function decode(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Installs `Office` on `target` (globalThis or window) and returns the log of what the add-in did. */
export function installFakeOffice(target: Record<string, unknown>, options: FakeOfficeOptions): FakeOfficeLog {
  const log: FakeOfficeLog = {
    calls: [],
    roaming: { ...options.stored?.roaming },
    documentSettings: { ...options.stored?.documentSettings },
    customProperties: { ...options.stored?.customProperties },
    categories: [],
    masterCategories: [],
    openFiles: 0,
    dialogs: [],
    browserWindows: [],
  };
  const fail = options.fail ?? {};
  const later = (fn: () => void) => setTimeout(fn, 0);
  const done = <T>(name: string, args: unknown[], callback: ((r: unknown) => void) | undefined, value: T) => {
    log.calls.push({ name, args });
    const failure = fail[name];
    later(() =>
      callback?.(failure ? { status: "failed", error: { code: failure.code, message: failure.message, name: "OfficeError" } } : { status: "succeeded", value }),
    );
  };
  const cb = (args: unknown[]) => args.find((a) => typeof a === "function") as ((r: unknown) => void) | undefined;
  const sets = options.requirementSets ?? {};
  const versionAtLeast = (have: string, want: string) => {
    const a = have.split(".").map(Number);
    const b = want.split(".").map(Number);
    return a[0] > b[0] || (a[0] === b[0] && (a[1] ?? 0) >= (b[1] ?? 0));
  };

  const mail = options.mail;
  const item = mail && {
    itemId: mail.itemId,
    subject: mail.subject,
    from: mail.from,
    to: mail.to,
    cc: mail.cc,
    dateTimeCreated: new Date(mail.dateTimeCreated),
    internetMessageId: mail.internetMessageId,
    conversationId: mail.conversationId,
    attachments: mail.attachments.map((a) => ({
      id: a.id,
      name: a.name,
      contentType: a.contentType,
      size: a.attachmentType === "file" ? decode(a.content).length : a.content.length,
      isInline: a.isInline,
      attachmentType: a.attachmentType,
    })),
    getAsFileAsync: (...args: unknown[]) => done("getAsFileAsync", args, cb(args), mail.emlBase64),
    getAllInternetHeadersAsync: (...args: unknown[]) => done("getAllInternetHeadersAsync", args, cb(args), mail.headers),
    getAttachmentContentAsync: (id: string, ...args: unknown[]) => {
      const a = mail.attachments.find((x) => x.id === id)!;
      const format = a.attachmentType === "item" ? "eml" : a.attachmentType === "cloud" ? "url" : "base64";
      done("getAttachmentContentAsync", [id, ...args], cb(args), { format, content: a.content });
    },
    loadCustomPropertiesAsync: (...args: unknown[]) =>
      done("loadCustomPropertiesAsync", args, cb(args), {
        get: (k: string) => log.customProperties[k],
        set: (k: string, v: unknown) => {
          log.customProperties[k] = v;
        },
        saveAsync: (...a: unknown[]) => done("customProperties.saveAsync", a, cb(a), undefined),
      }),
    categories: {
      addAsync: (cats: string[], ...args: unknown[]) => {
        log.categories.push(...cats);
        done("categories.addAsync", [cats], cb(args), undefined);
      },
    },
  };

  const doc = options.document;
  const document = doc && {
    url: doc.url,
    settings: {
      get: (k: string) => log.documentSettings[k] ?? null,
      set: (k: string, v: unknown) => {
        log.documentSettings[k] = v;
      },
      saveAsync: (...args: unknown[]) => done("settings.saveAsync", args, cb(args), undefined),
    },
    getFileAsync: (fileType: string, ...args: unknown[]) => {
      const source = fileType === "pdf" ? doc.pdfBase64 : doc.fileBase64;
      if (source === undefined) return done("getFileAsync", [fileType], cb(args), undefined);
      const bytes = decode(source);
      const sliceSize = doc.sliceSize ?? (args[0] as { sliceSize?: number })?.sliceSize ?? 4 * 1024 * 1024;
      log.openFiles++;
      done("getFileAsync", [fileType, ...args], cb(args), {
        size: bytes.length,
        sliceCount: Math.max(1, Math.ceil(bytes.length / sliceSize)),
        getSliceAsync: (index: number, ...a: unknown[]) => {
          const part = bytes.subarray(index * sliceSize, (index + 1) * sliceSize);
          done("getSliceAsync", [index], cb(a), { index, size: part.length, data: Array.from(part) });
        },
        closeAsync: (...a: unknown[]) => {
          log.openFiles--;
          done("closeAsync", [fileType], cb(a), undefined);
        },
      });
    },
  };

  const roamingSettings = {
    get: (k: string) => log.roaming[k],
    set: (k: string, v: unknown) => {
      log.roaming[k] = v;
    },
    saveAsync: (...args: unknown[]) => done("roamingSettings.saveAsync", args, cb(args), undefined),
  };

  const Office = {
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    EventType: { DialogMessageReceived: "dialogMessageReceived", DialogEventReceived: "dialogEventReceived" },
    FileType: { Compressed: "compressed", Pdf: "pdf", Text: "text" },
    HostType: { Outlook: "Outlook", Word: "Word", Excel: "Excel", PowerPoint: "PowerPoint" },
    PlatformType: { PC: "PC", OfficeOnline: "OfficeOnline", Mac: "Mac" },
    MailboxEnums: {
      AttachmentType: { File: "file", Item: "item", Cloud: "cloud" },
      AttachmentContentFormat: { Base64: "base64", Url: "url", Eml: "eml", ICalendar: "iCalendar" },
      CategoryColor: { Preset4: "Preset4" },
      RestVersion: { v1_0: "v1.0", v2_0: "v2.0", Beta: "beta" },
    },
    context: {
      host: options.host,
      platform: options.platform ?? "PC",
      displayLanguage: options.displayLanguage ?? "da-DK",
      partitionKey: options.partitionKey,
      requirements: { isSetSupported: (name: string, version = "1.1") => sets[name] !== undefined && versionAtLeast(sets[name], version) },
      roamingSettings,
      ui: fakeDialogUi(target, log, later, fail),
      document,
      mailbox: item && {
        item,
        // EWS ids carry '/' and '+', REST ids '-' and '_' in their place (Office's own conversion).
        convertToRestId: (itemId: string, version: string) => {
          log.calls.push({ name: "convertToRestId", args: [itemId, version] });
          return itemId.replace(/\//g, "-").replace(/\+/g, "_");
        },
        masterCategories: {
          getAsync: (...args: unknown[]) => done("masterCategories.getAsync", args, cb(args), log.masterCategories),
          addAsync: (cats: Array<{ displayName: string; color: string }>, ...args: unknown[]) => {
            log.masterCategories.push(...cats);
            done("masterCategories.addAsync", [cats], cb(args), undefined);
          },
        },
      },
    },
    onReady: (fn?: (info: { host: string; platform: string }) => void) => {
      const info = { host: options.host, platform: options.platform ?? "PC" };
      later(() => fn?.(info));
      return Promise.resolve(info);
    },
  };
  target.Office = Office;
  return log;
}

/** What a test does in the add-in's open Office dialog: the page answers, or the person closes it. */
export interface FakeDialogControl {
  /** The page in the dialog calls Office.context.ui.messageParent(text); `origin` as Office reports it (DialogOrigin 1.1). */
  message(text: string, origin?: string): void;
  /** The person closes the dialog (DialogEventReceived, 12006). */
  closeByUser(): void;
}

/**
 * Office.context.ui: displayDialogAsync records the dialog and installs `__officeDialog` on `target`, with
 * which the test plays the page in it (see FakeDialogControl); openBrowserWindow records the page.
 */
function fakeDialogUi(
  target: Record<string, unknown>,
  log: FakeOfficeLog,
  later: (fn: () => void) => void,
  fail: Record<string, { code: number; message: string }>,
) {
  return {
    displayDialogAsync(url: string, options: unknown, callback?: (r: unknown) => void) {
      log.calls.push({ name: "displayDialogAsync", args: [url, options] });
      const failure = fail.displayDialogAsync;
      if (failure) return later(() => callback?.({ status: "failed", error: { code: failure.code, message: failure.message, name: "OfficeError" } }));
      const record = { url, options, closed: false };
      log.dialogs.push(record);
      const handlers: Record<string, Array<(arg: unknown) => void>> = {};
      const dialog = {
        addEventHandler: (type: string, handler: (arg: unknown) => void) => (handlers[type] ??= []).push(handler),
        close: () => {
          record.closed = true;
        },
      };
      const control: FakeDialogControl = {
        message: (text, origin) => later(() => handlers.dialogMessageReceived?.forEach((h) => h({ message: text, origin }))),
        closeByUser: () => {
          record.closed = true;
          later(() => handlers.dialogEventReceived?.forEach((h) => h({ error: 12006 })));
        },
      };
      target.__officeDialog = control;
      later(() => callback?.({ status: "succeeded", value: dialog }));
    },
    messageParent(message: string) {
      log.calls.push({ name: "messageParent", args: [message] });
    },
    openBrowserWindow(url: string) {
      log.calls.push({ name: "openBrowserWindow", args: [url] });
      log.browserWindows.push(url);
    },
  };
}
