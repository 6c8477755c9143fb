import type { Db } from "../../service/db/database.ts";
import { createAccessGroup } from "../../service/features/access/access-groups.service.ts";
import { createJournalEntry } from "../../service/features/journal-plan/journal-plan.service.ts";
import { createDocumentType, createRetentionRule } from "../../service/features/retention/retention.service.ts";
import { createTemplate } from "../../service/features/templates/templates.service.ts";
import { createGroup, createUser } from "../../service/features/users/users.service.ts";
import { issueApiToken } from "../../service/features/users/tokens.service.ts";

/** A small organisation: two caseworkers in different groups, an external partner, and their access groups. */
export interface World {
  tokens: { admin: string; alice: string; bob: string; erik: string; carl: string };
  users: { alice: string; bob: string; erik: string; carl: string };
  accessGroups: { school: string; board: string; partners: string };
  types: { pupil: string; minutes: string; letter: string; note: string };
  templates: { pupil: string; board: string };
  rules: { fiveAfterClose: string; permanent: string; tenAfterCreate: string; review: string };
}

export async function buildWorld(db: Db, adminToken: string): Promise<World> {
  const alice = await createUser(db, null, { email: "alice@skole.dk", name: "Alice Sagsbehandler", role: "caseworker" });
  const bob = await createUser(db, null, { email: "bob@skole.dk", name: "Bob Bestyrelse", role: "caseworker" });
  const carl = await createUser(db, null, { email: "carl@skole.dk", name: "Carl Kollega", role: "caseworker" });
  const erik = await createUser(db, null, { email: "erik@partner.dk", name: "Erik Ekstern", role: "external" });
  const office = await createGroup(db, null, "Skolekontoret", [alice.id, carl.id]);
  const boardGroup = await createGroup(db, null, "Bestyrelsessekretariatet", [bob.id]);
  const school = await createAccessGroup(db, null, "Elevsager", "Pupils' cases", { groupIds: [office.id] });
  const board = await createAccessGroup(db, null, "Bestyrelse", "Board", { groupIds: [boardGroup.id] });
  const partners = await createAccessGroup(db, null, "Samarbejdspartnere", "Shared with partners", { userIds: [bob.id, erik.id] });
  const fiveAfterClose = await createRetentionRule(db, null, { name: "5 år efter afslutning", kind: "after_case_closed", years: 5 });
  const permanent = await createRetentionRule(db, null, { name: "Bevares", kind: "permanent" });
  const tenAfterCreate = await createRetentionRule(db, null, { name: "10 år efter oprettelse", kind: "after_document_created", years: 10 });
  const review = await createRetentionRule(db, null, { name: "Vurderes efter 3 år", kind: "review", years: 3 });
  const pupil = await createDocumentType(db, null, { name: "Elevdokument", category: "Elevdokument", retentionRuleId: fiveAfterClose.id });
  const minutes = await createDocumentType(db, null, { name: "Bestyrelsesreferat", category: "Referat", retentionRuleId: permanent.id });
  const letter = await createDocumentType(db, null, { name: "Brev", category: "Korrespondance", retentionRuleId: tenAfterCreate.id });
  const note = await createDocumentType(db, null, { name: "Notat", category: "Notat", retentionRuleId: review.id });
  await createJournalEntry(db, null, { code: "17", title: "Folkeskolen" });
  await createJournalEntry(db, null, { code: "17.01", title: "Elever", parentCode: "17" });
  await createJournalEntry(db, null, { code: "17.01.00", title: "Elever i almindelighed", parentCode: "17.01" });
  await createJournalEntry(db, null, { code: "00.01.10", title: "Bestyrelsesmøder" });
  await createJournalEntry(db, null, { code: "00.01.99", title: "Udgået emne", retiredOn: "2020-01-01" });
  const pupilTemplate = await createTemplate(db, null, {
    name: "Elevsag",
    accessGroupId: school.id,
    journalCode: "17.01.00",
    fields: [
      { name: "elevnummer", label: "Elevnummer", type: "text", required: true },
      { name: "klasse", label: "Klasse", type: "choice", required: false, options: ["0.a", "1.a", "2.b"] },
      { name: "optaget", label: "Optaget", type: "date", required: false },
    ],
    documentTypeIds: [pupil.id, letter.id, note.id],
  });
  const boardTemplate = await createTemplate(db, null, {
    name: "Bestyrelsessag",
    accessGroupId: board.id,
    journalCode: "00.01.10",
    fields: [],
    documentTypeIds: [],
  });
  const token = async (userId: string) => (await issueApiToken(db, userId, "test")).token;
  return {
    tokens: { admin: adminToken, alice: await token(alice.id), bob: await token(bob.id), erik: await token(erik.id), carl: await token(carl.id) },
    users: { alice: alice.id, bob: bob.id, erik: erik.id, carl: carl.id },
    accessGroups: { school: school.id, board: board.id, partners: partners.id },
    types: { pupil: pupil.id, minutes: minutes.id, letter: letter.id, note: note.id },
    templates: { pupil: pupilTemplate.id, board: boardTemplate.id },
    rules: { fiveAfterClose: fiveAfterClose.id, permanent: permanent.id, tenAfterCreate: tenAfterCreate.id, review: review.id },
  };
}
