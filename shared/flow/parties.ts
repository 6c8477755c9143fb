import { ApiError, messageFor } from "../api/errors.ts";
import type { ImsClient } from "../api/client.ts";
import type { ContactKind, ContactMatch, ContactSummary, Party, PartyRole } from "../api/types.ts";
import type { Language } from "../i18n/index.ts";
import type { MailInfo, Message } from "./state.ts";

// After a mail is saved: its sender and recipients matched to contacts by e-mail address and proposed as
// parties of the new document (and, if asked, of its case); addresses no contact has are offered as new
// contacts. Plain serialisable data with pure steps, like the save flow, so the task pane, the Gmail cards
// and the web view render the same proposal. The save is done before any of this starts: nothing here can
// delay or undo it.

export type MailHeader = "from" | "to" | "cc";

/** One address of a saved mail: the header it stood in and the name the mail gave it ("" when none). */
export interface MailParty {
  header: MailHeader;
  address: string;
  name: string;
}

/** One row of the proposal: a contact the address belongs to, or an address no contact has (`contact` null). */
export interface PartyProposal {
  key: string;
  address: string;
  header: MailHeader;
  /** What a new contact is called unless the person changes it: the mail's display name, or one made from the address. */
  name: string;
  /** For a new contact. */
  kind: ContactKind;
  contact: ContactSummary | null;
  selected: boolean;
  /** The document role it is added in. */
  roleId: string;
  /** A party to the case already (in any role): not added to the case again. */
  onCase: boolean;
  /** What has been added, so trying again never adds anything twice. */
  added: { document: boolean; case: boolean };
  /** Made from this mail's address here. */
  created: boolean;
  failure: Message | null;
}

/** The proposal for one saved mail. */
export interface PartyProposals {
  /** ready: to choose; adding: being added; finished: all chosen are added; skipped; unavailable: the contacts could not be looked up. */
  phase: "ready" | "adding" | "finished" | "skipped" | "unavailable";
  documentId: string;
  caseId: string | null;
  mail: MailParty[];
  /** The roles a party of a document may have, in the administrators' order. */
  roles: PartyRole[];
  /** The role for "also a party to the case" (Part); null when there is no case or no such role. */
  caseRoleId: string | null;
  alsoOnCase: boolean;
  rows: PartyProposal[];
  failure: Message | null;
}

/** The seeded roles a mail's headers suggest (administrators may rename them, not their ids). */
export const MAIL_ROLES: Record<MailHeader, string> = { from: "role-afsender", to: "role-modtager", cc: "role-kopimodtager" };
export const CASE_PARTY_ROLE = "role-part";

/** What the proposal is for: the saved document, its case, and the mail's addresses. */
export interface PartySource {
  documentId: string;
  caseId: string | null;
  mail: MailParty[];
}

/** The addresses of a captured mail (From, To, Cc, each once, in that order) with the names the host gave them. */
export function mailPartiesOf(mail: MailInfo): MailParty[] {
  const names = mail.names ?? {};
  const entries: [MailHeader, string][] = [
    ...(mail.from ? [["from", mail.from] as [MailHeader, string]] : []),
    ...mail.to.map((a): [MailHeader, string] => ["to", a]),
    ...mail.cc.map((a): [MailHeader, string] => ["cc", a]),
  ];
  return uniqueParties(entries.map(([header, address]) => ({ header, address, name: names[address.trim().toLowerCase()] ?? "" })));
}

/** The addresses of a mail the service has read (the document's `mail` view). */
export function mailPartiesOfView(view: {
  from: { name: string; address: string } | null;
  to: { name: string; address: string }[];
  cc: { name: string; address: string }[];
}): MailParty[] {
  const of = (header: MailHeader, a: { name: string; address: string }): MailParty => ({ header, address: a.address, name: a.name });
  return uniqueParties([...(view.from ? [of("from", view.from)] : []), ...view.to.map((a) => of("to", a)), ...view.cc.map((a) => of("cc", a))]);
}

function uniqueParties(parties: MailParty[]): MailParty[] {
  const seen = new Set<string>();
  const out: MailParty[] = [];
  for (const p of parties) {
    const address = p.address.trim().toLowerCase();
    if (!address.includes("@") || seen.has(address)) continue;
    seen.add(address);
    out.push({ header: p.header, address, name: p.name.trim() });
  }
  return out;
}

