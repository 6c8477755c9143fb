import {
  Button,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Spinner,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from "@fluentui/react-components";
import { useInfiniteQuery, useQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { caseLabel, type DocumentDetails, type DocumentSummary, type Page } from "../../../shared/index.ts";
import { client, mustChangePassword } from "../api.ts";
import { ChangePassword } from "../components/ChangePassword.tsx";
import { Problem } from "../components/Problem.tsx";
import { hasDraft } from "../drafts.ts";
import { DropToCase } from "../filing/DropToCase.tsx";
import { FileIntoCase, fileDraftKey } from "../filing/FileIntoCase.tsx";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";

const PAGE_SIZE = 25;
const FLOATING = ["filing", "floating"] as const;

/** Back to the row's "Journalisér" after the panel closes without filing, so the keyboard does not start over. */
const focusFileButton = (documentId: string) =>
  requestAnimationFrame(() => document.querySelector<HTMLButtonElement>(`[data-document-id="${CSS.escape(documentId)}"] button`)?.focus());

const useStyles = makeStyles({
  page: { padding: "24px", display: "flex", flexDirection: "column", gap: "16px", minWidth: 0, "@media (max-width: 600px)": { padding: "12px" } },
  muted: { color: tokens.colorNeutralForeground3 },
  scroll: { overflowX: "auto", minWidth: 0 },
  link: { color: tokens.colorBrandForegroundLink, fontWeight: tokens.fontWeightSemibold, overflowWrap: "break-word" },
  more: { alignSelf: "flex-start" },
});

/** Floating documents (flydende): the person's own documents in no case, a drop zone for more, and "Journalisér" for each. */
export function Inbox() {
  const s = useStyles();
  const { t, language } = useTexts();
  const queries = useQueryClient();
  const [filing, setFiling] = useState<string | null>(null);
  const [filed, setFiled] = useState<DocumentDetails | null>(null);

  const list = useInfiniteQuery({
    queryKey: FLOATING,
    queryFn: ({ pageParam }) => client.listDocuments({ floating: true, mine: true, cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const reference = useQuery({
    queryKey: ["filing", "reference"],
    queryFn: async () => {
      const [documentTypes, templates] = await Promise.all([client.documentTypes(), client.templates()]);
      return { documentTypes, templates };
    },
    staleTime: 60_000,
  });

  const mine = list.data?.pages.flatMap((p) => p.items) ?? [];
  const typeName = (id: string) => reference.data?.documentTypes.find((d) => d.id === id)?.name ?? "";
  const open = mine.find((d) => d.id === filing) ?? null;

  // Back from signing in again with a half-filled "Journalisér": it opens as it was left.
  useEffect(() => {
    if (filing === null) {
      const drafted = mine.find((d) => hasDraft(fileDraftKey(d.id)));
      if (drafted) setFiling(drafted.id);
    }
    // Looked at when the list arrives, not on every choice the person makes afterwards.
  }, [list.data]);

  const leaveInbox = (document: DocumentDetails) => {
    queries.setQueryData<InfiniteData<Page<DocumentSummary>>>(FLOATING, (data) =>
      data ? { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.filter((d) => d.id !== document.id) })) } : data,
    );
    setFiling(null);
    setFiled(document);
    void queries.invalidateQueries({ queryKey: FLOATING });
  };

  if (mustChangePassword(list.error)) {
    return (
      <main className={s.page}>
        <ChangePassword onChanged={() => void queries.invalidateQueries()} />
      </main>
    );
  }

  return (
    <main className={s.page} data-testid="inbox">
      <Text as="h1" size={600} weight="semibold">
        {t("web.inbox.title")}
      </Text>
      <Text className={s.muted}>{t("web.inbox.intro")}</Text>
      {filed?.case && (
        <MessageBar intent="success" data-testid="inbox-filed">
          <MessageBarBody>
            {t("web.inbox.filed", { title: filed.title, case: caseLabel(filed.case) })}{" "}
            <Link to={`/sager/${encodeURIComponent(filed.case.number)}`} className={s.link}>
              {t("web.inbox.openCase")}
            </Link>
          </MessageBarBody>
        </MessageBar>
      )}
      <DropToCase caseId={null} onFiled={() => void queries.invalidateQueries({ queryKey: FLOATING })}>
        {open && reference.data && (
          <FileIntoCase
            document={open}
            documentTypes={reference.data.documentTypes}
            templates={reference.data.templates}
            onClose={() => {
              setFiling(null);
              focusFileButton(open.id);
            }}
            onFiled={leaveInbox}
          />
        )}
        {list.isPending ? (
          <Spinner label={t("web.loading")} />
        ) : list.isError ? (
          <Problem error={list.error} onRetry={() => void list.refetch()} />
        ) : mine.length === 0 ? (
          <Text className={s.muted} data-testid="inbox-empty">
            {t("web.inbox.none")}
          </Text>
        ) : (
          <div className={s.scroll}>
            <Table size="small" aria-label={t("web.inbox.listLabel")} data-testid="inbox-list">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>{t("web.column.title")}</TableHeaderCell>
                  <TableHeaderCell>{t("web.inbox.column.type")}</TableHeaderCell>
                  <TableHeaderCell>{t("web.column.changed")}</TableHeaderCell>
                  <TableHeaderCell>{t("web.inbox.column.actions")}</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {mine.map((d) => (
                  <TableRow key={d.id} data-document-id={d.id}>
                    <TableCell>
                      <Link to={`/dokumenter/${encodeURIComponent(d.id)}`} className={s.link}>
                        {d.title}
                      </Link>
                    </TableCell>
                    <TableCell>{typeName(d.documentTypeId)}</TableCell>
                    <TableCell>{formatMoment(d.changedAt, language)}</TableCell>
                    <TableCell>
                      <Button
                        size="small"
                        onClick={() => setFiling(d.id)}
                        aria-label={t("web.inbox.fileNamed", { title: d.title })}
                        aria-expanded={filing === d.id}
                      >
                        {t("web.inbox.file")}
                      </Button>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )}
        {list.hasNextPage && (
          <Button className={s.more} onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
            {t("web.more")}
          </Button>
        )}
      </DropToCase>
      {reference.isError && <Problem error={reference.error} onRetry={() => void reference.refetch()} />}
    </main>
  );
}
