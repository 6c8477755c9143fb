import { ArchiveBroken, ArchiveVerified, AuditPage, AuditQuery } from "../../../shared/api/schemas/audit.ts";
import type { AppContext } from "../../context.ts";
import type { Executor } from "../../db/database.ts";
import { requireVisibleCase, requireVisibleDocument, scopedDocuments } from "../access/access.ts";
import type { Actor } from "../access/actor.ts";
import { Reply, route } from "../../http/route.ts";
import { listAuditEvents, type AuditEventView } from "./audit.service.ts";
import { verifyArchive } from "./verify-archive.ts";
import { encodeCursor, decodeCursor } from "../../http/pagination.ts";

/** A document's trail names the documents it refers to; those the actor may not see are left out, as in its references. */
async function withoutHiddenTargets(db: Executor, actor: Actor, items: AuditEventView[]): Promise<AuditEventView[]> {
  const targetOf = (e: AuditEventView) => (e.action.startsWith("reference.") && typeof e.details.to === "string" ? e.details.to : undefined);
  const targets = [...new Set(items.map(targetOf).filter((t): t is string => t !== undefined))];
  if (!targets.length) return items;
  const visible = new Set((await scopedDocuments(db, actor).select("documents.id").where("documents.id", "in", targets).execute()).map((r) => r.id));
  return items.map((e) => {
    const to = targetOf(e);
    return to === undefined || visible.has(to) ? e : { ...e, details: { kind: e.details.kind, to: null } };
  });
}

export function auditRoutes(ctx: AppContext) {
  return [
    route({
      method: "get",
      path: "/api/audit",
      tag: "audit",
      summary: "Audit events about one case or document, newest first (for users who may see it)",
      query: AuditQuery,
      responses: { 200: { description: "A page of events", schema: AuditPage }, 404: { description: "Not found or not visible" } },
      async handle({ actor, query }) {
        const ids = [query.objectId];
        if (query.objectType === "case") {
          await requireVisibleCase(ctx.db, actor, query.objectId);
        } else {
          await requireVisibleDocument(ctx.db, actor, query.objectId);
        }
        const before = decodeCursor(query.cursor, 1)?.[0] as number | undefined;
        const events = await listAuditEvents(ctx.db, query.objectType, ids, before, query.limit + 1);
        const more = events.length > query.limit;
        const items = await withoutHiddenTargets(ctx.db, actor, events.slice(0, query.limit));
        return { items, nextCursor: more ? encodeCursor([items[items.length - 1].seq]) : null };
      },
    }),
    route({
      method: "get",
      path: "/api/audit/verify",
      tag: "audit",
      summary: "Verify the archive (administrators): the keyed chain, the signed checkpoints and the versions against the log; 'ok', or every finding",
      auth: "admin",
      responses: {
        200: { description: "Everything verifies", schema: ArchiveVerified },
        409: {
          description: "Something does not verify: `findings` names each thing (kind, message, row)",
          contentType: "application/json",
          schema: ArchiveBroken,
        },
      },
      async handle() {
        const report = await verifyArchive(ctx.db, ctx.config);
        const body = { count: report.count, head: report.head, newestCheckpoint: report.newestCheckpoint, findings: report.findings };
        if (report.ok) return { status: "ok", ...body };
        // brokenAt and reason: the first broken row (else the first finding), as the report read before it had findings.
        const first = report.findings.find((f) => f.kind === "broken_row") ?? report.findings[0];
        return new Reply(409, { status: "broken", ...body, ...(first.seq !== undefined ? { brokenAt: first.seq } : {}), reason: first.message });
      },
    }),
  ];
}
