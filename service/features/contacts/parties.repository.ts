import { sql, type ExpressionBuilder, type Insertable, type Updateable } from "kysely";
import type { Database, Executor } from "../../db/database.ts";
import { caseVisibleTo, documentVisibleTo, type Visible } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import type { CaseRow } from "../cases/cases.table.ts";
import type { DocumentRow } from "../documents/documents.table.ts";
import type { CasePartyTable, PartyRoleTable } from "./contacts.table.ts";

// The party_roles, case_parties and document_parties tables. A party is listed only through a case or a
// document the actor may see: the listing of one record asks for its branded (Visible) row, and a contact's
// links join the access scopes into the query, so pages and counts never include what the actor cannot see.

export type PartyRoleRow = PartyRoleTable;
export type PartyTable = "case_parties" | "document_parties";
const recordColumn = { case_parties: "case_id", document_parties: "document_id" } as const;

export function listRoles(db: Executor): Promise<PartyRoleRow[]> {
  return db.selectFrom("party_roles").selectAll().orderBy("position").orderBy("id").execute();
}

export function findRole(db: Executor, id: string): Promise<PartyRoleRow | undefined> {
  return db.selectFrom("party_roles").selectAll().where("id", "=", id).executeTakeFirst();
}

export function findRoleByName(db: Executor, nameDa: string): Promise<PartyRoleRow | undefined> {
  return db
    .selectFrom("party_roles")
    .selectAll()
    .where(sql<string>`lower(name_da)`, "=", nameDa.toLowerCase())
    .executeTakeFirst();
}

export async function insertRole(db: Executor, row: Omit<PartyRoleRow, "position">): Promise<PartyRoleRow> {
  const { last } = await db
    .selectFrom("party_roles")
    .select((eb) => eb.fn.max<number | null>("position").as("last"))
    .executeTakeFirstOrThrow();
  const full = { ...row, position: (last ?? -1) + 1 };
  await db.insertInto("party_roles").values(full).execute();
  return full;
}

export async function updateRole(db: Executor, id: string, changes: Updateable<PartyRoleTable>): Promise<void> {
  await db.updateTable("party_roles").set(changes).where("id", "=", id).execute();
}

/** A party's role as every listing of parties shows it (joined as party_roles). */
const ROLE_COLUMNS = ["party_roles.id as role_id", "party_roles.name_da", "party_roles.name_en", "party_roles.applies_to", "party_roles.active"] as const;

/** A party row of a case or document, joined with what it shows: the contact (its summary columns) and the role. */
// The two party tables differ only in the record column, so one builder (typed as case_parties) serves both.
function partyRows(db: Executor, table: PartyTable) {
  return db
    .selectFrom(`${table} as p` as "case_parties as p")
    .innerJoin("contacts", "contacts.id", "p.contact_id")
    .innerJoin("party_roles", "party_roles.id", "p.role_id")
    .leftJoin("users", "users.id", "p.added_by")
    .select([
      "p.id",
      "p.contact_id",
      "p.added_at",
      "p.added_by",
      "users.name as added_by_name",
      "contacts.kind",
      "contacts.name",
      "contacts.phone",
      "contacts.cvr",
      "contacts.cpr_masked",
      ...ROLE_COLUMNS,
    ]);
}
export type PartyRow = Awaited<ReturnType<ReturnType<typeof partyRows>["execute"]>>[number];

/** The parties of a case the actor sees, by role (in the administrators' order), then name. */
export function partiesOfCase(db: Executor, c: Visible<CaseRow>): Promise<PartyRow[]> {
  return partyRows(db, "case_parties").where("p.case_id", "=", c.id).orderBy("party_roles.position").orderBy("contacts.name_key").orderBy("p.id").execute();
}

/** The parties of a document the actor sees, by role, then name. */
export function partiesOfDocument(db: Executor, doc: Visible<DocumentRow>): Promise<PartyRow[]> {
  return partyRows(db, "document_parties")
    .where("p.document_id" as "p.case_id", "=", doc.id)
    .orderBy("party_roles.position")
    .orderBy("contacts.name_key")
    .orderBy("p.id")
    .execute();
}

