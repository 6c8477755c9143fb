import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  Field,
  makeStyles,
  Text,
  Textarea,
  tokens,
} from "@fluentui/react-components";
import { useMutation } from "@tanstack/react-query";
import type { DocumentDetails } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { useDraft, useDraftedDialog } from "../drafts.ts";
import { useTexts } from "../i18n.tsx";
import { Inert } from "../components/Inert.tsx";
import { useAfterDialog } from "../components/after-dialog.ts";
import { WriteRefused } from "./Stale.tsx";

const useStyles = makeStyles({
  form: { display: "flex", flexDirection: "column", gap: "12px" },
  danger: {
    backgroundColor: tokens.colorPaletteRedBackground3,
    color: tokens.colorNeutralForegroundOnBrand,
    ":hover": { backgroundColor: tokens.colorPaletteRedForeground1 },
  },
});

/** SLET, for administrators: asks for a reason (kept in the audit log) and a confirmation, then deletes the document as the page shows it. */
export function DeleteDocument({ doc, onDeleted, onReload }: DeleteProps) {
  const { t } = useTexts();
  const key = deleteDraftKey(doc.id);
  const { open, show, close } = useDraftedDialog(key);
  const after = useAfterDialog();
  return (
    <Dialog
      open={open}
      onOpenChange={(_, data) => (data.open ? show() : close())}
      modalType="alert"
      surfaceMotion={{ onMotionFinish: (_e, d) => d.direction === "exit" && after.closed() }}
    >
      <DialogTrigger disableButtonEnhancement>
        <Button data-testid="delete-document">{t("web.doc.delete.open")}</Button>
      </DialogTrigger>
      <DialogSurface>
        <DeleteForm
          doc={doc}
          onDeleted={() => {
            // The page it leaves for opens once the dialog has let go of the app (see after-dialog.ts).
            after.later(onDeleted);
            close();
          }}
          onReload={onReload}
          onCancel={close}
        />
      </DialogSurface>
    </Dialog>
  );
}

interface DeleteProps {
  doc: DocumentDetails;
  onDeleted(): void;
  onReload(): void;
}

const deleteDraftKey = (documentId: string) => `document-delete:${documentId}`;

function DeleteForm({ doc, onDeleted, onReload, onCancel }: DeleteProps & { onCancel(): void }) {
  const s = useStyles();
  const { t } = useTexts();
  const [reason, setReason] = useDraft(deleteDraftKey(doc.id), "");
  const remove = useMutation({
    mutationFn: () => client.deleteDocument(doc.id, { reason: reason.trim() || undefined, ifMatch: doc.etag }),
    onSuccess: onDeleted,
  });
  return (
    <DialogBody>
      <DialogTitle>{t("web.doc.delete.title")}</DialogTitle>
      <DialogContent className={s.form}>
        <Text>
          {t("web.doc.delete.confirm.before")}
          <strong>
            <Inert text={doc.title} />
          </strong>
          {t("web.doc.delete.confirm.after")}
        </Text>
        <Field label={t("web.doc.delete.reason")} hint={t("web.doc.delete.reasonHint")}>
          <Textarea value={reason} onChange={(_, d) => setReason(d.value)} maxLength={500} data-testid="delete-reason" />
        </Field>
        {remove.isError && (
          <WriteRefused
            error={remove.error}
            documentId={doc.id}
            onReload={() => {
              remove.reset();
              onReload();
            }}
          />
        )}
      </DialogContent>
      <DialogActions>
        <Button className={s.danger} onClick={() => remove.mutate()} disabled={remove.isPending} data-testid="delete-confirm">
          {t("web.doc.delete.confirm")}
        </Button>
        <Button onClick={onCancel}>{t("web.doc.cancel")}</Button>
      </DialogActions>
    </DialogBody>
  );
}
