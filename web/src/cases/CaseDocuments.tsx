import { Button, makeStyles, Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, tokens } from "@fluentui/react-components";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { client } from "../api.ts";
import { Problem } from "../components/Problem.tsx";
import { AppLink, documentLink } from "../components/AppLink.tsx";
import { formatDay } from "../document/dates.ts";
import { Inert } from "../components/Inert.tsx";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";
import { caseDocumentsKey } from "./reference.ts";

const PAGE_SIZE = 25;

const useStyles = makeStyles({
  scroll: { overflowX: "auto", maxWidth: "100%" },
  muted: { color: tokens.colorNeutralForeground3 },
  table: { minWidth: "640px" },
  title: { overflowWrap: "anywhere", minWidth: "160px" },
  nowrap: { whiteSpace: "nowrap" },
  more: { alignSelf: "flex-start" },
});

/** The documents of the case, most recently changed first: title (to its page), type, status, version, changed, disposal date. */
export function CaseDocuments({ caseId, label }: { caseId: string; label: string }) {
  const s = useStyles();
  const { t, language } = useTexts();
  const types = useQuery({ queryKey: ["case-reference", "document-types"], queryFn: () => client.documentTypes(), staleTime: 5 * 60_000 });
  const docs = useInfiniteQuery({
    queryKey: caseDocumentsKey(caseId),
    queryFn: ({ pageParam }) => client.listDocuments({ caseId, cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const items = docs.data?.pages.flatMap((p) => p.items) ?? [];
  const typeName = (id: string, category: string) => types.data?.find((x) => x.id === id)?.name ?? category;
  if (docs.isPending) return <Spinner label={t("web.loading")} />;
  if (docs.isError) return <Problem error={docs.error} onRetry={() => void docs.refetch()} />;
  if (!items.length) return <Text className={s.muted}>{t("web.case.documents.none")}</Text>;
  return (
    <>
      <div className={s.scroll} data-scrolls>
        <Table size="small" aria-label={label} className={s.table} data-testid="case-documents">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>{t("web.case.doc.title")}</TableHeaderCell>
              <TableHeaderCell>{t("web.case.doc.type")}</TableHeaderCell>
              <TableHeaderCell>{t("web.case.doc.status")}</TableHeaderCell>
              <TableHeaderCell>{t("web.case.doc.version")}</TableHeaderCell>
              <TableHeaderCell>{t("web.case.doc.changed")}</TableHeaderCell>
              <TableHeaderCell>{t("web.case.doc.disposal")}</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {items.map((d) => (
              <TableRow key={d.id} data-document-id={d.id}>
                <TableCell className={s.title}>
                  <AppLink to={documentLink(d.id)}>
                    <Inert text={d.title} />
                  </AppLink>
                </TableCell>
                <TableCell>
                  <Inert text={typeName(d.documentTypeId, d.category)} />
                </TableCell>
                <TableCell>{t(d.status === "final" ? "web.case.doc.status.final" : "web.case.doc.status.draft")}</TableCell>
                <TableCell>{d.version}</TableCell>
                <TableCell className={s.nowrap}>{formatMoment(d.changedAt, language)}</TableCell>
                <TableCell className={s.nowrap}>{d.disposalDate ? formatDay(d.disposalDate, language) : t("web.case.doc.noDisposal")}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      {docs.hasNextPage && (
        <Button className={s.more} onClick={() => void docs.fetchNextPage()} disabled={docs.isFetchingNextPage}>
          {t("web.more")}
        </Button>
      )}
    </>
  );
}
