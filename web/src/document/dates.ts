import type { Language } from "../../../shared/index.ts";

const formats = new Map<Language, Intl.DateTimeFormat>();

/**
 * A calendar date (2031-06-30, as documents' dates and disposal dates are kept) the way the product writes
 * it: "30. jun. 2031" (Danish), "30 Jun 2031" (English). Read as the date it names, in no time zone.
 */
export function formatDay(isoDate: string, language: Language): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDate);
  if (!match) return isoDate;
  let format = formats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language === "en" ? "en-GB" : "da-DK", { day: "2-digit", month: "short", year: "numeric", timeZone: "UTC" });
    formats.set(language, format);
  }
  const part = Object.fromEntries(
    format.formatToParts(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))).map((p) => [p.type, p.value]),
  );
  return `${language === "en" ? part.day : `${part.day}.`} ${part.month} ${part.year}`;
}
