import { da, en, type MessageKey } from "./messages.ts";

export type Language = "da" | "en";
export type { MessageKey };
export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A text for a person, translated by the UI. */
export interface Message {
  key: MessageKey;
  params?: Record<string, string | number>;
  /** The service's own sentence (English) behind a refusal: extra information under the text, never the text itself. */
  detail?: string;
}

/** Picks Danish or English from a locale such as "da-DK", "en-GB" or "nb-NO" (Scandinavian → Danish). */
export function languageOf(locale: string | null | undefined): Language {
  const l = (locale ?? "").toLowerCase();
  if (l.startsWith("en")) return "en";
  if (l === "" || /^(da|nb|nn|no|sv|fo|kl)\b/.test(l)) return "da";
  return "en";
}

/** A translator for one language; `{name}` placeholders are filled from params. */
export function translator(language: Language): Translate {
  const table: Record<MessageKey, string> = language === "en" ? en : da;
  return (key, params) => table[key].replace(/\{(\w+)\}/g, (_, name: string) => String(params?.[name] ?? `{${name}}`));
}
