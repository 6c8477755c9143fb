import type { RetentionKind } from "./retention.table.ts";

export interface RetentionRule {
  id: string;
  name: string;
  kind: RetentionKind;
  years: number | null;
}

export type Language = "da" | "en";

function addYears(isoDate: string, years: number): string {
  const [y, m, d] = isoDate.slice(0, 10).split("-").map(Number);
  // 29 February plus N years lands on 28 February in a common year, never on 1 March.
  const last = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  return `${String(y + years).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(Math.min(d, last)).padStart(2, "0")}`;
}

/**
 * The date a document falls due for disposal (or for review), or null when it is kept permanently or
 * the date is not known yet (its case is still open, or it floats outside any case).
 */
export function disposalDate(rule: RetentionRule, on: { caseClosedOn: string | null; documentCreatedAt: string }): string | null {
  switch (rule.kind) {
    case "permanent":
      return null;
    case "after_document_created":
      return addYears(on.documentCreatedAt, rule.years ?? 0);
    case "after_case_closed":
    case "review":
      return on.caseClosedOn ? addYears(on.caseClosedOn, rule.years ?? 0) : null;
  }
}

const words: Record<Language, Record<RetentionKind, (n: number) => string>> = {
  da: {
    permanent: () => "bevares",
    after_case_closed: (n) => `kasseres ${n} år efter sagens afslutning`,
    after_document_created: (n) => `kasseres ${n} år efter dokumentets oprettelse`,
    review: (n) => `vurderes ${n} år efter sagens afslutning`,
  },
  en: {
    permanent: () => "kept permanently",
    after_case_closed: (n) => `disposed of ${n} ${n === 1 ? "year" : "years"} after the case is closed`,
    after_document_created: (n) => `disposed of ${n} ${n === 1 ? "year" : "years"} after the document is created`,
    review: (n) => `reviewed ${n} ${n === 1 ? "year" : "years"} after the case is closed`,
  },
};

/** The rule as a person reads it, e.g. "kasseres 5 år efter sagens afslutning". */
export function retentionInWords(rule: Pick<RetentionRule, "kind" | "years">, language: Language): string {
  return words[language][rule.kind](rule.years ?? 0);
}

/** A rule as the API sends it: with the rule in words, Danish and English. */
export function retentionRuleView<R extends Pick<RetentionRule, "kind" | "years">>(rule: R): R & Record<Language, string> {
  return { ...rule, da: retentionInWords(rule, "da"), en: retentionInWords(rule, "en") };
}
