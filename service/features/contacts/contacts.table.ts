import type { Generated, Selectable } from "kysely";

export interface ContactTable {
  id: string;
  kind: "person" | "organisation";
  name: string;
  /** The name folded for ordering and prefix search. */
  name_key: string;
  phone: string | null;
  /** JSON {street, postalCode, city, country}. */
  address: string | null;
  cvr: string | null;
  /** The CPR number sealed with the contact key (AES-256-GCM); only a reveal opens it. */
  cpr_sealed: string | null;
  /** A keyed digest of the CPR number, to find a contact by it without opening any seal. */
  cpr_digest: string | null;
  /** What lists show: 010190-xxxx. */
  cpr_masked: string | null;
  note: Generated<string>;
  merged_into: string | null;
  created_at: string;
  created_by: string;
  changed_at: string;
  revision: Generated<number>;
}
export interface ContactEmailTable {
  email: string;
  contact_id: string;
  position: number;
}
export interface ContactWordTable {
  word: string;
  contact_id: string;
}
export interface PartyRoleTable {
  id: string;
  name_da: string;
  name_en: string;
  applies_to: "case" | "document" | "both";
  active: number;
  position: number;
}
export interface CasePartyTable {
  id: string;
  case_id: string;
  contact_id: string;
  role_id: string;
  added_at: string;
  added_by: string;
}
export interface DocumentPartyTable {
  id: string;
  document_id: string;
  contact_id: string;
  role_id: string;
  added_at: string;
  added_by: string;
}
export type ContactRow = Selectable<ContactTable>;