/**
 * The addresses in a header value with their display names: `"Møller, Paw" <paw@example.dk>, skole@example.dk`
 * gives Paw's name and an empty one for the school. Addresses are lower-cased.
 */
export function namedAddressesIn(value: string): { name: string; address: string }[] {
  const out: { name: string; address: string }[] = [];
  let part = "";
  let quoted = false;
  let angle = false;
  const flush = () => {
    const text = part.trim();
    part = "";
    if (!text) return;
    const bracketed = /<([^<>\s]+@[^<>\s]+)>/.exec(text);
    const address = (bracketed?.[1] ?? /[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+/.exec(text)?.[0] ?? "").toLowerCase();
    if (!address) return;
    let name = bracketed ? text.slice(0, bracketed.index) : (/\(([^)]*)\)/.exec(text)?.[1] ?? "");
    name = name
      .trim()
      .replace(/^"(.*)"$/s, "$1")
      .replace(/\\(.)/g, "$1")
      .trim();
    out.push({ name: name.toLowerCase() === address ? "" : name, address });
  };
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === "\\" && quoted) {
      part += ch + (value[++i] ?? "");
      continue;
    }
    if (ch === '"') quoted = !quoted;
    else if (ch === "<" && !quoted) angle = true;
    else if (ch === ">" && !quoted) angle = false;
    if ((ch === "," || ch === ";") && !quoted && !angle) flush();
    else part += ch;
  }
  flush();
  return out;
}

/** Display names by lower-case address, from header values (Gmail's getFrom/getTo/getCc): MailInfo's `names`. */
export function displayNamesIn(...values: string[]): Record<string, string> {
  const names: Record<string, string> = {};
  for (const { name, address } of values.flatMap((v) => namedAddressesIn(v))) if (name && !names[address]) names[address] = name;
  return names;
}

/** A name for an address the mail gave none: "kurt.jensen@skole.dk" → "Kurt Jensen". */
export function nameFromAddress(address: string): string {
  const local = address.split("@")[0] ?? "";
  const words = local
    .split(/[._\-+]+/)
    .map((w) => w.replace(/\d+/g, ""))
    .filter(Boolean);
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(" ") || address;
}

/** A role's name in the person's language. */
export const roleName = (role: PartyRole, language: Language): string => (language === "en" ? role.nameEn : role.nameDa);

const summaryOf = (c: ContactSummary): ContactSummary => ({
  id: c.id,
  kind: c.kind,
  name: c.name,
  emails: c.emails,
  phone: c.phone,
  cvr: c.cvr,
  cprMasked: c.cprMasked,
});

/**
 * The proposal from what the service answered: a row per contact (each once, in the order From, To, Cc) and
 * per address no contact has. The sender and the contacts already party to the case are ticked.
 */
export function proposeParties(
  source: PartySource,
  answers: { matches: ContactMatch[]; roles: PartyRole[]; caseParties: Party[]; documentParties: Party[] },
): PartyProposals {
  const roles = answers.roles.filter((r) => r.active && r.appliesTo !== "case");
  const caseRole = answers.roles.find((r) => r.id === CASE_PARTY_ROLE && r.active && r.appliesTo !== "document");
  const onCase = new Set(answers.caseParties.map((p) => p.contact.id));
  const onDocument = new Set(answers.documentParties.map((p) => p.contact.id));
  const byAddress = new Map(answers.matches.map((m) => [m.address.trim().toLowerCase(), m.contacts]));
  const seen = new Set<string>();
  const rows: PartyProposal[] = [];
  source.mail.forEach((m, n) => {
    const roleId = roles.some((r) => r.id === MAIL_ROLES[m.header]) ? MAIL_ROLES[m.header] : (roles[0]?.id ?? "");
    const base = { address: m.address, header: m.header, name: m.name || nameFromAddress(m.address), kind: "person" as const, roleId, failure: null };
    const contacts = (byAddress.get(m.address) ?? []).filter((c) => !seen.has(c.id));
    if (contacts.length === 0 && !(byAddress.get(m.address)?.length ?? 0)) {
      rows.push({ ...base, key: `r${n}`, contact: null, selected: false, onCase: false, added: { document: false, case: false }, created: false });
    }
    contacts.forEach((c, i) => {
      seen.add(c.id);
      const already = onDocument.has(c.id);
      rows.push({
        ...base,
        key: i === 0 ? `r${n}` : `r${n}.${i}`,
        contact: summaryOf(c),
        selected: already || m.header === "from" || onCase.has(c.id),
        onCase: onCase.has(c.id),
        added: { document: already, case: onCase.has(c.id) },
        created: false,
      });
    });
  });
  return {
    phase: "ready",
    documentId: source.documentId,
    caseId: source.caseId,
    mail: source.mail,
    roles,
    caseRoleId: source.caseId && caseRole ? caseRole.id : null,
    alsoOnCase: false,
    rows,
    failure: null,
  };
}

