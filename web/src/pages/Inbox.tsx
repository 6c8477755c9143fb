import {
  Button,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from "@fluentui/react-components";
import { useQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { caseLabel, type DocumentDetails, type DocumentSummary, type Page } from "../../../shared/index.ts";
import { client, mustChangePassword } from "../api.ts";
import { ChangePasswordPage } from "../components/ChangePassword.tsx";
import { PagedList, usePagedList } from "../components/Listing.tsx";
import { Problem } from "../components/Problem.tsx";
import { hasDraft } from "../drafts.ts";
import { DropToCase } from "../filing/DropToCase.tsx";
import { FileIntoCase, fileDraftKey } from "../filing/FileIntoCase.tsx";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";

const FLOATING = ["filing", "floating"] as const;

/** Back to the row's "Journalisér" after the panel closes without filing, so the keyboard does not start over. */
const focusFileButton = (documentId: string) =>
  requestAnimationFrame(() => document.querySelector<HTMLButtonElement>(`[data-document-id="${CSS.escape(documentId)}"] button`)?.focus());

const useStyles = makeStyles({
  page: { padding: "24px", display: "flex", flexDirection: "column", gap: "16px", minWidth: 0, "@media (max-width: 600px)": { padding: "12px" } },
  muted: { color: tokens.colorNeutralForeground3 },
  scroll: { overflowX: "auto", minWidth: 0 },
  link: { color: tokens.colorBrandForegroundLink, fontWeight: tokens.fontWeightSemibold, overflowWrap: "break-word" },
});

/** Floating documents (flydende): the person's own documents in no case, a drop zone for more, and "Journalisér" for each. */
export function Inbox() {
  const s = useStyles();
  const { t, language } = useTexts();
  const queries = useQueryClient();
  const [filing, setFiling] = useState<string | null>(null);
  const [filed, setFiled] = useState<DocumentDetails | null>(null);

  const { list, items: mine } = usePagedList(FLOATING, (cursor, limit) => client.listDocuments({ floating: true, mine: true, cursor, limit }));
  const reference = useQuery({
    queryKey: ["filing", "reference"],
    queryFn: async () => {
      const [documentTypes, templates] = await Promise.all([client.documentTypes(), client.templates()]);
      return { documentTypes, templates };
    },
    staleTime: 60_000,
  });

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

  if (mustChangePassword(list.error)) return <ChangePasswordPage className={s.page} />;

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
        <PagedList list={list} count={mine.length} empty="web.inbox.none" emptyTestId="inbox-empty">
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
        </PagedList>
      </DropToCase>
      {reference.isError && <Problem error={reference.error} onRetry={() => void reference.refetch()} />}
    </main>
  );
}