/** One party of this record, or undefined when the record has no party with that id. */
export function findParty(db: Executor, table: PartyTable, recordId: string, partyId: string): Promise<PartyRow | undefined> {
  return partyRows(db, table)
    .where("p.id", "=", partyId)
    .where(`p.${recordColumn[table]}` as "p.case_id", "=", recordId)
    .executeTakeFirst();
}

export async function insertParty(db: Executor, table: PartyTable, row: Omit<Insertable<CasePartyTable>, "case_id">, recordId: string): Promise<void> {
  await db
    .insertInto(table as "case_parties")
    .values({ ...row, [recordColumn[table]]: recordId } as Insertable<CasePartyTable>)
    .execute();
}

export async function deleteParty(db: Executor, table: PartyTable, partyId: string): Promise<void> {
  await db
    .deleteFrom(table as "case_parties")
    .where("id", "=", partyId)
    .execute();
}

/**
 * Moves a contact's parties to another contact: where the survivor is party to the same record in the same
 * role already, the duplicate's row goes (it said the same thing). Answers how many rows moved and went.
 */
export async function moveParties(db: Executor, table: PartyTable, from: string, to: string): Promise<{ moved: number; collapsed: number }> {
  const column = recordColumn[table];
  const collapsed = await sql`
    delete from ${sql.table(table)}
    where contact_id = ${from}
      and exists (select 1 from ${sql.table(table)} as s
                  where s.contact_id = ${to} and s.${sql.ref(column)} = ${sql.table(table)}.${sql.ref(column)} and s.role_id = ${sql.table(table)}.role_id)`.execute(
    db,
  );
  const moved = await db
    .updateTable(table as "case_parties")
    .set({ contact_id: to })
    .where("contact_id", "=", from)
    .executeTakeFirst();
  return { moved: Number(moved.numUpdatedRows), collapsed: Number(collapsed.numAffectedRows ?? 0n) };
}

/** Where a contact's links go on from: the last link shown (newest first). */
export interface LinkKey {
  addedAt: string;
  id: string;
}

/** The cases the actor sees that the contact is party to, newest link first (one more than `limit`). */
export function caseLinks(db: Executor, actor: Actor, contactId: string, after: LinkKey | undefined, limit: number) {
  let q = db
    .selectFrom("case_parties as p")
    .innerJoin("cases", "cases.id", "p.case_id")
    .innerJoin("party_roles", "party_roles.id", "p.role_id")
    .select(["p.id", "p.added_at", "cases.id as case_id", "cases.number", "cases.title", "cases.status", ...ROLE_COLUMNS])
    .where("p.contact_id", "=", contactId)
    .where((eb) => caseVisibleTo(actor, { checkPerRow: true })(eb as unknown as ExpressionBuilder<Database, "cases">));
  if (after) q = q.where((eb) => eb.or([eb("p.added_at", "<", after.addedAt), eb.and([eb("p.added_at", "=", after.addedAt), eb("p.id", "<", after.id)])]));
  return q
    .orderBy("p.added_at", "desc")
    .orderBy("p.id", "desc")
    .limit(limit + 1)
    .execute();
}

/** The documents the actor sees that the contact is party to, with their cases, newest link first (one more than `limit`). */
export function documentLinks(db: Executor, actor: Actor, contactId: string, after: LinkKey | undefined, limit: number) {
  let q = db
    .selectFrom("document_parties as p")
    .innerJoin("documents", "documents.id", "p.document_id")
    .leftJoin("cases", "cases.id", "documents.case_id")
    .innerJoin("party_roles", "party_roles.id", "p.role_id")
    .select([
      "p.id",
      "p.added_at",
      "documents.id as document_id",
      "documents.title as document_title",
      "cases.id as case_id",
      "cases.number",
      "cases.title",
      ...ROLE_COLUMNS,
    ])
    .where("p.contact_id", "=", contactId)
    .where((eb) => documentVisibleTo(actor)(eb as unknown as ExpressionBuilder<Database, "documents">));
  if (after) q = q.where((eb) => eb.or([eb("p.added_at", "<", after.addedAt), eb.and([eb("p.added_at", "=", after.addedAt), eb("p.id", "<", after.id)])]));
  return q
    .orderBy("p.added_at", "desc")
    .orderBy("p.id", "desc")
    .limit(limit + 1)
    .execute();
}
