import { z } from "zod";
import { Id, items, Name, page, pageQuery, someField, nameAField, Timestamp, UserRef } from "./common.ts";
import { CaseRef } from "./cases.ts";

// Contacts (kontakter) and parties (parter): the persons and organisations a case concerns, in a role.
// Contacts are shared reference data; which cases and documents a contact is party to is seen only through
// the cases and documents one may see.

export const ContactKind = z.enum(["person", "organisation"]);
export type ContactKind = z.infer<typeof ContactKind>;

/**
 * A CPR number as typed: DDMMYY-SSSS or the ten digits. The date must exist (the 7th digit gives the century);
 * modulus 11 is not checked, since numbers issued since 2007 need not satisfy it.
 */
export const CprInput = z
  .string()
  .trim()
  .regex(/^\d{6}-?\d{4}$/, "a CPR number is ten digits, DDMMYY-SSSS")
  .refine((v) => cprBirthDate(v) !== null, "the first six digits of a CPR number are a date of birth, DDMMYY");

/** The date of birth a CPR number gives (the 7th digit and the year decide the century), or null when it is no date. */
export function cprBirthDate(cpr: string): string | null {
  const digits = cpr.replace("-", "");
  if (!/^\d{10}$/.test(digits)) return null;
  const day = Number(digits.slice(0, 2));
  const month = Number(digits.slice(2, 4));
  const yy = Number(digits.slice(4, 6));
  const seventh = Number(digits[6]);
  let century: number;
  if (seventh <= 3) century = 1900;
  else if (seventh === 4 || seventh === 9) century = yy <= 36 ? 2000 : 1900;
  else century = yy <= 57 ? 2000 : 1800;
  const year = century + yy;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

/** A CVR number: eight digits whose weighted sum (2,7,6,5,4,3,2,1) is divisible by 11. */
export const CvrInput = z
  .string()
  .trim()
  .regex(/^\d{8}$/, "a CVR number is eight digits")
  .refine(cvrHolds, "this is not a valid CVR number (its check digit does not match)");

export function cvrHolds(cvr: string): boolean {
  if (!/^\d{8}$/.test(cvr)) return false;
  const weights = [2, 7, 6, 5, 4, 3, 2, 1];
  return [...cvr].reduce((sum, d, i) => sum + Number(d) * weights[i]!, 0) % 11 === 0;
}

const Email = z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(320));
const Phone = z.string().trim().min(1).max(50);

export const PostalAddress = z.strictObject({
  street: z.string().trim().max(200).default(""),
  postalCode: z.string().trim().max(20).default(""),
  city: z.string().trim().max(100).default(""),
  country: z.string().trim().max(100).default(""),
});
export type PostalAddress = z.infer<typeof PostalAddress>;

/** A contact as lists and party rows show it. The CPR number only ever leaves masked (`010190-xxxx`). */
export const ContactSummary = z.strictObject({
  id: Id,
  kind: ContactKind,
  name: z.string(),
  emails: z.array(z.string()),
  phone: z.string().nullable(),
  cvr: z.string().nullable(),
  cprMasked: z.string().nullable(),
});
export type ContactSummary = z.infer<typeof ContactSummary>;

/** A contact with what its page shows. A merged-away contact's id answers its survivor. */
export const Contact = z.strictObject({
  ...ContactSummary.shape,
  address: PostalAddress.nullable(),
  note: z.string(),
  createdAt: Timestamp,
  createdBy: UserRef,
  changedAt: Timestamp,
  etag: z.string(),
});
export type Contact = z.infer<typeof Contact>;

/** POST /api/contacts. Organisations may carry a CVR number, persons a CPR number. */
export const NewContact = z
  .strictObject({
    kind: ContactKind,
    name: Name,
    emails: z.array(Email).max(20).default([]),
    phone: Phone.nullish(),
    address: PostalAddress.nullish(),
    cvr: CvrInput.nullish(),
    cpr: CprInput.nullish(),
    note: z.string().max(4000).optional(),
  })
  .refine((c) => c.kind === "organisation" || !c.cvr, { path: ["cvr"], message: "only organisations have a CVR number" })
  .refine((c) => c.kind === "person" || !c.cpr, { path: ["cpr"], message: "only persons have a CPR number" });
