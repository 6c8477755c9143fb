import { makeStyles, tokens } from "@fluentui/react-components";
import type { SavedSearch } from "../../../shared/index.ts";
import { AppLink } from "../components/AppLink.tsx";
import { Inert } from "../components/Inert.tsx";
import { useTexts } from "../i18n.tsx";
import { advancedSearchLink } from "./search-state.ts";

// The dashboard's "Gemte søgninger": each a link that runs it. Part of the first load: first-load texts only (texts/dashboard.ts).

const useStyles = makeStyles({
  list: { listStyle: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "6px" },
  item: { overflowWrap: "anywhere" },
  who: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
});

export function SavedSearchLinks({ items, label }: { items: SavedSearch[]; label: string }) {
  const s = useStyles();
  const { t } = useTexts();
  return (
    <ul className={s.list} aria-label={label}>
      {items.map((saved) => (
        <li key={saved.id} className={s.item} data-saved-search-id={saved.id}>
          <AppLink to={advancedSearchLink(saved.search)}>
            <Inert text={saved.name} />
          </AppLink>
          {saved.sharedWith && (
            <span className={s.who}>
              {" · "}
              <Inert
                text={
                  saved.mine
                    ? t("web.dashboard.savedSharedWith", { group: saved.sharedWith.name })
                    : t("web.dashboard.savedSharedBy", { name: saved.owner.name })
                }
              />
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
