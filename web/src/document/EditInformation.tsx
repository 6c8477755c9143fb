import { Button, Field, Input, Select } from "@fluentui/react-components";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { DocumentDetails, DocumentPatch } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { DialogForm, DraftedDialog } from "../components/FormDialog.tsx";
import { useDraft } from "../drafts.ts";
import { useTexts } from "../i18n.tsx";
import { WriteRefused } from "./Stale.tsx";

interface Values {
  title: string;
  status: "draft" | "final";
  documentTypeId: string;
  documentDate: string;
}

/** The form's draft: what the person typed, and the document it started from (its ETag goes as If-Match). */
interface Draft {
  etag: string;
  basis: Values;
  values: Values;
}

const valuesOf = (doc: DocumentDetails): Values => ({
  title: doc.title,
  status: doc.status,
  documentTypeId: doc.documentTypeId,
  documentDate: doc.documentDate ?? "",
});

/** What the person changed, compared with the document the form started from. */
function patchOf(basis: Values, values: Values): DocumentPatch | null {
  const patch: DocumentPatch = {};
  if (values.title.trim() !== basis.title) patch.title = values.title.trim();
  if (values.status !== basis.status) patch.status = values.status;
  if (values.documentTypeId !== basis.documentTypeId) patch.documentTypeId = values.documentTypeId;
  if (values.documentDate !== basis.documentDate) patch.documentDate = values.documentDate || null;
  return Object.keys(patch).length ? patch : null;
}

export const editDraftKey = (documentId: string) => `document-edit:${documentId}`;

/**
 * REDIGÉR INFORMATION: title, status, type and document date. The change is sent with If-Match naming the
 * document as the form found it, so a colleague's change made meanwhile is explained (who, when) and the
 * person reloads and decides again; it is never overwritten. What was typed survives an expired session.
 */
export function EditInformation({ doc, onSaved, onReload }: EditProps) {
  const { t } = useTexts();
  return (
    <DraftedDialog
      draftKey={editDraftKey(doc.id)}
      trigger={
        <Button appearance="primary" data-testid="edit-information">
          {t("web.doc.edit.open")}
        </Button>
      }
    >
      {(close) => (
        <EditForm
          doc={doc}
          onSaved={(saved) => {
            onSaved(saved);
            close();
          }}
          onReload={onReload}
          onCancel={close}
        />
      )}
    </DraftedDialog>
  );
}

interface EditProps {
  doc: DocumentDetails;
  onSaved(doc: DocumentDetails): void;
  onReload(): Promise<DocumentDetails | undefined>;
}

/** The form inside the dialog, mounted while it is open: its draft starts from the document as the page shows it. */
function EditForm({ doc, onSaved, onReload, onCancel }: EditProps & { onCancel(): void }) {
  const { t } = useTexts();
  const [draft, setDraft] = useDraft<Draft>(editDraftKey(doc.id), () => ({ etag: doc.etag, basis: valuesOf(doc), values: valuesOf(doc) }));
  const [titleMissing, setTitleMissing] = useState(false);
  const types = useDocumentTypes(doc);
  const save = useMutation({
    mutationFn: (patch: DocumentPatch) => client.updateDocument(doc.id, patch, { ifMatch: draft.etag }),
    onSuccess: onSaved,
  });

  const set = (change: Partial<Values>) => setDraft((d) => ({ ...d, values: { ...d.values, ...change } }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!draft.values.title.trim()) {
      setTitleMissing(true);
      return;
    }
    const patch = patchOf(draft.basis, draft.values);
    if (patch) save.mutate(patch);
    else onCancel();
  };
  // The document as it is now becomes the form's starting point; what the person typed stays for them to send again.
  const reload = async () => {
    const fresh = await onReload();
    if (fresh) setDraft((d) => ({ ...d, etag: fresh.etag, basis: valuesOf(fresh) }));
    save.reset();
  };

  // The document's own type is always a choice, also when its template no longer offers it.
  const typeOptions = (types.data ?? []).map((ty) => ({ id: ty.id, name: ty.name }));
  if (!typeOptions.some((ty) => ty.id === doc.documentType.id)) typeOptions.unshift({ id: doc.documentType.id, name: doc.documentType.name });

  return (
    <DialogForm
      title={t("web.doc.edit.title")}
      onSubmit={submit}
      submit={{ label: t("web.doc.edit.save"), pending: save.isPending, pendingLabel: t("web.doc.edit.saving"), testId: "edit-save" }}
      cancel={{ label: t("web.doc.cancel"), onClick: onCancel }}
    >
      <Field label={t("web.doc.field.title")} required validationMessage={titleMissing ? t("web.doc.edit.titleMissing") : undefined}>
        <Input
          value={draft.values.title}
          onChange={(_, d) => {
            set({ title: d.value });
            setTitleMissing(false);
          }}
          maxLength={500}
          data-testid="edit-title"
        />
      </Field>
      <Field label={t("web.doc.field.status")}>
        <Select value={draft.values.status} onChange={(_, d) => set({ status: d.value as Values["status"] })} data-testid="edit-status">
          <option value="draft">{t("web.doc.status.draft")}</option>
          <option value="final">{t("web.doc.status.final")}</option>
        </Select>
      </Field>
      <Field label={t("web.doc.field.type")} hint={types.isPending ? t("web.loading") : undefined}>
        <Select value={draft.values.documentTypeId} onChange={(_, d) => set({ documentTypeId: d.value })} data-testid="edit-type">
          {typeOptions.map((ty) => (
            <option key={ty.id} value={ty.id}>
              {ty.name}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={t("web.doc.field.documentDate")}>
        <Input type="date" value={draft.values.documentDate} onChange={(_, d) => set({ documentDate: d.value })} data-testid="edit-date" />
      </Field>
      {save.isError && <WriteRefused error={save.error} documentId={doc.id} onReload={() => void reload()} />}
    </DialogForm>
  );
}

/** The types the document may have: those its case's template allows, or every active one for a floating document. */
function useDocumentTypes(doc: DocumentDetails) {
  const caseId = doc.case?.id;
  const kase = useQuery({ queryKey: ["document-case", caseId], queryFn: () => client.getCase(caseId!), enabled: !!caseId, staleTime: 60_000 });
  const templateId = kase.data?.templateId;
  return useQuery({
    queryKey: ["document-types", templateId ?? null],
    queryFn: () => client.documentTypes(templateId),
    enabled: !caseId || !!templateId,
    staleTime: 60_000,
  });
}
