import { z } from "zod";
import { Id, items, NamedRef, QueryBoolean } from "./common.ts";

// Reference data every client needs for the save flow: the signed-in user, case templates, document types,
// retention rules, the journal plan and access groups.

export const Role = z.enum(["admin", "caseworker", "external"]);
export type Role = z.infer<typeof Role>;

/** GET /api/me: the signed-in user. */
export const Me = z.strictObject({
  id: Id,
  name: z.string(),
  email: z.string(),
  role: Role,
  groups: z.array(NamedRef),
  accessGroupIds: z.array(Id),
  /** Whether I may reveal a contact's full CPR number (administrators, and caseworkers allowed to). */
  cprAccess: z.boolean(),
});
export type Me = z.infer<typeof Me>;

export const RetentionKind = z.enum(["permanent", "after_case_closed", "after_document_created", "review"]);
export type RetentionKind = z.infer<typeof RetentionKind>;

/** A retention rule (kassationsregel) with the rule in words, Danish and English. */
export const RetentionRule = z.strictObject({
  id: Id,
  name: z.string(),
  kind: RetentionKind,
  years: z.number().int().nullable(),
  da: z.string(),
  en: z.string(),
});
export type RetentionRule = z.infer<typeof RetentionRule>;

export const DocumentType = z.strictObject({
  id: Id,
  name: z.string(),
  category: z.string(),
  accessGroupId: Id.nullable(),
  active: z.boolean(),
  retention: RetentionRule,
});
export type DocumentType = z.infer<typeof DocumentType>;

/** A custom metadata field a case template defines. */
export const MetadataField = z.object({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,62}$/, "use letters, digits and _ (start with a letter)"),
  label: z.string().min(1).max(200),
  type: z.enum(["text", "number", "date", "boolean", "choice"]),
  required: z.boolean().default(false),
  options: z.array(z.string().min(1)).optional(),
});
export type MetadataField = z.output<typeof MetadataField>;

export const CaseTemplate = z.strictObject({
  id: Id,
  name: z.string(),
  accessGroupId: Id,
  journalCode: z.string(),
  fields: z.array(MetadataField),
  documentTypeIds: z.array(Id),
  active: z.boolean(),
});
export type CaseTemplate = z.output<typeof CaseTemplate>;

/** An access group (adgangsgruppe), and whether the signed-in user is in it. */
export const AccessGroup = z.strictObject({ id: Id, name: z.string(), description: z.string(), member: z.boolean() });
export type AccessGroup = z.infer<typeof AccessGroup>;

/** A journal plan (arkivplan) code, KLE style. */
export const JournalPlanEntry = z.strictObject({
  code: z.string(),
  title: z.string(),
  parentCode: z.string().nullable(),
  createdOn: z.string(),
  retiredOn: z.string().nullable(),
});
export type JournalPlanEntry = z.infer<typeof JournalPlanEntry>;

export const DocumentTypesQuery = z.object({ templateId: z.string().optional() });
export const JournalPlanQuery = z.object({ includeRetired: QueryBoolean.default("false") });

export const Templates = items(CaseTemplate);
export const DocumentTypes = items(DocumentType);
export const RetentionRules = items(RetentionRule);
export const JournalPlan = items(JournalPlanEntry);
export const AccessGroups = items(AccessGroup);
