import { Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text } from "@fluentui/react-components";
import { useQuery } from "@tanstack/react-query";
import type { DocumentChange, DocumentDetails } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { formatMoment } from "../format.ts";
import { useTexts, type TextKey } from "../i18n.tsx";
import { formatDay } from "./dates.ts";
import { Inert } from "../components/Inert.tsx";
import { useSectionStyles } from "./styles.ts";

const FIELDS: Record<string, TextKey> = {
  title: "web.doc.field.title",
  status: "web.doc.field.status",
  documentType: "web.doc.field.type",
  category: "web.doc.field.category",
  documentDate: "web.doc.field.documentDate",
  disposalDate: "web.doc.field.disposalDate",
  accessGroupId: "web.doc.field.accessGroup",
  caseId: "web.doc.field.case",
};

/** Every change to the document's information, newest first: when, who, which field, from what to what. */
export function History({ doc }: { doc: DocumentDetails }) {
  const s = useSectionStyles();
  const { t, language } = useTexts();
  const hasTypes = doc.history.some((h) => h.field === "documentType");
  const hasGroups = doc.history.some((h) => h.field === "accessGroupId");
  const types = useQuery({ queryKey: ["document-types", null], queryFn: () => client.documentTypes(), enabled: hasTypes, staleTime: 60_000 });
  const groups = useQuery({ queryKey: ["access-groups"], queryFn: () => client.accessGroups(), enabled: hasGroups, staleTime: 60_000 });

  const shown = (change: DocumentChange, value: string | null): string => {
    if (value === null || value === "") return t("web.doc.none");
    switch (change.field) {
      case "status":
        return t(value === "final" ? "web.doc.status.final" : "web.doc.status.draft");
      case "documentType":
        return value === doc.documentType.id ? doc.documentType.name : (types.data?.find((ty) => ty.id === value)?.name ?? t("web.doc.history.unknownType"));
      case "accessGroupId":
        return groups.data?.find((g) => g.id === value)?.name ?? t("web.doc.history.unknownGroup");
      case "caseId":
        return value === doc.case?.id ? `${doc.case.title} (${doc.case.number})` : t("web.doc.history.otherCase");
      case "documentDate":
      case "disposalDate":
        return formatDay(value, language);
      default:
        return value;
    }
  };

  if (!doc.history.length) return <Text className={s.muted}>{t("web.doc.history.none")}</Text>;
  return (
    // Nothing in the table takes focus, so its box does: a keyboard can scroll it where it is wider than the screen.
    <div className={s.scroll} tabIndex={0} role="region" aria-label={t("web.doc.history.table")}>
      <Table size="small" className={s.table} aria-label={t("web.doc.history.table")} data-testid="history">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{t("web.doc.column.when")}</TableHeaderCell>
            <TableHeaderCell>{t("web.doc.column.who")}</TableHeaderCell>
            <TableHeaderCell>{t("web.doc.column.field")}</TableHeaderCell>
            <TableHeaderCell>{t("web.doc.column.from")}</TableHeaderCell>
            <TableHeaderCell>{t("web.doc.column.to")}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {[...doc.history].reverse().map((h, i) => (
            <TableRow key={`${h.at}-${h.field}-${i}`} data-field={h.field}>
              <TableCell>{formatMoment(h.at, language)}</TableCell>
              <TableCell>
                <Inert text={h.actorName ?? t("web.doc.person.unknown")} />
              </TableCell>
              <TableCell>{FIELDS[h.field] ? t(FIELDS[h.field]) : h.field}</TableCell>
              <TableCell>
                <Inert text={shown(h, h.from)} />
              </TableCell>
              <TableCell>
                <Inert text={shown(h, h.to)} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
