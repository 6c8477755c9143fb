import { forbidden, Problem } from "../../http/problem.ts";
import type { CaseRow } from "../cases/cases.table.ts";
import type { DocumentRow } from "../documents/documents.table.ts";
import type { Visible } from "./access.ts";
import { isAdmin, type Actor } from "./actor.ts";

// Who may change what. access.ts decides who sees a case or a document (and answers everyone else 404);
// these rules decide what someone who sees it may do to it. Each rule is written once, here, with the code
// and the sentence it refuses with; services call them before they change anything. In short:
//  - external partners read, comment on and add documents to the cases shared with them, and change the
//    documents they added themselves; everything else is staff work (403 forbidden);
//  - a closed case is read-only until it is reopened, for everyone but administrators (409 case_closed);
//  - deleting documents and administration are for administrators only (403 admin_only).

/** What only staff may do: the words after "External partners cannot …". */
const STAFF_WORK = {
  createCase: "create cases",
  changeCase: "change cases",
  closeOrReopenCase: "close or reopen cases",
  addReference: "add references",
  removeReference: "remove references",
  listPeople: "list the organisation's people",
  editContacts: "create, change or merge contacts",
  changeParties: "add or remove parties",
} as const;
export type StaffWork = keyof typeof STAFF_WORK;

/** External partners cannot …: running cases and linking documents is staff work. */
export function requireStaff(actor: Actor, work: StaffWork): void {
  if (actor.role === "external") throw forbidden(`External partners cannot ${STAFF_WORK[work]}.`);
}

/** What would change in a closed case: the words after "reopen it before …". */
const CLOSED_CASE_WORK = {
  file: "filing documents in it",
  changeCase: "changing it",
  changeDocument: "changing its documents",
} as const;

/** Closed case: reopen first. Administrators may still correct what is in it. */
export function requireCaseOpen(actor: Actor, c: Pick<CaseRow, "status" | "number">, work: keyof typeof CLOSED_CASE_WORK): void {
  if (c.status === "closed" && !isAdmin(actor))
    throw new Problem(409, "case_closed", `Case ${c.number} is closed; reopen it before ${CLOSED_CASE_WORK[work]}.`);
}

/** Whether the actor may save a new document into a visible case or file a floating one there. */
export function requireCaseWritable(actor: Actor, c: Visible<CaseRow>): void {
  requireCaseOpen(actor, c, "file");
}

/** Whether the actor may create a case. */
export function requireMayCreateCase(actor: Actor): void {
  requireStaff(actor, "createCase");
}

/** Whether the actor may change a visible case's details (title, people, journal code, metadata). */
export function requireCaseEditor(actor: Actor, c: Visible<CaseRow>): void {
  requireStaff(actor, "changeCase");
  requireCaseOpen(actor, c, "changeCase");
}

/** Whether the actor may close or reopen a visible case (reopening is how a closed case opens again). */
export function requireMayCloseOrReopen(actor: Actor): void {
  requireStaff(actor, "closeOrReopenCase");
}

/**
 * Whether the actor may change a visible document: its metadata, versions and attachments, and filing it
 * when it floats. External partners change only what they added themselves. `c` is the document's case.
 */
export function requireDocumentEditor(actor: Actor, doc: Visible<DocumentRow>, c: Pick<CaseRow, "status" | "number"> | null): void {
  if (actor.role === "external" && doc.owner_id !== actor.userId) throw forbidden("External partners can only change documents they added themselves.");
  if (c) requireCaseOpen(actor, c, "changeDocument");
}

/** A final document stays final; only an administrator may take it back to draft (to mend a mistake). */
export function requireMayReturnToDraft(actor: Actor): void {
  if (!isAdmin(actor)) throw new Problem(409, "document_final", "A final document cannot go back to draft; upload a new version instead.");
}

/**
 * Whether the actor may add or remove a reference from a visible document: staff only, and like any other
 * change to the document not while its case is closed.
 */
export function requireMayReference(actor: Actor, c: Pick<CaseRow, "status" | "number"> | null, work: "addReference" | "removeReference"): void {
  requireStaff(actor, work);
  if (c) requireCaseOpen(actor, c, "changeDocument");
}

/**
 * Comments are open to everyone who may see the document, external partners included, and in a closed
 * case too: a comment is talk about the record, not part of it. Written as a rule so the choice is visible.
 */
