import { makeStyles, Spinner, Text, tokens } from "@fluentui/react-components";
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import { client } from "../api.ts";
import { Problem } from "../components/Problem.tsx";
import { CaseTable } from "../components/Tables.tsx";
import { useTexts } from "../i18n.tsx";

// What the top bar's search field finds: visible cases by number prefix or title words, as the save flow's
// case search does (GET /api/cases/suggest), best matches first.
const RESULTS = 50;

const useStyles = makeStyles({
  page: { padding: "24px", display: "flex", flexDirection: "column", gap: "16px", "@media (max-width: 600px)": { padding: "12px" } },
  scroll: { overflowX: "auto" },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** /soeg?q=…: the cases the person may see that match. */
export function Search() {
  const s = useStyles();
  const { t } = useTexts();
  const [params] = useSearchParams();
  const q = (params.get("q") ?? "").trim();
  const found = useQuery({ queryKey: ["search", q], queryFn: () => client.suggestCases(q, RESULTS), enabled: q !== "" });
  return (
    <main className={s.page} data-testid="search-results">
      <Text as="h1" size={600} weight="semibold">
        {q ? t("web.search.results", { q }) : t("web.search.title")}
      </Text>
      {!q ? (
        <Text className={s.muted}>{t("web.search.empty")}</Text>
      ) : found.isPending ? (
        <Spinner label={t("web.loading")} />
      ) : found.isError ? (
        <Problem error={found.error} onRetry={() => void found.refetch()} />
      ) : found.data.length ? (
        <div className={s.scroll}>
          <CaseTable items={found.data} label={t("web.search.results", { q })} />
        </div>
      ) : (
        <Text className={s.muted}>{t("web.search.none", { q })}</Text>
      )}
    </main>
  );
}
