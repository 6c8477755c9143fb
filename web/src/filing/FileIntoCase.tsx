import { Button, Combobox, Field, makeStyles, Option, Select, Text, tokens } from "@fluentui/react-components";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { caseLabel, type CaseSummary, type CaseTemplate, type DocumentDetails, type DocumentSummary, type DocumentType } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { Problem } from "../components/Problem.tsx";
import { useDraft } from "../drafts.ts";
import { useTexts } from "../i18n.tsx";

const useStyles = makeStyles({
  panel: {
    display: "flex",
    flexDirection: "column",
    gap: "12px",
    padding: "16px",
    minWidth: 0,
    maxWidth: "640px",
    backgroundColor: tokens.colorNeutralBackground2,
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  form: { display: "flex", flexDirection: "column", gap: "12px" },
  title: { overflowWrap: "anywhere" },
  actions: { display: "flex", flexWrap: "wrap", gap: "8px" },
});

/** The form's draft key: a chosen case survives a sign-in in between. */
export const fileDraftKey = (documentId: string) => `inbox-file:${documentId}`;

interface FileDraft {
  query: string;
  chosen: CaseSummary | null;
  documentTypeId: string | null;
}

const EMPTY: FileDraft = { query: "", chosen: null, documentTypeId: null };

/** The document types a case allows; empty when its template allows every type. */
const allowedIn = (c: CaseSummary | null, templates: CaseTemplate[]) => (c ? (templates.find((t) => t.id === c.templateId)?.documentTypeIds ?? []) : []);

interface FileIntoCaseProps {
  document: DocumentSummary;
  documentTypes: DocumentType[];
  templates: CaseTemplate[];
  onClose(): void;
  onFiled(document: DocumentDetails): void;
}

/**
 * "Journalisér": a floating document is filed into a case found by number or title. When the case's
 * template does not allow the document's type, one of its types is chosen first (changed with If-Match).
 * A panel in the page rather than a modal dialog: nothing behind it is hidden, and it reads well on a phone.
 */
export function FileIntoCase({ document, documentTypes, templates, onClose, onFiled }: FileIntoCaseProps) {
  const s = useStyles();
  const { t } = useTexts();
  const headingId = useId();
  const [draft, setDraft, clearDraft] = useDraft<FileDraft>(fileDraftKey(document.id), EMPTY);
  const [debounced, setDebounced] = useState(draft.query);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [missingCase, setMissingCase] = useState(false);

  useEffect(() => {
    const timer = setTimeout(() => setDebounced(draft.query.trim()), 150);
    return () => clearTimeout(timer);
  }, [draft.query]);

  const suggestions = useQuery({
    queryKey: ["filing", "suggest", debounced],
    queryFn: () => client.suggestCases(debounced),
    enabled: debounced.length > 0,
    staleTime: 10_000,
  });

  const allowed = allowedIn(draft.chosen, templates);
  const needsType = allowed.length > 0 && !allowed.includes(document.documentTypeId);
  const typeName = documentTypes.find((d) => d.id === document.documentTypeId)?.name ?? "";
  const choosable = documentTypes.filter((d) => d.active && allowed.includes(d.id));

  const close = () => {
    clearDraft();
    onClose();
  };

  const submit = async () => {
    if (!draft.chosen) {
      setMissingCase(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      let etag = document.etag;
      const typeId = needsType ? (draft.documentTypeId ?? choosable[0]?.id) : undefined;
      if (typeId) etag = (await client.updateDocument(document.id, { documentTypeId: typeId }, { ifMatch: etag })).etag;
      const filed = await client.fileDocument(document.id, draft.chosen.id, { ifMatch: etag });
      clearDraft();
      onFiled(filed);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const options = suggestions.data ?? [];
  return (
    <section className={s.panel} aria-labelledby={headingId} data-testid="file-into-case">
      <Text as="h2" size={400} weight="semibold" id={headingId} className={s.title}>
        {t("web.inbox.dialog", { title: document.title })}
      </Text>
      <form
        className={s.form}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Field
          label={t("web.inbox.case")}
          hint={t("web.inbox.caseHint")}
          required
          validationState={missingCase && !draft.chosen ? "error" : "none"}
          validationMessage={missingCase && !draft.chosen ? t("web.inbox.chooseCase") : undefined}
        >
          <Combobox
            freeform
            autoFocus
            placeholder={t("web.inbox.casePlaceholder")}
            value={draft.query}
            selectedOptions={draft.chosen ? [draft.chosen.id] : []}
            data-testid="file-into-case-search"
            onChange={(e) => setDraft((d) => ({ ...d, query: e.target.value, chosen: null }))}
            onOptionSelect={(_, data) => {
              const chosen = options.find((c) => c.id === data.optionValue) ?? null;
              setDraft((d) => ({ ...d, chosen, query: chosen ? caseLabel(chosen) : d.query, documentTypeId: null }));
            }}
          >
            {options.map((c) => (
              <Option key={c.id} value={c.id} text={caseLabel(c)}>
                {caseLabel(c)}
              </Option>
            ))}
            {debounced && !suggestions.isPending && options.length === 0 && (
              <Option disabled value="" text={t("web.inbox.noCases")}>
                {t("web.inbox.noCases")}
              </Option>
            )}
          </Combobox>
        </Field>
        {suggestions.isError && <Problem error={suggestions.error} onRetry={() => void suggestions.refetch()} />}
        {needsType && (
          <Field label={t("web.inbox.type")} hint={t("web.inbox.typeNotAllowed", { type: typeName })}>
            <Select
              value={draft.documentTypeId ?? choosable[0]?.id ?? ""}
              onChange={(_, d) => setDraft((x) => ({ ...x, documentTypeId: d.value }))}
              data-testid="file-into-case-type"
            >
              {choosable.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </Select>
          </Field>
        )}
        {error !== null && <Problem error={error} />}
        <div className={s.actions}>
          <Button appearance="primary" type="submit" disabled={busy} data-testid="file-into-case-submit">
            {t("web.inbox.submit")}
          </Button>
          <Button onClick={close} disabled={busy}>
            {t("web.inbox.cancel")}
          </Button>
        </div>
      </form>
    </section>
  );
}
