import { setCprAccess } from "../features/contacts/cpr-access.ts";
import { NewContact } from "../../shared/api/schemas/contacts.ts";
import type { AppContext } from "../context.ts";
import { scopedCases, scopedDocuments } from "../features/access/access.ts";
import type { Actor } from "../features/access/actor.ts";
import { contactKeys } from "../features/contacts/cpr-seal.ts";
import { createContact } from "../features/contacts/contacts.service.ts";
import { addParty } from "../features/contacts/parties.service.ts";
import { actorOf, demoUser, type DemoDirectory } from "./demo-directory.ts";

// The demo's contacts and the parties they are on the demo cases and documents. Persons' CPR numbers and
// organisations' CVR numbers are made up (valid in form: CPR a real date, CVR a matching check digit) and
// belong to nobody known; the addresses of the persons and organisations who sent or received the demo mail
// (service/seed/files/*.eml) are those mails' own, so saving them again proposes these contacts.

interface DemoParty {
  /** A demo case or document, by title. */
  on: { case: string } | { document: string };
  /** A seeded party role's id (migration 110). */
  role: string;
  /** Who adds it: the case's owner. */
  by: string;
}

interface DemoContact {
  contact: NewContact;
  parties: DemoParty[];
}

const street = (s: string, postalCode: string, city: string) => ({ street: s, postalCode, city, country: "Danmark" });

export const DEMO_CONTACTS: DemoContact[] = [
  // Skolekontoret's pupils and parents.
  {
    contact: { kind: "person", name: "Kurt Jensen", cpr: "120306-4413", address: street("Nørregade 12", "9000", "Aalborg") },
    parties: [{ on: { case: "Kurt Jensen" }, role: "role-elev", by: "anne" }],
  },
  {
    contact: {
      kind: "person",
      name: "Hanne Jensen",
      cpr: "230875-1236",
      emails: ["hanne.jensen@example.net"],
      phone: "+45 20 11 22 33",
      address: street("Nørregade 12", "9000", "Aalborg"),
    },
    parties: [{ on: { case: "Kurt Jensen" }, role: "role-foraelder", by: "anne" }],
  },
  {
    contact: { kind: "person", name: "Sofie Nielsen", cpr: "050113-4128", address: street("Vestergade 3, 2. tv.", "9400", "Nørresundby") },
    parties: [{ on: { case: "Elev 3" }, role: "role-elev", by: "anne" }],
  },
  {
    contact: { kind: "person", name: "Emma Larsen", cpr: "170412-4302" },
    parties: [{ on: { case: "Ansøgning" }, role: "role-ansoeger", by: "anne" }],
  },
  {
    contact: { kind: "person", name: "Jonas Larsen", cpr: "020279-2915", emails: ["jonas.larsen@example.net"], phone: "+45 31 44 55 66" },
    parties: [{ on: { case: "Ansøgning" }, role: "role-foraelder", by: "anne" }],
  },
  // The hourly teacher of the (closed) staff case, who wrote "Bekræftelse af fratræden".
  { contact: { kind: "person", name: "Mikkel Thomsen", cpr: "110488-1673", emails: ["test@example.com"] }, parties: [] },

  // Applicants and partners of Bestyrelsessekretariatet's project cases.
  {
    contact: {
      kind: "organisation",
      name: "Designmuseum Nordjylland",
      cvr: "29147353",
      emails: ["foo@example.com"],
      address: street("Kjellerups Torv 5", "9000", "Aalborg"),
    },
    parties: [
      { on: { case: "Designmuseum Nordjylland" }, role: "role-ansoeger", by: "bent" },
      { on: { document: "Ansøgning modtaget" }, role: "role-afsender", by: "bent" },
    ],
  },
  {
    contact: { kind: "person", name: "Paw Møller", emails: ["pawsen@gmail.com"], note: "Kontaktperson hos Designmuseum Nordjylland." },
    parties: [
      { on: { case: "Designmuseum Nordjylland" }, role: "role-part", by: "bent" },
      { on: { document: "Mail med inline billede og vedhæftet fil" }, role: "role-afsender", by: "bent" },
      { on: { document: "Mail med inline billede og vedhæftet fil" }, role: "role-modtager", by: "bent" },
    ],
  },
  {
    contact: { kind: "person", name: "Karen Blach", emails: ["blah@example.com"] },
    parties: [{ on: { document: "Ansøgning modtaget" }, role: "role-modtager", by: "bent" }],
  },
  {
    contact: { kind: "organisation", name: "Bibliotekerne i Nordjylland", cvr: "35612084", phone: "+45 99 31 43 00" },
    parties: [{ on: { case: "Bibliotekerne" }, role: "role-ansoeger", by: "bent" }],
  },
  {
    contact: { kind: "organisation", name: "Dansk historiske samling", cvr: "18473224" },
    parties: [{ on: { case: "Dansk historiske samling" }, role: "role-ansoeger", by: "bent" }],
  },
  {
    contact: { kind: "organisation", name: "Foreningen Glade Børn", cvr: "40235191", emails: ["kontakt@gladeboern.example.org"] },
    parties: [{ on: { case: "Foreningen Glade Børn" }, role: "role-ansoeger", by: "bent" }],
  },
  {
    contact: { kind: "organisation", name: "Ungø Sejlklub", cvr: "33708467", address: street("Havnevej 1", "9900", "Frederikshavn") },
    parties: [{ on: { case: "Ungø til søs" }, role: "role-ansoeger", by: "bent" }],
  },
  // Shared with the external partner (Eva) through Samarbejdsforum.
  {
    contact: { kind: "organisation", name: "Skibsbevaringsfonden", cvr: "26581931" },
    parties: [{ on: { case: "M/S August Jensen" }, role: "role-part", by: "bent" }],
  },
  {
    contact: { kind: "organisation", name: "Naturfonden Nord", cvr: "38155644" },
    parties: [{ on: { case: "Naturgenopretning" }, role: "role-part", by: "bent" }],
  },
  {
    contact: { kind: "person", name: "Ole Kristensen", cpr: "300961-1187", emails: ["ole.kristensen@example.net"] },
    parties: [{ on: { case: "Bestyrelsesmøder 2019" }, role: "role-bestyrelsesmedlem", by: "bent" }],
  },
];

