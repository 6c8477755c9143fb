import { Button, Field, Input, Radio, RadioGroup, Select, Text } from "@fluentui/react-components";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { AdvancedSearch, SavedSearch } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { DialogForm, DraftedDialog } from "../components/FormDialog.tsx";
import { Problem } from "../components/Problem.tsx";
import { useDraft } from "../drafts.ts";
import { useTexts } from "../i18n.tsx";
import { useMe } from "../session.ts";
import { savedSearchesQuery } from "./queries.ts";

// "Gem søgning": the search as it stands, under a name, for the person only or shared with one of their groups.

const DRAFT = "advanced-search-save";

interface SaveDraft {
  name: string;
  sharedWithGroupId: string;
}

/** The button and its dialog; `onSaved` hears of the saved search once the dialog has closed. */
export function SaveSearch({ search, onSaved }: { search: AdvancedSearch; onSaved(saved: SavedSearch): void }) {
  const { t } = useTexts();
  return (
    <DraftedDialog
      draftKey={DRAFT}
      trigger={<Button data-testid="save-search">{t("web.advanced.save")}</Button>}
      surface={{ "data-testid": "save-search-dialog" }}
    >
      {(close) => (
        <SaveForm
          search={search}
          onCancel={close}
          onSaved={(saved) => {
            close();
            onSaved(saved);
          }}
        />
      )}
    </DraftedDialog>
  );
}

function SaveForm({ search, onCancel, onSaved }: { search: AdvancedSearch; onCancel(): void; onSaved(saved: SavedSearch): void }) {
  const { t } = useTexts();
  const me = useMe();
  const queries = useQueryClient();
  const groups = me.data?.groups ?? [];
  const [draft, setDraft] = useDraft<SaveDraft>(DRAFT, { name: "", sharedWithGroupId: "" });
  const [tried, setTried] = useState(false);
  const save = useMutation({
    mutationFn: () => client.saveSearch({ name: draft.name.trim(), search, sharedWithGroupId: draft.sharedWithGroupId || null }),
    onSuccess: async (saved) => {
      await queries.invalidateQueries({ queryKey: savedSearchesQuery.queryKey });
      onSaved(saved);
    },
  });
  const missingName = tried && !draft.name.trim();
  const shared = draft.sharedWithGroupId !== "";
  return (
    <DialogForm
      title={t("web.advanced.save.title")}
      onSubmit={(e) => {
        e.preventDefault();
        setTried(true);
        if (draft.name.trim()) save.mutate();
      }}
      submit={{ label: t("web.advanced.save.submit"), pending: save.isPending, pendingLabel: t("web.advanced.save.saving"), testId: "save-search-submit" }}
      cancel={{ label: t("web.advanced.save.cancel"), onClick: onCancel }}
    >
      <Field label={t("web.advanced.save.name")} required validationMessage={missingName ? t("web.advanced.save.nameRequired") : undefined}>
        <Input value={draft.name} maxLength={200} onChange={(_e, d) => setDraft((x) => ({ ...x, name: d.value }))} data-testid="save-search-name" />
      </Field>
      {groups.length === 0 ? (
        <Text>{t("web.advanced.save.noGroups")}</Text>
      ) : (
        <>
          <Field label={t("web.advanced.save.who")}>
            <RadioGroup
              value={shared ? "shared" : "private"}
              onChange={(_e, d) => setDraft((x) => ({ ...x, sharedWithGroupId: d.value === "shared" ? groups[0].id : "" }))}
            >
              <Radio value="private" label={t("web.advanced.save.private")} data-testid="save-search-private" />
              <Radio value="shared" label={t("web.advanced.save.shared")} data-testid="save-search-shared" />
            </RadioGroup>
          </Field>
          {shared && (
            <Field label={t("web.advanced.save.group")}>
              <Select
                value={draft.sharedWithGroupId}
                onChange={(_e, d) => setDraft((x) => ({ ...x, sharedWithGroupId: d.value }))}
                data-testid="save-search-group"
              >
                {groups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
              </Select>
            </Field>
          )}
        </>
      )}
      {save.isError && <Problem error={save.error} />}
    </DialogForm>
  );
}
