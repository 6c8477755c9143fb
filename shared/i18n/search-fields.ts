import type { SearchTarget } from "../api/schemas/advanced-search.ts";
import type { Language } from "./index.ts";

// The names of the advanced search's fields and of their choices, as column headers (the web view's table and
// the CSV file) and in the condition editor. Danish first; every field of SEARCH_FIELDS in both languages.

type Label = { da: string; en: string };

const FIELD_LABELS: Record<SearchTarget, Record<string, Label>> = {
  cases: {
    text: { da: "Fritekst", en: "Free text" },
    number: { da: "Sagsnummer", en: "Case number" },
    title: { da: "Titel", en: "Title" },
    status: { da: "Status", en: "Status" },
    journalCode: { da: "Journalplankode", en: "Journal plan code" },
    owner: { da: "Sagsejer", en: "Case owner" },
    responsible: { da: "Ansvarlig", en: "Responsible" },
    party: { da: "Part", en: "Party" },
    template: { da: "Sagsskabelon", en: "Case template" },
    accessGroup: { da: "Adgangsgruppe", en: "Access group" },
    critical: { da: "Kritisk", en: "Critical" },
    startDate: { da: "Startdato", en: "Start date" },
    endDate: { da: "Slutdato", en: "End date" },
    createdAt: { da: "Oprettet", en: "Created" },
    changedAt: { da: "Ændret", en: "Changed" },
  },
  documents: {
    text: { da: "Fritekst", en: "Free text" },
    title: { da: "Titel", en: "Title" },
    status: { da: "Status", en: "Status" },
    documentType: { da: "Dokumenttype", en: "Document type" },
    category: { da: "Kategori", en: "Category" },
    owner: { da: "Ejer", en: "Owner" },
    case: { da: "Sag", en: "Case" },
    caseNumber: { da: "Sagsnummer", en: "Case number" },
    caseTitle: { da: "Sagens titel", en: "Case title" },
    journalCode: { da: "Journalplankode", en: "Journal plan code" },
    party: { da: "Part", en: "Party" },
    documentDate: { da: "Dokumentdato", en: "Document date" },
    createdAt: { da: "Oprettet", en: "Created" },
    changedAt: { da: "Ændret", en: "Changed" },
  },
  contacts: {
    text: { da: "Fritekst", en: "Free text" },
    name: { da: "Navn", en: "Name" },
    kind: { da: "Type", en: "Kind" },
    email: { da: "E-mailadresse", en: "E-mail address" },
    phone: { da: "Telefon", en: "Phone" },
    cvr: { da: "CVR-nummer", en: "CVR number" },
    city: { da: "By", en: "City" },
    createdAt: { da: "Oprettet", en: "Created" },
    changedAt: { da: "Ændret", en: "Changed" },
  },
  tasks: {
    text: { da: "Fritekst", en: "Free text" },
    title: { da: "Titel", en: "Title" },
    status: { da: "Status", en: "Status" },
    assignee: { da: "Tildelt", en: "Assignee" },
    case: { da: "Sag", en: "Case" },
    caseNumber: { da: "Sagsnummer", en: "Case number" },
    caseTitle: { da: "Sagens titel", en: "Case title" },
    createdBy: { da: "Oprettet af", en: "Created by" },
    startDate: { da: "Startdato", en: "Start date" },
    deadline: { da: "Deadline", en: "Deadline" },
    createdAt: { da: "Oprettet", en: "Created" },
    changedAt: { da: "Ændret", en: "Changed" },
    completedAt: { da: "Udført", en: "Completed" },
  },
};

// The options of the choice fields; the same value means the same thing in every target that has it.
const OPTION_LABELS: Record<string, Label> = {
  active: { da: "Aktiv", en: "Active" },
  closed: { da: "Lukket", en: "Closed" },
  draft: { da: "Kladde", en: "Draft" },
  final: { da: "Endelig", en: "Final" },
  person: { da: "Person", en: "Person" },
  organisation: { da: "Organisation", en: "Organisation" },
  open: { da: "Åben", en: "Open" },
  in_progress: { da: "I gang", en: "In progress" },
  done: { da: "Udført", en: "Done" },
};

/**
 * The label of a field of a target, e.g. `fieldLabel("cases", "owner", "da")` → "Sagsejer". A custom field
 * (`meta.<name>`) has its label in its template, so pass it as `customLabel`; without it the name is shown.
 */
export function fieldLabel(target: SearchTarget, field: string, lang: Language, customLabel?: string): string {
  if (field.startsWith("meta.")) return customLabel ?? field.slice("meta.".length);
  return FIELD_LABELS[target][field]?.[lang] ?? field;
}

/** The label of a choice field's option, e.g. `optionLabel("in_progress", "da")` → "I gang"; an unknown option is shown as it is. */
export function optionLabel(option: string, lang: Language): string {
  return OPTION_LABELS[option]?.[lang] ?? option;
}
