import { Button, MessageBar, MessageBarActions, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import { useQuery } from "@tanstack/react-query";
import { ApiError, type ProblemBody } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { Problem } from "../components/Problem.tsx";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";
import { visibleControls } from "../components/Inert.tsx";

/** Whether a write was refused because the document changed after the page fetched it (412 precondition_failed). */
export const isStale = (err: unknown): err is ApiError => err instanceof ApiError && err.status === 412;

/**
 * A refusal of a write. When someone changed the document meanwhile, it says who and when (from the
 * document as it is now) and offers to reload it; nothing was overwritten. Any other refusal is a Problem.
 */
export function WriteRefused({ error, documentId, onReload }: { error: unknown; documentId: string; onReload(): void }) {
  if (!isStale(error)) return <Problem error={error} />;
  return <StaleExplained error={error} documentId={documentId} onReload={onReload} />;
}

function StaleExplained({ error, documentId, onReload }: { error: ApiError; documentId: string; onReload(): void }) {
  const { t, language } = useTexts();
  const problem: Partial<ProblemBody> = error.problem ?? {};
  // The document as it is now names who changed it; the refusal itself only knows their id.
  const now = useQuery({
    queryKey: ["document-now", documentId, problem.currentEtag ?? ""],
    queryFn: () => client.getDocument(documentId),
    staleTime: Infinity,
  });
  const changedAt = typeof problem.changedAt === "string" ? problem.changedAt : now.data?.changedAt;
  const name = visibleControls(now.data?.changedByName ?? t("web.doc.person.unknown"));
  return (
    <div role="alert" data-testid="stale">
      <MessageBar intent="warning" layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>{t("web.doc.stale.title")}</MessageBarTitle>
          {now.isPending ? t("web.doc.stale.someone") : t("web.doc.stale.by", { name, at: changedAt ? formatMoment(changedAt, language) : "" })}{" "}
          {t("web.doc.stale.nothingLost")}
        </MessageBarBody>
        <MessageBarActions>
          <Button onClick={onReload} data-testid="stale-reload">
            {t("web.doc.stale.reload")}
          </Button>
        </MessageBarActions>
      </MessageBar>
    </div>
  );
}
