import { Button } from "@fluentui/react-components";
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { Me, TaskDetails, TaskPatch } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { DialogForm, DraftedDialog } from "../components/FormDialog.tsx";
import { useDraft } from "../drafts.ts";
import { useTexts } from "../i18n.tsx";
import { assigneeOf, choiceOf, useAssignees } from "./queries.ts";
import { checkTask, TaskFormFields, type TaskProblems, type TaskValues } from "./TaskFormFields.tsx";
import { TaskRefused } from "./TaskRefused.tsx";

/** The form's draft: what the person typed, and the task it started from (its ETag goes as If-Match). */
interface Draft {
  etag: string;
  basis: TaskValues;
  values: TaskValues;
}

const valuesOf = (task: TaskDetails): TaskValues => ({
  title: task.title,
  description: task.description,
  assignee: choiceOf(task.assignee),
  startDate: task.startDate ?? "",
  deadline: task.deadline ?? "",
});

/** What the person changed, compared with the task the form started from. */
function patchOf(basis: TaskValues, values: TaskValues): TaskPatch | null {
  const patch: TaskPatch = {};
  if (values.title.trim() !== basis.title) patch.title = values.title.trim();
  if (values.description.trim() !== basis.description) patch.description = values.description.trim();
  if (values.assignee !== basis.assignee) patch.assignee = assigneeOf(values.assignee);
  if (values.startDate !== basis.startDate) patch.startDate = values.startDate || null;
  if (values.deadline !== basis.deadline) patch.deadline = values.deadline || null;
  return Object.keys(patch).length ? patch : null;
}

export const editTaskDraftKey = (id: string) => `task-edit:${id}`;

interface Props {
  task: TaskDetails;
  me: Me;
  disabled?: boolean;
  onSaved(task: TaskDetails): void;
  onReload(): Promise<TaskDetails | undefined>;
}

/**
 * REDIGÉR on a task's page: the form sends If-Match naming the task as the form found it, so a change made
 * meanwhile is refused (412) and explained, never overwritten; the person fetches the task again and decides.
 */
export function EditTask({ task, me, disabled, onSaved, onReload }: Props) {
  const { t } = useTexts();
  return (
    <DraftedDialog
      draftKey={editTaskDraftKey(task.id)}
      trigger={
        <Button disabled={disabled} data-testid="task-edit">
          {t("web.task.edit")}
        </Button>
      }
    >
      {(close) => (
        <EditForm
          task={task}
          me={me}
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

function EditForm({ task, me, onSaved, onReload, onCancel }: Props & { onCancel(): void }) {
  const { t } = useTexts();
  const [draft, setDraft] = useDraft<Draft>(editTaskDraftKey(task.id), () => ({ etag: task.etag, basis: valuesOf(task), values: valuesOf(task) }));
  const [problems, setProblems] = useState<TaskProblems>({});
  const { people, groups } = useAssignees(me);
  const save = useMutation({ mutationFn: (patch: TaskPatch) => client.updateTask(task.id, patch, { ifMatch: draft.etag }), onSuccess: onSaved });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found = checkTask(draft.values);
    if (found) return setProblems(found);
    const patch = patchOf(draft.basis, draft.values);
    if (patch) save.mutate(patch);
    else onCancel();
  };
  // The task as it is now becomes the form's starting point: what the person changed stays for them to send
  // again, and every field they left alone shows the other person's change (so saving does not undo it).
  const reload = async () => {
    const fresh = await onReload();
    if (fresh) {
      const now = valuesOf(fresh);
      setDraft((d) => {
        const values = { ...d.values };
        for (const key of Object.keys(values) as Array<keyof TaskValues>) if (values[key] === d.basis[key]) values[key] = now[key];
        return { etag: fresh.etag, basis: now, values };
      });
    }
    save.reset();
  };
  const current = task.assignee ? { choice: choiceOf(task.assignee), name: task.assignee.name } : undefined;
  return (
    <DialogForm
      title={t("web.task.form.editTitle")}
      onSubmit={submit}
      submit={{ label: t("web.task.form.save"), pending: save.isPending, pendingLabel: t("web.task.form.saving"), testId: "task-save" }}
      cancel={{ label: t("web.task.form.cancel"), onClick: onCancel }}
      testId="task-edit-form"
    >
      <TaskFormFields
        values={draft.values}
        problems={problems}
        people={people}
        groups={groups}
        current={current}
        onChange={(change) => {
          setDraft((d) => ({ ...d, values: { ...d.values, ...change } }));
          setProblems({});
        }}
      />
      {save.isError && <TaskRefused error={save.error} onReload={() => void reload()} inForm />}
    </DialogForm>
  );
}
