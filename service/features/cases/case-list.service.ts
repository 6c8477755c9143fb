import type { z } from "zod";
import type { CaseListQuery } from "../../../shared/api/schemas/cases.ts";
import type { Page } from "../../../shared/api/schemas/common.ts";
import type { Executor } from "../../db/database.ts";
import { decodeCursor, toPage } from "../../http/pagination.ts";
import { badRequest } from "../../http/problem.ts";
import type { Actor } from "../access/actor.ts";
import { listJournalPlan } from "../journal-plan/journal-plan.service.ts";
import { listCases, listRecentCases, type CaseListAfter, type CaseListFilter, type CaseOrder, type ListedCase } from "./case-list.repository.ts";
import { toCaseView, type CaseView } from "./cases.service.ts";

/** GET /api/cases as validated. */
export type CaseListRequest = z.output<typeof CaseListQuery>;

/**
 * The codes a journal plan filter covers: the code and every code below it in the plan (by each entry's
 * parent, since a KLE group's subjects need not share its prefix: 17.00.00 holds 17.01.00).
 */
export async function journalSubtree(db: Executor, code: string): Promise<string[]> {
  const plan = await listJournalPlan(db, true);
  const children = new Map<string, string[]>();
  for (const e of plan) if (e.parentCode) children.set(e.parentCode, [...(children.get(e.parentCode) ?? []), e.code]);
  const codes = new Set([code]);
  for (const c of codes) for (const child of children.get(c) ?? []) codes.add(child);
  return [...codes];
}

/**
 * A cursor names the order it was made in, so a cursor from one order is never read as a position in
 * another (which would skip or repeat cases without anyone noticing).
 */
function readCursor(cursor: string | undefined, order: CaseOrder): CaseListAfter | undefined {
  const key = decodeCursor(cursor, 3);
  if (!key) return undefined;
  const [madeIn, value, id] = key;
  if (typeof value !== "string" || typeof id !== "string")
    throw badRequest("invalid_cursor", "The cursor is not one this service handed out; start again without it.");
  if (madeIn !== order) {
    throw badRequest(
      "cursor_sort_mismatch",
      `The cursor belongs to the list sorted by ${String(madeIn)}, not by ${order}; start again without it (or keep the sort it was made with).`,
      { cursorSort: madeIn, sort: order },
    );
  }
  return [value as string, id as string];
}

/** A page of the case list: the actor's visible cases, filtered and in the chosen order. */
export async function listCasePage(db: Executor, actor: Actor, query: CaseListRequest): Promise<Page<CaseView>> {
  const order: CaseOrder = query.filter === "recent" ? "recent" : query.sort;
  const after = readCursor(query.cursor, order);
  const filter: CaseListFilter = {
    mine: query.filter === "mine",
    status: query.status,
    critical: query.critical === undefined ? undefined : query.critical === "true",
    templateId: query.templateId,
    journalCodes: query.journalCode === undefined ? undefined : await journalSubtree(db, query.journalCode),
  };
  const rows =
    order === "recent" ? await listRecentCases(db, actor, filter, after, query.limit) : await listCases(db, actor, filter, order, after, query.limit);
  return toPage(rows, query.limit, (r: ListedCase) => [order, r.sort_key, r.id], toCaseView);
}
