import { sql, type Expression, type ExpressionBuilder, type Insertable, type SqlBool, type Updateable } from "kysely";
import type { Database, Executor } from "../../db/database.ts";
import { caseVisibleTo, documentVisibleTo } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import type { ContactRow, ContactTable } from "./contacts.table.ts";

// The contacts, contact_emails and contact_words tables; only the contacts feature reads and writes them.
// Staff see every contact (shared reference data); an external partner sees a contact only through a case
// or document it is party to that they may see, and every query an actor asks goes through `contactVisibleTo`.

/** Above every string that starts with a prefix: the greatest code point, so `x >= p and x < p + TOP` is "starts with p". */
const TOP = "\u{10FFFF}";

/** A name folded for ordering and prefix search: NFC, lower case. */
export const nameKeyOf = (name: string) => name.normalize("NFC").toLocaleLowerCase("da");

/** The words of a name as `q` finds them: lower-case, accents kept (æ, ø, å are letters). */
export function nameWords(name: string): string[] {
  const words = nameKeyOf(name)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
  return [...new Set(words)].map((w) => w.slice(0, 100));
}

/**
 * Whether the actor sees the contact: staff always; an external partner when the contact is party to a
 * case or a document they may see. Checked per contact through the party tables' contact index.
 */
export function contactVisibleTo(actor: Actor) {
  return (eb: ExpressionBuilder<Database, "contacts">): Expression<SqlBool> => {
    if (actor.role !== "external") return sql<SqlBool>`1 = 1`;
    return eb.or([
      eb.exists(
        eb
          .selectFrom("case_parties")
          .innerJoin("cases", "cases.id", "case_parties.case_id")
          .select(sql`1`.as("one"))
          .whereRef("case_parties.contact_id", "=", "contacts.id")
          .where((ceb) => caseVisibleTo(actor, { checkPerRow: true })(ceb as unknown as ExpressionBuilder<Database, "cases">)),
      ),
      eb.exists(
        eb
          .selectFrom("document_parties")
          .innerJoin("documents", "documents.id", "document_parties.document_id")
          .select(sql`1`.as("one"))
          .whereRef("document_parties.contact_id", "=", "contacts.id")
          .where((deb) => documentVisibleTo(actor)(deb as unknown as ExpressionBuilder<Database, "documents">)),
      ),
    ]);
  };
}

