import { Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from "@fluentui/react-components";
import type { CaseSummary, DocumentSummary, Me } from "../../../shared/index.ts";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";

/** Cases as the product's lists show them: title, number, when changed. */
export function CaseTable({ items, label }: { items: CaseSummary[]; label: string }) {
  const { t, language } = useTexts();
  return (
    <Table size="small" aria-label={label}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>{t("web.column.case")}</TableHeaderCell>
          <TableHeaderCell>{t("web.column.number")}</TableHeaderCell>
          <TableHeaderCell>{t("web.column.changed")}</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((c) => (
          <TableRow key={c.id} data-case-id={c.id}>
            <TableCell>{c.title}</TableCell>
            <TableCell>{c.number}</TableCell>
            <TableCell>{formatMoment(c.changedAt, language)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** The listing names who changed a document by id only; the signed-in person is named, anyone else is "another user". */
export function DocumentTable({ items, me, label }: { items: DocumentSummary[]; me: Me | null | undefined; label: string }) {
  const { t, language } = useTexts();
  return (
    <Table size="small" aria-label={label}>
      <TableHeader>
        <TableRow>
          <TableHeaderCell>{t("web.column.title")}</TableHeaderCell>
          <TableHeaderCell>{t("web.column.changed")}</TableHeaderCell>
          <TableHeaderCell>{t("web.column.changedBy")}</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {items.map((d) => (
          <TableRow key={d.id} data-document-id={d.id}>
            <TableCell>{d.title}</TableCell>
            <TableCell>{formatMoment(d.changedAt, language)}</TableCell>
            <TableCell>{d.changedBy === me?.id ? me.name : t("web.changedBy.someoneElse")}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
