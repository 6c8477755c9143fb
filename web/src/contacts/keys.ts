import { useQuery } from "@tanstack/react-query";
import type { Language, PartyRole } from "../../../shared/index.ts";
import { client } from "../api.ts";

// What the contact pages and the parties sections look things up by, and where a contact is shown.

export const contactKey = (id: string) => ["contact", id] as const;
export const contactCasesKey = (id: string) => ["contact-cases", id] as const;
export const contactDocumentsKey = (id: string) => ["contact-documents", id] as const;
export const partiesKey = (on: "case" | "document", id: string) => ["parties", on, id] as const;

/** Where the web view shows a contact (PARTER). */
export const contactUrl = (id: string) => `/parter/${encodeURIComponent(id)}`;

/** The party roles administrators configured, inactive ones too (a party keeps a role that was retired). */
export const usePartyRoles = () => useQuery({ queryKey: ["party-roles"], queryFn: () => client.partyRoles(), staleTime: 5 * 60_000 });

/** A role by its name in the language the person reads. */
export const roleName = (role: Pick<PartyRole, "nameDa" | "nameEn">, language: Language) => (language === "en" ? role.nameEn : role.nameDa);

/** The roles one may give a new party on a case or a document: active, and meant for that kind of record. */
export const rolesFor = (roles: PartyRole[], on: "case" | "document") => roles.filter((r) => r.active && (r.appliesTo === on || r.appliesTo === "both"));
