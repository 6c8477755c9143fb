import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { Party, PartyRole } from "../../../shared/api/types.ts";
import type { ContactCase, ContactDocument, NewPartyRole, PartyRolePatch } from "../../../shared/api/schemas/contacts.ts";
import type { Db, Executor } from "../../db/database.ts";
import { decodeCursor, toPage, type Page } from "../../http/pagination.ts";
import { notFound, Problem, unprocessable } from "../../http/problem.ts";
import { requireVisibleCase, requireVisibleDocument } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import { requireMayChangeParties } from "../access/policy.ts";
import { recordAudit } from "../audit/audit.service.ts";
import { diff } from "../audit/changes.ts";
import { caseOf } from "../documents/documents.service.ts";
import { notify } from "../notifications/notify.ts";
import { contactSummaries, requireContactReference, requireVisibleContact } from "./contacts.service.ts";
import * as repo from "./parties.repository.ts";
import type { PartyRoleRow, PartyRow } from "./parties.repository.ts";

// Parties (parter): a contact in a role on a case or a document, and the roles administrators configure.
// A case's or document's parties are read and changed only through the record, which the actor must see;
// a contact's cases and documents are only those the actor sees.

export type PartyOn = "case" | "document";
const tableOf = (on: PartyOn) => (on === "case" ? "case_parties" : "document_parties");

export const toPartyRole = (r: Pick<PartyRoleRow, "id" | "name_da" | "name_en" | "applies_to" | "active">): PartyRole => ({
  id: r.id,
  nameDa: r.name_da,
  nameEn: r.name_en,
  appliesTo: r.applies_to,
  active: r.active === 1,
});
const roleOfRow = (r: { role_id: string; name_da: string; name_en: string; applies_to: PartyRoleRow["applies_to"]; active: number }) =>
  toPartyRole({ id: r.role_id, name_da: r.name_da, name_en: r.name_en, applies_to: r.applies_to, active: r.active });

async function toParties(db: Executor, rows: PartyRow[]): Promise<Party[]> {
  const contacts = await contactSummaries(
    db,
    rows.map((r) => ({ id: r.contact_id, kind: r.kind, name: r.name, phone: r.phone, cvr: r.cvr, cpr_masked: r.cpr_masked })),
  );
  return rows.map((r, i) => ({
    id: r.id,
    contact: contacts[i]!,
    role: roleOfRow(r),
    addedAt: r.added_at,
    addedBy: { id: r.added_by, name: r.added_by_name ?? "" },
  }));
}

// Party roles.

export async function listPartyRoles(db: Executor): Promise<PartyRole[]> {
  return (await repo.listRoles(db)).map(toPartyRole);
}

async function requireFreeRoleName(db: Executor, nameDa: string, exceptId?: string): Promise<void> {
  const taken = await repo.findRoleByName(db, nameDa);
  if (taken && taken.id !== exceptId) throw new Problem(409, "already_exists", `A party role named "${nameDa}" already exists.`);
}

export async function createPartyRole(db: Db, actor: Actor, input: z.output<typeof NewPartyRole>): Promise<PartyRole> {
  return db.transaction().execute(async (trx) => {
    await requireFreeRoleName(trx, input.nameDa);
    const row = await repo.insertRole(trx, { id: randomUUID(), name_da: input.nameDa, name_en: input.nameEn, applies_to: input.appliesTo, active: 1 });
    await recordAudit(trx, {
      actor,
      action: "party_role.create",
      objectType: "party_role",
      objectId: row.id,
      details: { nameDa: row.name_da, nameEn: row.name_en, appliesTo: row.applies_to },
    });
    return toPartyRole(row);
  });
}

/** Renames a role, changes what it applies to, or (de)activates it; parties in a deactivated role stay as they are. */
export async function updatePartyRole(db: Db, actor: Actor, id: string, patch: z.output<typeof PartyRolePatch>): Promise<PartyRole> {
  return db.transaction().execute(async (trx) => {
    const row = await repo.findRole(trx, id);
    if (!row) throw notFound("The party role");
    if (patch.nameDa !== undefined) await requireFreeRoleName(trx, patch.nameDa, id);
    const next = {
      name_da: patch.nameDa ?? row.name_da,
      name_en: patch.nameEn ?? row.name_en,
      applies_to: patch.appliesTo ?? row.applies_to,
      active: patch.active === undefined ? row.active : patch.active ? 1 : 0,
    };
    const changes = diff(row, next);
    if (Object.keys(changes).length) {
      await repo.updateRole(trx, id, next);
      await recordAudit(trx, { actor, action: "party_role.update", objectType: "party_role", objectId: id, details: changes });
    }
    return toPartyRole({ ...row, ...next });
  });
}

// The parties of a case or a document.

/** The record the parties belong to, if the actor sees it (404 otherwise), with the case that decides whether it is closed. */
async function visibleRecord(db: Executor, actor: Actor, on: PartyOn, id: string) {
  if (on === "case") {
    const c = await requireVisibleCase(db, actor, id);
    return { case: c, document: null, caseOfRecord: c };
  }
  const doc = await requireVisibleDocument(db, actor, id);
  return { case: null, document: doc, caseOfRecord: await caseOf(db, doc) };
}

