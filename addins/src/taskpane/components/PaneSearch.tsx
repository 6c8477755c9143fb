import { Button, Input, Link, makeStyles, Spinner, Text, tokens } from "@fluentui/react-components";
import { useRef, useState } from "react";
import { messageFor, type ImsClient, type Message, type SearchKind, type SearchResults, type SnippetPart } from "../../../../shared/index.ts";
import type { WebViewPort } from "../../hosts/adapter.ts";
import { useTexts } from "../i18n.tsx";
import type { PaneKey } from "../texts.ts";
import { ProblemBar } from "./ProblemBar.tsx";

// Free-text search from the pane (GET /api/search): what the person may see, in groups — cases first, since the
// pane files into cases, then documents, tasks and contacts — each hit opening its page of the web view in the
// browser. Nothing is asked of the service until a search is sent, so the pane's first screen stays as it was.

const PER_GROUP = 5;

const GROUPS: ReadonlyArray<{ kind: SearchKind; heading: PaneKey }> = [
  { kind: "cases", heading: "pane.search.cases" },
  { kind: "documents", heading: "pane.search.documents" },
  { kind: "tasks", heading: "pane.search.tasks" },
  { kind: "contacts", heading: "pane.search.contacts" },
];

const useStyles = makeStyles({
  form: { display: "flex", gap: "4px", alignItems: "center" },
  input: { flexGrow: 1, minWidth: 0 },
  results: { display: "flex", flexDirection: "column", gap: "8px", borderBottom: `1px solid ${tokens.colorNeutralStroke2}`, paddingBottom: "8px" },
  top: { display: "flex", justifyContent: "space-between", alignItems: "baseline", gap: "8px" },
  group: { display: "flex", flexDirection: "column", gap: "4px" },
  list: { listStyle: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: "6px" },
  hit: { display: "flex", flexDirection: "column", overflowWrap: "anywhere" },
  where: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  snippet: { color: tokens.colorNeutralForeground2, fontSize: tokens.fontSizeBase200 },
  mark: { backgroundColor: tokens.colorPaletteYellowBackground2, color: "inherit", fontWeight: tokens.fontWeightSemibold },
});

/** A page of the web view at the service the pane talks to. */
export const webViewPage = (serviceUrl: string, path: string) => `${serviceUrl.replace(/\/+$/, "")}${path}`;

interface PaneHit {
  id: string;
  title: string;
  path: string;
  where: string;
  snippet: SnippetPart[];
}

/** Each group's hits: what was found, where it is shown in the web view, and where it is filed. */
function hitsOf(results: SearchResults, inCase: (number: string | undefined) => string): Record<SearchKind, PaneHit[]> {
  const enc = encodeURIComponent;
  return {
    cases: results.cases.items.map((h) => ({
      id: h.case.id,
      title: h.case.title,
      path: `/sager/${enc(h.case.number)}`,
      where: h.case.number,
      snippet: h.snippet,
    })),
    documents: results.documents.items.map((h) => ({
      id: h.document.id,
      title: h.document.title,
      path: `/dokumenter/${enc(h.document.id)}`,
      where: inCase(h.case?.number),
      snippet: h.snippet,
    })),
    tasks: results.tasks.items.map((h) => ({
      id: h.task.id,
      title: h.task.title,
      path: `/opgaver/${enc(h.task.id)}`,
      where: h.case?.number ?? "",
      snippet: h.snippet,
    })),
    contacts: results.contacts.items.map((h) => ({
      id: h.contact.id,
      title: h.contact.name,
      path: `/parter/${enc(h.contact.id)}`,
      where: h.email ?? "",
      snippet: h.snippet,
    })),
  };
}

interface PaneSearchProps {
  client: ImsClient;
  serviceUrl: string;
  webView: WebViewPort;
  onSignedOut(): void;
}

