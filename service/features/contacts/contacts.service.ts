import { randomUUID } from "node:crypto";
import type { Updateable } from "kysely";
import type { Contact, ContactMatch, ContactSummary, PostalAddress } from "../../../shared/api/types.ts";
import type { ContactListQuery, ContactPatch, NewContact } from "../../../shared/api/schemas/contacts.ts";
import { namedAddressesIn } from "../../../shared/flow/parties.ts";
import type { z } from "zod";
import type { Db, Executor } from "../../db/database.ts";
import { decodeCursor, toPage, type Page } from "../../http/pagination.ts";
import { ifMatchHolds, overtaken, preconditionFailed } from "../../http/preconditions.ts";
import { notFound, Problem, unprocessable } from "../../http/problem.ts";
import { AccessRefused } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import { requireMayEditContacts, requireMayRevealCpr } from "../access/policy.ts";
import { recordAudit, type AuditEntry } from "../audit/audit.service.ts";
import { diff } from "../audit/changes.ts";
import { findActiveUser, usersByIds } from "../users/users.service.ts";
import * as repo from "./contacts.repository.ts";

/** Who may see which contacts: for other features' queries (search) to filter by, inside their own SQL. */
export { contactVisibleTo } from "./contacts.repository.ts";
import type { ContactRow, ContactTable } from "./contacts.table.ts";
import { maskCpr, type CprKey } from "./cpr-seal.ts";

// Contacts (kontakter): persons and organisations, shared reference data that staff keep. A CPR number is
// stored sealed (cpr-seal.ts) and leaves only masked, except through an audited reveal.

/** The archive's contact key, opened (or made) when a CPR number is first stored or looked up. */
export type CprKeys = () => Promise<CprKey>;

/** A contact's ETag: its revision, which moves on with every change. */
export const contactEtag = (c: Pick<ContactRow, "revision">) => `"r${c.revision}"`;

export function toContactSummary(r: Pick<ContactRow, "id" | "kind" | "name" | "phone" | "cvr" | "cpr_masked">, emails: string[]): ContactSummary {
  return { id: r.id, kind: r.kind, name: r.name, emails, phone: r.phone, cvr: r.cvr, cprMasked: r.cpr_masked };
}

function toContact(r: ContactRow, emails: string[], createdByName: string): Contact {
  return {
    ...toContactSummary(r, emails),
    address: r.address ? (JSON.parse(r.address) as PostalAddress) : null,
    note: r.note,
    createdAt: r.created_at,
    createdBy: { id: r.created_by, name: createdByName },
    changedAt: r.changed_at,
    etag: contactEtag(r),
  };
}

async function contactView(db: Executor, r: ContactRow): Promise<Contact> {
  const [emails, [by]] = await Promise.all([repo.emailsOf(db, [r.id]), usersByIds(db, [r.created_by])]);
  return toContact(r, emails.get(r.id) ?? [], by?.name ?? "");
}

/** Summaries of these contacts, in their order, with their addresses. */
export async function contactSummaries(db: Executor, rows: ReadonlyArray<Parameters<typeof toContactSummary>[0]>): Promise<ContactSummary[]> {
  const emails = await repo.emailsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toContactSummary(r, emails.get(r.id) ?? []));
}

/** The contact an id names: itself, or the contact it was merged into. */
export async function resolveContact(db: Executor, id: string): Promise<ContactRow | undefined> {
  let row = await repo.findContact(db, id);
  // Merging points every merged-away id straight at its survivor; the bound only guards against a damaged chain.
  for (let hops = 0; row?.merged_into && hops < 10; hops++) row = await repo.findContact(db, row.merged_into);
  return row?.merged_into ? undefined : row;
}

/**
 * The contact an id names, if the actor sees it: 404 otherwise, answered exactly as for an id no contact
 * has. An external partner's refusal of an existing contact is audited like a refused case.
 */
export async function requireVisibleContact(db: Executor, actor: Actor, id: string): Promise<ContactRow> {
  const row = await resolveContact(db, id);
  if (!row) throw notFound("The contact");
  if (await repo.isContactVisible(db, actor, row.id)) return row;
  const entry: AuditEntry = { actor, action: "access.refused", objectType: "contact", objectId: row.id, details: {} };
  if (db.isTransaction) throw new AccessRefused("The contact", entry, false);
  await recordAudit(db, entry);
  throw new AccessRefused("The contact", entry, true);
}

export async function viewContact(db: Executor, actor: Actor, id: string): Promise<Contact> {
  return contactView(db, await requireVisibleContact(db, actor, id));
}

/** Any CPR number written in free text (a reveal's reason), masked: the full number is never kept outside its seal. */
const maskCprsIn = (text: string) => text.replace(/\b(\d{6})-?\d{4}\b/g, "$1-xxxx");