export async function listParties(db: Executor, actor: Actor, on: PartyOn, id: string): Promise<Party[]> {
  const record = await visibleRecord(db, actor, on, id);
  const rows = record.case ? await repo.partiesOfCase(db, record.case) : await repo.partiesOfDocument(db, record.document!);
  return toParties(db, rows);
}

async function requireUsableRole(db: Executor, on: PartyOn, roleId: string): Promise<PartyRoleRow> {
  const role = await repo.findRole(db, roleId);
  if (!role) throw unprocessable("unknown_party_role", `There is no party role "${roleId}".`);
  if (role.active !== 1) throw unprocessable("inactive_party_role", `The party role "${role.name_da}" is no longer in use; choose another.`);
  if (role.applies_to !== "both" && role.applies_to !== on)
    throw unprocessable(
      "party_role_not_applicable",
      `The party role "${role.name_da}" is for ${role.applies_to === "case" ? "cases" : "documents"}, not ${on === "case" ? "cases" : "documents"}.`,
    );
  return role;
}

/** Adds a contact in a role to a visible case or document; the case's followers are notified in the same transaction. */
export async function addParty(db: Db, actor: Actor, on: PartyOn, id: string, input: { contactId: string; roleId: string }): Promise<Party> {
  return db.transaction().execute(async (trx) => {
    const record = await visibleRecord(trx, actor, on, id);
    requireMayChangeParties(actor, record.caseOfRecord, on);
    const role = await requireUsableRole(trx, on, input.roleId);
    const contact = await requireContactReference(trx, input.contactId);
    const recordId = record.case?.id ?? record.document!.id;
    const table = tableOf(on);
    const existing = (await (record.case ? repo.partiesOfCase(trx, record.case) : repo.partiesOfDocument(trx, record.document!))).find(
      (p) => p.contact_id === contact.id && p.role_id === role.id,
    );
    if (existing) throw new Problem(409, "party_exists", `${contact.name} is a party in the role "${role.name_da}" already.`, { partyId: existing.id });
    const partyId = randomUUID();
    await repo.insertParty(
      trx,
      table,
      { id: partyId, contact_id: contact.id, role_id: role.id, added_at: new Date().toISOString(), added_by: actor.userId },
      recordId,
    );
    await recordAudit(trx, {
      actor,
      action: `${on}.party_add`,
      objectType: on,
      objectId: recordId,
      details: { partyId, contactId: contact.id, contact: contact.name, roleId: role.id, role: role.name_da },
    });
    await notify(trx, {
      actor,
      change: "party_added",
      caseId: record.caseOfRecord?.id ?? null,
      documentId: record.document?.id ?? null,
      detail: `${contact.name} (${role.name_da})`,
    });
    const [party] = await toParties(trx, [(await repo.findParty(trx, table, recordId, partyId))!]);
    return party!;
  });
}

export async function removeParty(db: Db, actor: Actor, on: PartyOn, id: string, partyId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const record = await visibleRecord(trx, actor, on, id);
    requireMayChangeParties(actor, record.caseOfRecord, on);
    const recordId = record.case?.id ?? record.document!.id;
    const party = await repo.findParty(trx, tableOf(on), recordId, partyId);
    if (!party) throw notFound("The party");
    await repo.deleteParty(trx, tableOf(on), party.id);
    await recordAudit(trx, {
      actor,
      action: `${on}.party_remove`,
      objectType: on,
      objectId: recordId,
      details: { partyId, contactId: party.contact_id, contact: party.name, roleId: party.role_id, role: party.name_da },
    });
  });
}

// A contact's cases and documents: the basis of an access-to-records request (aktindsigt).

// Newest link first: a page goes on from the last link's (added_at, id).
const linkCursor = (cursor: string | undefined) => {
  const key = decodeCursor(cursor, 2);
  return key && { addedAt: String(key[0]), id: String(key[1]) };
};
const linkPage = <R extends { added_at: string; id: string }, T>(rows: R[], limit: number, toLink: (row: R) => T) =>
  toPage(rows, limit, (r) => [r.added_at, r.id], toLink);

export async function contactCases(db: Executor, actor: Actor, contactId: string, query: { cursor?: string; limit: number }): Promise<Page<ContactCase>> {
  const contact = await requireVisibleContact(db, actor, contactId);
  const rows = await repo.caseLinks(db, actor, contact.id, linkCursor(query.cursor), query.limit);
  return linkPage(rows, query.limit, (r) => ({
    partyId: r.id,
    case: { id: r.case_id, number: r.number, title: r.title, status: r.status },
    role: roleOfRow(r),
    addedAt: r.added_at,
  }));
}

export async function contactDocuments(
  db: Executor,
  actor: Actor,
  contactId: string,
  query: { cursor?: string; limit: number },
): Promise<Page<ContactDocument>> {
  const contact = await requireVisibleContact(db, actor, contactId);
  const rows = await repo.documentLinks(db, actor, contact.id, linkCursor(query.cursor), query.limit);
  return linkPage(rows, query.limit, (r) => ({
    partyId: r.id,
    document: { id: r.document_id, title: r.document_title },
    case: r.case_id ? { id: r.case_id, number: r.number!, title: r.title! } : null,
    role: roleOfRow(r),
    addedAt: r.added_at,
  }));
}
