import type { AppContext } from "../../context.ts";
import { route } from "../../http/route.ts";
import { listJournalPlan } from "../journal-plan/journal-plan.service.ts";
import { listDocumentTypes, listRetentionRules } from "../retention/retention.service.ts";
import { retentionRuleView } from "../retention/retention.ts";
import { listTemplates } from "../templates/templates.service.ts";
import {
  AdminDocumentTypes,
  AdminJournalPlan,
  AdminRetentionRules,
  AdminTemplates,
  DocumentTypeChanged,
  DocumentTypePatch,
  JournalPlanImported,
  JournalCodeParams,
  JournalEntryPatch,
  NewDocumentType,
  NewJournalEntry,
  NewRetentionRule,
  NewTemplate,
  RetentionRulePatch,
  RetentionRuleChanged,
  TemplatePatch,
} from "../../../shared/api/schemas/admin.ts";
import { IdParams } from "../../../shared/api/schemas/common.ts";
import { CaseTemplate, DocumentType, JournalPlanEntry, RetentionRule } from "../../../shared/api/schemas/reference.ts";
import { csvUpload } from "./csv-upload.ts";
import { addDocumentType, addRetentionRule, addTemplate, updateDocumentType, updateRetentionRule, updateTemplate } from "./filing-rules.service.ts";
import { addJournalEntry, updateJournalEntry } from "./journal-plan-admin.service.ts";
import { importJournalPlan, readJournalPlanCsv } from "./journal-plan-import.ts";

const MAX_PLAN_BYTES = 10 * 1024 * 1024;

const refused = { 403: { description: "Not an administrator (`admin_only`)" } };
const notFound = { 404: { description: "Not found" } };
const conflict = { 409: { description: "The name or code is taken" } };
const unprocessable = { 422: { description: "Refused: a reference does not exist, or the rule is incomplete" } };

/** Retention rules, document types, case templates and the journal plan. Admins only. */
export function filingRuleRoutes(ctx: AppContext) {
  const { db } = ctx;
  return [
    route({
      method: "get",
      path: "/api/admin/retention-rules",
      tag: "admin",
      summary: "Retention rules (kassationsregler), in words too",
      auth: "admin",
      responses: { 200: { description: "Rules", schema: AdminRetentionRules }, ...refused },
      handle: async () => ({ items: (await listRetentionRules(db)).map(retentionRuleView) }),
    }),
    route({
      method: "post",
      path: "/api/admin/retention-rules",
      tag: "admin",
      summary: "Create a retention rule",
      auth: "admin",
      body: NewRetentionRule,
      responses: { 201: { description: "The new rule", schema: RetentionRule }, ...refused, ...conflict, ...unprocessable },
      handle: ({ actor, body }) => addRetentionRule(db, actor, body),
    }),
    route({
      method: "patch",
      path: "/api/admin/retention-rules/:id",
      tag: "admin",
      summary: "Change a retention rule; a new kind or number of years recomputes the disposal date of every document under it",
      auth: "admin",
      params: IdParams,
      body: RetentionRulePatch,
      responses: {
        200: { description: "The rule, with how many documents changed", schema: RetentionRuleChanged },
        ...refused,
        ...notFound,
        ...conflict,
        ...unprocessable,
      },
      handle: ({ actor, params, body }) => updateRetentionRule(db, actor, params.id, body),
    }),
    route({
      method: "get",
      path: "/api/admin/document-types",
      tag: "admin",
      summary: "Document types, including those no longer in use",
      auth: "admin",
      responses: { 200: { description: "Document types", schema: AdminDocumentTypes }, ...refused },
      handle: async () => ({ items: await listDocumentTypes(db) }),
    }),
    route({
      method: "post",
      path: "/api/admin/document-types",
      tag: "admin",
      summary: "Create a document type",
      auth: "admin",
      body: NewDocumentType,
      responses: { 201: { description: "The new document type", schema: DocumentType }, ...refused, ...conflict, ...unprocessable },
      handle: ({ actor, body }) => addDocumentType(db, actor, body),
    }),
    route({
      method: "patch",
      path: "/api/admin/document-types/:id",
      tag: "admin",
      summary: "Change a document type; a new category or retention rule is carried through to its documents",
      auth: "admin",
      params: IdParams,
      body: DocumentTypePatch,
      responses: {
        200: { description: "The document type, with how many documents changed", schema: DocumentTypeChanged },
        ...refused,
        ...notFound,
        ...conflict,
        ...unprocessable,
      },
      handle: ({ actor, params, body }) => updateDocumentType(db, actor, params.id, body),
    }),
    route({
      method: "get",
      path: "/api/admin/templates",
      tag: "admin",
      summary: "Case templates, including those no longer in use",
      auth: "admin",
      responses: { 200: { description: "Templates", schema: AdminTemplates }, ...refused },
      handle: async () => ({ items: await listTemplates(db, true) }),
    }),
    route({
      method: "post",
      path: "/api/admin/templates",
      tag: "admin",
      summary: "Create a case template",
      auth: "admin",
      body: NewTemplate,
      responses: { 201: { description: "The new template", schema: CaseTemplate }, ...refused, ...conflict, ...unprocessable },
      handle: ({ actor, body }) => addTemplate(db, actor, body),
    }),
    route({
      method: "patch",
      path: "/api/admin/templates/:id",
      tag: "admin",
      summary: "Change a case template; existing cases keep their access group and journal code",
      auth: "admin",
      params: IdParams,
      body: TemplatePatch,
      responses: { 200: { description: "The template", schema: CaseTemplate }, ...refused, ...notFound, ...conflict, ...unprocessable },
      handle: ({ actor, params, body }) => updateTemplate(db, actor, params.id, body),
    }),
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
