import type { Contact } from "../../../shared/api/types.ts";
import type { Db } from "../../db/database.ts";
import { notFound, Problem, unprocessable } from "../../http/problem.ts";
import type { Actor } from "../access/actor.ts";
import { requireMayEditContacts } from "../access/policy.ts";
import { recordAudit } from "../audit/audit.service.ts";
import * as repo from "./contacts.repository.ts";
import type { ContactRow } from "./contacts.table.ts";
import { viewContact, type CprKeys } from "./contacts.service.ts";
import { moveParties } from "./parties.repository.ts";

// Merging duplicate contacts: the duplicate's parties (on cases and documents) and addresses move to the
// survivor, what the survivor lacks (phone, address, CVR, CPR, note) is taken from the duplicate, and the
// duplicate is retired with merged_into, so its id answers the survivor from then on. Audited on both.

const merged = (c: ContactRow) =>
  new Problem(409, "contact_merged", `The contact "${c.name}" was merged into another contact already; merge into that one instead.`, {
    mergedInto: c.merged_into,
  });

export async function mergeContacts(db: Db, keys: CprKeys, actor: Actor, survivorId: string, duplicateId: string): Promise<Contact> {
  requireMayEditContacts(actor);
  // Opened before the transaction, which holds the database connection: a CPR number may have to be sealed again.
  const key = await keys();
  await db.transaction().execute(async (trx) => {
    const survivor = await repo.findContact(trx, survivorId);
    if (!survivor) throw notFound("The contact");
    if (survivor.merged_into) throw merged(survivor);
    const duplicate = await repo.findContact(trx, duplicateId);
    if (!duplicate) throw unprocessable("unknown_contact", `There is no contact "${duplicateId}" to merge.`);
    if (duplicate.id === survivor.id)
      throw unprocessable("merge_into_itself", "A contact cannot be merged into itself; choose the duplicate to merge into it.");
    if (duplicate.merged_into) throw merged(duplicate);
    if (duplicate.kind !== survivor.kind)
      throw unprocessable("contact_kinds_differ", "A person and an organisation cannot be merged; both contacts must be of the same kind.");

    const cases = await moveParties(trx, "case_parties", duplicate.id, survivor.id);
    const documents = await moveParties(trx, "document_parties", duplicate.id, survivor.id);
    const emails = await repo.emailsOf(trx, [survivor.id, duplicate.id]);
    const own = emails.get(survivor.id) ?? [];
    const taken = (emails.get(duplicate.id) ?? []).filter((e) => !own.includes(e));
    const filled: Partial<ContactRow> = {};
    if (!survivor.phone && duplicate.phone) filled.phone = duplicate.phone;
    if (!survivor.address && duplicate.address) filled.address = duplicate.address;
    if (!survivor.cvr && duplicate.cvr) filled.cvr = duplicate.cvr;
    if (!survivor.note && duplicate.note) filled.note = duplicate.note;
    if (!survivor.cpr_sealed && duplicate.cpr_sealed) {
      // The seal is bound to its contact: sealed again for the survivor, never stored open on the way.
      const cpr = key.open(duplicate.id, duplicate.cpr_sealed);
      Object.assign(filled, { cpr_sealed: key.seal(survivor.id, cpr), cpr_digest: duplicate.cpr_digest, cpr_masked: duplicate.cpr_masked });
    }
    const now = new Date().toISOString();
    const wrote =
      (await repo.updateContactAt(trx, survivor.id, survivor.revision, { ...filled, changed_at: now })) &&
      // The retired row keeps only its name (its history reads by it): what the survivor did not take is gone with it.
      (await repo.updateContactAt(trx, duplicate.id, duplicate.revision, {
        merged_into: survivor.id,
        changed_at: now,
        ...{ phone: null, address: null, cvr: null, note: "", cpr_sealed: null, cpr_digest: null, cpr_masked: null },
      }));
    if (!wrote) throw new Problem(409, "concurrent_change", "One of the contacts was changed by someone else at the same moment; fetch them again and retry.");
    await repo.retireContact(trx, duplicate.id);
    if (taken.length) await repo.setEmails(trx, survivor.id, [...own, ...taken]);
    await repo.redirectMerged(trx, duplicate.id, survivor.id);

    const moved = { caseParties: cases.moved, documentParties: documents.moved, collapsed: cases.collapsed + documents.collapsed };
    // Two different CPR numbers: the survivor's stands, and the one discarded is named (masked) in the record.
    const cprDiscarded = survivor.cpr_digest && duplicate.cpr_digest && survivor.cpr_digest !== duplicate.cpr_digest ? duplicate.cpr_masked : null;
    const filledFields = Object.keys(filled)
      .filter((f) => f !== "cpr_sealed" && f !== "cpr_digest")
      .map((f) => (f === "cpr_masked" ? "cpr" : f));
    await recordAudit(trx, {
      actor,
      action: "contact.merge",
      objectType: "contact",
      objectId: survivor.id,
      details: { duplicateId: duplicate.id, duplicateName: duplicate.name, emailsTaken: taken, fieldsTaken: filledFields, cprDiscarded, ...moved },
    });
    await recordAudit(trx, {
      actor,
      action: "contact.merged_into",
      objectType: "contact",
      objectId: duplicate.id,
      details: { survivorId: survivor.id, survivorName: survivor.name, ...moved },
    });
  });
  return viewContact(db, actor, survivorId);
}
