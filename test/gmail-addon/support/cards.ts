import type { Json } from "./apps-script.ts";

// Reading the recorded cards the way a person reads them: the texts, the buttons, the inputs.

/** The card a trigger or action answered with. */
export function cardOf(response: unknown): Json {
  const r = (Array.isArray(response) ? response[0] : response) as Json;
  if (r?.kind === "Card") return r;
  const next = (r?.navigation as Json | undefined)?.updateCard as Json | undefined;
  if (r?.kind === "ActionResponse" && next?.kind === "Card") return next;
  throw new Error(`not a card or a card update: ${JSON.stringify(r).slice(0, 300)}`);
}

function each(node: unknown, visit: (n: Json) => void): void {
  if (Array.isArray(node)) node.forEach((n) => each(n, visit));
  else if (node && typeof node === "object") {
    visit(node as Json);
    Object.values(node).forEach((v) => each(v, visit));
  }
}

export function findAll(card: Json, kind: string): Json[] {
  const out: Json[] = [];
  each(card, (n) => n.kind === kind && out.push(n));
  return out;
}

const plain = (html: string) =>
  html
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** Every text a person sees on the card, tags removed, one per line. */
export function textOf(card: Json): string {
  const out: string[] = [];
  each(card, (n) => {
    for (const key of ["title", "subtitle", "header", "text", "topLabel", "bottomLabel", "hint"])
      if (typeof n[key] === "string") out.push(plain(n[key] as string));
  });
  return out.join("\n");
}

export function buttonLabels(card: Json): string[] {
  return findAll(card, "TextButton").map((b) => plain(String(b.text)));
}

/** The action of the button with this label (the first, unless `nth`). */
export function buttonAction(card: Json, label: string, nth = 0): Json {
  const found = findAll(card, "TextButton").filter((b) => plain(String(b.text)) === label);
  if (!found[nth]) throw new Error(`no button "${label}" on the card; there are: ${buttonLabels(card).join(" | ")}`);
  return found[nth].onClickAction as Json;
}

/** The input widget with this field name. */
export function field(card: Json, name: string): Json {
  const found: Json[] = [];
  each(card, (n) => n.fieldName === name && found.push(n));
  if (!found[0]) throw new Error(`no input "${name}" on the card`);
  return found[0];
}

export const hasField = (card: Json, name: string): boolean => {
  let seen = false;
  each(card, (n) => (seen ||= n.fieldName === name));
  return seen;
};

export type Items = Array<{ text: string; value: string; selected: boolean }>;
export const itemsOf = (input: Json): Items => (input.items as Items) ?? [];

export type FormInputs = Record<string, { stringInputs?: { value: string[] }; dateInput?: { msSinceEpoch: string } }>;
export type FormValue = string | string[] | Date | null;

/**
 * What Google sends from this card: each input's current value (as the card shows it) with the user's
 * changes; empty inputs and unticked boxes are left out, as Google leaves them out.
 */
export function formOf(card: Json, changes: Record<string, FormValue> = {}): FormInputs {
  const values: Record<string, FormValue> = {};
  each(card, (n) => {
    const name = n.fieldName as string | undefined;
    if (!name) return;
    if (n.kind === "TextInput") values[name] = (n.value as string | undefined) ?? "";
    else if (n.kind === "SelectionInput")
      values[name] = itemsOf(n)
        .filter((i) => i.selected)
        .map((i) => i.value);
    else if (n.kind === "DatePicker") values[name] = typeof n.valueInMsSinceEpoch === "number" ? new Date(n.valueInMsSinceEpoch) : null;
  });
  Object.assign(values, changes);
  const out: FormInputs = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === null || value === "" || (Array.isArray(value) && value.length === 0)) continue;
    if (value instanceof Date) out[name] = { dateInput: { msSinceEpoch: String(value.getTime()) } };
    else out[name] = { stringInputs: { value: Array.isArray(value) ? value : [value] } };
  }
  return out;
}