/** Creates the demo contacts (as Anne, a caseworker) and adds them as parties, as the cases' owners would. */
export async function seedContacts(ctx: AppContext, dir: DemoDirectory): Promise<{ contacts: number; parties: number }> {
  const actors = new Map<string, Actor>();
  const actor = async (login: string) => {
    if (!actors.has(login)) actors.set(login, await actorOf(ctx.db, demoUser(dir, login)));
    return actors.get(login)!;
  };
  const keys = contactKeys(ctx);
  let parties = 0;
  for (const spec of DEMO_CONTACTS) {
    const contact = await createContact(ctx.db, keys, await actor("anne"), NewContact.parse(spec.contact));
    for (const p of spec.parties) {
      const by = await actor(p.by);
      const on = "case" in p.on ? ("case" as const) : ("document" as const);
      const title = "case" in p.on ? p.on.case : p.on.document;
      const found =
        on === "case"
          ? await scopedCases(ctx.db, by).select("id").where("title", "=", title).executeTakeFirst()
          : await scopedDocuments(ctx.db, by).select("id").where("title", "=", title).executeTakeFirst();
      if (!found) throw new Error(`The demo contact "${spec.contact.name}" is a party to an unknown ${on} "${title}".`);
      await addParty(ctx.db, by, on, found.id, { contactId: contact.id, roleId: p.role });
      parties++;
    }
  }
  // Anne keeps the school office's pupil cases: she may see a pupil's CPR number in full (and every reveal is audited).
  await setCprAccess(ctx.db, null, demoUser(dir, "anne").id, true);
  return { contacts: DEMO_CONTACTS.length, parties };
}
