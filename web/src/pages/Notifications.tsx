import { Button, makeStyles, mergeClasses, Text, tokens } from "@fluentui/react-components";
import { useMutation, useQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useRef, useState } from "react";
import type { Notification, Page } from "../../../shared/index.ts";
import { client, mustChangePassword } from "../api.ts";
import { AppLink, caseLink } from "../components/AppLink.tsx";
import { ChangePasswordPage } from "../components/ChangePassword.tsx";
import { Inert } from "../components/Inert.tsx";
import { PagedList, usePagedList } from "../components/Listing.tsx";
import { Problem } from "../components/Problem.tsx";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";
import { Change } from "../notifications/NotificationTable.tsx";
import { CHANGE_TEXT, NOTIFICATIONS, readOnOpen, UNREAD, unreadQuery } from "../notifications/unread.ts";

const PAGE_KEY = [...NOTIFICATIONS, "page"] as const;

const useStyles = makeStyles({
  page: { padding: "24px", display: "flex", flexDirection: "column", gap: "16px", minWidth: 0, "@media (max-width: 600px)": { padding: "12px" } },
  header: { display: "flex", flexWrap: "wrap", justifyContent: "space-between", alignItems: "center", gap: "8px" },
  intro: { color: tokens.colorNeutralForeground3 },
  list: { listStyleType: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "8px" },
  item: {
    display: "flex",
    flexWrap: "wrap",
    justifyContent: "space-between",
    alignItems: "flex-start",
    gap: "8px 16px",
    padding: "12px 16px",
    minWidth: 0,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground1,
    boxShadow: tokens.shadow2,
    borderLeft: `4px solid transparent`,
    ":focus-visible": { outline: `2px solid ${tokens.colorStrokeFocus2}` },
  },
  unread: { borderLeftColor: tokens.colorBrandStroke1, backgroundColor: tokens.colorBrandBackground2 },
  body: { display: "flex", flexDirection: "column", gap: "4px", minWidth: 0, flex: "1 1 240px", overflowWrap: "anywhere" },
  meta: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
});

type Pages = InfiniteData<Page<Notification>, string | undefined>;

/** NOTIFIKATIONER (/notifikationer): changes on the cases one follows, newest first, unread ones marked in words; mark one or all read. */
export function Notifications() {
  const s = useStyles();
  const { t, language } = useTexts();
  const queries = useQueryClient();
  const [said, setSaid] = useState<string | null>(null);
  const items = useRef(new Map<string, HTMLLIElement>());
  const unread = useQuery(unreadQuery);
  const { list, items: shown } = usePagedList(PAGE_KEY, (cursor, limit) => client.notifications({ cursor, limit }));

  // Marked read here at once; then the count and every list of notifications are asked again.
  const markShown = (which: (n: Notification) => boolean) =>
    queries.setQueryData<Pages>(
      PAGE_KEY,
      (data) => data && { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.map((n) => (which(n) ? { ...n, read: true } : n)) })) },
    );
  const refreshed = () => {
    void queries.invalidateQueries({ queryKey: UNREAD });
    void queries.invalidateQueries({ queryKey: NOTIFICATIONS });
  };
  const markOne = useMutation({
    mutationFn: (n: Notification) => client.markNotificationsRead({ ids: [n.id] }),
    onMutate: () => setSaid(null),
    onSuccess: (_marked, n) => {
      markShown((m) => m.id === n.id);
      refreshed();
      setSaid(t("web.notifications.marked"));
      // The button is gone: focus stays on the notification it belonged to.
      items.current.get(n.id)?.focus();
    },
  });
  const markAll = useMutation({
    mutationFn: (upTo: string) => client.markNotificationsRead({ upTo }),
    onMutate: () => setSaid(null),
    onSuccess: () => {
      markShown(() => true);
      refreshed();
      setSaid(t("web.notifications.markedAll"));
    },
  });

  if (mustChangePassword(list.error)) return <ChangePasswordPage className={s.page} />;
  const count = unread.data?.count ?? 0;
  const anyUnread = shown.some((n) => !n.read);
  return (
    <main className={s.page} data-testid="notifications-page">
      <div className={s.header}>
        <Text as="h1" size={600} weight="semibold">
          {t("web.notifications.title")}
        </Text>
        <Button
          appearance="primary"
          disabled={!anyUnread || markAll.isPending}
          onClick={() => shown[0] && markAll.mutate(shown[0].id)}
          data-testid="notifications-read-all"
        >
          {t("web.notifications.markAllRead")}
        </Button>
      </div>
      <Text className={s.intro}>{t("web.notifications.intro")}</Text>
      <Text weight="semibold" data-testid="notifications-unread-count">
        {count === 0 ? t("web.notifications.allReadNow") : count > 99 ? t("web.notifications.unreadCountMany") : t("web.notifications.unreadCount", { count })}
      </Text>
      <div role="status" data-testid="notifications-done">
        {said && <Text>{said}</Text>}
      </div>
      {markOne.isError && <Problem error={markOne.error} />}
      {markAll.isError && <Problem error={markAll.error} />}
      <PagedList list={list} count={shown.length} empty="web.notifications.none" moreTestId="notifications-more">
        <ul className={s.list} aria-label={t("web.notifications.list")} data-testid="notification-list">
          {shown.map((n) => (
            <li
              key={n.id}
              ref={(el) => void (el ? items.current.set(n.id, el) : items.current.delete(n.id))}
              tabIndex={-1}
              className={mergeClasses(s.item, !n.read && s.unread)}
              data-notification-id={n.id}
              data-read={n.read ? "true" : "false"}
              onClickCapture={(e) => {
                if (!n.read && (e.target as Element).closest("a")) readOnOpen(queries, n.id);
              }}
            >
              <div className={s.body}>
                <Change n={n} />
                <span>
                  {t("web.notifications.case")}:{" "}
                  {n.case ? (
                    <AppLink to={caseLink(n.case.number)}>
                      <Inert text={`${n.case.title} (${n.case.number})`} />
                    </AppLink>
                  ) : (
                    t("web.notifications.noCase")
                  )}
                </span>
                <span className={s.meta}>
                  <Inert text={t("web.notifications.by", { name: n.actor.name || t("web.changedBy.formerUser"), at: formatMoment(n.at, language) })} />
                </span>
              </div>
              {!n.read && (
                <Button
                  size="small"
                  disabled={markOne.isPending && markOne.variables?.id === n.id}
                  onClick={() => markOne.mutate(n)}
                  aria-label={t("web.notifications.markReadOf", { change: t(CHANGE_TEXT[n.change]), at: formatMoment(n.at, language) })}
                  data-testid="notification-read"
                >
                  {t("web.notifications.markRead")}
                </Button>
              )}
            </li>
          ))}
        </ul>
      </PagedList>
    </main>
  );
}
