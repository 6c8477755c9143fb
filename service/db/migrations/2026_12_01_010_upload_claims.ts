import type { Kysely } from "kysely";

// A finished upload is claimed by one save at a time: the claim is taken atomically before the content is
// read and given back if the save fails; claims older than a running request can be are taken over.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("uploads").addColumn("claimed_at", "text").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("uploads").dropColumn("claimed_at").execute();
}