export function PaneSearch({ client, serviceUrl, webView, onSignedOut }: PaneSearchProps) {
  const s = useStyles();
  const { t } = useTexts();
  const [text, setText] = useState("");
  const [found, setFound] = useState<{ q: string; results?: SearchResults; failure?: Message } | null>(null);
  // Only the answer to the latest search is shown; an earlier one that arrives late is dropped.
  const latest = useRef(0);
  const search = async (q: string) => {
    const asked = ++latest.current;
    setFound({ q });
    try {
      const results = await client.search(q, { limit: PER_GROUP });
      if (asked === latest.current) setFound({ q, results });
    } catch (err) {
      const failure = messageFor(err);
      if (asked !== latest.current) return;
      setFound({ q, failure });
      if (failure.key === "error.unauthorized") onSignedOut();
    }
  };
  const open = (path: string) => (e: { preventDefault(): void }) => {
    e.preventDefault();
    webView.openInBrowser(webViewPage(serviceUrl, path));
  };
  const count = (g: { count: number; capped: boolean }) => (g.capped ? t("pane.search.capped", { count: g.count }) : String(g.count));
  const results = found?.results;
  const hits = results ? hitsOf(results, (n) => (n ? t("pane.search.inCase", { number: n }) : t("pane.search.floating"))) : null;
  const shown = results ? GROUPS.filter((g) => results[g.kind].count > 0) : [];
  return (
    <>
      <form
        role="search"
        className={s.form}
        onSubmit={(e) => {
          e.preventDefault();
          const q = text.trim();
          if (q) void search(q);
          else setFound(null);
        }}
      >
        <Input
          type="search"
          className={s.input}
          value={text}
          onChange={(_e, d) => setText(d.value)}
          placeholder={t("pane.search.placeholder")}
          aria-label={t("pane.search.label")}
          data-testid="pane-search"
        />
        <Button type="submit" data-testid="pane-search-submit">
          {t("pane.search.submit")}
        </Button>
      </form>
      {found && (
        <section className={s.results} aria-label={t("pane.search.results", { q: found.q })} data-testid="pane-search-results">
          <div className={s.top}>
            <Text weight="semibold">{t("pane.search.results", { q: found.q })}</Text>
            <Button
              appearance="subtle"
              size="small"
              onClick={() => {
                latest.current++;
                setFound(null);
              }}
              data-testid="pane-search-close"
            >
              {t("pane.search.close")}
            </Button>
          </div>
          {found.failure ? (
            <ProblemBar message={found.failure} testId="pane-search-failure" />
          ) : !results || !hits ? (
            <Spinner size="small" label={t("app.loading")} />
          ) : shown.length === 0 ? (
            <Text>{t("pane.search.none", { q: found.q })}</Text>
          ) : (
            shown.map(({ kind, heading }) => (
              <div key={kind} className={s.group} data-testid={`pane-hits-${kind}`}>
                <Text as="h2" size={300} weight="semibold">
                  {t(heading, { count: count(results[kind]) })}
                </Text>
                <ul className={s.list}>
                  {hits[kind].map((h) => (
                    <li key={h.id} className={s.hit} data-hit-id={h.id}>
                      <Link href={webViewPage(serviceUrl, h.path)} target="_blank" rel="noopener noreferrer" onClick={open(h.path)}>
                        {h.title}
                      </Link>
                      {h.where && <span className={s.where}>{h.where}</span>}
                      <span className={s.snippet}>
                        {h.snippet.map((p, i) =>
                          p.hit ? (
                            <mark key={i} className={s.mark}>
                              {p.text}
                            </mark>
                          ) : (
                            <span key={i}>{p.text}</span>
                          ),
                        )}
                      </span>
                    </li>
                  ))}
                </ul>
                {results[kind].count > results[kind].items.length && (
                  <Link
                    href={webViewPage(serviceUrl, `/soeg?q=${encodeURIComponent(found.q)}&kind=${kind}`)}
                    target="_blank"
                    rel="noopener noreferrer"
                    onClick={open(`/soeg?q=${encodeURIComponent(found.q)}&kind=${kind}`)}
                    data-testid={`pane-show-all-${kind}`}
                  >
                    {t("pane.search.showAll")}
                  </Link>
                )}
              </div>
            ))
          )}
        </section>
      )}
    </>
  );
}