export type NewContact = z.input<typeof NewContact>;

/** PATCH /api/contacts/{id} (If-Match): the fields to change; null clears phone, address, CVR or CPR. */
export const ContactPatch = z
  .strictObject({
    name: Name.optional(),
    emails: z.array(Email).max(20).optional(),
    phone: Phone.nullable().optional(),
    address: PostalAddress.nullable().optional(),
    cvr: CvrInput.nullable().optional(),
    cpr: CprInput.nullable().optional(),
    note: z.string().max(4000).optional(),
  })
  .refine(someField, nameAField);
export type ContactPatch = z.input<typeof ContactPatch>;

/** GET /api/contacts: by name, keyset-paged; `q` matches name words, e-mail addresses and CVR; `email` and `cpr` look up exactly. */
export const ContactListQuery = z.object({
  q: z.string().trim().max(200).optional(),
  kind: ContactKind.optional(),
  email: z.string().trim().toLowerCase().max(320).optional(),
  cpr: CprInput.optional(),
  ...pageQuery,
});
export const ContactPage = page(ContactSummary);

/** POST /api/contacts/{id}/cpr: reveals the full CPR number to someone allowed to see it; every reveal is audited. */
export const CprRevealRequest = z.strictObject({ reason: z.string().trim().min(1).max(500) });
export const CprRevealed = z.strictObject({ cpr: z.string() });

/** POST /api/contacts/{id}/merge: the duplicate's parties and history move to this contact, the duplicate is retired. */
export const MergeContacts = z.strictObject({ duplicateId: Id });

/** POST /api/contacts/match: the contacts each e-mail address belongs to (a mail's senders and recipients). */
export const ContactMatchRequest = z.strictObject({ addresses: z.array(z.string().trim().max(320)).min(1).max(200) });
export const ContactMatch = z.strictObject({ address: z.string(), contacts: z.array(ContactSummary) });
export const ContactMatches = items(ContactMatch);
export type ContactMatch = z.infer<typeof ContactMatch>;

// Party roles: configured by administrators, named in Danish and English.

export const PartyRoleScope = z.enum(["case", "document", "both"]);
export const PartyRole = z.strictObject({ id: Id, nameDa: z.string(), nameEn: z.string(), appliesTo: PartyRoleScope, active: z.boolean() });
export type PartyRole = z.infer<typeof PartyRole>;
export const PartyRoles = items(PartyRole);
export const NewPartyRole = z.strictObject({ nameDa: Name, nameEn: Name, appliesTo: PartyRoleScope.default("case") });
export const PartyRolePatch = z
  .strictObject({ nameDa: Name.optional(), nameEn: Name.optional(), appliesTo: PartyRoleScope.optional(), active: z.boolean().optional() })
  .refine(someField, nameAField);

/** A contact in a role on a case or a document. */
export const Party = z.strictObject({
  id: Id,
  contact: ContactSummary,
  role: PartyRole,
  addedAt: Timestamp,
  addedBy: UserRef,
});
export type Party = z.infer<typeof Party>;
export const Parties = items(Party);

/** POST /api/cases/{id}/parties and /api/documents/{id}/parties. */
export const NewParty = z.strictObject({ contactId: Id, roleId: Id });
export type NewParty = z.infer<typeof NewParty>;
export const PartyParams = z.object({ id: Id, partyId: Id });

/** GET /api/contacts/{id}/cases: the cases one may see that the contact is party to, newest link first. */
export const ContactCase = z.strictObject({ partyId: Id, case: CaseRef.extend({ status: z.enum(["active", "closed"]) }), role: PartyRole, addedAt: Timestamp });
export type ContactCase = z.infer<typeof ContactCase>;
export const ContactCasePage = page(ContactCase);
/** GET /api/contacts/{id}/documents: the documents one may see that the contact is party to (as sender, recipient or another role). */
export const ContactDocument = z.strictObject({
  partyId: Id,
  document: z.strictObject({ id: Id, title: z.string() }),
  case: CaseRef.nullable(),
  role: PartyRole,
  addedAt: Timestamp,
});
export type ContactDocument = z.infer<typeof ContactDocument>;
export const ContactDocumentPage = page(ContactDocument);
export const ContactLinksQuery = z.object({ ...pageQuery });