export function requireMayComment(_actor: Actor, _doc: Visible<DocumentRow>): void {}

/** Administrators only: the routes declared `auth: "admin"` (administration, the audit log). */
export function requireAdmin(actor: Actor): void {
  if (!isAdmin(actor)) throw new Problem(403, "admin_only", "Only administrators may do this.");
}

/** Deleting a document is for administrators only; everyone else asks one (the deletion is audited with a reason). */
export function requireMayDelete(actor: Actor): void {
  if (!isAdmin(actor)) throw new Problem(403, "admin_only", "Only administrators may delete documents.");
}

// Tasks (opgaver): seen with the case or document they concern (tasks.repository.ts); these say who may change them.

/** Tasks are staff work to hand out: external partners cannot create them, nor add them to a closed case. */
export function requireMayCreateTask(actor: Actor, c: Pick<CaseRow, "status" | "number"> | null, on: "case" | "document"): void {
  if (actor.role === "external") throw forbidden("External partners cannot create tasks.");
  if (c) requireCaseOpen(actor, c, on === "case" ? "changeCase" : "changeDocument");
}

/**
 * Staff change anything about a task they see; an external partner only moves the status of a task assigned
 * to them (or their group). In a closed case only the status may still change, so left-over work can be finished.
 */
export function requireMayChangeTask(actor: Actor, isAssignee: boolean, fields: readonly string[], c: Pick<CaseRow, "status" | "number"> | null): void {
  const statusOnly = fields.every((f) => f === "status");
  if (actor.role === "external" && !isAssignee) throw forbidden("External partners can only change tasks assigned to them.");
  if (actor.role === "external" && !statusOnly) throw forbidden("External partners can only change the status of a task assigned to them.");
  if (c && !statusOnly) requireCaseOpen(actor, c, "changeCase");
}

/** Comments on a task are open to everyone who sees it, in a closed case too, as on documents. */
export function requireMayCommentOnTask(_actor: Actor): void {}

/** The list of every task one may see is staff's; external partners list the tasks assigned to them (mine). */
export function requireMayListAllTasks(actor: Actor): void {
  if (actor.role === "external") throw forbidden("External partners can list only the tasks assigned to them (mine=true).");
}

/** Contacts are shared reference data kept by staff: creating, changing and merging them is staff work. */
export function requireMayEditContacts(actor: Actor): void {
  requireStaff(actor, "editContacts");
}

/** A full CPR number is shown to administrators and to the caseworkers an administrator allowed (users.cpr_access). */
export const mayRevealCpr = (actor: Actor, cprAccess: boolean): boolean => isAdmin(actor) || (actor.role === "caseworker" && cprAccess);

export function requireMayRevealCpr(actor: Actor, cprAccess: boolean): void {
  if (mayRevealCpr(actor, cprAccess)) return;
  throw new Problem(403, "cpr_access_required", "Only administrators and caseworkers allowed to see CPR numbers may reveal one.");
}

/**
 * Whether the actor may add or remove parties on a visible case or document: staff only, and like any other
 * change not while the case is closed. `c` is the case (or the document's case; null for a floating document).
 */
export function requireMayChangeParties(actor: Actor, c: Pick<CaseRow, "status" | "number"> | null, on: "case" | "document"): void {
  requireStaff(actor, "changeParties");
  if (c) requireCaseOpen(actor, c, on === "case" ? "changeCase" : "changeDocument");
}

// Saved searches (gemte søgninger): seen by their owner and by the members of the group one is shared with
// (features/search/saved); these say who may change them. Running one shows only what the runner may see.

/** Only its owner changes, shares or deletes a saved search; the members of its group run it (and may save a copy). */
export function requireSavedSearchOwner(actor: Actor, saved: { owner_id: string }): void {
  if (saved.owner_id !== actor.userId) throw forbidden("Only the owner of a saved search may change or delete it; save a copy of your own instead.");
}

/** A search is shared only with a group its owner is a member of: sharing with strangers would be publishing. */
export function requireMayShareWith(isMember: boolean, group: { name: string }): void {
  if (!isMember) throw new Problem(422, "not_in_group", `You can only share a saved search with a group you are a member of; you are not in "${group.name}".`);
}
