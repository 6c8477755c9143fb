import { z } from "zod";
import { Id, Ids, IsoDate, items, Name, nameAField, NamedRef, page, pageQuery, PersonRef, QueryBoolean, someField, Timestamp } from "./common.ts";
import { CaseTemplate, DocumentType, JournalPlanEntry, MetadataField, RetentionKind, RetentionRule, Role } from "./reference.ts";

// What the administration API accepts and answers. Administrators only.

export const TokenParams = z.object({ id: Id, tokenId: Id });
export const JournalCodeParams = z.object({ code: z.string().min(1).max(50) });

// ---- users and tokens

export const UserListQuery = z.object({ role: Role.optional(), active: QueryBoolean.optional(), ...pageQuery });
export const NewUser = z.strictObject({ email: z.email().max(320), name: Name, role: Role });
export type NewUser = z.input<typeof NewUser>;
export const UserPatch = z
  .strictObject({
    name: Name.optional(),
    role: Role.optional(),
    active: z.boolean().optional(),
    /** Whether a caseworker may reveal CPR numbers (administrators always may; external partners never). */
    cprAccess: z.boolean().optional(),
  })
  .refine(someField, nameAField);
export type UserPatch = z.input<typeof UserPatch>;
export const NewToken = z.strictObject({ label: z.string().trim().min(1).max(100) });

export const User = z.strictObject({ id: Id, email: z.string(), name: z.string(), role: Role, active: z.boolean(), createdAt: Timestamp });
export type User = z.infer<typeof User>;
/** A user with their groups and the access groups those give them. */
export const UserDetails = User.extend({ groups: z.array(NamedRef), accessGroups: z.array(NamedRef), cprAccess: z.boolean() });
export type UserDetails = z.infer<typeof UserDetails>;
export const UserPage = page(User);

export const ApiToken = z.strictObject({ id: Id, label: z.string(), createdAt: Timestamp, lastUsedAt: Timestamp.nullable(), revokedAt: Timestamp.nullable() });
export type ApiToken = z.infer<typeof ApiToken>;
/** An issued token: the secret is in this answer only. */
/** An account at an identity provider that signs in as the user (issuer + subject; the address only to recognise it). */
export const UserIdentity = z.strictObject({
  id: Id,
  provider: z.enum(["microsoft", "google", "other"]),
  issuer: z.string(),
  subject: z.string(),
  email: z.string().nullable(),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
});
export type UserIdentity = z.infer<typeof UserIdentity>;
export const UserIdentities = items(UserIdentity);
const Guid = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, "a GUID such as 00000000-0000-0000-0000-000000000000");
/** A Microsoft Entra account an administrator links to a user: the tenant id and the user's object id, both from the Entra admin center. */
export const NewUserIdentity = z.strictObject({ provider: z.literal("microsoft"), tenantId: Guid, objectId: Guid });
export type NewUserIdentity = z.input<typeof NewUserIdentity>;
export const IdentityParams = z.object({ id: Id, identityId: Id });
export const IssuedToken = ApiToken.extend({ userId: Id, token: z.string() });
export type IssuedToken = z.infer<typeof IssuedToken>;
export const ApiTokens = items(ApiToken);

// ---- groups and access groups

export const NewGroup = z.strictObject({ name: Name, memberIds: Ids.default([]) });
export const GroupPatch = z.strictObject({ name: Name });
export const GroupMembers = z.strictObject({ userIds: Ids });
export const Group = z.strictObject({ id: Id, name: z.string(), members: z.array(PersonRef) });
export type Group = z.infer<typeof Group>;
export const Groups = items(Group);

export const NewAccessGroup = z.strictObject({
  name: Name,
  description: z.string().trim().max(2000).default(""),
  userIds: Ids.default([]),
  groupIds: Ids.default([]),
});
export const AccessGroupPatch = z.strictObject({ name: Name.optional(), description: z.string().trim().max(2000).optional() }).refine(someField, nameAField);
export const AccessGroupMembers = z.strictObject({ userIds: Ids.default([]), groupIds: Ids.default([]) });
export type AccessGroupMembers = z.output<typeof AccessGroupMembers>;
export const AdminAccessGroup = z.strictObject({
  id: Id,
  name: z.string(),
  description: z.string(),
  members: z.strictObject({ users: z.array(PersonRef), groups: z.array(NamedRef) }),
});
export type AdminAccessGroup = z.infer<typeof AdminAccessGroup>;
export const AdminAccessGroups = items(AdminAccessGroup);

