import * as cases from "./cases.ts";
import * as devices from "./devices.ts";
import * as sessions from "./sessions.ts";
import * as documents from "./documents.ts";
import * as filing from "./filing.ts";
import * as search from "./search.ts";
import * as advancedSearch from "./advanced-search.ts";
import * as tasks from "./tasks.ts";
import * as notifications from "./notifications.ts";
import * as contacts from "./contacts.ts";
import * as comments from "./comments.ts";

// The texts of every page but sign-in and the dashboard: one chunk, fetched with the first such page
// (i18n.tsx loadPageTexts), so the first load carries only the texts it shows.
export const da = {
  ...cases.da,
  ...documents.da,
  ...filing.da,
  ...devices.da,
  ...sessions.da,
  ...search.da,
  ...advancedSearch.da,
  ...tasks.da,
  ...notifications.da,
  ...contacts.da,
  ...comments.da,
} as const;

export const en: Record<keyof typeof da, string> = {
  ...cases.en,
  ...documents.en,
  ...filing.en,
  ...devices.en,
  ...sessions.en,
  ...search.en,
  ...advancedSearch.en,
  ...tasks.en,
  ...notifications.en,
  ...contacts.en,
  ...comments.en,
};
