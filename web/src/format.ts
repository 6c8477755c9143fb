import type { Language } from "../../shared/index.ts";

const formats = new Map<Language, Intl.DateTimeFormat>();

function formatFor(language: Language): Intl.DateTimeFormat {
  let format = formats.get(language);
  if (!format) {
    const locale = language === "en" ? "en-GB" : "da-DK";
    format = new Intl.DateTimeFormat(locale, { day: "2-digit", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    formats.set(language, format);
  }
  return format;
}

/**
 * A moment the way the product's screens write it: "08. jan. 2020 14:35" (Danish), "08 Jan 2020 14:35" (English).
 * Built from the parts because da-DK's own pattern puts a comma before and a dot inside the time.
 */
export function formatMoment(iso: string, language: Language): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const part = Object.fromEntries(
    formatFor(language)
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  const day = language === "en" ? part.day : `${part.day}.`;
  return `${day} ${part.month} ${part.year} ${part.hour}:${part.minute}`;
}
