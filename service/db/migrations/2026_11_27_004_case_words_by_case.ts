import type { Kysely } from "kysely";

// Suggest checks "does this case have a word starting with …" per case: (case_id, word) answers that from
// the index alone.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("case_words_case").execute();
  await db.schema.createIndex("case_words_case_word").on("case_words").columns(["case_id", "word"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("case_words_case_word").execute();
  await db.schema.createIndex("case_words_case").on("case_words").column("case_id").execute();
}
