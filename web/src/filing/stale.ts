import type { Language } from "../../../shared/index.ts";
import { formatMoment } from "../format.ts";
import type { TextKey } from "../i18n.tsx";

/** Who changed a document last and when, as the page tells someone whose write it overtook. */
export interface ChangedBy {
  /** null: a user who no longer exists. */
  name: string | null;
  at: string;
}

const sameDay = (a: Date, b: Date) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/** "Dokumentet er ændret af Carl Kollega kl. 14:35 — genindlæs …"; the date too when it was not today. */
export function describeChange(
  changed: ChangedBy | null,
  t: (key: TextKey, params?: Record<string, string | number>) => string,
  language: Language,
  now = new Date(),
): string {
  if (!changed) return t("web.filing.version.staleUnknown");
  const name = changed.name ?? t("web.filing.version.someone");
  const at = new Date(changed.at);
  if (Number.isNaN(at.getTime())) return t("web.filing.version.staleUnknown");
  if (!sameDay(at, now)) return t("web.filing.version.staleEarlier", { name, moment: formatMoment(changed.at, language) });
  const time = `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
  return t("web.filing.version.staleToday", { name, time });
}
