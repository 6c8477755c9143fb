import { Migrator, type Migration, type MigrationProvider } from "kysely";
import type { Db } from "./database.ts";
import * as archive001 from "./migrations/2026_11_27_001_archive.ts";
import * as mail002 from "./migrations/2026_11_27_002_mail_and_jobs.ts";
import * as attachments003 from "./migrations/2026_11_27_003_attachment_position.ts";
import * as caseWords004 from "./migrations/2026_11_27_004_case_words_by_case.ts";
import * as revisions from "./migrations/2026_12_01_002_revisions.ts";
import * as uploadClaims from "./migrations/2026_12_01_010_upload_claims.ts";
import * as tokenSource from "./migrations/2026_12_01_020_token_source.ts";
import * as authSessions from "./migrations/2026_12_01_030_auth_sessions.ts";
import * as jobLeases from "./migrations/2026_12_01_040_job_leases.ts";
import * as mailParts from "./migrations/2026_12_01_050_mail_parts.ts";
import * as peopleSignIn from "./migrations/2026_12_01_060_people_sign_in.ts";
import * as caseLists from "./migrations/2026_12_02_070_case_lists.ts";
import * as listingIndexes from "./migrations/2026_12_02_080_listing_indexes.ts";
import * as dashboardLayouts from "./migrations/2026_12_02_090_dashboard_layouts.ts";
import * as deviceSignIn from "./migrations/2026_12_02_100_device_sign_in.ts";
import * as contactsAndParties from "./migrations/2026_12_02_110_contacts_and_parties.ts";
import * as tasks from "./migrations/2026_12_02_120_tasks.ts";
import * as notifications from "./migrations/2026_12_02_130_notifications.ts";
import * as search from "./migrations/2026_12_02_140_search.ts";
import * as searchContent from "./migrations/2026_12_02_150_search_content.ts";
import * as savedSearches from "./migrations/2026_12_02_160_saved_searches.ts";
import * as singleSignOn from "./migrations/2026_12_03_170_single_sign_on.ts";
import * as searchRowsInCreationOrder from "./migrations/2026_12_03_180_search_rows_in_creation_order.ts";
import * as searchRowsAccess from "./migrations/2026_12_03_190_search_rows_access.ts";

// Migrations are listed here rather than read from disk, so bundling and tsx behave the same.
const migrations: Record<string, Migration> = {
  "2026_11_27_001_archive": archive001,
  "2026_11_27_002_mail_and_jobs": mail002,
  "2026_11_27_003_attachment_position": attachments003,
  "2026_11_27_004_case_words_by_case": caseWords004,
  "2026_12_01_002_revisions": revisions,
  "2026_12_01_010_upload_claims": uploadClaims,
  "2026_12_01_020_token_source": tokenSource,
  "2026_12_01_030_auth_sessions": authSessions,
  "2026_12_01_040_job_leases": jobLeases,
  "2026_12_01_050_mail_parts": mailParts,
  "2026_12_01_060_people_sign_in": peopleSignIn,
  "2026_12_02_070_case_lists": caseLists,
  "2026_12_02_080_listing_indexes": listingIndexes,
  "2026_12_02_090_dashboard_layouts": dashboardLayouts,
  "2026_12_02_100_device_sign_in": deviceSignIn,
  "2026_12_02_110_contacts_and_parties": contactsAndParties,
  "2026_12_02_120_tasks": tasks,
  "2026_12_02_130_notifications": notifications,
  "2026_12_02_140_search": search,
  "2026_12_02_150_search_content": searchContent,
  "2026_12_02_160_saved_searches": savedSearches,
  "2026_12_03_170_single_sign_on": singleSignOn,
  "2026_12_03_180_search_rows_in_creation_order": searchRowsInCreationOrder,
  "2026_12_03_190_search_rows_access": searchRowsAccess,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Db): Promise<void> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ""} failed: ${String(error)}`);
  }
}
