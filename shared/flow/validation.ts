import type { MetadataField } from "../api/types.ts";
import type { FlowState, Message } from "./state.ts";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function validDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** Checks a case template's custom fields as typed in a form; returns typed values or messages per field. */
export function validateFields(fields: MetadataField[], input: Record<string, string>): { values: Record<string, unknown>; errors: Record<string, Message> } {
  const values: Record<string, unknown> = {};
  const errors: Record<string, Message> = {};
  for (const f of fields) {
    const raw = (input[f.name] ?? "").trim();
    if (!raw) {
      if (f.required && f.type !== "boolean") errors[f.name] = { key: "error.required", params: { field: f.label } };
      if (f.type === "boolean") values[f.name] = false;
      continue;
    }
    switch (f.type) {
      case "text":
        values[f.name] = raw;
        break;
      case "number": {
        const n = Number(raw.replace(",", "."));
        if (Number.isFinite(n)) values[f.name] = n;
        else errors[f.name] = { key: "error.number", params: { field: f.label } };
        break;
      }
      case "date":
        if (validDate(raw)) values[f.name] = raw;
        else errors[f.name] = { key: "error.date", params: { field: f.label } };
        break;
      case "boolean":
        values[f.name] = raw === "true" || raw === "on" || raw === "1";
        break;
      case "choice":
        if (f.options?.includes(raw)) values[f.name] = raw;
        else errors[f.name] = { key: "error.choice", params: { field: f.label } };
        break;
    }
  }
  return { values, errors };
}

/** Everything that must hold before saving; an empty result means the save may start. */
export function validateForSave(state: FlowState, label: (key: "meta.title" | "meta.documentDate") => string): Record<string, Message> {
  const errors: Record<string, Message> = {};
  if (!state.target && !state.asNewVersion) errors.target = { key: "error.chooseCase" };
  if (!state.documentTypeId && !state.asNewVersion) errors.documentTypeId = { key: "error.chooseType" };
  const title = state.title.trim();
  // A new version keeps its document's title.
  if (!state.asNewVersion) {
    if (!title) errors.title = { key: "error.required", params: { field: label("meta.title") } };
    else if (title.length > 500) errors.title = { key: "error.titleTooLong" };
  }
  if (state.documentDate && !validDate(state.documentDate)) errors.documentDate = { key: "error.date", params: { field: label("meta.documentDate") } };
  return errors;
}
