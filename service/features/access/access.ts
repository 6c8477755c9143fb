import { sql, type ExpressionBuilder, type Expression, type RawBuilder, type SqlBool } from "kysely";
import type { ErrorRequestHandler } from "express";
import type { Database, Db, Executor } from "../../db/database.ts";
import { inValues, withoutIndex } from "../../db/dialect.ts";
import type { CaseRow } from "../cases/cases.table.ts";
import type { DocumentRow } from "../documents/documents.table.ts";
import { notFound, Problem } from "../../http/problem.ts";
import { recordAudit, type AuditEntry } from "../audit/audit.service.ts";
import { isAdmin, type Actor } from "./actor.ts";

// The one place that decides who sees what. Every query for cases and documents — listings, suggest,
// get, content, versions, attachments, comments, references, audit — goes through these scopes, and the
// rows they return are branded so the repositories below can only be reached with a row the actor may see.
// What someone who sees an object may change is policy.ts's to say.

declare const visible: unique symbol;
/** A row the actor has been shown to be allowed to see. Only this module creates them. */
export type Visible<T> = T & { readonly [visible]: true };

const never = sql<SqlBool>`1 = 0`;

// Used on the cases and documents tables alike, whose column references Kysely types apart.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function inGroups(column: any, actor: Actor, eb: ExpressionBuilder<any, any>): Expression<SqlBool> {
  return actor.accessGroupIds.length ? eb(column, "in", actor.accessGroupIds) : never;
}

/** Cases: members of the case's access group, plus its owner and responsible. Admins see all. */
export function caseVisibleTo(actor: Actor, options: CaseScopeOptions = {}) {
  return (eb: ExpressionBuilder<Database, "cases">): Expression<SqlBool> => {
    if (isAdmin(actor)) return sql<SqlBool>`1 = 1`;
    const col = (c: "access_group_id" | "owner_id" | "responsible_id") => (options.checkPerRow ? withoutIndex(`cases.${c}`) : sql.ref(`cases.${c}`));
    return eb.or([
      actor.accessGroupIds.length ? eb(col("access_group_id"), "in", actor.accessGroupIds) : never,
      eb(col("owner_id"), "=", actor.userId),
      eb(col("responsible_id"), "=", actor.userId),
    ]);
  };
}

export interface CaseScopeOptions {
  /**
   * Check visibility row by row instead of collecting every visible case through the access indexes:
   * right when the query walks another index in order and stops early (suggest by case number).
   */
  checkPerRow?: boolean;
}

/**
 * Documents: a filed document follows its case, and its own access group (when it names one) narrows
 * that further; a floating document is visible to its owner and its access group.
 */
export function documentVisibleTo(actor: Actor) {
  return (eb: ExpressionBuilder<Database, "documents">): Expression<SqlBool> => {
    if (isAdmin(actor)) return sql<SqlBool>`1 = 1`;
    const ownGroup = eb.or([eb("documents.access_group_id", "is", null), inGroups("documents.access_group_id", actor, eb)]);
    return eb.or([
      eb.and([eb("documents.case_id", "is", null), eb.or([eb("documents.owner_id", "=", actor.userId), inGroups("documents.access_group_id", actor, eb)])]),
      eb.and([
        eb("documents.case_id", "is not", null),
        ownGroup,
        eb.exists(
          eb
            .selectFrom("cases")
            .select(sql`1`.as("one"))
            .whereRef("cases.id", "=", "documents.case_id")
            .where((ceb) => caseVisibleTo(actor)(ceb as unknown as ExpressionBuilder<Database, "cases">)),
        ),
      ]),
    ]);
  };
}

/**
 * A case's or a document's row in the search index (search_rows), by the copy of its access fields that
 * triggers keep equal to the live rows in the same transaction (migration 190): the rules of caseVisibleTo and
 * documentVisibleTo on one row, so a search checks each match where it reads it. Not for tasks or contacts.
 * Plain SQL, as the search's hot path is written (its groups bound as one parameter, so its text is the same for everyone).
 */
