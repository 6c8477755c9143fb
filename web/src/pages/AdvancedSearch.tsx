import { Button, Link, makeStyles, MessageBar, MessageBarBody, Radio, RadioGroup, Field, Text, tokens } from "@fluentui/react-components";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useLocation, useNavigate, useSearchParams } from "react-router";
import { SearchTarget } from "../../../shared/api/schemas/advanced-search.ts";
import { advancedSearchQueryString } from "../../../shared/api/search-query.ts";
import { client, mustChangePassword } from "../api.ts";
import { useTemplates } from "../cases/reference.ts";
import { ChangePasswordPage } from "../components/ChangePassword.tsx";
import { AppLink } from "../components/AppLink.tsx";
import { visibleControls } from "../components/Inert.tsx";
import { PagedList } from "../components/Listing.tsx";
import { usePageTitle } from "../components/page-title.ts";
import { useTexts } from "../i18n.tsx";
import { ColumnChooser, SortChooser } from "../search/ColumnChooser.tsx";
import { ConditionEditor } from "../search/ConditionEditor.tsx";
import { ResultsTable } from "../search/ResultsTable.tsx";
import { SavedSearches } from "../search/SavedSearches.tsx";
import { SaveSearch } from "../search/SaveSearch.tsx";
import {
  ADVANCED_SEARCH_PATH,
  advancedSearchLink,
  conditionFields,
  customFieldsOf,
  fieldsOf,
  runnable,
  searchFromParams,
  sortedBy,
  withTarget,
  type SearchField,
  type SearchState,
} from "../search/search-state.ts";

// AVANCERET SØGNING (/soeg/avanceret?target=…&where=…&columns=…&sort=…&dir=…): the address is the search, in the
// query string GET /api/search/advanced reads, so a link, a saved search and the back button all run it again.

const PAGE = 50;

const useStyles = makeStyles({
  page: {
    padding: "24px",
    display: "grid",
    gridTemplateColumns: "minmax(0, 1fr) minmax(220px, 300px)",
    gap: "24px",
    alignItems: "start",
    "@media (max-width: 900px)": { gridTemplateColumns: "minmax(0, 1fr)" },
    "@media (max-width: 600px)": { padding: "12px" },
  },
  main: { display: "flex", flexDirection: "column", gap: "16px", minWidth: 0 },
  intro: { color: tokens.colorNeutralForeground3 },
  form: { display: "flex", flexDirection: "column", gap: "16px" },
  section: { display: "flex", flexDirection: "column", gap: "8px", border: "none", margin: 0, padding: 0, minWidth: 0 },
  legend: { fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase400, padding: 0, marginBottom: "4px" },
  summary: { cursor: "pointer", fontWeight: tokens.fontWeightSemibold, fontSize: tokens.fontSizeBase400 },
  buttons: { display: "flex", flexWrap: "wrap", gap: "8px", alignItems: "center" },
  results: { display: "flex", flexDirection: "column", gap: "8px", minWidth: 0 },
  resultsHeader: { display: "flex", flexWrap: "wrap", gap: "8px 16px", alignItems: "baseline" },
  scroll: { overflowX: "auto" },
  aside: {
    display: "flex",
    flexDirection: "column",
    gap: "8px",
    padding: "16px",
    backgroundColor: tokens.colorNeutralBackground1,
    borderRadius: tokens.borderRadiusMedium,
    boxShadow: tokens.shadow4,
  },
});

export function AdvancedSearch() {
  const s = useStyles();
  const { t } = useTexts();
  const [params] = useSearchParams();
  const location = useLocation();
  const navigate = useNavigate();
  const templates = useTemplates();
  const applied = useMemo(() => searchFromParams(params), [params]);
  // Until the address names a target, nothing has been asked: the form shows, the result does not.
  const asked = params.has("target");
  const custom = useMemo(() => customFieldsOf(templates.data ?? []), [templates.data]);
  const [savedName, setSavedName] = useState<string | null>(null);
  usePageTitle(t("web.advanced.title"));
  const run = (search: SearchState) => {
    setSavedName(null);
    navigate(advancedSearchLink(runnable(search)));
  };
  return (
    <div className={s.page}>
      <main className={s.main} data-testid="advanced-search">
        <Text as="h1" size={600} weight="semibold">
          {t("web.advanced.title")}
        </Text>
        <Text className={s.intro}>{t("web.advanced.intro")}</Text>
        <div>
          <AppLink to="/soeg">{t("web.advanced.freeText")}</AppLink>
        </div>
        {/* The form starts over from the address whenever it changes (a link, a saved search, back). */}
        <SearchForm key={location.search} initial={applied} custom={custom} onRun={run} />
        {savedName && (
          <MessageBar intent="success" data-testid="search-saved">
            <MessageBarBody>{t("web.advanced.save.done", { name: savedName })}</MessageBarBody>
          </MessageBar>
        )}
        {asked && (
          <Results search={applied} fields={fieldsOf(applied.target, custom)} onSort={(column) => run(sortedBy(applied, column))} onSaved={setSavedName} />
        )}
      </main>
      <aside className={s.aside} aria-labelledby="saved-searches-heading">
        <Text as="h2" size={500} weight="semibold" id="saved-searches-heading">
          {t("web.saved.title")}
        </Text>
        <SavedSearches />
      </aside>
    </div>
  );
}

