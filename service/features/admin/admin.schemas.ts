import { z } from "zod";
import { pageQuery } from "../../http/pagination.ts";
import { MetadataField } from "../templates/metadata-fields.ts";

// What the administration API accepts. Each schema validates at the edge and describes the route in
// the OpenAPI document; unknown fields are refused so a typo is never silently ignored.

const Id = z.string().min(1).max(100);
const Ids = z.array(Id).max(10_000);
const Name = z.string().trim().min(1).max(200);
const isoDate = z.iso.date();
const someField = (o: object) => Object.keys(o).length > 0;
const nameAField = "name at least one field to change";

export const IdParams = z.object({ id: Id });
export const TokenParams = z.object({ id: Id, tokenId: Id });
export const JournalCodeParams = z.object({ code: z.string().min(1).max(50) });

export const Role = z.enum(["admin", "caseworker", "external"]);

export const UserListQuery = z.object({
  role: Role.optional(),
  active: z.enum(["true", "false"]).optional(),
  ...pageQuery,
});

export const NewUser = z.strictObject({
  email: z.email().max(320),
  name: Name,
  role: Role,
});

export const UserPatch = z
  .strictObject({ name: Name.optional(), role: Role.optional(), active: z.boolean().optional() })
  .refine(someField, nameAField);

export const NewToken = z.strictObject({ label: z.string().trim().min(1).max(100) });

export const NewGroup = z.strictObject({ name: Name, memberIds: Ids.default([]) });
export const GroupPatch = z.strictObject({ name: Name });
export const GroupMembers = z.strictObject({ userIds: Ids });

export const NewAccessGroup = z.strictObject({
  name: Name,
  description: z.string().trim().max(2000).default(""),
  userIds: Ids.default([]),
  groupIds: Ids.default([]),
});
export const AccessGroupPatch = z
  .strictObject({ name: Name.optional(), description: z.string().trim().max(2000).optional() })
  .refine(someField, nameAField);
export const AccessGroupMembers = z.strictObject({ userIds: Ids.default([]), groupIds: Ids.default([]) });

const RetentionKind = z.enum(["permanent", "after_case_closed", "after_document_created", "review"]);
const Years = z.number().int().min(0).max(1000);

export const NewRetentionRule = z.strictObject({ name: Name, kind: RetentionKind, years: Years.nullish() });
export const RetentionRulePatch = z
  .strictObject({ name: Name.optional(), kind: RetentionKind.optional(), years: Years.nullable().optional() })
  .refine(someField, nameAField);

export const NewDocumentType = z.strictObject({
  name: Name,
  category: Name,
  retentionRuleId: Id,
  accessGroupId: Id.nullish(),
});
export const DocumentTypePatch = z
  .strictObject({
    name: Name.optional(),
    category: Name.optional(),
    retentionRuleId: Id.optional(),
    accessGroupId: Id.nullable().optional(),
    active: z.boolean().optional(),
  })
  .refine(someField, nameAField);

/** A template's custom fields: distinct names, and options exactly on choice fields. */
export const TemplateFields = z
  .array(MetadataField)
  .max(100)
  .superRefine((fields, ctx) => {
    const seen = new Set<string>();
    fields.forEach((f, i) => {
      if (seen.has(f.name)) ctx.addIssue({ code: "custom", path: [i, "name"], message: `the field name "${f.name}" is used twice` });
      seen.add(f.name);
      if (f.type === "choice" && !f.options?.length) ctx.addIssue({ code: "custom", path: [i, "options"], message: "a choice field needs at least one option" });
      if (f.type !== "choice" && f.options) ctx.addIssue({ code: "custom", path: [i, "options"], message: "only choice fields have options" });
    });
  });

export const NewTemplate = z.strictObject({
  name: Name,
  accessGroupId: Id,
  journalCode: z.string().min(1).max(50),
  fields: TemplateFields.default([]),
  documentTypeIds: Ids.default([]),
});
export const TemplatePatch = z
  .strictObject({
    name: Name.optional(),
    accessGroupId: Id.optional(),
    journalCode: z.string().min(1).max(50).optional(),
    fields: TemplateFields.optional(),
    documentTypeIds: Ids.optional(),
    active: z.boolean().optional(),
  })
  .refine(someField, nameAField);

/** Journal plan codes are KLE style: groups of digits separated by dots, e.g. 00.01.00. */
export const JOURNAL_CODE = /^\d{1,6}(\.\d{1,6}){0,7}$/;
export const JournalCode = z.string().regex(JOURNAL_CODE, "a journal plan code is groups of digits separated by dots, e.g. 00.01.00");
export const JournalTitle = z.string().trim().min(1).max(500);

export const NewJournalEntry = z
  .strictObject({ code: JournalCode, title: JournalTitle, createdOn: isoDate.optional(), retiredOn: isoDate.nullish() })
  .refine((e) => !e.retiredOn || !e.createdOn || e.retiredOn >= e.createdOn, { message: "retiredOn is before createdOn", path: ["retiredOn"] });
export const JournalEntryPatch = z
  .strictObject({ title: JournalTitle.optional(), retiredOn: isoDate.nullable().optional() })
  .refine(someField, nameAField);