export function searchRowVisibleTo(db: Executor, actor: Actor): RawBuilder<SqlBool> {
  if (isAdmin(actor)) return sql<SqlBool>`1 = 1`;
  const inGroups = (column: string) => inValues(db, column, actor.accessGroupIds);
  return sql<SqlBool>`((search_rows.own_group_id IS NULL OR ${inGroups("search_rows.own_group_id")})
    AND (${inGroups("search_rows.access_group_id")} OR search_rows.owner_id = ${actor.userId} OR search_rows.responsible_id = ${actor.userId}))`;
}

export const scopedCases = (db: Executor, actor: Actor, options?: CaseScopeOptions) => db.selectFrom("cases").where(caseVisibleTo(actor, options));
export const scopedDocuments = (db: Executor, actor: Actor) => db.selectFrom("documents").where(documentVisibleTo(actor));

/**
 * A refusal answered like a missing object (404). Met inside a transaction, its audit row would be rolled
 * back with everything else, so it is left to `auditRefusalsAfterRollback` to record once the transaction is gone.
 */
export class AccessRefused extends Problem {
  constructor(
    what: string,
    readonly entry: AuditEntry,
    public recorded: boolean,
  ) {
    super(404, "not_found", `${what} was not found.`);
  }
}

/** Refusals are answered exactly like missing objects (404) but recorded in the audit log. */
async function refuse(db: Executor, actor: Actor, objectType: string, id: string, exists: boolean): Promise<never> {
  const what = objectType === "case" ? "The case" : "The document";
  if (!exists) throw notFound(what);
  const entry: AuditEntry = { actor, action: "access.refused", objectType, objectId: id, details: {} };
  if (db.isTransaction) throw new AccessRefused(what, entry, false);
  await recordAudit(db, entry);
  throw new AccessRefused(what, entry, true);
}

/** Error middleware: records the refusals a rolled-back transaction took with it (also when wrapped as another error's cause). */
export function auditRefusalsAfterRollback(db: Db): ErrorRequestHandler {
  return (err, _req, _res, next) => {
    let refusal: unknown = err;
    while (refusal && !(refusal instanceof AccessRefused)) refusal = (refusal as { cause?: unknown }).cause;
    if (!(refusal instanceof AccessRefused) || refusal.recorded) return next(err);
    refusal.recorded = true;
    recordAudit(db, refusal.entry).then(() => next(err), next);
  };
}

export async function requireVisibleCase(db: Executor, actor: Actor, id: string): Promise<Visible<CaseRow>> {
  const row = await scopedCases(db, actor).selectAll().where("cases.id", "=", id).executeTakeFirst();
  if (row) return row as Visible<CaseRow>;
  const exists = await db.selectFrom("cases").select("id").where("id", "=", id).executeTakeFirst();
  return refuse(db, actor, "case", id, Boolean(exists));
}

export async function requireVisibleDocument(db: Executor, actor: Actor, id: string): Promise<Visible<DocumentRow>> {
  const row = await scopedDocuments(db, actor).selectAll().where("documents.id", "=", id).executeTakeFirst();
  if (row) return row as Visible<DocumentRow>;
  const exists = await db.selectFrom("documents").select("id").where("id", "=", id).executeTakeFirst();
  return refuse(db, actor, "document", id, Boolean(exists));
}

/** Loads the access groups a user belongs to, directly or through a group. */
export async function accessGroupsOf(db: Executor, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("access_group_members")
    .select("access_group_id")
    .where((eb) =>
      eb.or([
        eb.and([eb("member_type", "=", "user"), eb("member_id", "=", userId)]),
        eb.and([eb("member_type", "=", "group"), eb("member_id", "in", eb.selectFrom("group_members").select("group_id").where("user_id", "=", userId))]),
      ]),
    )
    .distinct()
    .execute();
  return rows.map((r) => r.access_group_id);
}
