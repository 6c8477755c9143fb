import { z } from "zod";
import { CprInput, CvrInput } from "../../../shared/api/schemas/contacts.ts";
import type { Contact, ContactKind, ContactPatch, NewContact, PostalAddress } from "../../../shared/index.ts";
import type { TextKey } from "../i18n.tsx";

// What the contact forms hold (creating and editing): the values as typed, checked with the contract's own CPR
// and CVR rules before anything is sent, and turned into the request the service takes.

export interface ContactFormValues {
  kind: ContactKind;
  name: string;
  /** One input per address; empty ones are left out. */
  emails: string[];
  phone: string;
  street: string;
  postalCode: string;
  city: string;
  country: string;
  cvr: string;
  /** A new CPR number as typed; when editing, empty keeps the one the contact has. */
  cpr: string;
  /** Editing: the person asked to remove the CPR number the contact has. */
  removeCpr: boolean;
  note: string;
}

/** A field's error: one of the contact texts. Emails are `email.<index>`. */
export type ContactFormErrors = Record<string, TextKey>;

export const emptyContact = (kind: ContactKind = "person"): ContactFormValues => ({
  kind,
  name: "",
  emails: [""],
  phone: "",
  street: "",
  postalCode: "",
  city: "",
  country: "",
  cvr: "",
  cpr: "",
  removeCpr: false,
  note: "",
});

/** The contact as the edit form starts from it (the CPR number is never known here, only that there is one). */
export function formValuesOf(c: Contact): ContactFormValues {
  return {
    kind: c.kind,
    name: c.name,
    emails: c.emails.length ? [...c.emails] : [""],
    phone: c.phone ?? "",
    street: c.address?.street ?? "",
    postalCode: c.address?.postalCode ?? "",
    city: c.address?.city ?? "",
    country: c.address?.country ?? "",
    cvr: c.cvr ?? "",
    cpr: "",
    removeCpr: false,
    note: c.note,
  };
}

const Email = z.email();
const CPR_SHAPE = /^\d{6}-?\d{4}$/;

const emailsOf = (v: ContactFormValues) => v.emails.map((e) => e.trim().toLowerCase()).filter(Boolean);

function addressOf(v: ContactFormValues): PostalAddress | null {
  const a = { street: v.street.trim(), postalCode: v.postalCode.trim(), city: v.city.trim(), country: v.country.trim() };
  return Object.values(a).some(Boolean) ? a : null;
}

/** The form's mistakes, found with the same rules the service applies (shared/api/schemas/contacts.ts). */
export function checkContactForm(v: ContactFormValues): ContactFormErrors {
  const errors: ContactFormErrors = {};
  const name = v.name.trim();
  if (!name) errors.name = "web.contactForm.error.nameMissing";
  else if (name.length > 200) errors.name = "web.contactForm.error.nameTooLong";
  v.emails.forEach((e, i) => {
    if (e.trim() && !Email.safeParse(e.trim().toLowerCase()).success) errors[`email.${i}`] = "web.contactForm.error.email";
  });
  if (v.phone.trim().length > 50) errors.phone = "web.contactForm.error.phoneTooLong";
  if (v.kind === "organisation" && v.cvr.trim() && !CvrInput.safeParse(v.cvr).success) {
    errors.cvr = /^\d{8}$/.test(v.cvr.trim()) ? "web.contactForm.error.cvrCheck" : "web.contactForm.error.cvrShape";
  }
  if (v.kind === "person" && !v.removeCpr && v.cpr.trim() && !CprInput.safeParse(v.cpr).success) {
    errors.cpr = CPR_SHAPE.test(v.cpr.trim()) ? "web.contactForm.error.cprDate" : "web.contactForm.error.cprShape";
  }
  if (v.note.length > 4000) errors.note = "web.contactForm.error.noteTooLong";
  return errors;
}

export function newContactRequest(v: ContactFormValues): NewContact {
  const person = v.kind === "person";
  return {
    kind: v.kind,
    name: v.name.trim(),
    emails: emailsOf(v),
    phone: v.phone.trim() || null,
    address: addressOf(v),
    cvr: !person && v.cvr.trim() ? v.cvr.trim() : null,
    cpr: person && v.cpr.trim() ? v.cpr.trim() : null,
    ...(v.note.trim() ? { note: v.note.trim() } : {}),
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Only what the person changed from `base` (the contact as it was when they began): a field left alone is
 * not sent, so it never undoes a colleague's change to it.
 */
export function changesFrom(base: ContactFormValues, values: ContactFormValues): ContactPatch | null {
  const patch: ContactPatch = {};
  if (values.name.trim() !== base.name) patch.name = values.name.trim();
  if (!same(emailsOf(values), emailsOf(base))) patch.emails = emailsOf(values);
  if (values.phone.trim() !== base.phone) patch.phone = values.phone.trim() || null;
  if (!same(addressOf(values), addressOf(base))) patch.address = addressOf(values);
  if (values.kind === "organisation" && values.cvr.trim() !== base.cvr) patch.cvr = values.cvr.trim() || null;
  if (values.kind === "person" && values.removeCpr) patch.cpr = null;
  else if (values.kind === "person" && values.cpr.trim()) patch.cpr = values.cpr.trim();
  if (values.note.trim() !== base.note) patch.note = values.note.trim();
  return Object.keys(patch).length ? patch : null;
}

/** The form after the contact was reloaded: what the person changed stays as typed, the rest shows the contact as it is now. */
export function rebase(oldBase: ContactFormValues, values: ContactFormValues, now: ContactFormValues): ContactFormValues {
  const next = { ...now };
  for (const k of Object.keys(values) as Array<keyof ContactFormValues>) {
    if (!same(values[k], oldBase[k])) (next as Record<string, unknown>)[k] = values[k];
  }
  return next;
}