const addressJson = (a: PostalAddress | null | undefined) => (a ? JSON.stringify(a) : null);

export async function createContact(db: Db, keys: CprKeys, actor: Actor, input: z.output<typeof NewContact>): Promise<Contact> {
  requireMayEditContacts(actor);
  const id = randomUUID();
  const key = input.cpr ? await keys() : null;
  const now = new Date().toISOString();
  const row = {
    id,
    kind: input.kind,
    name: input.name,
    name_key: repo.nameKeyOf(input.name),
    phone: input.phone ?? null,
    address: addressJson(input.address),
    cvr: input.cvr ?? null,
    cpr_sealed: input.cpr && key ? key.seal(id, input.cpr) : null,
    cpr_digest: input.cpr && key ? key.digest(input.cpr) : null,
    cpr_masked: input.cpr ? maskCpr(input.cpr) : null,
    note: input.note ?? "",
    merged_into: null,
    created_at: now,
    created_by: actor.userId,
    changed_at: now,
    revision: 0,
  };
  return db.transaction().execute(async (trx) => {
    await repo.insertContact(trx, row, input.emails);
    await recordAudit(trx, {
      actor,
      action: "contact.create",
      objectType: "contact",
      objectId: id,
      details: { kind: row.kind, name: row.name, emails: [...new Set(input.emails)], cvr: row.cvr, cpr: row.cpr_masked },
    });
    return contactView(trx, row);
  });
}

/** What an audit entry says about a contact's fields: the CPR number only masked. */
async function auditedFields(db: Executor, r: Pick<ContactRow, "id" | "name" | "phone" | "address" | "cvr" | "cpr_masked" | "note">) {
  const emails = (await repo.emailsOf(db, [r.id])).get(r.id) ?? [];
  return { name: r.name, emails: emails.join(", "), phone: r.phone, address: r.address, cvr: r.cvr, cpr: r.cpr_masked, note: r.note };
}

/** Changes a contact (If-Match); a change that changes nothing leaves it (and its ETag) as it was. */
export async function updateContact(db: Db, keys: CprKeys, actor: Actor, id: string, patch: z.output<typeof ContactPatch>, ifMatch?: string): Promise<Contact> {
  requireMayEditContacts(actor);
  const key = patch.cpr ? await keys() : null;
  return db.transaction().execute(async (trx) => {
    const c = await requireVisibleContact(trx, actor, id);
    if (!ifMatchHolds(ifMatch, contactEtag(c))) throw preconditionFailed("contact", contactEtag(c), { changedAt: c.changed_at });
    if (patch.cvr && c.kind !== "organisation") throw unprocessable("contact_field_not_for_kind", "Only organisations have a CVR number.");
    if (patch.cpr && c.kind !== "person") throw unprocessable("contact_field_not_for_kind", "Only persons have a CPR number.");
    const changes: Updateable<ContactTable> = {};
    if (patch.name !== undefined && patch.name !== c.name) Object.assign(changes, { name: patch.name, name_key: repo.nameKeyOf(patch.name) });
    if (patch.phone !== undefined) changes.phone = patch.phone;
    if (patch.address !== undefined) changes.address = addressJson(patch.address);
    if (patch.cvr !== undefined) changes.cvr = patch.cvr;
    if (patch.note !== undefined) changes.note = patch.note;
    if (patch.cpr === null) Object.assign(changes, { cpr_sealed: null, cpr_digest: null, cpr_masked: null });
    else if (patch.cpr && key && key.digest(patch.cpr) !== c.cpr_digest)
      Object.assign(changes, { cpr_sealed: key.seal(c.id, patch.cpr), cpr_digest: key.digest(patch.cpr), cpr_masked: maskCpr(patch.cpr) });
    const before = await auditedFields(trx, c);
    const oldEmails = before.emails;
    const newEmails = patch.emails ? [...new Set(patch.emails)].join(", ") : oldEmails;
    const fieldChanges = diff(c, changes as Record<string, unknown>);
    delete fieldChanges.name_key;
    delete fieldChanges.cpr_sealed;
    // Another number with the same date of birth masks the same: the digest says it changed.
    const cprChanged = "cpr_digest" in fieldChanges;
    delete fieldChanges.cpr_digest;
    if (Object.keys(fieldChanges).length === 0 && !cprChanged && newEmails === oldEmails) return contactView(trx, c);
    const written = { ...c, ...changes, changed_at: new Date().toISOString(), revision: c.revision + 1 } as ContactRow;
    if (!(await repo.updateContactAt(trx, c.id, c.revision, { ...changes, changed_at: written.changed_at }))) {
      const now = await repo.findContact(trx, c.id);
      throw overtaken("contact", ifMatch, now && { etag: contactEtag(now), state: { changedAt: now.changed_at } });
    }
    if (patch.emails) await repo.setEmails(trx, c.id, patch.emails);
    const after = await auditedFields(trx, written);
    const changed: Record<string, unknown> = diff(before, after);
    if (cprChanged && !("cpr" in changed)) changed.cpr = { from: before.cpr, to: after.cpr, note: "another number, same date of birth" };
    await recordAudit(trx, { actor, action: "contact.update", objectType: "contact", objectId: c.id, details: changed });
    return contactView(trx, written);
  });
}

