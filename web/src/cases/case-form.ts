import { validateFields, type CasePatch, type CaseSummary, type CaseTemplate, type Message, type NewCase } from "../../../shared/index.ts";

// What the case forms hold (creating and editing): the values as typed, checked with the same rules as the
// task pane's new-case form (shared/flow/validation.ts), and turned into the request the service takes.

/** A case's editable details as a form holds them: every value as typed (custom fields too). */
export interface CaseFormValues {
  title: string;
  ownerId: string;
  /** "" for nobody. */
  responsibleId: string;
  journalCode: string;
  critical: boolean;
  /** The template's custom fields, as typed: a yes/no field is "true" or "". */
  fields: Record<string, string>;
}

/** The custom fields' stored values as a form shows them. */
function typedFields(template: CaseTemplate | undefined, metadata: Record<string, unknown>): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const f of template?.fields ?? []) {
    const v = metadata[f.name];
    if (v === undefined || v === null) continue;
    fields[f.name] = f.type === "boolean" ? (v === true ? "true" : "") : String(v);
  }
  return fields;
}

export function formValuesOf(c: CaseSummary, template: CaseTemplate | undefined): CaseFormValues {
  return {
    title: c.title,
    ownerId: c.ownerId,
    responsibleId: c.responsibleId ?? "",
    journalCode: c.journalCode,
    critical: c.critical,
    fields: typedFields(template, c.metadata),
  };
}

/** A new case's form: the signed-in person owns it, under the template's own journal plan code. */
export function newCaseValues(template: CaseTemplate | undefined, ownerId: string): CaseFormValues {
  return { title: "", ownerId, responsibleId: "", journalCode: template?.journalCode ?? "", critical: false, fields: {} };
}

export interface CheckedCase {
  errors: Record<string, Message>;
  /** The custom fields as the service takes them (numbers as numbers, yes/no as booleans). */
  metadata: Record<string, unknown>;
}

/** The title is required, the custom fields as their template says (the task pane's rules). */
export function checkCaseForm(template: CaseTemplate | undefined, values: CaseFormValues, titleLabel: string): CheckedCase {
  const { values: metadata, errors } = validateFields(template?.fields ?? [], values.fields);
  const title = values.title.trim();
  if (!title) errors.title = { key: "error.required", params: { field: titleLabel } };
  else if (title.length > 500) errors.title = { key: "error.titleTooLong" };
  return { errors, metadata };
}

export function newCaseRequest(templateId: string, values: CaseFormValues, metadata: Record<string, unknown>): NewCase {
  return {
    templateId,
    title: values.title.trim(),
    ownerId: values.ownerId || undefined,
    responsibleId: values.responsibleId || null,
    journalCode: values.journalCode || undefined,
    critical: values.critical,
    metadata,
  };
}

const sameFields = (a: Record<string, string>, b: Record<string, string>) => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a[k] ?? "") === (b[k] ?? ""));
};

/**
 * Only what the person changed from `base` (the case as it was when they began): a field they left alone
 * is not sent, so it can never undo what someone else changed in it meanwhile.
 */
export function changesFrom(base: CaseFormValues, values: CaseFormValues, metadata: Record<string, unknown>): CasePatch | null {
  const patch: CasePatch = {};
  if (values.title.trim() !== base.title) patch.title = values.title.trim();
  if (values.ownerId !== base.ownerId) patch.ownerId = values.ownerId;
  if (values.responsibleId !== base.responsibleId) patch.responsibleId = values.responsibleId || null;
  if (values.journalCode !== base.journalCode) patch.journalCode = values.journalCode;
  if (values.critical !== base.critical) patch.critical = values.critical;
  if (!sameFields(base.fields, values.fields)) patch.metadata = metadata;
  return Object.keys(patch).length ? patch : null;
}

/**
 * The form after the case was reloaded: what the person changed stays as they typed it, everything else
 * shows the case as it is now.
 */
export function rebase(oldBase: CaseFormValues, values: CaseFormValues, now: CaseFormValues): CaseFormValues {
  const pick = <K extends keyof Omit<CaseFormValues, "fields">>(k: K) => (values[k] !== oldBase[k] ? values[k] : now[k]);
  const fields: Record<string, string> = { ...now.fields };
  for (const k of new Set([...Object.keys(oldBase.fields), ...Object.keys(values.fields)])) {
    if ((values.fields[k] ?? "") !== (oldBase.fields[k] ?? "")) fields[k] = values.fields[k] ?? "";
  }
  return {
    title: pick("title"),
    ownerId: pick("ownerId"),
    responsibleId: pick("responsibleId"),
    journalCode: pick("journalCode"),
    critical: pick("critical"),
    fields,
  };
}
