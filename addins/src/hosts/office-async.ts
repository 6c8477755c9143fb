import { HostError } from "./adapter.ts";

/** Office's callback style as a promise; a failed call becomes a HostError with Office's own message. */
export function officeCall<T>(start: (callback: (result: Office.AsyncResult<T>) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    try {
      start((result) => {
        if (result.status === Office.AsyncResultStatus.Succeeded) resolve(result.value);
        else reject(officeError(result.error));
      });
    } catch (err) {
      reject(officeError(err as Office.Error));
    }
  });
}

export function officeError(error: { code?: number; message?: string; name?: string } | undefined): HostError {
  const detail = error?.message || error?.name || "unknown error";
  return new HostError({ key: "error.office", params: { detail: error?.code ? `${detail} (${error.code})` : detail } });
}

/** base64 (as Office hands out file and attachment content) to bytes. */
export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text.replace(/\s+/g, ""));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
