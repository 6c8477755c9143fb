import { z } from "zod";
import { Id, IsoDate, items, nameAField, page, pageQuery, QueryBoolean, someField, Timestamp, Title, UserRef } from "./common.ts";

// Cases (sager): create, find, change, close and reopen.

export const CaseStatus = z.enum(["active", "closed"]);

/** A case as every client sees it. */
export const CaseSummary = z.strictObject({
  id: Id,
  number: z.string(),
  title: z.string(),
  status: CaseStatus,
  startDate: z.string(),
  endDate: z.string().nullable(),
  ownerId: Id,
  responsibleId: Id.nullable(),
  templateId: Id,
  journalCode: z.string(),
  accessGroupId: Id,
  critical: z.boolean(),
  metadata: z.record(z.string(), z.unknown()),
  createdAt: Timestamp,
  createdBy: Id,
  changedAt: Timestamp,
  changedBy: Id,
  /** Changes with every change to the case; send it as If-Match so a change made meanwhile is not overwritten. */
  etag: z.string().describe("Changes with every change to the case; send it as If-Match so a change made meanwhile is not overwritten"),
});
export type CaseSummary = z.infer<typeof CaseSummary>;

/** How another object names the case it is in. */
export const CaseRef = z.strictObject({ id: Id, number: z.string(), title: z.string() });

const JournalCodeField = z.string().min(1).max(50);
const Metadata = z.record(z.string(), z.unknown());

/** POST /api/cases. */
export const NewCase = z.strictObject({
  templateId: Id,
  title: Title,
  startDate: IsoDate.optional(),
  ownerId: Id.optional(),
  responsibleId: Id.nullish(),
  journalCode: JournalCodeField.optional(),
  critical: z.boolean().optional(),
  metadata: Metadata.optional(),
});
export type NewCase = z.input<typeof NewCase>;

/** PATCH /api/cases/{id}: the fields to change. */
export const CasePatch = z
  .strictObject({
    title: Title.optional(),
    ownerId: Id.optional(),
    responsibleId: Id.nullable().optional(),
    journalCode: JournalCodeField.optional(),
    critical: z.boolean().optional(),
    metadata: Metadata.optional(),
  })
  .refine(someField, nameAField);
export type CasePatch = z.input<typeof CasePatch>;

/** POST /api/cases/{id}/close: the end date, today by default. */
export const CloseCase = z.strictObject({ endDate: IsoDate.optional() });

export const CaseParams = z.object({ id: Id });

/** How the case list is ordered: last changed first (default), case number newest first, or title A–Z. */
export const CaseSort = z.enum(["changed", "number", "title"]);
export type CaseSort = z.infer<typeof CaseSort>;

export const CaseListQuery = z.object({
  /** all, mine (owner or responsible), or recent (used lately by me, most recent first; `sort` does not apply). */
  filter: z.enum(["all", "mine", "recent"]).default("all"),
  status: CaseStatus.optional(),
  critical: QueryBoolean.optional(),
  /** Cases filed under this journal plan code or any code below it in the plan. */
  journalCode: JournalCodeField.optional(),
  templateId: Id.optional(),
  sort: CaseSort.default("changed"),
  ...pageQuery,
});
export type CaseListQuery = z.input<typeof CaseListQuery>;

/** One field of a case as a change to it left it: values as a person reads them (users by name, metadata per field). */
export const CaseFieldChange = z.strictObject({ field: z.string(), from: z.string().nullable(), to: z.string().nullable() });

/** One event in a case's history, from the audit log: what changed, who did it (by name), when. */
export const CaseHistoryEntry = z.strictObject({
  seq: z.number().int(),
  at: Timestamp,
  action: z.enum(["create", "update", "close", "reopen"]),
  actor: UserRef.nullable(),
  changes: z.array(CaseFieldChange),
});
export type CaseHistoryEntry = z.infer<typeof CaseHistoryEntry>;

export const CaseHistoryQuery = z.object({ ...pageQuery });
export const CaseHistoryPage = page(CaseHistoryEntry);

export const CaseSuggestQuery = z.object({ q: z.string().max(200).default(""), limit: z.coerce.number().int().min(1).max(50).default(10) });

export const CasePage = page(CaseSummary);
export const CaseSuggestions = items(CaseSummary);
