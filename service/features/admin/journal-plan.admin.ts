import type { AppContext } from "../../context.ts";
import { csvUpload } from "../../http/csv-upload.ts";
import { route } from "../../http/route.ts";
import { importJournalPlan, readJournalPlanCsv } from "../journal-plan/journal-plan-import.ts";
import { addJournalEntry, listJournalPlan, updateJournalEntry } from "../journal-plan/journal-plan.service.ts";
import { AdminJournalPlan, JournalCodeParams, JournalEntryPatch, JournalPlanImported, NewJournalEntry } from "../../../shared/api/schemas/admin.ts";
import { JournalPlanEntry } from "../../../shared/api/schemas/reference.ts";
import { conflict, notFound, refused } from "./responses.ts";

const MAX_PLAN_BYTES = 10 * 1024 * 1024;

/** The journal plan (arkivplan), by hand or imported from CSV. Admins only. */
export function journalPlanRoutes(ctx: AppContext) {
  const { db } = ctx;
  return [
    route({
      method: "get",
      path: "/api/admin/journal-plan",
      tag: "admin",
      summary: "The whole journal plan, retired codes included",
      auth: "admin",
      responses: { 200: { description: "Plan entries", schema: AdminJournalPlan }, ...refused },
      handle: async () => ({ items: await listJournalPlan(db, true) }),
    }),
    route({
      method: "post",
      path: "/api/admin/journal-plan",
      tag: "admin",
      summary: "Add a journal plan code; its parent is derived from the codes above it",
      auth: "admin",
      body: NewJournalEntry,
      responses: { 201: { description: "The new entry", schema: JournalPlanEntry }, ...refused, ...conflict },
      handle: ({ actor, body }) => addJournalEntry(db, actor, body),
    }),
    route({
      method: "post",
      path: "/api/admin/journal-plan/import",
      tag: "admin",
      summary: "Import a journal plan from CSV (code;title[;created_on;retired_on]); all rows or none",
      auth: "admin",
      rawBody: {
        contentType: "text/csv",
        description:
          "UTF-8 (a BOM is fine), ';' or ',' separated, optional header row. Dates as 2024-01-31 or 31-01-2024; an empty retired_on un-retires. " +
          "Alternatively multipart/form-data with the file in a part named 'file'.",
        schema: { type: "string" },
      },
      responses: {
        200: { description: "Counts: inserted, updated, unchanged, relinked", schema: JournalPlanImported },
        ...refused,
        413: { description: "Larger than 10 MB" },
        415: { description: "Neither CSV nor multipart, or not UTF-8" },
        422: { description: "A row is wrong (line numbers in 'errors'); nothing was imported" },
      },
      async handle({ actor, req }) {
        const upload = await csvUpload(req, MAX_PLAN_BYTES);
        try {
          const rows = await readJournalPlanCsv(upload.source, MAX_PLAN_BYTES);
          return await importJournalPlan(db, actor, rows, { filename: upload.filename });
        } catch (err) {
          upload.discard();
          throw err;
        }
      },
    }),
    route({
      method: "patch",
      path: "/api/admin/journal-plan/:code",
      tag: "admin",
      summary: "Rename a journal plan code, retire it from a date (retiredOn) or un-retire it (retiredOn: null)",
      auth: "admin",
      params: JournalCodeParams,
      body: JournalEntryPatch,
      responses: { 200: { description: "The entry", schema: JournalPlanEntry }, ...refused, ...notFound, 422: { description: "Retired before created" } },
      handle: ({ actor, params, body }) => updateJournalEntry(db, actor, params.code, body),
    }),
  ];
}
