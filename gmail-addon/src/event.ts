// The event object Google passes to every trigger and action of a Workspace add-on, as far as this
// add-on reads it, and pure readers for it.

export interface FormInput {
  stringInputs?: { value: string[] };
  dateInput?: { msSinceEpoch: string | number };
}

export interface EditorFile {
  id?: string;
  title?: string;
  addonHasFileScopePermission?: boolean;
}

export interface AddOnEvent {
  commonEventObject?: {
    hostApp?: string;
    platform?: string;
    userLocale?: string;
    formInputs?: Record<string, FormInput>;
    parameters?: Record<string, string>;
  };
  gmail?: { messageId?: string; threadId?: string; accessToken?: string };
  docs?: EditorFile;
  sheets?: EditorFile;
  slides?: EditorFile;
  /** Older form of commonEventObject.parameters, still sent. */
  parameters?: Record<string, string>;
}

export type EditorHost = "docs" | "sheets" | "slides";
export type HostApp = "gmail" | EditorHost;

export function hostOf(e: AddOnEvent): HostApp {
  const host = (e.commonEventObject?.hostApp ?? "").toLowerCase();
  if (host === "docs" || host === "sheets" || host === "slides") return host;
  return "gmail";
}

/** The open Doc, Sheet or Slides file, when the add-on has been given access to it. */
export function editorFileOf(e: AddOnEvent): { host: EditorHost; id: string; title: string } | null {
  const host = hostOf(e);
  if (host === "gmail") return null;
  const file = e[host];
  return file?.id ? { host, id: file.id, title: file.title ?? "" } : null;
}

export const localeOf = (e: AddOnEvent): string => e.commonEventObject?.userLocale ?? "";

export const parameterOf = (e: AddOnEvent, name: string): string => e.commonEventObject?.parameters?.[name] ?? e.parameters?.[name] ?? "";

/** All values of a text input, selection or checkbox group; absent when nothing was entered or ticked. */
export const stringInputs = (e: AddOnEvent, name: string): string[] => e.commonEventObject?.formInputs?.[name]?.stringInputs?.value ?? [];

export const stringInput = (e: AddOnEvent, name: string): string => stringInputs(e, name)[0] ?? "";

/** A DatePicker's value as an ISO date (the picker sends midnight UTC of the chosen day), or "" when empty. */
export function dateInput(e: AddOnEvent, name: string): string {
  const ms = Number(e.commonEventObject?.formInputs?.[name]?.dateInput?.msSinceEpoch);
  return Number.isFinite(ms) && e.commonEventObject?.formInputs?.[name]?.dateInput ? new Date(ms).toISOString().slice(0, 10) : "";
}