/** The search being written: its target, conditions, columns and sort; "Søg" puts it in the address. */
function SearchForm({ initial, custom, onRun }: { initial: SearchState; custom: SearchField[]; onRun(search: SearchState): void }) {
  const s = useStyles();
  const { t } = useTexts();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<SearchState>(initial);
  const fields = fieldsOf(draft.target, custom);
  return (
    <form
      className={s.form}
      onSubmit={(e) => {
        e.preventDefault();
        onRun(draft);
      }}
      data-testid="advanced-search-form"
    >
      <Field label={t("web.advanced.target")}>
        <RadioGroup layout="horizontal" value={draft.target} onChange={(_e, d) => setDraft(withTarget(SearchTarget.parse(d.value)))} data-testid="target">
          {SearchTarget.options.map((target) => (
            <Radio key={target} value={target} label={t(`web.advanced.target.${target}`)} />
          ))}
        </RadioGroup>
      </Field>
      <fieldset className={s.section}>
        <legend className={s.legend}>{t("web.advanced.conditions")}</legend>
        <ConditionEditor target={draft.target} fields={conditionFields(fields)} where={draft.where} onChange={(where) => setDraft({ ...draft, where })} />
      </fieldset>
      <SortChooser search={draft} fields={fields} onChange={setDraft} />
      <details>
        <summary className={s.summary} data-testid="columns-toggle">
          {t("web.advanced.columns")}
        </summary>
        <fieldset className={s.section}>
          <legend className={s.legend}>{t("web.advanced.columns")}</legend>
          <ColumnChooser search={draft} fields={fields} onChange={setDraft} />
        </fieldset>
      </details>
      <div className={s.buttons}>
        <Button type="submit" appearance="primary" data-testid="run-search">
          {t("web.advanced.run")}
        </Button>
        <Button onClick={() => navigate(ADVANCED_SEARCH_PATH)} data-testid="reset-search">
          {t("web.advanced.reset")}
        </Button>
      </div>
    </form>
  );
}

interface ResultsProps {
  search: SearchState;
  fields: SearchField[];
  onSort(column: string): void;
  onSaved(name: string): void;
}

/** The result of the search in the address, a page at a time, with its total, CSV and saving. */
function Results({ search, fields, onSort, onSaved }: ResultsProps) {
  const s = useStyles();
  const { t } = useTexts();
  const asked = runnable(search);
  const list = useInfiniteQuery({
    queryKey: ["advanced-search", advancedSearchQueryString(asked)],
    queryFn: ({ pageParam }) => client.advancedSearch(asked, { cursor: pageParam, limit: PAGE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  if (mustChangePassword(list.error)) return <ChangePasswordPage className={s.results} />;
  const first = list.data?.pages[0];
  const rows = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = first ? (first.total.capped ? t("web.search.capped", { count: first.total.count }) : String(first.total.count)) : "";
  return (
    <section className={s.results} aria-labelledby="results-heading" data-testid="advanced-results">
      <div className={s.resultsHeader}>
        <Text as="h2" size={500} weight="semibold" id="results-heading" data-testid="results-heading">
          {first ? t("web.advanced.results", { count: total }) : t("web.advanced.title")}
        </Text>
        <Link href={client.advancedSearchCsvUrl(asked)} download data-testid="advanced-csv">
          {t("web.advanced.csv")}
        </Link>
        <SaveSearch search={asked} onSaved={(saved) => onSaved(visibleControls(saved.name))} />
      </div>
      <PagedList list={list} count={rows.length} empty="web.advanced.none" emptyTestId="advanced-none" moreTestId="advanced-more">
        {first && (
          <div className={s.scroll}>
            <ResultsTable results={first} rows={rows} fields={fields} sort={search.sort} dir={search.dir} onSort={onSort} />
          </div>
        )}
      </PagedList>
    </section>
  );
}