/** The contacts could not be looked up: the mail stays saved; the person may try again or go on. */
export function partiesUnavailable(source: PartySource, failure: Message): PartyProposals {
  return { ...proposeParties(source, { matches: [], roles: [], caseParties: [], documentParties: [] }), rows: [], phase: "unavailable", failure };
}

const changeRow = (p: PartyProposals, key: string, change: (row: PartyProposal) => PartyProposal): PartyProposals => ({
  ...p,
  rows: p.rows.map((r) => (r.key === key ? change(r) : r)),
});

/** Ticks or unticks a contact; an added one stays added. */
export function selectParty(p: PartyProposals, key: string, selected: boolean): PartyProposals {
  return changeRow(p, key, (r) => (r.contact && !r.added.document ? { ...r, selected } : r));
}

/** The role a contact is added to the document in, among the document roles. */
export function chooseRole(p: PartyProposals, key: string, roleId: string): PartyProposals {
  if (!p.roles.some((r) => r.id === roleId)) return p;
  return changeRow(p, key, (r) => (r.added.document ? r : { ...r, roleId }));
}

/** Also add the chosen contacts to the case (as Part). */
export function chooseAlsoOnCase(p: PartyProposals, alsoOnCase: boolean): PartyProposals {
  return { ...p, alsoOnCase: alsoOnCase && p.caseRoleId !== null };
}

/** The name and kind a new contact is created with. */
export function editNewContact(p: PartyProposals, key: string, patch: Partial<Pick<PartyProposal, "name" | "kind">>): PartyProposals {
  return changeRow(p, key, (r) => (r.contact ? r : { ...r, ...patch, failure: null }));
}

/** The address's new contact exists: it is proposed (ticked) in its place. */
export function contactCreated(p: PartyProposals, key: string, contact: ContactSummary): PartyProposals {
  return changeRow(p, key, (r) => (r.contact ? r : { ...r, contact: summaryOf(contact), created: true, selected: true, failure: null }));
}

/** A row's own failure (creating its contact, adding it): the other rows are untouched. */
export function rowFailed(p: PartyProposals, key: string, failure: Message): PartyProposals {
  return changeRow(p, key, (r) => ({ ...r, failure }));
}

/** One addition went through (or the service says it is there already). */
export function partyAdded(p: PartyProposals, key: string, on: "document" | "case"): PartyProposals {
  return changeRow(p, key, (r) => ({ ...r, added: { ...r.added, [on]: true } }));
}

/** "Spring over": nothing is added; the mail is saved all the same. */
export function skipParties(p: PartyProposals): PartyProposals {
  return { ...p, phase: "skipped" };
}

/** One party to add: to the document in its role, or to the case as Part. */
export interface PendingParty {
  key: string;
  on: "document" | "case";
  contactId: string;
  roleId: string;
}

/** What "Tilføj parter" still has to add: the ticked contacts, less what is added already. */
export function pendingParties(p: PartyProposals): PendingParty[] {
  const out: PendingParty[] = [];
  for (const r of p.rows) {
    if (!r.contact || !r.selected) continue;
    if (!r.added.document && r.roleId) out.push({ key: r.key, on: "document", contactId: r.contact.id, roleId: r.roleId });
    if (p.alsoOnCase && p.caseRoleId && !r.onCase && !r.added.case) out.push({ key: r.key, on: "case", contactId: r.contact.id, roleId: p.caseRoleId });
  }
  return out;
}

