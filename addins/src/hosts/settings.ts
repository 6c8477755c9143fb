import type { ConnectionSettings, SettingsStore } from "./adapter.ts";
import { officeCall } from "./office-async.ts";

const KEY = "imsCase.connection";

function parse(value: unknown): ConnectionSettings | null {
  if (!value || typeof value !== "object") return null;
  const v = value as Partial<ConnectionSettings>;
  if (typeof v.serviceUrl !== "string" || typeof v.token !== "string") return null;
  return {
    serviceUrl: v.serviceUrl,
    token: v.token,
    ...(v.method === "microsoft" || v.method === "device" || v.method === "token" ? { method: v.method } : {}),
    ...(typeof v.deviceId === "string" ? { deviceId: v.deviceId } : {}),
    ...(typeof v.signedInAs === "string" ? { signedInAs: v.signedInAs } : {}),
  };
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

/**
 * Word, Excel and PowerPoint have no roaming settings; the add-in's own storage keeps them, under
 * Office's partition key where Office on the web partitions storage (as Microsoft recommends).
 */
export function localSettingsStore(storage: () => Pick<Storage, "getItem" | "setItem"> = () => globalThis.localStorage): SettingsStore {
  const key = () => `${(typeof Office !== "undefined" && Office.context?.partitionKey) || ""}${KEY}`;
  return {
    async load() {
      try {
        return parse(JSON.parse(storage().getItem(key()) ?? "null"));
      } catch {
        return null;
      }
    },
    async save(settings) {
      storage().setItem(key(), JSON.stringify(settings));
    },
  };
}