export function findContact(db: Executor, id: string): Promise<ContactRow | undefined> {
  return db.selectFrom("contacts").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Whether the actor sees this (surviving) contact. */
export async function isContactVisible(db: Executor, actor: Actor, id: string): Promise<boolean> {
  if (actor.role !== "external") return true;
  return Boolean(await db.selectFrom("contacts").select("id").where("id", "=", id).where(contactVisibleTo(actor)).executeTakeFirst());
}

export async function insertContact(db: Executor, row: Insertable<ContactTable>, emails: readonly string[]): Promise<void> {
  await db.insertInto("contacts").values(row).execute();
  await setEmails(db, row.id, emails);
  await indexName(db, row.id, row.name);
}

/** Changes the contact if it is still at `revision`, moving the revision on in the same statement; false if it was not. */
export async function updateContactAt(db: Executor, id: string, revision: number, changes: Updateable<ContactTable>): Promise<boolean> {
  const result = await db
    .updateTable("contacts")
    .set({ ...changes, revision: revision + 1 })
    .where("id", "=", id)
    .where("revision", "=", revision)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return false;
  if (typeof changes.name === "string") await indexName(db, id, changes.name);
  return true;
}

export async function indexName(db: Executor, contactId: string, name: string): Promise<void> {
  await db.deleteFrom("contact_words").where("contact_id", "=", contactId).execute();
  const words = nameWords(name);
  if (words.length)
    await db
      .insertInto("contact_words")
      .values(words.map((word) => ({ word, contact_id: contactId })))
      .execute();
}

/** Replaces a contact's addresses with these, in this order. */
export async function setEmails(db: Executor, contactId: string, emails: readonly string[]): Promise<void> {
  await db.deleteFrom("contact_emails").where("contact_id", "=", contactId).execute();
  const unique = [...new Set(emails)];
  if (unique.length)
    await db
      .insertInto("contact_emails")
      .values(unique.map((email, position) => ({ email, contact_id: contactId, position })))
      .execute();
}

/** Each contact's addresses in their order. */
export async function emailsOf(db: Executor, contactIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(contactIds.map((id) => [id, []]));
  if (!contactIds.length) return out;
  const rows = await db
    .selectFrom("contact_emails")
    .select(["contact_id", "email"])
    .where("contact_id", "in", [...new Set(contactIds)])
    .orderBy("contact_id")
    .orderBy("position")
    .execute();
  for (const r of rows) out.get(r.contact_id)!.push(r.email);
  return out;
}

export interface ContactFilter {
  q?: string;
  kind?: ContactRow["kind"];
  email?: string;
  cprDigest?: string;
  after?: { nameKey: string; id: string };
  limit: number;
}

/**
 * A page of the contacts the actor sees, by name (one more row than `limit`). `q` finds a contact whose
 * name has a word starting with every word of it, an address starting with it, or a CVR number starting with it.
 */
export function listContactRows(db: Executor, actor: Actor, f: ContactFilter): Promise<ContactRow[]> {
  let query = db.selectFrom("contacts").selectAll().where("merged_into", "is", null).where(contactVisibleTo(actor));
  if (f.kind) query = query.where("kind", "=", f.kind);
  if (f.cprDigest) query = query.where("cpr_digest", "=", f.cprDigest);
  if (f.email) {
    const email = f.email;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom("contact_emails")
          .select(sql`1`.as("one"))
          .whereRef("contact_emails.contact_id", "=", "contacts.id")
          .where("email", "=", email),
      ),
    );
  }
  const q = f.q?.trim();
  if (q) {
    const words = nameWords(q);
    const prefix = q.toLowerCase();
    query = query.where((eb) => {
      const byName = words.map((w) =>
        eb.exists(
          eb
            .selectFrom("contact_words")
            .select(sql`1`.as("one"))
            .whereRef("contact_words.contact_id", "=", "contacts.id")
            .where("word", ">=", w)
            .where("word", "<", w + TOP),
        ),
      );
      const byEmail = eb.exists(
        eb
          .selectFrom("contact_emails")
          .select(sql`1`.as("one"))
          .whereRef("contact_emails.contact_id", "=", "contacts.id")
          .where("email", ">=", prefix)
          .where("email", "<", prefix + TOP),
      );
      const ways = [byEmail];
      if (byName.length) ways.push(eb.and(byName));
      if (/^\d+$/.test(q)) ways.push(eb.and([eb("cvr", ">=", q), eb("cvr", "<", q + TOP)]));
      return eb.or(ways);
    });
  }
  if (f.after) {
    const { nameKey, id } = f.after;
    query = query.where((eb) => eb.or([eb("name_key", ">", nameKey), eb.and([eb("name_key", "=", nameKey), eb("id", ">", id)])]));
  }
  return query
    .orderBy("name_key")
    .orderBy("id")
    .limit(f.limit + 1)
    .execute();
}

/** The surviving contacts the actor sees that have any of these addresses, with the address each was found by. */
export function contactsByEmails(db: Executor, actor: Actor, emails: readonly string[]): Promise<Array<ContactRow & { matched: string }>> {
  if (!emails.length) return Promise.resolve([]);
  return db
    .selectFrom("contact_emails")
    .innerJoin("contacts", "contacts.id", "contact_emails.contact_id")
    .selectAll("contacts")
    .select("contact_emails.email as matched")
    .where("contact_emails.email", "in", [...new Set(emails)])
    .where("contacts.merged_into", "is", null)
    .where((eb) => contactVisibleTo(actor)(eb as unknown as ExpressionBuilder<Database, "contacts">))
    .orderBy("contacts.name_key")
    .orderBy("contacts.id")
    .execute();
}

/** Points every contact merged into `from` at `to`, so a merged-away id always answers its survivor in one step. */
export async function redirectMerged(db: Executor, from: string, to: string): Promise<void> {
  await db.updateTable("contacts").set({ merged_into: to }).where("merged_into", "=", from).execute();
}

/** Drops a merged-away contact's addresses and words: it is found only through its survivor. */
export async function retireContact(db: Executor, id: string): Promise<void> {
  await db.deleteFrom("contact_emails").where("contact_id", "=", id).execute();
  await db.deleteFrom("contact_words").where("contact_id", "=", id).execute();
}
