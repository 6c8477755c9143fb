import { Button, makeStyles, Spinner, Text, tokens } from "@fluentui/react-components";
import { queryOptions, useQuery, type QueryClient, type UseQueryResult } from "@tanstack/react-query";
import { lazy, Suspense, useState, type ReactNode } from "react";
import { Link } from "react-router";
import type { CaseSummary, DashboardPanelId, DocumentSummary, Notification, Page, SavedSearch, Task } from "../../../shared/index.ts";
import { client, mustChangePassword } from "../api.ts";
import { ChangePasswordPage } from "../components/ChangePassword.tsx";
import { Problem } from "../components/Problem.tsx";
import { CaseTable, DocumentTable } from "../components/Tables.tsx";
import { useTexts, type TextKey } from "../i18n.tsx";
import { NotificationTable } from "../notifications/NotificationTable.tsx";
import { NOTIFICATIONS, unreadQuery } from "../notifications/unread.ts";
import { savedSearchesQuery } from "../search/queries.ts";
import { SavedSearchLinks } from "../search/SavedSearchLinks.tsx";
import { ADVANCED_SEARCH_PATH } from "../search/search-state.ts";
import { LAYOUT } from "../session.ts";
import { TaskTable } from "../tasks/TaskTable.tsx";

// The dashboard shows the first page of each list; the header says when there are more.
const PANEL_SIZE = 10;

// Customising is rare: its controls load when asked for, keeping them out of the dashboard's first load.
const Customise = lazy(async () => ({ default: (await import("../components/CustomiseDashboard.tsx")).CustomiseDashboard }));

const useStyles = makeStyles({
  page: { padding: "24px", display: "flex", flexDirection: "column", gap: "16px", "@media (max-width: 600px)": { padding: "12px" } },
  header: { display: "flex", flexWrap: "wrap", justifyContent: "space-between", alignItems: "center", gap: "8px" },
  panels: { display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(min(360px, 100%), 1fr))", gap: "16px", alignItems: "start" },
  panel: {
    display: "flex",
    flexDirection: "column",
    gap: "8px",
    padding: "16px",
    minWidth: 0,
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    boxShadow: tokens.shadow4,
  },
  panelHeader: { display: "flex", justifyContent: "space-between", alignItems: "baseline", gap: "8px", flexWrap: "wrap" },
  scroll: { overflowX: "auto" },
  muted: { color: tokens.colorNeutralForeground3 },
  showAll: { color: tokens.colorBrandForegroundLink, fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase200 },
  customise: {
    display: "flex",
    flexDirection: "column",
    gap: "4px",
    padding: "16px",
    backgroundColor: tokens.colorNeutralBackground2,
    borderRadius: tokens.borderRadiusMedium,
  },
  customiseRow: { display: "flex", alignItems: "center", gap: "4px", flexWrap: "wrap" },
});

/** What the dashboard asks for; index.tsx asks for it all at once when the app starts on the dashboard. */
const dashboardQueries = {
  layout: queryOptions({ queryKey: LAYOUT, queryFn: () => client.dashboardLayout(), staleTime: Infinity }),
  myTasks: queryOptions({ queryKey: ["tasks", "dashboard"], queryFn: () => client.listTasks({ mine: true, limit: PANEL_SIZE }) }),
  myCases: queryOptions({ queryKey: ["cases", "mine"], queryFn: () => client.listCases({ filter: "mine", limit: PANEL_SIZE }) }),
  latestDocuments: queryOptions({ queryKey: ["documents", "latest"], queryFn: () => client.listDocuments({ limit: PANEL_SIZE }) }),
  criticalCases: queryOptions({
    queryKey: ["cases", "critical"],
    queryFn: () => client.listCases({ critical: true, status: "active", limit: PANEL_SIZE }),
  }),
  notifications: queryOptions({ queryKey: [...NOTIFICATIONS, "dashboard"], queryFn: () => client.notifications({ limit: PANEL_SIZE }) }),
  savedSearches: savedSearchesQuery,
};

/** The saved searches as a panel's page: the first few, and whether there are more. */
const firstSaved = (items: SavedSearch[]): Page<SavedSearch> => ({ items: items.slice(0, PANEL_SIZE), nextCursor: items.length > PANEL_SIZE ? "more" : null });

/**
 * Starts every request the dashboard makes, beside GET /api/me, before React renders: the panels do not
 * wait for the person, then the layout, then their lists. A panel the person hid costs one short list.
 */
export function prefetchDashboard(queries: QueryClient): void {
  void queries.prefetchQuery(dashboardQueries.layout);
  void queries.prefetchQuery(dashboardQueries.myTasks);
  void queries.prefetchQuery(dashboardQueries.notifications);
  void queries.prefetchQuery(unreadQuery);
  void queries.prefetchQuery(dashboardQueries.myCases);
  void queries.prefetchQuery(dashboardQueries.latestDocuments);
  void queries.prefetchQuery(dashboardQueries.criticalCases);
  void queries.prefetchQuery(dashboardQueries.savedSearches);
}

type Listed = CaseSummary | DocumentSummary | Task | Notification | SavedSearch;

interface PanelSpec {
  title: TextKey;
  testId: string;
  empty: TextKey;
  /** Where VIS ALLE leads: the full list, filtered as the panel is. */
  all: string;
  list: UseQueryResult<Page<Listed>>;
  table(items: Listed[]): ReactNode;
}

