import {
  Badge,
  Button,
  Checkbox,
  Field,
  makeStyles,
  Select,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from "@fluentui/react-components";
import { useState } from "react";
import { useSearchParams } from "react-router";
import type { CaseListOptions, CaseSort, CaseSummary } from "../../../shared/index.ts";
import { client, mustChangePassword } from "../api.ts";
import { ChangePasswordPage } from "../components/ChangePassword.tsx";
import { PagedList, usePagedList } from "../components/Listing.tsx";
import { AppLink } from "../components/AppLink.tsx";
import { Inert } from "../components/Inert.tsx";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";
import { useMe } from "../session.ts";
import { hasNewCaseDraft, NewCase } from "./NewCase.tsx";
import { caseUrl, planDepths, useJournalPlan, useTemplates } from "./reference.ts";

const useStyles = makeStyles({
  page: { padding: "24px", display: "flex", flexDirection: "column", gap: "16px", minWidth: 0, "@media (max-width: 600px)": { padding: "12px" } },
  header: { display: "flex", flexWrap: "wrap", justifyContent: "space-between", alignItems: "center", gap: "8px" },
  heading: { margin: 0 },
  filters: {
    display: "grid",
    gridTemplateColumns: "repeat(auto-fill, minmax(min(200px, 100%), 1fr))",
    gap: "12px 16px",
    alignItems: "end",
    padding: "16px",
    backgroundColor: tokens.colorNeutralBackground2,
    borderRadius: tokens.borderRadiusMedium,
  },
  // A select is as wide as its longest option (journal plan titles) unless told to fit its column.
  control: { minWidth: 0 },
  select: { minWidth: 0, maxWidth: "100%" },
  scroll: { overflowX: "auto", maxWidth: "100%" },
  table: { minWidth: "560px" },
  nowrap: { whiteSpace: "nowrap" },
  title: { display: "inline-flex", flexWrap: "wrap", gap: "8px", alignItems: "center", overflowWrap: "anywhere" },
});

const FILTERS = ["filter", "status", "critical", "journalCode", "templateId", "sort"] as const;

/** The list's filters and sort as the address keeps them (?filter=mine&critical=true&sort=title), so a link keeps them too. */
function optionsOf(params: URLSearchParams): CaseListOptions {
  const pick = <T extends string>(name: string, allowed: readonly T[]) => {
    const v = params.get(name);
    return v !== null && (allowed as readonly string[]).includes(v) ? (v as T) : undefined;
  };
  return {
    filter: pick("filter", ["all", "mine", "recent"] as const),
    status: pick("status", ["active", "closed"] as const),
    critical: params.get("critical") === "true" ? true : undefined,
    journalCode: params.get("journalCode") || undefined,
    templateId: params.get("templateId") || undefined,
    sort: pick<CaseSort>("sort", ["changed", "number", "title"]),
  };
}

/** SAGER: the cases the person may see, filtered and sorted as the address says, a page at a time. */
export function CaseList() {
  const s = useStyles();
  const { t, language } = useTexts();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const options = optionsOf(params);
  const templates = useTemplates();
  const plan = useJournalPlan();
  const [creating, setCreating] = useState(hasNewCaseDraft);
  const { list, items } = usePagedList(["cases", "list", options], (cursor, limit) => client.listCases({ ...options, cursor, limit }));

  const set = (name: (typeof FILTERS)[number], value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const filtered = FILTERS.some((f) => params.has(f));
  const recent = options.filter === "recent";
  const staff = me.data && me.data.role !== "external";

  if (mustChangePassword(list.error)) return <ChangePasswordPage className={s.page} />;
  return (
    <main className={s.page} data-testid="case-list">
      <div className={s.header}>
        <Text as="h1" size={600} weight="semibold" className={s.heading}>
          {t("web.cases.title")}
        </Text>
        {staff && (
          <Button appearance="primary" onClick={() => setCreating(true)} data-testid="new-case">
            {t("web.caseList.new")}
          </Button>
        )}
      </div>
      {creating && me.data && <NewCase me={me.data} onClose={() => setCreating(false)} />}
      <div role="search" className={s.filters} aria-label={t("web.caseList.filters")} data-testid="case-filters">
        <Field className={s.control} label={t("web.caseList.show")}>
          <Select
            className={s.select}
            value={options.filter ?? "all"}
            onChange={(_e, d) => set("filter", d.value === "all" ? undefined : d.value)}
            data-testid="filter-show"
          >
            <option value="all">{t("web.caseList.show.all")}</option>
            <option value="mine">{t("web.caseList.show.mine")}</option>
            <option value="recent">{t("web.caseList.show.recent")}</option>
          </Select>
        </Field>
        <Field className={s.control} label={t("web.caseList.status")}>
          <Select className={s.select} value={options.status ?? ""} onChange={(_e, d) => set("status", d.value)} data-testid="filter-status">
            <option value="">{t("web.caseList.status.any")}</option>
            <option value="active">{t("web.case.status.active")}</option>
            <option value="closed">{t("web.case.status.closed")}</option>
          </Select>
        </Field>
        <Field className={s.control} label={t("web.caseList.journal")}>
          <Select className={s.select} value={options.journalCode ?? ""} onChange={(_e, d) => set("journalCode", d.value)} data-testid="filter-journal">
            <option value="">{t("web.caseList.journal.any")}</option>
            {planDepths(plan.data ?? []).map((e) => (
              <option key={e.code} value={e.code}>
                {`${"\u2003".repeat(e.depth)}${e.code} ${e.title}`}
              </option>
            ))}
          </Select>
        </Field>
        <Field className={s.control} label={t("web.caseList.template")}>
          <Select className={s.select} value={options.templateId ?? ""} onChange={(_e, d) => set("templateId", d.value)} data-testid="filter-template">
            <option value="">{t("web.caseList.template.any")}</option>
            {(templates.data ?? []).map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field className={s.control} label={t("web.caseList.sort")}>
          <Select
            className={s.select}
            value={recent ? "recent" : (options.sort ?? "changed")}
            disabled={recent}
            onChange={(_e, d) => set("sort", d.value === "changed" ? undefined : d.value)}
            data-testid="filter-sort"
          >
            {recent && <option value="recent">{t("web.caseList.sort.recent")}</option>}
            <option value="changed">{t("web.caseList.sort.changed")}</option>
            <option value="number">{t("web.caseList.sort.number")}</option>
            <option value="title">{t("web.caseList.sort.title")}</option>
          </Select>
        </Field>
        <Checkbox
          label={t("web.caseList.critical")}
          checked={options.critical === true}
          onChange={(_e, d) => set("critical", d.checked === true ? "true" : undefined)}
          data-testid="filter-critical"
        />
        {filtered && (
          <Button onClick={() => setParams(new URLSearchParams(), { replace: true })} data-testid="filter-reset">
            {t("web.caseList.reset")}
          </Button>
        )}
      </div>
      <PagedList
        list={list}
        count={items.length}
        empty={filtered ? "web.caseList.none" : "web.cases.none"}
        emptyTestId="case-list-empty"
        moreTestId="more-cases"
      >
        <div className={s.scroll} data-scrolls>
          <CaseRows items={items} label={t("web.caseList.table")} language={language} />
        </div>
      </PagedList>
    </main>
  );
}

function CaseRows({ items, label, language }: { items: CaseSummary[]; label: string; language: "da" | "en" }) {
  const s = useStyles();
  const { t } = useTexts();
  return (
    <Table size="small" aria-label={label} className={s.table}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>{t("web.column.case")}</TableHeaderCell>
          <TableHeaderCell>{t("web.column.number")}</TableHeaderCell>
          <TableHeaderCell>{t("web.caseList.column.status")}</TableHeaderCell>
          <TableHeaderCell>{t("web.column.changed")}</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((c) => (
          <TableRow key={c.id} data-case-id={c.id}>
            <TableCell>
              <span className={s.title}>
                <AppLink to={caseUrl(c)}>
                  <Inert text={c.title} />
                </AppLink>
                {c.critical && (
                  <Badge appearance="tint" color="danger" size="small">
                    {t("web.case.criticalBadge")}
                  </Badge>
                )}
              </span>
            </TableCell>
            <TableCell className={s.nowrap}>{c.number}</TableCell>
            <TableCell>{t(c.status === "closed" ? "web.case.status.closed" : "web.case.status.active")}</TableCell>
            <TableCell className={s.nowrap}>{formatMoment(c.changedAt, language)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
