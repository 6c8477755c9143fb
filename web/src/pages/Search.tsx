import { makeStyles, Spinner, Text, tokens } from "@fluentui/react-components";
import { useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import type { SearchKind, SnippetPart } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { AppLink, caseLink, documentLink } from "../components/AppLink.tsx";
import { Inert } from "../components/Inert.tsx";
import { Problem } from "../components/Problem.tsx";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";

// What the top bar's search field finds (GET /api/search): the cases and documents the person may see, in
// groups with their counts, best first, each with the words found marked; VIS ALLE shows one group in full.
const PER_GROUP = 5;
const ALL = 100;

const useStyles = makeStyles({
  page: { padding: "24px", display: "flex", flexDirection: "column", gap: "16px", "@media (max-width: 600px)": { padding: "12px" } },
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
            {<Inert text={p.text} />}
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
  testAttribute: "data-case-id" | "data-document-id";
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
        {showAll && <AppLink to={showAll}>{t("web.search.showAll")}</AppLink>}
      </div>
      {hits.length ? (
        <ul className={s.list}>
          {hits.map((h) => (
            <li key={h.id} className={s.hit} {...{ [h.testAttribute]: h.id }}>
              <AppLink to={h.to}>
                <Inert text={h.title} />
              </AppLink>
              <Text size={200} className={s.muted}>
                {h.where}
              </Text>
              <Snippet parts={h.snippet} />
            </li>
          ))}
        </ul>
      ) : (
        <Text className={s.muted}>{t("web.search.noneInGroup")}</Text>
      )}
    </section>
  );
}

/** /soeg?q=…[&kind=cases|documents]: the grouped hits, or one group in full. */
export function Search() {
  const s = useStyles();
  const { t, language } = useTexts();
  const [params] = useSearchParams();
  const q = (params.get("q") ?? "").trim();
  const kindParam = params.get("kind");
  const kind: SearchKind | undefined = kindParam === "cases" || kindParam === "documents" ? kindParam : undefined;
  const found = useQuery({ queryKey: ["search", q, kind], queryFn: () => client.search(q, { kind, limit: kind ? ALL : PER_GROUP }), enabled: q !== "" });
  const count = (g: { count: number; capped: boolean }) => (g.capped ? t("web.search.capped", { count: g.count }) : String(g.count));
  const showAll = (k: SearchKind, g: { count: number; items: unknown[] }) =>
    !kind && g.count > g.items.length ? `/soeg?q=${encodeURIComponent(q)}&kind=${k}` : null;
  return (
    <main className={s.page} data-testid="search-results">
      <Text as="h1" size={600} weight="semibold">
        {q ? t("web.search.results", { q }) : t("web.search.title")}
      </Text>
      {kind && <AppLink to={`/soeg?q=${encodeURIComponent(q)}`}>{t("web.search.back")}</AppLink>}
      {!q ? (
        <Text className={s.muted}>{t("web.search.empty")}</Text>
      ) : found.isPending ? (
        <Spinner label={t("web.loading")} />
      ) : found.isError ? (
        <Problem error={found.error} onRetry={() => void found.refetch()} />
      ) : found.data.cases.count + found.data.documents.count === 0 ? (
        <Text className={s.muted}>{t("web.search.none", { q })}</Text>
      ) : (
        <>
          {kind !== "documents" && (
            <HitGroup
              name="cases"
              heading={t("web.search.cases", { count: count(found.data.cases) })}
              showAll={showAll("cases", found.data.cases)}
              hits={found.data.cases.items.map((h) => ({
                id: h.case.id,
                testAttribute: "data-case-id",
                title: h.case.title,
                to: caseLink(h.case.number),
                where: `${h.case.number} · ${formatMoment(h.changedAt, language)}`,
                snippet: h.snippet,
              }))}
            />
          )}
          {kind !== "cases" && (
            <HitGroup
              name="documents"
              heading={t("web.search.documents", { count: count(found.data.documents) })}
              showAll={showAll("documents", found.data.documents)}
              hits={found.data.documents.items.map((h) => ({
                id: h.document.id,
                testAttribute: "data-document-id",
                title: h.document.title,
                to: documentLink(h.document.id),
                where: `${h.case ? t("web.search.inCase", { number: h.case.number }) : t("web.search.floating")} · ${formatMoment(h.changedAt, language)}`,
                snippet: h.snippet,
              }))}
            />
          )}
        </>
      )}
    </main>
  );
}