/** After adding: finished when nothing ticked is left to add, else ready again with the failures at their rows. */
function settled(p: PartyProposals): PartyProposals {
  const left = pendingParties(p).length > 0 || p.rows.some((r) => r.failure);
  return { ...p, phase: left ? "ready" : "finished" };
}

/** The rows that are parties now, to say what was done. */
export const addedParties = (p: PartyProposals): PartyProposal[] => p.rows.filter((r) => r.contact && r.added.document);

// Effects: the proposal's conversations with the service. Each takes the proposal and returns the next one.

/** The service looks up at most this many addresses a request (POST /api/contacts/match). */
const MATCH_CHUNK = 200;

/** Every address looked up, however many recipients the mail had: a mail to a whole school is asked in parts. */
async function matchInChunks(client: ImsClient, addresses: string[]): Promise<ContactMatch[]> {
  const chunks: string[][] = [];
  for (let i = 0; i < addresses.length; i += MATCH_CHUNK) chunks.push(addresses.slice(i, i + MATCH_CHUNK));
  return (await Promise.all(chunks.map((chunk) => client.matchContacts(chunk)))).flat();
}

/** Looks the mail's addresses up and makes the proposal; a failure leaves it unavailable, never the save failed. */
export async function loadPartyProposals(client: ImsClient, source: PartySource): Promise<PartyProposals> {
  if (source.mail.length === 0) return proposeParties(source, { matches: [], roles: [], caseParties: [], documentParties: [] });
  // Who is party already only decides what is ticked: without it the proposal is still worth showing.
  const partiesOn = (on: "case" | "document", id: string | null) => (id ? client.parties(on, id).catch(() => []) : Promise.resolve([]));
  try {
    const [matches, roles, caseParties, documentParties] = await Promise.all([
      matchInChunks(
        client,
        source.mail.map((m) => m.address),
      ),
      client.partyRoles(),
      partiesOn("case", source.caseId),
      partiesOn("document", source.documentId),
    ]);
    return proposeParties(source, { matches, roles, caseParties, documentParties });
  } catch (err) {
    return partiesUnavailable(source, messageFor(err));
  }
}

/** "Opret kontakt": a contact with the row's name and its address, then proposed in the row. */
export async function createContactFor(client: ImsClient, p: PartyProposals, key: string): Promise<PartyProposals> {
  const row = p.rows.find((r) => r.key === key);
  if (!row || row.contact) return p;
  const name = row.name.trim();
  if (!name) return rowFailed(p, key, { key: "parties.nameRequired" });
  try {
    const contact = await client.createContact({ kind: row.kind, name, emails: [row.address] });
    return contactCreated(p, key, contact);
  } catch (err) {
    return rowFailed(p, key, messageFor(err));
  }
}

/** The service refused an addition because the contact is a party in that role already: it is there, which is what was asked. */
const isThereAlready = (err: unknown) => err instanceof ApiError && err.code === "party_exists";

/**
 * "Tilføj parter": adds every ticked contact one at a time. A failed one keeps its failure at its row and the
 * others go on; what was added is remembered, so adding again sends only what is left.
 */
export async function addParties(client: ImsClient, p: PartyProposals, onState?: (p: PartyProposals) => void): Promise<PartyProposals> {
  const todo = pendingParties(p);
  const retried = new Set(todo.map((t) => t.key));
  let current: PartyProposals = { ...p, phase: "adding", rows: p.rows.map((r) => (retried.has(r.key) ? { ...r, failure: null } : r)) };
  onState?.(current);
  const failed = new Set<string>();
  for (const add of todo) {
    // A row whose document addition failed is not added to the case either: it is tried again together.
    if (failed.has(add.key)) continue;
    const id = add.on === "document" ? p.documentId : p.caseId;
    if (!id) continue;
    try {
      await client.addParty(add.on, id, { contactId: add.contactId, roleId: add.roleId });
      current = partyAdded(current, add.key, add.on);
    } catch (err) {
      if (isThereAlready(err)) current = partyAdded(current, add.key, add.on);
      else {
        failed.add(add.key);
        current = rowFailed(current, add.key, messageFor(err));
      }
    }
    onState?.(current);
  }
  return settled(current);
}
