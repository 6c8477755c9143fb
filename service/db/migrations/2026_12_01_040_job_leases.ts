import type { Kysely } from "kysely";

// A job is claimed with a lease before it runs: the claim sets who holds it and until when, in the same
// statement that checks nobody else does, so two workers never run one job at once; a crashed worker's
// lease runs out and the job is taken again. State stays 'pending' while leased (the CHECK stays as it is).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("jobs").addColumn("lease_owner", "text").execute();
  await db.schema.alterTable("jobs").addColumn("lease_until", "text").execute();
  // The claim looks for due pending jobs in run_after order and checks their lease.
  await db.schema.createIndex("jobs_claimable").on("jobs").columns(["state", "run_after", "lease_until"]).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("jobs_claimable").execute();
  await db.schema.alterTable("jobs").dropColumn("lease_until").execute();
  await db.schema.alterTable("jobs").dropColumn("lease_owner").execute();
}
