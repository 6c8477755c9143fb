import { Link, makeStyles, Spinner, Text, tokens } from "@fluentui/react-components";
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import { SearchKind as SearchKindSchema } from "../../../shared/api/schemas/search.ts";
import { optionLabel } from "../../../shared/i18n/search-fields.ts";
import type { SearchKind, SearchResults, SnippetPart } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { AppLink, caseLink, documentLink } from "../components/AppLink.tsx";
import { Inert } from "../components/Inert.tsx";
import { Problem } from "../components/Problem.tsx";
import { contactUrl } from "../contacts/keys.ts";
import { formatDay } from "../document/dates.ts";
import { formatMoment } from "../format.ts";
import { useTexts, type TextKey } from "../i18n.tsx";
import { ADVANCED_SEARCH_PATH, advancedSearchLink } from "../search/search-state.ts";
import { taskLink } from "../tasks/TaskTable.tsx";

// What the top bar's search field finds (GET /api/search): the tasks, cases, documents and contacts the person
// may see, in groups with their counts, best first, each with the words found marked; VIS ALLE shows one group
// in full, and offers all of it as CSV.
const PER_GROUP = 5;
const ALL = 100;

/** The groups in the product's order: what there is to do first, then where things are filed, then who. */
const GROUPS: ReadonlyArray<{ kind: SearchKind; heading: TextKey }> = [
  { kind: "tasks", heading: "web.search.tasks" },
  { kind: "cases", heading: "web.search.cases" },
  { kind: "documents", heading: "web.search.documents" },
  { kind: "contacts", heading: "web.search.contacts" },
];

const useStyles = makeStyles({
  page: { padding: "24px", display: "flex", flexDirection: "column", gap: "16px", "@media (max-width: 600px)": { padding: "12px" } },
  links: { display: "flex", flexWrap: "wrap", gap: "8px 24px" },
  group: { display: "flex", flexDirection: "column", gap: "8px" },
  heading: { display: "flex", alignItems: "baseline", gap: "16px", flexWrap: "wrap" },
  list: { listStyle: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "12px" },
  hit: { display: "flex", flexDirection: "column", gap: "2px", overflowWrap: "anywhere" },
  snippet: { color: tokens.colorNeutralForeground2 },
  mark: { backgroundColor: tokens.colorPaletteYellowBackground2, color: "inherit", fontWeight: tokens.fontWeightSemibold },
  muted: { color: tokens.colorNeutralForeground3 },
});

function Snippet({ parts }: { parts: SnippetPart[] }) {
  const s = useStyles();
  return (
    <Text size={200} className={s.snippet}>
      {parts.map((p, i) =>
        p.hit ? (
          <mark key={i} className={s.mark}>
            <Inert text={p.text} />
          </mark>
        ) : (
          <Inert key={i} text={p.text} />
        ),
      )}
    </Text>
  );
}

/** One hit: a link to what was found, a line saying where and when, and the snippet. */
interface Hit {
  id: string;
  testAttribute: "data-task-id" | "data-case-id" | "data-document-id" | "data-contact-id";
  title: string;
  to: string;
  where: string;
  snippet: SnippetPart[];
}

