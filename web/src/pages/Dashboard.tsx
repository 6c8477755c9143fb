import { makeStyles, Spinner, Text, tokens } from "@fluentui/react-components";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import type { Page } from "../../../shared/index.ts";
import { client, mustChangePassword } from "../api.ts";
import { ChangePassword } from "../components/ChangePassword.tsx";
import { Problem } from "../components/Problem.tsx";
import { CaseTable, DocumentTable } from "../components/Tables.tsx";
import { useTexts, type TextKey } from "../i18n.tsx";

// The dashboard shows the first page of each list; the header says when there are more.
const PANEL_SIZE = 10;

const useStyles = makeStyles({
  page: { padding: "24px", display: "flex", flexDirection: "column", gap: "16px" },
  panels: { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(360px, 1fr))", gap: "16px", alignItems: "start" },
  panel: {
    display: "flex",
    flexDirection: "column",
    gap: "8px",
    padding: "16px",
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    boxShadow: tokens.shadow4,
  },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** The person's overview: their cases and the latest documents, as the product's dashboard shows them. */
export function Dashboard() {
  const s = useStyles();
  const { t } = useTexts();
  const queries = useQueryClient();
  const cases = useQuery({ queryKey: ["cases", "mine"], queryFn: () => client.listCases({ filter: "mine", limit: PANEL_SIZE }) });
  const documents = useQuery({ queryKey: ["documents", "latest"], queryFn: () => client.listDocuments({ limit: PANEL_SIZE }) });

  if (mustChangePassword(cases.error) || mustChangePassword(documents.error)) {
    return (
      <main className={s.page}>
        <ChangePassword onChanged={() => void queries.invalidateQueries()} />
      </main>
    );
  }
  return (
    <main className={s.page}>
      <Text as="h1" size={600} weight="semibold">
        {t("web.dashboard.title")}
      </Text>
      <div className={s.panels}>
        <Panel title="web.dashboard.myCases" testId="my-cases" list={cases} empty="web.dashboard.noCases">
          {(page) => <CaseTable items={page.items} label={t("web.dashboard.myCases")} />}
        </Panel>
        <Panel title="web.dashboard.latestDocuments" testId="latest-documents" list={documents} empty="web.dashboard.noDocuments">
          {(page) => <DocumentTable items={page.items} label={t("web.dashboard.latestDocuments")} />}
        </Panel>
      </div>
    </main>
  );
}

interface PanelProps<T> {
  title: TextKey;
  testId: string;
  empty: TextKey;
  list: { data?: Page<T>; error: unknown; isPending: boolean; refetch(): unknown };
  children(page: Page<T>): ReactNode;
}

/** One panel: its heading with the count, then the list, a spinner, a refusal, or a line saying it is empty. */
function Panel<T>({ title, testId, empty, list, children }: PanelProps<T>) {
  const s = useStyles();
  const { t } = useTexts();
  const page = list.data;
  const heading = page ? t(page.nextCursor ? "web.dashboard.countMore" : "web.dashboard.count", { title: t(title), count: page.items.length }) : t(title);
  const headingId = `${testId}-heading`;
  return (
    <section className={s.panel} aria-labelledby={headingId} data-testid={testId}>
      <Text as="h2" size={500} weight="semibold" id={headingId}>
        {heading}
      </Text>
      {list.isPending ? (
        <Spinner size="small" label={t("web.loading")} />
      ) : list.error ? (
        <Problem error={list.error} onRetry={() => void list.refetch()} />
      ) : page && page.items.length > 0 ? (
        children(page)
      ) : (
        <Text className={s.muted}>{t(empty)}</Text>
      )}
    </section>
  );
}
