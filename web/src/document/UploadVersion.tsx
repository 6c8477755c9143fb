import { Button, Spinner } from "@fluentui/react-components";
import { useMutation } from "@tanstack/react-query";
import { useRef } from "react";
import type { DocumentDetails } from "../../../shared/index.ts";
import { useTexts } from "../i18n.tsx";
import { versionsPath } from "./content.ts";
import { useSectionStyles } from "./styles.ts";
import { sendFile } from "./upload.ts";

/**
 * UPLOAD NY VERSION: a chosen file becomes the document's next version, sent with If-Match naming the
 * version the page shows, so a version someone added meanwhile is explained rather than replaced.
 * The refusal, if any, is for the page to show (`onRefused`).
 */
export function UploadVersion({ doc, onSaved, onRefused }: { doc: DocumentDetails; onSaved(doc: DocumentDetails): void; onRefused(err: unknown): void }) {
  const s = useSectionStyles();
  const { t } = useTexts();
  const input = useRef<HTMLInputElement>(null);
  const upload = useMutation({
    mutationFn: (file: File) => sendFile<DocumentDetails>(versionsPath(doc.id), file, {}, doc.etag),
    onSuccess: ({ body, etag }) => onSaved(etag ? { ...body, etag } : body),
    onError: onRefused,
  });
  return (
    <>
      <input
        ref={input}
        type="file"
        className={s.hiddenInput}
        tabIndex={-1}
        aria-hidden="true"
        data-testid="upload-version-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = "";
          if (file) upload.mutate(file);
        }}
      />
      <Button onClick={() => input.current?.click()} disabled={upload.isPending} data-testid="upload-version">
        {upload.isPending ? <Spinner size="tiny" label={t("web.doc.version.uploading")} /> : t("web.doc.version.upload")}
      </Button>
    </>
  );
}
