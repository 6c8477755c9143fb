import { useQuery } from "@tanstack/react-query";
import type { CaseSummary, Colleague, JournalPlanEntry, Me } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { useTexts } from "../i18n.tsx";

// What the case pages look things up in: templates (labels of the custom fields), the journal plan (titles
// of codes) and colleagues (names of owners and responsibles, and the people to choose from).

const REFERENCE = 5 * 60_000;

export const useTemplates = () => useQuery({ queryKey: ["case-reference", "templates"], queryFn: () => client.templates(), staleTime: REFERENCE });

/** The whole plan, retired codes too (old cases keep them); `usable` says which a case may be filed under now. */
export function useJournalPlan() {
  return useQuery({
    queryKey: ["case-reference", "journal-plan"],
    queryFn: async () => {
      const [all, current] = await Promise.all([client.journalPlan(true), client.journalPlan(false)]);
      const usable = new Set(current.map((e) => e.code));
      return all.map((e) => ({ ...e, usable: usable.has(e.code) }));
    },
    staleTime: REFERENCE,
  });
}

export type PlanEntry = JournalPlanEntry & { usable: boolean };

/** Each entry with its depth in the plan (by parent), in the plan's order. */
export function planDepths(plan: PlanEntry[]): Array<PlanEntry & { depth: number }> {
  const byCode = new Map(plan.map((e) => [e.code, e]));
  const depth = (e: PlanEntry, seen = new Set<string>()): number => {
    const parent = e.parentCode ? byCode.get(e.parentCode) : undefined;
    if (!parent || seen.has(parent.code)) return 0;
    seen.add(parent.code);
    return 1 + depth(parent, seen);
  };
  return plan.map((e) => ({ ...e, depth: depth(e) }));
}

/** Colleagues by name; external partners may not list them, and see names only where the case gives them. */
export const useColleagues = (me: Me | null | undefined) =>
  useQuery({ queryKey: ["case-reference", "colleagues"], queryFn: () => client.colleagues(), enabled: !!me && me.role !== "external", staleTime: REFERENCE });

/** A person's name by id: a colleague, the signed-in person, or "unknown user" for someone no longer listed. */
export function useNameOf(me: Me | null | undefined, colleagues: Colleague[] | undefined, more: Array<{ id: string; name: string }> = []) {
  const { t } = useTexts();
  const names = new Map<string, string>();
  for (const p of more) if (p.name) names.set(p.id, p.name);
  for (const p of colleagues ?? []) names.set(p.id, p.name);
  if (me) names.set(me.id, me.name);
  return (id: string | null | undefined) => (id ? (names.get(id) ?? t("web.case.unknownPerson")) : t("web.case.noResponsible"));
}

export const casePageKey = (number: string) => ["case-page", number] as const;
export const caseHistoryKey = (id: string) => ["case-history", id] as const;
export const caseDocumentsKey = (id: string) => ["case-documents", id] as const;

/** Where the web view shows a case. */
export const caseUrl = (c: Pick<CaseSummary, "number">) => `/sager/${encodeURIComponent(c.number)}`;
