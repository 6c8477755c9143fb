import type { Response } from "express";
import {
  CaseHistoryPage,
  CaseHistoryQuery,
  CaseListQuery,
  CasePage,
  CaseParams,
  CasePatch,
  CaseSuggestions,
  CaseSuggestQuery,
  CaseSummary,
  CloseCase,
  NewCase,
} from "../../../shared/api/schemas/cases.ts";
import type { AppContext } from "../../context.ts";
import { route } from "../../http/route.ts";
import { caseHistory } from "./case-history.ts";
import { listCasePage } from "./case-list.service.ts";
import { listRecentCases } from "./case-list.repository.ts";
import { suggestCases } from "./cases.repository.ts";
import { createCase, isCaseNumber, setCaseStatus, toCaseView, updateCaseDetails, viewCase, viewCaseByNumber, type CaseView } from "./cases.service.ts";

// Every write to a case may carry If-Match with the ETag last seen, and answers the case's new ETag.
const ifMatchHeader = { "If-Match": "Optional: the case's ETag last seen; 412 when the case has changed since" };
const etagHeader = { ETag: "The case's current ETag, for If-Match on the next change" };
const stale = { 412: { description: "If-Match names an earlier state of the case: problem+json with currentEtag (code precondition_failed)" } };

/** A case as a reply, with its ETag in the header too. */
function withEtag(res: Response, c: CaseView): CaseView {
  res.setHeader("ETag", c.etag);
  return c;
}

export function caseRoutes(ctx: AppContext) {
  return [
    route({
      method: "post",
      path: "/api/cases",
      tag: "cases",
      summary: "Create a case from a case template",
      body: NewCase,
      responses: {
        201: { description: "The new case", headers: etagHeader, schema: CaseSummary },
        403: { description: "External partners cannot" },
        422: { description: "Refused" },
      },
      handle: async ({ actor, body, res }) => withEtag(res, await createCase(ctx.db, actor, body)),
    }),
    route({
      method: "get",
      path: "/api/cases",
      tag: "cases",
      summary:
        "List visible cases: all, mine (owner or responsible) or recent (used lately by me); by status, critical, template and journal plan code (and below); sorted by last change, number or title",
      query: CaseListQuery,
      responses: {
        200: { description: "A page of cases; nextCursor continues the same filters and sort", schema: CasePage },
        400: { description: "A cursor from another sort (cursor_sort_mismatch) or not from this service (invalid_cursor)" },
      },
      handle: ({ actor, query }) => listCasePage(ctx.db, actor, query),
    }),
    route({
      method: "get",
      path: "/api/cases/suggest",
      tag: "cases",
      summary: "Case suggestions for the save flow: number prefix or title words, my recent cases first",
      query: CaseSuggestQuery,
      responses: { 200: { description: "Matching cases", schema: CaseSuggestions } },
      async handle({ actor, query }) {
        if (!query.q.trim()) {
          const rows = await listRecentCases(ctx.db, actor, {}, undefined, query.limit);
          return { items: rows.slice(0, query.limit).map(toCaseView) };
        }
        return { items: (await suggestCases(ctx.db, actor, query.q, query.limit)).map(toCaseView) };
      },
    }),
    route({
      method: "get",
      path: "/api/cases/:id/history",
      tag: "cases",
      summary: "A case's history from the audit log: each change (created, changed, closed, reopened) with what changed, who and when; newest first",
      params: CaseParams,
      query: CaseHistoryQuery,
      responses: { 200: { description: "A page of changes", schema: CaseHistoryPage }, 404: { description: "Not found or not visible" } },
      handle: ({ actor, params, query }) => caseHistory(ctx.db, actor, params.id, query.cursor, query.limit),
    }),
    route({
      method: "get",
      path: "/api/cases/:id",
      tag: "cases",
      summary: "A case, by its id or by its number (20200108-1459092, as the web view's /sager/<number> names it)",
      params: CaseParams,
      responses: { 200: { description: "The case", headers: etagHeader, schema: CaseSummary }, 404: { description: "Not found or not visible" } },
      handle: async ({ actor, params, res }) =>
        withEtag(res, await (isCaseNumber(params.id) ? viewCaseByNumber(ctx.db, actor, params.id) : viewCase(ctx.db, actor, params.id))),
    }),
    route({
      method: "patch",
      path: "/api/cases/:id",
      tag: "cases",
      summary: "Change a case's title, owner, responsible, journal plan code, critical flag or custom metadata",
      params: CaseParams,
      body: CasePatch,
      headers: ifMatchHeader,
      responses: {
        200: { description: "The case", headers: etagHeader, schema: CaseSummary },
        404: { description: "Not found" },
        409: { description: "Closed" },
        ...stale,
        422: { description: "Refused" },
      },
      handle: async ({ actor, params, body, req, res }) => withEtag(res, await updateCaseDetails(ctx.db, actor, params.id, body, req.get("If-Match"))),
    }),
    route({
      method: "post",
      path: "/api/cases/:id/close",
      tag: "cases",
      summary: "Close a case; its documents' disposal dates are computed from the end date",
      params: CaseParams,
      body: CloseCase,
      headers: ifMatchHeader,
      responses: {
        200: { description: "The closed case", headers: etagHeader, schema: CaseSummary },
        404: { description: "Not found" },
        409: { description: "Already closed" },
        ...stale,
      },
      handle: async ({ actor, params, body, req, res }) =>
        withEtag(res, await setCaseStatus(ctx.db, actor, params.id, "closed", body.endDate, req.get("If-Match"))),
    }),
    route({
      method: "post",
      path: "/api/cases/:id/reopen",
      tag: "cases",
      summary: "Reopen a closed case; disposal dates that depended on its closing are cleared",
      params: CaseParams,
      headers: ifMatchHeader,
      responses: {
        200: { description: "The reopened case", headers: etagHeader, schema: CaseSummary },
        404: { description: "Not found" },
        409: { description: "Already active" },
        ...stale,
      },
      handle: async ({ actor, params, req, res }) => withEtag(res, await setCaseStatus(ctx.db, actor, params.id, "active", undefined, req.get("If-Match"))),
    }),
  ];
}