/** Whether the actor may see CPR numbers in full: the right is on the user's row (admins always have it). */
async function requireCprRight(db: Executor, actor: Actor): Promise<void> {
  const user = await findActiveUser(db, actor.userId);
  requireMayRevealCpr(actor, user?.cpr_access === 1);
}

/**
 * Finding a contact by a CPR number tells whether that number is theirs: the masked form shows its first six
 * digits, so a lookup would confirm a guess of the other four. It is for those who may reveal CPR numbers, and
 * each lookup is audited (the number masked).
 */
async function requireMayLookUpCpr(db: Executor, actor: Actor, cpr: string): Promise<void> {
  await requireCprRight(db, actor);
  await recordAudit(db, { actor, action: "contact.cpr_lookup", objectType: "contact", objectId: null, details: { cpr: maskCpr(cpr) } });
}

export async function listContacts(db: Executor, keys: CprKeys, actor: Actor, query: z.output<typeof ContactListQuery>): Promise<Page<ContactSummary>> {
  if (query.cpr) await requireMayLookUpCpr(db, actor, query.cpr);
  const after = decodeCursor(query.cursor, 2) as [string, string] | undefined;
  const rows = await repo.listContactRows(db, actor, {
    q: query.q,
    kind: query.kind,
    email: query.email,
    cprDigest: query.cpr ? (await keys()).digest(query.cpr) : undefined,
    after: after && { nameKey: String(after[0]), id: String(after[1]) },
    limit: query.limit,
  });
  const emails = await repo.emailsOf(
    db,
    rows.map((r) => r.id),
  );
  return toPage(
    rows,
    query.limit,
    (r) => [r.name_key, r.id],
    (r) => toContactSummary(r, emails.get(r.id) ?? []),
  );
}

/**
 * The full CPR number, for an administrator or a caseworker allowed to see them. The reveal and its reason
 * are committed to the audit log before the number is answered: no reveal goes unrecorded.
 */
export async function revealCpr(db: Db, keys: CprKeys, actor: Actor, id: string, reason: string): Promise<{ cpr: string }> {
  await requireCprRight(db, actor);
  const c = await requireVisibleContact(db, actor, id);
  if (!c.cpr_sealed) throw new Problem(404, "no_cpr", "The contact has no CPR number.");
  const cpr = (await keys()).open(c.id, c.cpr_sealed);
  await recordAudit(db, {
    actor,
    action: "contact.cpr_reveal",
    objectType: "contact",
    objectId: c.id,
    details: { reason: maskCprsIn(reason), cpr: c.cpr_masked },
  });
  return { cpr };
}

/** The most addresses one lookup answers, however they are written (several may share one string). */
const MATCH_ADDRESSES = 200;

/** Who may be told which contacts an address belongs to: the contacts the actor sees. */
export async function matchContacts(db: Executor, actor: Actor, inputs: readonly string[]): Promise<ContactMatch[]> {
  const addresses: string[] = [];
  for (const input of inputs) {
    const found = namedAddressesIn(input).map((a) => a.address);
    for (const a of found.length ? found : [input.trim().toLowerCase()]) if (a && !addresses.includes(a)) addresses.push(a);
  }
  if (addresses.length > MATCH_ADDRESSES)
    throw unprocessable("too_many_addresses", `Look up at most ${MATCH_ADDRESSES} addresses at a time; this request names ${addresses.length}.`);
  const rows = await repo.contactsByEmails(db, actor, addresses);
  const summaries = new Map((await contactSummaries(db, rows)).map((s) => [s.id, s]));
  return addresses.map((address) => ({ address, contacts: rows.filter((r) => r.matched === address).map((r) => summaries.get(r.id)!) }));
}

/** A contact named in a request body (a merge's duplicate, a new party): 422 when there is none. */
export async function requireContactReference(db: Executor, id: string): Promise<ContactRow> {
  const row = await resolveContact(db, id);
  if (!row) throw unprocessable("unknown_contact", `There is no contact "${id}".`);
  return row;
}
