import { Link, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow } from "@fluentui/react-components";
import type { DocumentDetails } from "../../../shared/index.ts";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";
import { contentUrl, formatSize } from "./content.ts";
import { Inert } from "../components/Inert.tsx";
import { useSectionStyles } from "./styles.ts";

/** Every version of the document, newest first, each with its download. */
export function Versions({ doc, nameOf }: { doc: DocumentDetails; nameOf(id: string): string }) {
  const s = useSectionStyles();
  const { t, language } = useTexts();
  const versions = [...doc.versions].reverse();
  return (
    <div className={s.scroll}>
      <Table size="small" className={s.table} aria-label={t("web.doc.versions.title")} data-testid="versions">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{t("web.doc.column.version")}</TableHeaderCell>
            <TableHeaderCell>{t("web.doc.column.file")}</TableHeaderCell>
            <TableHeaderCell>{t("web.doc.column.size")}</TableHeaderCell>
            <TableHeaderCell>{t("web.doc.column.added")}</TableHeaderCell>
            <TableHeaderCell>{t("web.doc.column.addedBy")}</TableHeaderCell>
            <TableHeaderCell>{t("web.doc.column.comment")}</TableHeaderCell>
            <TableHeaderCell>{t("web.doc.column.searchable")}</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {versions.map((v) => (
            <TableRow key={v.id} data-version={v.version}>
              <TableCell>{v.id === doc.currentVersion.id ? t("web.doc.versions.current", { version: v.version }) : v.version}</TableCell>
              <TableCell>
                <Link href={contentUrl(doc.id, { version: v.version })}>
                  <Inert text={v.filename} />
                </Link>
              </TableCell>
              <TableCell>{formatSize(v.size, language)}</TableCell>
              <TableCell>{formatMoment(v.createdAt, language)}</TableCell>
              <TableCell>
                <Inert text={nameOf(v.authorId)} />
              </TableCell>
              <TableCell>
                <Inert text={v.comment} />
              </TableCell>
              {/* The reason is the service's own wording (English, technical): shown on hover, for whoever asks support. */}
              <TableCell data-extraction={v.extraction.status} title={v.extraction.reason ?? undefined}>
                {t(`web.doc.extraction.${v.extraction.status}`)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