// ---- retention rules, document types, templates

const Years = z.number().int().min(0).max(1000);
export const NewRetentionRule = z.strictObject({ name: Name, kind: RetentionKind, years: Years.nullish() });
export type NewRetentionRule = z.input<typeof NewRetentionRule>;
export const RetentionRulePatch = z
  .strictObject({ name: Name.optional(), kind: RetentionKind.optional(), years: Years.nullable().optional() })
  .refine(someField, nameAField);
export type RetentionRulePatch = z.input<typeof RetentionRulePatch>;

/** How many documents a change to a rule or type was carried through to. */
const documentsUpdated = { documentsUpdated: z.number().int() };
export const RetentionRuleChanged = RetentionRule.extend(documentsUpdated);
export const DocumentTypeChanged = DocumentType.extend(documentsUpdated);

export const NewDocumentType = z.strictObject({ name: Name, category: Name, retentionRuleId: Id, accessGroupId: Id.nullish() });
export type NewDocumentType = z.input<typeof NewDocumentType>;
export const DocumentTypePatch = z
  .strictObject({
    name: Name.optional(),
    category: Name.optional(),
    retentionRuleId: Id.optional(),
    accessGroupId: Id.nullable().optional(),
    active: z.boolean().optional(),
  })
  .refine(someField, nameAField);
export type DocumentTypePatch = z.input<typeof DocumentTypePatch>;

/** A template's custom fields: distinct names, and options exactly on choice fields. */
export const TemplateFields = z
  .array(MetadataField)
  .max(100)
  .superRefine((fields, ctx) => {
    const seen = new Set<string>();
    fields.forEach((f, i) => {
      if (seen.has(f.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `the field name "${f.name}" is used twice` });
      seen.add(f.name);
      if (f.type === "choice" && !f.options?.length)
        ctx.addIssue({ code: "custom", path: [i, "options"], message: "a choice field needs at least one option" });
      if (f.type !== "choice" && f.options) ctx.addIssue({ code: "custom", path: [i, "options"], message: "only choice fields have options" });
    });
  });

const JournalCodeField = z.string().min(1).max(50);
export const NewTemplate = z.strictObject({
  name: Name,
  accessGroupId: Id,
  journalCode: JournalCodeField,
  fields: TemplateFields.default([]),
  documentTypeIds: Ids.default([]),
});
export type NewTemplate = z.output<typeof NewTemplate>;
export const TemplatePatch = z
  .strictObject({
    name: Name.optional(),
    accessGroupId: Id.optional(),
    journalCode: JournalCodeField.optional(),
    fields: TemplateFields.optional(),
    documentTypeIds: Ids.optional(),
    active: z.boolean().optional(),
  })
  .refine(someField, nameAField);
export type TemplatePatch = z.output<typeof TemplatePatch>;

export const AdminRetentionRules = items(RetentionRule);
export const AdminDocumentTypes = items(DocumentType);
export const AdminTemplates = items(CaseTemplate);

// ---- the journal plan

/** Journal plan codes are KLE style: groups of digits separated by dots, e.g. 00.01.00. */
export const JOURNAL_CODE = /^\d{1,6}(\.\d{1,6}){0,7}$/;
export const JournalCode = z.string().regex(JOURNAL_CODE, "a journal plan code is groups of digits separated by dots, e.g. 00.01.00");
export const JournalTitle = z.string().trim().min(1).max(500);

export const NewJournalEntry = z
  .strictObject({ code: JournalCode, title: JournalTitle, createdOn: IsoDate.optional(), retiredOn: IsoDate.nullish() })
  .refine((e) => !e.retiredOn || !e.createdOn || e.retiredOn >= e.createdOn, { message: "retiredOn is before createdOn", path: ["retiredOn"] });
export type NewJournalEntry = z.input<typeof NewJournalEntry>;
export const JournalEntryPatch = z.strictObject({ title: JournalTitle.optional(), retiredOn: IsoDate.nullable().optional() }).refine(someField, nameAField);
export type JournalEntryPatch = z.input<typeof JournalEntryPatch>;

export const AdminJournalPlan = items(JournalPlanEntry);
/** POST /api/admin/journal-plan/import: what the file did. */
export const JournalPlanImported = z.strictObject({
  inserted: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  relinked: z.number().int().describe("Existing entries whose parent changed because the file added a level above them"),
});
export type JournalPlanImported = z.infer<typeof JournalPlanImported>;
