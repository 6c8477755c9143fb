import { makeStyles, Text, tokens } from "@fluentui/react-components";
import type { ReactNode } from "react";
import type { CaseSummary, CaseTemplate, MetadataField } from "../../../shared/index.ts";
import { formatDay } from "../document/dates.ts";
import { Inert } from "../components/Inert.tsx";
import { formatMoment } from "../format.ts";
import { useTexts, type TextKey } from "../i18n.tsx";
import type { PlanEntry } from "./reference.ts";

const useStyles = makeStyles({
  list: { display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(min(200px, 100%), 1fr))", gap: "12px 24px", margin: 0 },
  item: { display: "flex", flexDirection: "column", gap: "2px", minWidth: 0, overflowWrap: "anywhere" },
  term: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  value: { margin: 0, fontWeight: tokens.fontWeightSemibold },
  subheading: { margin: "8px 0 0 0" },
  muted: { color: tokens.colorNeutralForeground3 },
});

interface CaseDetailsProps {
  c: CaseSummary;
  template: CaseTemplate | undefined;
  plan: PlanEntry[];
  nameOf(id: string | null): string;
}

/** A custom field's value as a person reads it: yes/no, a date the Danish way, or the text as typed. */
export function useFieldValue() {
  const { t, language } = useTexts();
  return (field: MetadataField | undefined, value: unknown): ReactNode => {
    if (value === undefined || value === null || value === "") return t("web.case.nothing");
    if (field?.type === "boolean" || typeof value === "boolean") return t(value === true || value === "true" ? "web.case.yes" : "web.case.no");
    if (field?.type === "date" && typeof value === "string") return formatDay(value, language);
    return <Inert text={String(value)} />;
  };
}

/** The case's information and its template's own fields, labelled as the template labels them. */
export function CaseDetails({ c, template, plan, nameOf }: CaseDetailsProps) {
  const s = useStyles();
  const { t, language } = useTexts();
  const fieldValue = useFieldValue();
  const journal = plan.find((e) => e.code === c.journalCode);
  const items: Array<[TextKey, ReactNode, string]> = [
    ["web.case.field.number", c.number, "number"],
    ["web.case.field.template", template ? <Inert text={template.name} /> : t("web.case.nothing"), "template"],
    ["web.case.field.journal", <Inert text={journal ? `${c.journalCode} ${journal.title}` : c.journalCode} />, "journal"],
    ["web.case.field.owner", <Inert text={nameOf(c.ownerId)} />, "owner"],
    ["web.case.field.responsible", <Inert text={nameOf(c.responsibleId)} />, "responsible"],
    ["web.case.field.status", t(c.status === "closed" ? "web.case.status.closed" : "web.case.status.active"), "status"],
    ["web.case.field.startDate", formatDay(c.startDate, language), "start-date"],
    ["web.case.field.endDate", c.endDate ? formatDay(c.endDate, language) : t("web.case.nothing"), "end-date"],
    ["web.case.field.critical", t(c.critical ? "web.case.yes" : "web.case.no"), "critical"],
    ["web.case.field.created", <Inert text={t("web.case.changedBy", { at: formatMoment(c.createdAt, language), name: nameOf(c.createdBy) })} />, "created"],
    ["web.case.field.changed", <Inert text={t("web.case.changedBy", { at: formatMoment(c.changedAt, language), name: nameOf(c.changedBy) })} />, "changed"],
  ];
  const fields = template?.fields ?? [];
  return (
    <>
      <dl className={s.list} data-testid="case-details">
        {items.map(([term, value, id]) => (
          <div key={id} className={s.item} data-field={id}>
            <dt className={s.term}>{t(term)}</dt>
            <dd className={s.value}>{value}</dd>
          </div>
        ))}
      </dl>
      <Text as="h3" size={400} weight="semibold" className={s.subheading}>
        {t("web.case.fields")}
      </Text>
      {fields.length ? (
        <dl className={s.list} data-testid="case-fields">
          {fields.map((f) => (
            <div key={f.name} className={s.item} data-field={`metadata.${f.name}`}>
              <dt className={s.term}>{f.label}</dt>
              <dd className={s.value}>{fieldValue(f, c.metadata[f.name])}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <Text className={s.muted}>{t("web.case.fields.none")}</Text>
      )}
    </>
  );
}
