import { sql, type Kysely } from "kysely";

// The case list's filters and sorts (features/cases/case-list.repository.ts): a selective filter (critical,
// a template, a journal plan code) leads an index that keeps the changed order after it; the title order
// has its own index, case-insensitive (lower() is in every SQL engine), ties by id.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("cases_critical_changed").on("cases").columns(["critical", "changed_at", "id"]).execute();
  await db.schema.createIndex("cases_template_changed").on("cases").columns(["template_id", "changed_at", "id"]).execute();
  await db.schema.createIndex("cases_journal_changed").on("cases").columns(["journal_code", "changed_at", "id"]).execute();
  await db.schema
    .createIndex("cases_title")
    .on("cases")
    .expression(sql`lower(title), id`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ["cases_title", "cases_journal_changed", "cases_template_changed", "cases_critical_changed"]) {
    await db.schema.dropIndex(index).execute();
  }
}
