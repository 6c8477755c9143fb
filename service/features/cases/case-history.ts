import type { CaseHistoryEntry } from "../../../shared/api/schemas/cases.ts";
import type { Page } from "../../../shared/api/schemas/common.ts";
import type { Executor } from "../../db/database.ts";
import { decodeCursor, encodeCursor } from "../../http/pagination.ts";
import { badRequest } from "../../http/problem.ts";
import { requireVisibleCase } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import { listAuditEvents, type AuditEventView } from "../audit/audit.service.ts";
import { usersByIds } from "../users/users.service.ts";

// A case's history as its page shows it, read from the audit log: the events that changed the case
// (created, changed, closed, reopened), each with what changed, who did it and when. Views and refusals are
// in the log too but are not changes, so they are read past.

const CHANGES = { "case.create": "create", "case.update": "update", "case.close": "close", "case.reopen": "reopen" } as const;
type ChangeAction = keyof typeof CHANGES;
const isChange = (e: AuditEventView): e is AuditEventView & { action: ChangeAction } => Object.hasOwn(CHANGES, e.action);

/** How many audit events are read at a time while looking for a page of changes among the views. */
const BATCH = 500;

/** case.update records the columns it changed; the history names them as the API does. */
const FIELD_OF_COLUMN: Record<string, string> = {
  title: "title",
  owner_id: "ownerId",
  responsible_id: "responsibleId",
  journal_code: "journalCode",
  critical: "critical",
};
const PEOPLE = new Set(["ownerId", "responsibleId"]);

type Change = CaseHistoryEntry["changes"][number];

const shown = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === "string" ? v : JSON.stringify(v));

function parseMetadata(v: unknown): Record<string, unknown> {
  if (typeof v !== "string") return {};
  try {
    const parsed: unknown = JSON.parse(v);
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The fields one event changed, values as stored (people by id; names come after). */
function changesOf(e: AuditEventView & { action: ChangeAction }): Change[] {
  const d = e.details;
  switch (e.action) {
    case "case.create":
      return [
        { field: "title", from: null, to: shown(d.title) },
        { field: "template", from: null, to: shown(d.template) },
      ];
    case "case.close":
      return [
        { field: "status", from: "active", to: "closed" },
        { field: "endDate", from: null, to: shown(d.endDate) },
      ];
    case "case.reopen":
      return [{ field: "status", from: "closed", to: "active" }];
    case "case.update":
      return Object.entries(d).flatMap(([column, value]): Change[] => {
        const { from, to } = (value ?? {}) as { from?: unknown; to?: unknown };
        if (column === "metadata") {
          const [was, is] = [parseMetadata(from), parseMetadata(to)];
          return [...new Set([...Object.keys(was), ...Object.keys(is)])]
            .filter((k) => shown(was[k]) !== shown(is[k]))
            .map((k) => ({ field: `metadata.${k}`, from: shown(was[k]), to: shown(is[k]) }));
        }
        if (column === "critical") return [{ field: "critical", from: String(from === 1 || from === true), to: String(to === 1 || to === true) }];
        return [{ field: FIELD_OF_COLUMN[column] ?? column, from: shown(from), to: shown(to) }];
      });
  }
}

/** Owner and responsible as a person reads them: by name (a user no longer there keeps the id). */
async function withNames(db: Executor, entries: CaseHistoryEntry[]): Promise<CaseHistoryEntry[]> {
  const ids = new Set(entries.flatMap((e) => e.changes.filter((c) => PEOPLE.has(c.field)).flatMap((c) => [c.from, c.to])).filter((v): v is string => !!v));
  if (!ids.size) return entries;
  const names = new Map((await usersByIds(db, [...ids])).map((u) => [u.id, u.name]));
  const name = (v: string | null) => (v === null ? null : (names.get(v) ?? v));
  return entries.map((e) => ({
    ...e,
    changes: e.changes.map((c) => (PEOPLE.has(c.field) ? { ...c, from: name(c.from), to: name(c.to) } : c)),
  }));
}

function readCursor(cursor: string | undefined): number | undefined {
  const key = decodeCursor(cursor, 1);
  if (key && typeof key[0] !== "number") throw badRequest("invalid_cursor", "The cursor is not one this service handed out; start again without it.");
  return key?.[0] as number | undefined;
}

/** GET /api/cases/{id}/history: a page of the case's changes, newest first (404 for a case the actor may not see). */
export async function caseHistory(db: Executor, actor: Actor, caseId: string, cursor: string | undefined, limit: number): Promise<Page<CaseHistoryEntry>> {
  const c = await requireVisibleCase(db, actor, caseId);
  let before = readCursor(cursor);
  const found: Array<AuditEventView & { action: ChangeAction }> = [];
  for (;;) {
    const batch = await listAuditEvents(db, "case", [c.id], before, BATCH);
    found.push(...batch.filter(isChange));
    if (found.length > limit || batch.length < BATCH) break;
    before = batch[batch.length - 1].seq;
  }
  const page = found.slice(0, limit);
  const items = page.map((e) => ({ seq: e.seq, at: e.at, action: CHANGES[e.action], actor: e.actor, changes: changesOf(e) }));
  return { items: await withNames(db, items), nextCursor: found.length > limit ? encodeCursor([page[page.length - 1].seq]) : null };
}
