import { sql, type Kysely } from "kysely";

// Contacts (persons and organisations) and parties: a contact in a role on a case or a document
// (features/contacts). A CPR number is kept sealed (AES-256-GCM under the archive's contact key) beside a keyed
// digest to look it up by and the masked form lists show; nobody reads it without a reveal that is audited.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("contacts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('person', 'organisation')`))
    .addColumn("name", "text", (c) => c.notNull())
    // The name folded for ordering and prefix search (lower case, NFC).
    .addColumn("name_key", "text", (c) => c.notNull())
    .addColumn("phone", "text")
    // JSON {street, postalCode, city, country}, or null.
    .addColumn("address", "text")
    .addColumn("cvr", "text")
    .addColumn("cpr_sealed", "text")
    .addColumn("cpr_digest", "text")
    .addColumn("cpr_masked", "text")
    .addColumn("note", "text", (c) => c.notNull().defaultTo(""))
    // Set when the contact was merged into another: its id then answers the survivor.
    .addColumn("merged_into", "text", (c) => c.references("contacts.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("changed_at", "text", (c) => c.notNull())
    .addColumn("revision", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("contacts_by_name").on("contacts").columns(["name_key", "id"]).execute();
  await db.schema.createIndex("contacts_cvr").on("contacts").column("cvr").execute();
  await db.schema.createIndex("contacts_cpr").on("contacts").column("cpr_digest").execute();

  await db.schema
    .createTable("contact_emails")
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("contact_id", "text", (c) => c.notNull().references("contacts.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("contact_emails_pk", ["email", "contact_id"])
    .execute();
  await db.schema.createIndex("contact_emails_contact").on("contact_emails").columns(["contact_id", "position"]).execute();

  // Words of contacts' names, for "q" (a word's start): like case_words.
  await db.schema
    .createTable("contact_words")
    .addColumn("word", "text", (c) => c.notNull())
    .addColumn("contact_id", "text", (c) => c.notNull().references("contacts.id").onDelete("cascade"))
    .addPrimaryKeyConstraint("contact_words_pk", ["word", "contact_id"])
    .execute();
  await db.schema.createIndex("contact_words_contact").on("contact_words").column("contact_id").execute();

  await db.schema
    .createTable("party_roles")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name_da", "text", (c) => c.notNull())
    .addColumn("name_en", "text", (c) => c.notNull())
    .addColumn("applies_to", "text", (c) => c.notNull().check(sql`applies_to in ('case', 'document', 'both')`))
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("position", "integer", (c) => c.notNull())
    .execute();
  const roles: [string, string, string, "case" | "document" | "both"][] = [
    ["role-ansoeger", "Ansøger", "Applicant", "case"],
    ["role-elev", "Elev", "Pupil", "case"],
    ["role-foraelder", "Forælder", "Parent", "case"],
    ["role-bestyrelsesmedlem", "Bestyrelsesmedlem", "Board member", "case"],
    ["role-leverandoer", "Leverandør", "Supplier", "case"],
    ["role-kunde", "Kunde", "Customer", "case"],
    ["role-myndighed", "Myndighed", "Authority", "both"],
    ["role-part", "Part", "Party", "both"],
    ["role-afsender", "Afsender", "Sender", "document"],
    ["role-modtager", "Modtager", "Recipient", "document"],
    ["role-kopimodtager", "Kopimodtager", "Copy recipient", "document"],
  ];
  await db
    .insertInto("party_roles")
    .values(roles.map(([id, da, en, appliesTo], position) => ({ id, name_da: da, name_en: en, applies_to: appliesTo, active: 1, position })))
    .execute();

  for (const [table, column] of [
    ["case_parties", "case_id"],
    ["document_parties", "document_id"],
  ] as const) {
    const target = column === "case_id" ? "cases.id" : "documents.id";
    await db.schema
      .createTable(table)
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn(column, "text", (c) => c.notNull().references(target).onDelete("cascade"))
      .addColumn("contact_id", "text", (c) => c.notNull().references("contacts.id"))
      .addColumn("role_id", "text", (c) => c.notNull().references("party_roles.id"))
      .addColumn("added_at", "text", (c) => c.notNull())
      .addColumn("added_by", "text", (c) => c.notNull())
      .addUniqueConstraint(`${table}_once`, [column, "contact_id", "role_id"])
      .execute();
    await db.schema.createIndex(`${table}_contact`).on(table).columns(["contact_id", "added_at", "id"]).execute();
  }

  // Who may reveal CPR numbers besides administrators: caseworkers an administrator allowed to.
  await db.schema
    .alterTable("users")
    .addColumn("cpr_access", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("cpr_access").execute();
  for (const t of ["document_parties", "case_parties", "party_roles", "contact_words", "contact_emails", "contacts"]) await db.schema.dropTable(t).execute();
}
