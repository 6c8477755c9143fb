import { Button, Field, Input, makeStyles, Spinner, Text, tokens } from "@fluentui/react-components";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { SavedSearch } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { AppLink } from "../components/AppLink.tsx";
import { Inert, visibleControls } from "../components/Inert.tsx";
import { Problem } from "../components/Problem.tsx";
import { useTexts } from "../i18n.tsx";
import { savedSearchesQuery } from "./queries.ts";
import { advancedSearchLink } from "./search-state.ts";

// The saved searches one may run: one's own (renamed and deleted here) and those shared with one's groups
// (marked so, and only their owner changes them). Each is a link that runs it.

const useStyles = makeStyles({
  list: { listStyle: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "8px" },
  item: { display: "flex", flexWrap: "wrap", alignItems: "center", gap: "4px 12px", overflowWrap: "anywhere" },
  who: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  actions: { display: "flex", flexWrap: "wrap", gap: "4px", alignItems: "center" },
  muted: { color: tokens.colorNeutralForeground3 },
  rename: { display: "flex", flexWrap: "wrap", gap: "8px", alignItems: "end" },
});

/** Who a saved search is for, in words: only the person, or shared (by whom, when it is someone else's). */
export function useSharing() {
  const { t } = useTexts();
  return (saved: SavedSearch) =>
    !saved.sharedWith
      ? t("web.saved.private")
      : saved.mine
        ? t("web.saved.sharedWith", { group: saved.sharedWith.name })
        : t("web.saved.sharedBy", { name: saved.owner.name, group: saved.sharedWith.name });
}

export function SavedSearches() {
  const s = useStyles();
  const { t } = useTexts();
  const saved = useQuery(savedSearchesQuery);
  if (saved.isPending) return <Spinner size="small" label={t("web.loading")} />;
  if (saved.isError) return <Problem error={saved.error} onRetry={() => void saved.refetch()} />;
  if (!saved.data.length) return <Text className={s.muted}>{t("web.saved.none")}</Text>;
  return (
    <ul className={s.list} data-testid="saved-searches">
      {saved.data.map((item) => (
        <SavedItem key={item.id} saved={item} />
      ))}
    </ul>
  );
}

function SavedItem({ saved }: { saved: SavedSearch }) {
  const s = useStyles();
  const { t } = useTexts();
  const sharing = useSharing();
  const queries = useQueryClient();
  const [mode, setMode] = useState<"show" | "rename" | "delete">("show");
  const [name, setName] = useState(saved.name);
  const named = { name: visibleControls(saved.name) };
  const refresh = () => queries.invalidateQueries({ queryKey: savedSearchesQuery.queryKey });
  const rename = useMutation({
    mutationFn: () => client.changeSavedSearch(saved.id, { name: name.trim() }),
    onSuccess: async () => {
      await refresh();
      setMode("show");
    },
  });
  const remove = useMutation({ mutationFn: () => client.deleteSavedSearch(saved.id), onSuccess: refresh });
  return (
    <li className={s.item} data-saved-search-id={saved.id}>
      {mode === "rename" ? (
        <form
          className={s.rename}
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim()) rename.mutate();
          }}
        >
          <Field label={t("web.saved.newName", named)}>
            <Input value={name} maxLength={200} onChange={(_e, d) => setName(d.value)} autoFocus data-testid="saved-search-name" />
          </Field>
          <Button type="submit" appearance="primary" disabled={rename.isPending || !name.trim()} data-testid="saved-search-keep">
            {t("web.saved.keep")}
          </Button>
          <Button onClick={() => setMode("show")}>{t("web.saved.cancel")}</Button>
        </form>
      ) : (
        <>
          <AppLink to={advancedSearchLink(saved.search)}>
            <Inert text={saved.name} />
          </AppLink>
          <span className={s.who}>{sharing(saved)}</span>
          {saved.mine && mode === "show" && (
            <span className={s.actions}>
              <Button size="small" appearance="subtle" onClick={() => setMode("rename")} aria-label={t("web.saved.renameOf", named)}>
                {t("web.saved.rename")}
              </Button>
              <Button size="small" appearance="subtle" onClick={() => setMode("delete")} aria-label={t("web.saved.deleteOf", named)}>
                {t("web.saved.delete")}
              </Button>
            </span>
          )}
          {mode === "delete" && (
            <span className={s.actions} role="group" aria-label={t("web.saved.deleteOf", named)}>
              <Text>{t("web.saved.confirmDelete", named)}</Text>
              <Button size="small" appearance="primary" disabled={remove.isPending} onClick={() => remove.mutate()} data-testid="saved-search-confirm-delete">
                {t("web.saved.confirm")}
              </Button>
              <Button size="small" onClick={() => setMode("show")}>
                {t("web.saved.cancel")}
              </Button>
            </span>
          )}
        </>
      )}
      {(rename.isError || remove.isError) && <Problem error={rename.error ?? remove.error} />}
    </li>
  );
}
