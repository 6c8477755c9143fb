import { Button, Field, Input, Link, Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text } from "@fluentui/react-components";
import { useMutation } from "@tanstack/react-query";
import { useRef, useState, type FormEvent } from "react";
import type { AttachmentCreated, DocumentDetails } from "../../../shared/index.ts";
import { useDraft } from "../drafts.ts";
import { formatMoment } from "../format.ts";
import { useTexts } from "../i18n.tsx";
import { attachmentsPath, attachmentUrl } from "./content.ts";
import { Inert } from "../components/Inert.tsx";
import { WriteRefused } from "./Stale.tsx";
import { useSectionStyles } from "./styles.ts";
import { sendFile } from "./upload.ts";

/** The document's attachments (bilag): title, added, by whom, the current version and the earlier ones; and adding one. */
export function Attachments({ doc, nameOf, onChanged }: { doc: DocumentDetails; nameOf(id: string): string; onChanged(): Promise<unknown> }) {
  const s = useSectionStyles();
  const { t, language } = useTexts();
  return (
    <>
      {doc.attachments.length ? (
        <div className={s.scroll}>
          <Table size="small" className={s.table} aria-label={t("web.doc.attachments.title")} data-testid="attachments">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>{t("web.doc.column.title")}</TableHeaderCell>
                <TableHeaderCell>{t("web.doc.column.added")}</TableHeaderCell>
                <TableHeaderCell>{t("web.doc.column.addedBy")}</TableHeaderCell>
                <TableHeaderCell>{t("web.doc.column.currentVersion")}</TableHeaderCell>
                <TableHeaderCell>{t("web.doc.column.earlierVersions")}</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {doc.attachments.map((a) => {
                const current = a.versions[a.versions.length - 1];
                return (
                  <TableRow key={a.id} data-attachment-id={a.id}>
                    <TableCell>
                      <Link href={attachmentUrl(doc.id, a.id)}>
                        <Inert text={a.title} />
                      </Link>
                    </TableCell>
                    <TableCell>{formatMoment(a.createdAt, language)}</TableCell>
                    <TableCell>
                      <Inert text={nameOf(a.createdBy)} />
                    </TableCell>
                    <TableCell>{current?.version ?? ""}</TableCell>
                    <TableCell>
                      {a.versions.slice(0, -1).map((v, i) => (
                        <span key={v.id}>
                          {i > 0 && ", "}
                          <Link href={attachmentUrl(doc.id, a.id, v.version)}>{v.version}</Link>
                        </span>
                      ))}
                    </TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </div>
      ) : (
        <Text className={s.muted}>{t("web.doc.attachments.none")}</Text>
      )}
      <AddAttachment doc={doc} onAdded={onChanged} />
    </>
  );
}

function AddAttachment({ doc, onAdded }: { doc: DocumentDetails; onAdded(): Promise<unknown> }) {
  const s = useSectionStyles();
  const { t } = useTexts();
  const input = useRef<HTMLInputElement>(null);
  const [title, setTitle, clearTitle] = useDraft(`document-attachment:${doc.id}`, "");
  const [file, setFile] = useState<File | null>(null);
  const add = useMutation({
    mutationFn: (chosen: File) => sendFile<AttachmentCreated>(attachmentsPath(doc.id), chosen, title.trim() ? { title: title.trim() } : {}, doc.etag),
    onSuccess: async () => {
      clearTitle();
      setTitle("");
      setFile(null);
      await onAdded();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (file) add.mutate(file);
  };
  return (
    <form className={s.form} onSubmit={submit} data-testid="add-attachment">
      <Text as="h3" block weight="semibold" size={300}>
        {t("web.doc.attachments.new")}
      </Text>
      {/* The browser's own file field speaks the browser's language; this button speaks the page's. */}
      <input
        ref={input}
        type="file"
        className={s.hiddenInput}
        tabIndex={-1}
        aria-hidden="true"
        data-testid="attachment-file"
        onChange={(e) => {
          setFile(e.target.files?.[0] ?? null);
          e.target.value = "";
          add.reset();
        }}
      />
      <div className={s.row}>
        <Button onClick={() => input.current?.click()} data-testid="attachment-choose">
          {t("web.doc.attachments.choose")}
        </Button>
        <Text aria-live="polite" data-testid="attachment-chosen">
          {file ? <Inert text={file.name} /> : t("web.doc.attachments.noFile")}
        </Text>
      </div>
      <Field label={t("web.doc.attachments.titleField")} hint={t("web.doc.attachments.titleHint")}>
        <Input value={title} onChange={(_, d) => setTitle(d.value)} maxLength={500} data-testid="attachment-title" />
      </Field>
      <div className={s.row}>
        <Button type="submit" disabled={!file || add.isPending} data-testid="attachment-add">
          {add.isPending ? <Spinner size="tiny" label={t("web.doc.attachments.adding")} /> : t("web.doc.attachments.add")}
        </Button>
      </div>
      {add.isError && <WriteRefused error={add.error} documentId={doc.id} onReload={() => void onAdded().then(() => add.reset())} />}
    </form>
  );
}
