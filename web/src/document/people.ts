import { useQuery } from "@tanstack/react-query";
import type { DocumentDetails, Me } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { useTexts } from "../i18n.tsx";

/**
 * The names of the people a document's page mentions by id (its owner, who added a version or an
 * attachment), gathered from what names them: the document itself, its comments and history, and its audit
 * trail, whose every event names its actor. Someone found nowhere is "an unknown user".
 */
export function usePeople(doc: DocumentDetails | undefined, me: Me | null | undefined): (id: string | null | undefined) => string {
  const { t } = useTexts();
  const trail = useQuery({
    queryKey: ["document-people", doc?.id],
    queryFn: () => client.auditTrail("document", doc!.id, { limit: 500 }),
    enabled: !!doc,
    staleTime: 30_000,
  });
  const names = new Map<string, string>();
  for (const event of trail.data?.items ?? []) if (event.actor) names.set(event.actor.id, event.actor.name);
  if (doc) {
    for (const c of doc.comments) if (c.authorName) names.set(c.authorId, c.authorName);
    for (const h of doc.history) if (h.actorId && h.actorName) names.set(h.actorId, h.actorName);
    if (doc.changedByName) names.set(doc.changedBy, doc.changedByName);
  }
  if (me) names.set(me.id, me.name);
  return (id) => (id && names.get(id)) || t("web.doc.person.unknown");
}
