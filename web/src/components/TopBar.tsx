import { Button, Input, makeStyles, mergeClasses, tokens } from "@fluentui/react-components";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { Link, NavLink, useNavigate, useSearchParams } from "react-router";
import type { Me } from "../../../shared/index.ts";
import { useTexts } from "../i18n.tsx";
import { badgeText, NOTIFICATIONS, unreadQuery } from "../notifications/unread.ts";

const loadUserMenu = () => import("./UserMenu.tsx");
const UserMenu = lazy(async () => ({ default: (await loadUserMenu()).UserMenu }));

const useStyles = makeStyles({
  bar: {
    display: "flex",
    alignItems: "center",
    justifyContent: "space-between",
    flexWrap: "wrap",
    gap: "8px 16px",
    padding: "8px 24px",
    "@media (max-width: 600px)": { padding: "8px 12px" },
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
  },
  product: { color: tokens.colorNeutralForegroundOnBrand, fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold, textDecoration: "none" },
  start: { display: "flex", alignItems: "center", flexWrap: "wrap", gap: "8px 32px", "@media (max-width: 600px)": { columnGap: "16px" } },
  nav: { display: "flex", flexWrap: "wrap", gap: "8px 24px", "@media (max-width: 600px)": { columnGap: "16px" } },
  link: {
    color: tokens.colorNeutralForegroundOnBrand,
    fontWeight: tokens.fontWeightSemibold,
    textDecoration: "none",
    paddingBottom: "2px",
    borderBottom: "2px solid transparent",
    ":hover": { borderBottomColor: tokens.colorNeutralForegroundOnBrand },
  },
  active: { borderBottomColor: tokens.colorNeutralForegroundOnBrand },
  withBadge: { display: "inline-flex", alignItems: "center", gap: "6px" },
  badge: {
    minWidth: "20px",
    padding: "0 6px",
    boxSizing: "border-box",
    borderRadius: tokens.borderRadiusCircular,
    backgroundColor: tokens.colorNeutralBackground1,
    color: tokens.colorBrandForeground1,
    fontSize: tokens.fontSizeBase200,
    lineHeight: "20px",
    textAlign: "center",
  },
  user: { color: tokens.colorNeutralForegroundOnBrand },
  end: { display: "flex", alignItems: "center", flexWrap: "wrap", gap: "8px 16px", "@media (max-width: 600px)": { width: "100%" } },
  search: { display: "flex", "@media (max-width: 600px)": { flexGrow: 1 } },
  searchInput: { width: "220px", "@media (max-width: 600px)": { width: "100%" } },
});

/** The search field of every page: free-text search of cases and documents (GET /api/search) on /soeg. */
function SearchField() {
  const s = useStyles();
  const { t } = useTexts();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [q, setQ] = useState(params.get("q") ?? "");
  return (
    <form
      role="search"
      className={s.search}
      onSubmit={(e) => {
        e.preventDefault();
        if (q.trim()) navigate(`/soeg?q=${encodeURIComponent(q.trim())}`);
      }}
    >
      <Input
        type="search"
        className={s.searchInput}
        value={q}
        onChange={(_e, data) => setQ(data.value)}
        placeholder={t("web.search.placeholder")}
        aria-label={t("web.search.label")}
        data-testid="search"
      />
    </form>
  );
}

/**
 * NOTIFIKATIONER with the number of unread ones as a badge, named for screen readers ("Notifikationer, 3 ulæste").
 * The count is asked for every 20 s while the tab shows (unread.ts) and when the window gets focus again; a new
 * notification (a new newest unread one) refreshes the lists of notifications that are open.
 */
function NotificationsLink({ linkClass }: { linkClass: (state: { isActive: boolean }) => string }) {
  const s = useStyles();
  const { t } = useTexts();
  const queries = useQueryClient();
  const unread = useQuery(unreadQuery);
  const count = unread.data?.count ?? 0;
  const latest = unread.data?.latestId;
  const seen = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (latest === undefined) return;
    if (seen.current !== undefined && seen.current !== latest) void queries.invalidateQueries({ queryKey: NOTIFICATIONS });
    seen.current = latest;
  }, [latest, queries]);
  useEffect(() => {
    // Switching windows leaves the tab visible (no visibilitychange): focus asks too, unless the count is fresh.
    const onFocus = () => void queries.prefetchQuery(unreadQuery);
    window.addEventListener("focus", onFocus);
    return () => window.removeEventListener("focus", onFocus);
  }, [queries]);
  const label =
    count === 0
      ? undefined
      : count > 99
        ? t("web.nav.notificationsUnreadMany")
        : count === 1
          ? t("web.nav.notificationsUnreadOne")
          : t("web.nav.notificationsUnread", { count });
  return (
    <NavLink to="/notifikationer" className={(state) => mergeClasses(linkClass(state), s.withBadge)} aria-label={label} data-testid="nav-notifications">
      {t("web.nav.notifications")}
      {count > 0 && (
        <span className={s.badge} aria-hidden="true" data-testid="unread-badge">
          {badgeText(count)}
        </span>
      )}
    </NavLink>
  );
}

/** The bar on every signed-in page: the product, SAGER, DOKUMENTER, FLYDENDE (one's floating documents), PARTER, OPGAVER and NOTIFIKATIONER (the unread count), the person's menu (language, sign out). */
export function TopBar({ me }: { me: Me }) {
  const s = useStyles();
  const { t } = useTexts();
  const linkClass = ({ isActive }: { isActive: boolean }) => mergeClasses(s.link, isActive && s.active);
  // The menu's code (Fluent's Menu and its positioning) is not part of the first load: it arrives when the
  // person first reaches for it (pointer over it, focus on it) and opens as soon as it is there.
  const [wanted, setWanted] = useState(false);
  const warm = () => void loadUserMenu();
  const plain = (
    <Button
      appearance="transparent"
      className={s.user}
      aria-label={t("web.user.menu", { name: me.name })}
      aria-haspopup="menu"
      aria-expanded={false}
      data-testid="user-menu"
      onPointerEnter={warm}
      onFocus={warm}
      onClick={() => setWanted(true)}
    >
      {me.name}
    </Button>
  );
  return (
    <header className={s.bar}>
      <div className={s.start}>
        <Link to="/" className={s.product}>
          {t("web.product")}
        </Link>
        <nav className={s.nav} aria-label={t("web.nav.label")}>
          <NavLink to="/sager" className={({ isActive }) => mergeClasses(s.link, isActive && s.active)}>
            {t("web.nav.cases")}
          </NavLink>
          <NavLink to="/dokumenter" className={({ isActive }) => mergeClasses(s.link, isActive && s.active)}>
            {t("web.nav.documents")}
          </NavLink>
          <NavLink to="/flydende" className={({ isActive }) => mergeClasses(s.link, isActive && s.active)}>
            {t("web.nav.floating")}
          </NavLink>
          <NavLink to="/parter" className={linkClass}>
            {t("web.nav.parties")}
          </NavLink>
          <NavLink to="/opgaver" className={linkClass}>
            {t("web.nav.tasks")}
          </NavLink>
          <NotificationsLink linkClass={linkClass} />
        </nav>
      </div>
      <div className={s.end}>
        <SearchField />
        {wanted ? (
          <Suspense fallback={plain}>
            <UserMenu me={me} className={s.user} />
          </Suspense>
        ) : (
          plain
        )}
      </div>
    </header>
  );
}
