import type { ConnectionSettings, SettingsStore } from "./adapter.ts";
import { officeCall } from "./office-async.ts";

const KEY = "imsCase.connection";

function parse(value: unknown): ConnectionSettings | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Partial<ConnectionSettings>;
  return typeof v.serviceUrl === "string" && typeof v.token === "string" ? { serviceUrl: v.serviceUrl, token: v.token } : null;
}

/** Outlook's roaming settings: they follow the user's mailbox to every device. */
export function roamingSettingsStore(): SettingsStore {
  return {
    async load() {
      return parse(Office.context.roamingSettings.get(KEY));
    },
    async save(settings) {
      Office.context.roamingSettings.set(KEY, settings);
      await officeCall<void>((cb) => Office.context.roamingSettings.saveAsync(cb));
    },
  };
}

/** Word, Excel and PowerPoint have no roaming settings; the add-in's own (partitioned) storage keeps them. */
export function localSettingsStore(storage: () => Pick<Storage, "getItem" | "setItem"> = () => globalThis.localStorage): SettingsStore {
  return {
    async load() {
      try {
        return parse(JSON.parse(storage().getItem(KEY) ?? "null"));
      } catch {
        return null;
      }
    },
    async save(settings) {
      storage().setItem(KEY, JSON.stringify(settings));
    },
  };
}
