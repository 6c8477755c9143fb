import { makeStyles, tokens } from "@fluentui/react-components";
import type { ReactNode } from "react";
import type { DocumentDetails } from "../../../shared/index.ts";
import { formatMoment } from "../format.ts";
import { useTexts, type TextKey } from "../i18n.tsx";
import { AppLink, caseLink } from "../components/AppLink.tsx";
import { formatDay } from "./dates.ts";
import { Inert, visibleControls } from "../components/Inert.tsx";

const useStyles = makeStyles({
  list: {
    display: "grid",
    gridTemplateColumns: "repeat(auto-fill, minmax(min(200px, 100%), 1fr))",
    gap: "12px 24px",
    margin: 0,
  },
  item: { display: "flex", flexDirection: "column", gap: "2px", minWidth: 0, overflowWrap: "anywhere" },
  term: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  value: { margin: 0, fontWeight: tokens.fontWeightSemibold },
});

/** The document's information as the product's document screen lists it. */
export function Metadata({ doc, nameOf }: { doc: DocumentDetails; nameOf(id: string): string }) {
  const s = useStyles();
  const { t, language } = useTexts();
  const none = t("web.doc.none");
  const items: Array<[TextKey, ReactNode, string]> = [
    ["web.doc.field.status", t(doc.status === "final" ? "web.doc.status.final" : "web.doc.status.draft"), "status"],
    ["web.doc.field.type", <Inert text={doc.documentType.name} />, "type"],
    ["web.doc.field.category", <Inert text={doc.category} />, "category"],
    ["web.doc.field.owner", <Inert text={nameOf(doc.ownerId)} />, "owner"],
    ["web.doc.field.created", formatMoment(doc.createdAt, language), "created"],
    ["web.doc.field.version", doc.currentVersion.version, "version"],
    ["web.doc.field.versionAdded", formatMoment(doc.currentVersion.createdAt, language), "version-added"],
    ["web.doc.field.disposalDate", doc.disposalDate ? formatDay(doc.disposalDate, language) : t("web.doc.disposal.none"), "disposal-date"],
    [
      "web.doc.field.case",
      doc.case ? (
        <AppLink to={caseLink(doc.case.number)}>
          <Inert text={`${doc.case.title} (${doc.case.number})`} />
        </AppLink>
      ) : (
        t("web.doc.floating")
      ),
      "case",
    ],
    ["web.doc.field.documentDate", doc.documentDate ? formatDay(doc.documentDate, language) : none, "document-date"],
    [
      "web.doc.field.changed",
      t("web.doc.changedBy", { at: formatMoment(doc.changedAt, language), name: visibleControls(doc.changedByName ?? t("web.doc.person.unknown")) }),
      "changed",
    ],
  ];
  return (
    <dl className={s.list} data-testid="metadata">
      {items.map(([term, value, id]) => (
        <div key={id} className={s.item} data-field={id}>
          <dt className={s.term}>{t(term)}</dt>
          <dd className={s.value}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
