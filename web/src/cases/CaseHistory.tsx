import { Button, makeStyles, Spinner, Text, tokens } from "@fluentui/react-components";
import { useInfiniteQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import type { CaseHistoryEntry, CaseTemplate } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { Problem } from "../components/Problem.tsx";
import { formatDay } from "../document/dates.ts";
import { Inert } from "../components/Inert.tsx";
import { formatMoment } from "../format.ts";
import { useTexts, type TextKey } from "../i18n.tsx";
import { caseHistoryKey } from "./reference.ts";

const PAGE_SIZE = 20;

const useStyles = makeStyles({
  list: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "12px" },
  entry: { display: "flex", flexDirection: "column", gap: "4px", minWidth: 0, overflowWrap: "anywhere" },
  when: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  changes: { margin: 0, paddingLeft: "20px" },
  muted: { color: tokens.colorNeutralForeground3 },
  more: { alignSelf: "flex-start" },
});

const ACTIONS: Record<CaseHistoryEntry["action"], TextKey> = {
  create: "web.case.history.create",
  update: "web.case.history.update",
  close: "web.case.history.close",
  reopen: "web.case.history.reopen",
};

const FIELDS: Record<string, TextKey> = {
  title: "web.case.field.title",
  template: "web.case.history.field.template",
  ownerId: "web.case.field.owner",
  responsibleId: "web.case.field.responsible",
  journalCode: "web.case.history.field.journalCode",
  critical: "web.case.field.critical",
  status: "web.case.field.status",
  endDate: "web.case.field.endDate",
};

/** The case's history from the audit log, newest first: who did what when, and each field from → to. */
export function CaseHistory({ caseId, template }: { caseId: string; template: CaseTemplate | undefined }) {
  const s = useStyles();
  const { t, language } = useTexts();
  const history = useInfiniteQuery({
    queryKey: caseHistoryKey(caseId),
    queryFn: ({ pageParam }) => client.caseHistory(caseId, { cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const entries = history.data?.pages.flatMap((p) => p.items) ?? [];

  const label = (field: string): string => {
    if (FIELDS[field]) return t(FIELDS[field]);
    const name = field.startsWith("metadata.") ? field.slice("metadata.".length) : field;
    return template?.fields.find((f) => f.name === name)?.label ?? name;
  };
  const value = (field: string, v: string | null): ReactNode => {
    if (v === null || v === "") return t("web.case.history.empty");
    const custom = field.startsWith("metadata.") ? template?.fields.find((f) => `metadata.${f.name}` === field) : undefined;
    if (field === "critical" || custom?.type === "boolean") return t(v === "true" ? "web.case.yes" : "web.case.no");
    if (field === "status") return t(v === "closed" ? "web.case.status.closed" : "web.case.status.active");
    if (field === "endDate" || custom?.type === "date") return formatDay(v, language);
    return <Inert text={v} />;
  };

  if (history.isPending) return <Spinner label={t("web.loading")} />;
  if (history.isError) return <Problem error={history.error} onRetry={() => void history.refetch()} />;
  if (!entries.length) return <Text className={s.muted}>{t("web.case.history.none")}</Text>;
  return (
    <>
      <ol className={s.list} data-testid="case-history">
        {entries.map((e) => (
          <li key={e.seq} className={s.entry} data-action={e.action}>
            <span className={s.when}>{formatMoment(e.at, language)}</span>
            <span>
              <strong>
                <Inert text={e.actor?.name || t("web.case.history.system")} />
              </strong>{" "}
              {t(ACTIONS[e.action])}
            </span>
            {e.changes.length > 0 && (
              <ul className={s.changes}>
                {e.changes.map((c) => (
                  <li key={c.field} data-field={c.field}>
                    {label(c.field)}: {value(c.field, c.from)} → {value(c.field, c.to)}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
      {history.hasNextPage && (
        <Button className={s.more} onClick={() => void history.fetchNextPage()} disabled={history.isFetchingNextPage}>
          {t("web.more")}
        </Button>
      )}
    </>
  );
}