/** The person's overview: the panels they chose (my tasks, my cases, latest documents, latest notifications, critical cases, saved searches), in their order. */
export function Dashboard() {
  const s = useStyles();
  const { t } = useTexts();
  const [customising, setCustomising] = useState(false);
  const layout = useQuery(dashboardQueries.layout);
  const shown = (id: DashboardPanelId) => layout.data?.panels.some((p) => p.id === id && p.visible) ?? false;
  // Each list is asked for at once, beside the layout, so a panel does not wait for the layout to arrive first.
  const lists: Record<DashboardPanelId, PanelSpec> = {
    myTasks: {
      title: "web.dashboard.myTasks",
      testId: "my-tasks",
      empty: "web.dashboard.noTasks",
      all: "/opgaver",
      list: useQuery({ ...dashboardQueries.myTasks, enabled: !layout.data || shown("myTasks") }),
      table: (items) => <TaskTable items={items as Task[]} label={t("web.dashboard.myTasks")} />,
    },
    myCases: {
      title: "web.dashboard.myCases",
      testId: "my-cases",
      empty: "web.dashboard.noCases",
      all: "/sager?filter=mine",
      list: useQuery({
        queryKey: ["cases", "mine"],
        queryFn: () => client.listCases({ filter: "mine", limit: PANEL_SIZE }),
        enabled: !layout.data || shown("myCases"),
      }),
      table: (items) => <CaseTable items={items as CaseSummary[]} label={t("web.dashboard.myCases")} />,
    },
    latestDocuments: {
      title: "web.dashboard.latestDocuments",
      testId: "latest-documents",
      empty: "web.dashboard.noDocuments",
      all: "/dokumenter",
      list: useQuery({ ...dashboardQueries.latestDocuments, enabled: !layout.data || shown("latestDocuments") }),
      table: (items) => <DocumentTable items={items as DocumentSummary[]} label={t("web.dashboard.latestDocuments")} />,
    },
    notifications: {
      title: "web.dashboard.notifications",
      testId: "notifications",
      empty: "web.dashboard.noNotifications",
      all: "/notifikationer",
      list: useQuery({ ...dashboardQueries.notifications, enabled: !layout.data || shown("notifications") }),
      table: (items) => <NotificationTable items={items as Notification[]} label={t("web.dashboard.notifications")} />,
    },
    criticalCases: {
      title: "web.dashboard.criticalCases",
      testId: "critical-cases",
      empty: "web.dashboard.noCriticalCases",
      all: "/sager?critical=true",
      list: useQuery({ ...dashboardQueries.criticalCases, enabled: !layout.data || shown("criticalCases") }),
      table: (items) => <CaseTable items={items as CaseSummary[]} label={t("web.dashboard.criticalCases")} />,
    },
    savedSearches: {
      title: "web.dashboard.savedSearches",
      testId: "saved-searches",
      empty: "web.dashboard.noSavedSearches",
      all: ADVANCED_SEARCH_PATH,
      list: useQuery({ ...dashboardQueries.savedSearches, select: firstSaved, enabled: !layout.data || shown("savedSearches") }),
      table: (items) => <SavedSearchLinks items={items as SavedSearch[]} label={t("web.dashboard.savedSearches")} />,
    },
  };

  if (Object.values(lists).some((p) => mustChangePassword(p.list.error)) || mustChangePassword(layout.error)) return <ChangePasswordPage className={s.page} />;
  const visible = layout.data?.panels.filter((p) => p.visible) ?? [];
  return (
    <main className={s.page}>
      <div className={s.header}>
        <Text as="h1" size={600} weight="semibold">
          {t("web.dashboard.title")}
        </Text>
        {layout.data && (
          <Button appearance="subtle" onClick={() => setCustomising(!customising)} aria-expanded={customising} data-testid="customise">
            {t(customising ? "web.dashboard.customiseDone" : "web.dashboard.customise")}
          </Button>
        )}
      </div>
      {layout.isPending ? (
        <Spinner label={t("web.loading")} />
      ) : layout.isError ? (
        <Problem error={layout.error} onRetry={() => void layout.refetch()} />
      ) : (
        <>
          {customising && (
            <Suspense fallback={<Spinner size="small" label={t("web.loading")} />}>
              <Customise layout={layout.data} titles={(id) => t(lists[id].title)} />
            </Suspense>
          )}
          {visible.length === 0 && !customising && <Text className={s.muted}>{t("web.dashboard.allHidden")}</Text>}
          <div className={s.panels} data-testid="panels">
            {visible.map(({ id }) => (
              <Panel key={id} {...lists[id]} />
            ))}
          </div>
        </>
      )}
    </main>
  );
}

/** One panel: its heading with the count and VIS ALLE, then the list, a spinner, a refusal, or a line saying it is empty. */
function Panel({ title, testId, empty, all, list, table }: PanelSpec) {
  const s = useStyles();
  const { t } = useTexts();
  const page = list.data;
  const heading = page ? t(page.nextCursor ? "web.dashboard.countMore" : "web.dashboard.count", { title: t(title), count: page.items.length }) : t(title);
  const headingId = `${testId}-heading`;
  return (
    <section className={s.panel} aria-labelledby={headingId} data-testid={testId}>
      <div className={s.panelHeader}>
        <Text as="h2" size={500} weight="semibold" id={headingId}>
          {heading}
        </Text>
        <Link to={all} className={s.showAll} aria-label={t("web.dashboard.showAllOf", { title: t(title) })} data-testid={`${testId}-all`}>
          {t("web.dashboard.showAll")}
        </Link>
      </div>
      {list.isPending ? (
        <Spinner size="small" label={t("web.loading")} />
      ) : list.error ? (
        <Problem error={list.error} onRetry={() => void list.refetch()} />
      ) : page && page.items.length > 0 ? (
        <div className={s.scroll}>{table(page.items)}</div>
      ) : (
        <Text className={s.muted}>{t(empty)}</Text>
      )}
    </section>
  );
}
