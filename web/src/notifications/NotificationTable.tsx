import { makeStyles, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, tokens } from "@fluentui/react-components";
import { useQueryClient } from "@tanstack/react-query";
import type { Notification } from "../../../shared/index.ts";
import { AppLink, caseLink, documentLink } from "../components/AppLink.tsx";
import { Inert } from "../components/Inert.tsx";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";
import { taskLink } from "../tasks/TaskTable.tsx";
import { CHANGE_TEXT, readOnOpen } from "./unread.ts";

// The dashboard's "Seneste notificeringer" and the pieces the notifications page shares with it. Part of the
// first load: first-load texts only (texts/dashboard.ts).

const useStyles = makeStyles({
  unread: {
    display: "inline-block",
    marginRight: "6px",
    padding: "0 6px",
    borderRadius: tokens.borderRadiusSmall,
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
    fontSize: tokens.fontSizeBase200,
    fontWeight: tokens.fontWeightSemibold,
  },
  change: { display: "flex", flexDirection: "column", gap: "2px", overflowWrap: "anywhere" },
  what: { fontWeight: tokens.fontWeightSemibold },
  detail: { color: tokens.colorNeutralForeground3 },
  table: { tableLayout: "auto" },
});

/** The word "Ulæst" on an unread notification: it is marked in words, not by colour or weight alone. */
export function UnreadMark() {
  const s = useStyles();
  const { t } = useTexts();
  return (
    <span className={s.unread} data-testid="unread-mark">
      {t("web.notification.unread")}
    </span>
  );
}

/** What changed: the change in words, what it concerns (the task or the document, a link) and the detail it names. */
export function Change({ n, showUnread = true }: { n: Notification; showUnread?: boolean }) {
  const s = useStyles();
  const { t } = useTexts();
  return (
    <span className={s.change}>
      <span>
        {showUnread && !n.read && (
          <>
            <UnreadMark />{" "}
          </>
        )}
        <span className={s.what}>{t(CHANGE_TEXT[n.change])}</span>
      </span>
      {n.task ? (
        <AppLink to={taskLink(n.task.id)}>
          <Inert text={n.task.title} />
        </AppLink>
      ) : n.document ? (
        <AppLink to={documentLink(n.document.id)}>
          <Inert text={n.document.title} />
        </AppLink>
      ) : null}
      {n.detail && n.detail !== (n.task ?? n.document)?.title && (
        <span className={s.detail}>
          <Inert text={n.detail} />
        </span>
      )}
    </span>
  );
}

/** Notifications as the product's dashboard shows them: case, change, changed, changed by. */
export function NotificationTable({ items, label }: { items: Notification[]; label: string }) {
  const s = useStyles();
  const { t, language } = useTexts();
  const queries = useQueryClient();
  return (
    <Table size="small" aria-label={label} className={s.table}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>{t("web.column.case")}</TableHeaderCell>
          <TableHeaderCell>{t("web.column.change")}</TableHeaderCell>
          <TableHeaderCell>{t("web.column.changed")}</TableHeaderCell>
          <TableHeaderCell>{t("web.column.changedBy")}</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((n) => (
          <TableRow
            key={n.id}
            data-notification-id={n.id}
            data-read={n.read ? "true" : "false"}
            // A link followed (by click or keyboard: both end in a click) opens what the notification is about.
            onClickCapture={(e) => {
              if (!n.read && (e.target as Element).closest("a")) readOnOpen(queries, n.id);
            }}
          >
            <TableCell>
              {n.case ? (
                <AppLink to={caseLink(n.case.number)}>
                  <Inert text={n.case.title} />
                </AppLink>
              ) : (
                t("web.task.none")
              )}
            </TableCell>
            <TableCell>
              <Change n={n} />
            </TableCell>
            <TableCell>{formatMoment(n.at, language)}</TableCell>
            <TableCell>
              <Inert text={n.actor.name || t("web.changedBy.formerUser")} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
