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
  const showAll = (k: SearchKind) => `/soeg?q=${encodeURIComponent(q)}&kind=${k}`;
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
            <section className={s.group} aria-labelledby="hits-cases" data-testid="hits-cases">
              <div className={s.heading}>
                <Text as="h2" size={400} weight="semibold" id="hits-cases">
                  {t("web.search.cases", { count: count(found.data.cases) })}
                </Text>
                {!kind && found.data.cases.count > found.data.cases.items.length && <AppLink to={showAll("cases")}>{t("web.search.showAll")}</AppLink>}
              </div>
              {found.data.cases.items.length ? (
                <ul className={s.list}>
                  {found.data.cases.items.map((h) => (
                    <li key={h.case.id} className={s.hit} data-case-id={h.case.id}>
                      <AppLink to={caseLink(h.case.number)}>
                        <Inert text={h.case.title} />
                      </AppLink>
                      <Text size={200} className={s.muted}>
                        {h.case.number} · {formatMoment(h.changedAt, language)}
                      </Text>
                      <Snippet parts={h.snippet} />
                    </li>
                  ))}
                </ul>
              ) : (
                <Text className={s.muted}>{t("web.search.noneInGroup")}</Text>
              )}
            </section>
          )}
          {kind !== "cases" && (
            <section className={s.group} aria-labelledby="hits-documents" data-testid="hits-documents">
              <div className={s.heading}>
                <Text as="h2" size={400} weight="semibold" id="hits-documents">
                  {t("web.search.documents", { count: count(found.data.documents) })}
                </Text>
                {!kind && found.data.documents.count > found.data.documents.items.length && (
                  <AppLink to={showAll("documents")}>{t("web.search.showAll")}</AppLink>
                )}
              </div>
              {found.data.documents.items.length ? (
                <ul className={s.list}>
                  {found.data.documents.items.map((h) => (
                    <li key={h.document.id} className={s.hit} data-document-id={h.document.id}>
                      <AppLink to={documentLink(h.document.id)}>
                        <Inert text={h.document.title} />
                      </AppLink>
                      <Text size={200} className={s.muted}>
                        {h.case ? t("web.search.inCase", { number: h.case.number }) : t("web.search.floating")} · {formatMoment(h.changedAt, language)}
                      </Text>
                      <Snippet parts={h.snippet} />
                    </li>
                  ))}
                </ul>
              ) : (
                <Text className={s.muted}>{t("web.search.noneInGroup")}</Text>
              )}
            </section>
          )}
        </>
      )}
    </main>
  );
}