/** A group of hits under its heading and count, with VIS ALLE when there are more than shown. */
function HitGroup({ name, heading, hits, showAll }: { name: SearchKind; heading: string; hits: Hit[]; showAll: string | null }) {
  const s = useStyles();
  const { t } = useTexts();
  return (
    <section className={s.group} aria-labelledby={`hits-${name}`} data-testid={`hits-${name}`}>
      <div className={s.heading}>
        <Text as="h2" size={400} weight="semibold" id={`hits-${name}`}>
          {heading}
        </Text>
        {showAll && (
          <AppLink to={showAll} aria-label={t("web.search.showAllOf", { group: heading })}>
            {t("web.search.showAll")}
          </AppLink>
        )}
      </div>
      <ul className={s.list}>
        {hits.map((h) => (
          <li key={h.id} className={s.hit} {...{ [h.testAttribute]: h.id }}>
            <AppLink to={h.to}>
              <Inert text={h.title} />
            </AppLink>
            <Text size={200} className={s.muted}>
              <Inert text={h.where} />
            </Text>
            <Snippet parts={h.snippet} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Each group's hits as the page lists them: what was found, and where it is. */
function useHits() {
  const { t, language } = useTexts();
  const inCase = (c: { number: string } | null) => (c ? t("web.search.inCase", { number: c.number }) : t("web.search.floating"));
  const when = (iso: string) => formatMoment(iso, language);
  return (results: SearchResults): Record<SearchKind, Hit[]> => ({
    tasks: results.tasks.items.map((h) => ({
      id: h.task.id,
      testAttribute: "data-task-id",
      title: h.task.title,
      to: taskLink(h.task.id),
      where: [
        h.case ? t("web.search.inCase", { number: h.case.number }) : null,
        optionLabel(h.status, language),
        h.deadline ? t("web.search.deadline", { date: formatDay(h.deadline, language) }) : null,
      ]
        .filter(Boolean)
        .join(" · "),
      snippet: h.snippet,
    })),
    cases: results.cases.items.map((h) => ({
      id: h.case.id,
      testAttribute: "data-case-id",
      title: h.case.title,
      to: caseLink(h.case.number),
      where: `${h.case.number} · ${optionLabel(h.status, language)} · ${when(h.changedAt)}`,
      snippet: h.snippet,
    })),
    documents: results.documents.items.map((h) => ({
      id: h.document.id,
      testAttribute: "data-document-id",
      title: h.document.title,
      to: documentLink(h.document.id),
      where: `${inCase(h.case)} · ${optionLabel(h.status, language)} · ${when(h.changedAt)}`,
      snippet: h.snippet,
    })),
    contacts: results.contacts.items.map((h) => ({
      id: h.contact.id,
      testAttribute: "data-contact-id",
      title: h.contact.name,
      to: contactUrl(h.contact.id),
      where: [optionLabel(h.contact.kind, language), h.email].filter(Boolean).join(" · "),
      snippet: h.snippet,
    })),
  });
}

const searchLink = (q: string, kind?: SearchKind) => `/soeg?q=${encodeURIComponent(q)}${kind ? `&kind=${kind}` : ""}`;

/** /soeg?q=…[&kind=tasks|cases|documents|contacts]: the grouped hits, or one group in full. */
export function Search() {
  const s = useStyles();
  const { t } = useTexts();
  const hitsOf = useHits();
  const [params] = useSearchParams();
  const q = (params.get("q") ?? "").trim();
  const kind = SearchKindSchema.safeParse(params.get("kind")).data;
  const found = useQuery({ queryKey: ["search", q, kind], queryFn: () => client.search(q, { kind, limit: kind ? ALL : PER_GROUP }), enabled: q !== "" });
  const count = (g: { count: number; capped: boolean }) => (g.capped ? t("web.search.capped", { count: g.count }) : String(g.count));
  const groups = GROUPS.filter((g) => !kind || g.kind === kind);
  const shown = found.data ? groups.filter((g) => found.data[g.kind].count > 0) : [];
  const full = kind && found.data ? found.data[kind] : null;
  const hits = found.data ? hitsOf(found.data) : null;
  return (
    <main className={s.page} data-testid="search-results">
      <Text as="h1" size={600} weight="semibold">
        {q ? t("web.search.results", { q }) : t("web.search.title")}
      </Text>
      <div className={s.links}>
        {kind && <AppLink to={searchLink(q)}>{t("web.search.back")}</AppLink>}
        {kind && q && (
          <Link href={client.searchCsvUrl(q, kind)} download data-testid="search-csv">
            {t("web.search.csv")}
          </Link>
        )}
        <AppLink to={q ? advancedSearchLink({ target: "cases", where: [{ field: "text", op: "contains", value: q }] }) : ADVANCED_SEARCH_PATH}>
          {t("web.search.advanced")}
        </AppLink>
      </div>
      {!q ? (
        <Text className={s.muted}>{t("web.search.empty")}</Text>
      ) : found.isPending ? (
        <Spinner label={t("web.loading")} />
      ) : found.isError ? (
        <Problem error={found.error} onRetry={() => void found.refetch()} />
      ) : shown.length === 0 ? (
        <Text className={s.muted}>{t("web.search.none", { q })}</Text>
      ) : (
        <>
          {shown.map(({ kind: k, heading }) => {
            const group = found.data[k];
            return (
              <HitGroup
                key={k}
                name={k}
                heading={t(heading, { count: count(group) })}
                showAll={!kind && group.count > group.items.length ? searchLink(q, k) : null}
                hits={hits?.[k] ?? []}
              />
            );
          })}
          {full && full.count > full.items.length && (
            <Text className={s.muted} data-testid="search-first-of">
              {t("web.search.firstOf", { shown: full.items.length, count: count(full) })}
            </Text>
          )}
        </>
      )}
    </main>
  );
}
